"""Casework pages: the personas' access (refused everywhere outside scope), forms that re-display with
errors and save nothing, htmx partials, and query counts that do not grow with the caseload."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placewell.accounts.models import AuditEvent
from placewell.casework import services
from placewell.casework.models import Contact, Goal, ProfileVersion, Step, Transfer
from placewell.participants import services as ps
from tests.casework.conftest import at, supported

TODAY = dt.date(2027, 3, 20)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(at(TODAY, 12), tick=False):
        yield


@pytest.fixture
def person(world):  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2027, 3, 1), given_name="Rowan", family_name="Example")
    services.record_contact(
        by=world.alice,
        participant=p,
        happened_at=at(dt.date(2027, 3, 2)),
        duration_minutes=30,
        mode="phone",
        place="remote",
        purposes=["job_search"],
        note="Private note",
    )
    services.save_profile(by=world.alice, participant=p, values={"job_goals": "Gardening"})
    goal = services.add_goal(by=world.alice, participant=p, text="A job outdoors")
    services.add_step(by=world.alice, goal=goal, text="Visit the garden centre", owner="together")
    return p


def participant_urls(p) -> list[str]:  # type: ignore[no-untyped-def]
    contact = p.contacts.first()
    goal = p.goals.first()
    base = f"/casework/participants/{p.pk}"
    return [
        f"{base}/contacts/",
        f"{base}/contacts/{contact.pk}/",
        f"{base}/profile/",
        f"{base}/profile/version/1/",
        f"{base}/profile/change/",
        f"{base}/plan/",
        f"{base}/my-plan/",
        f"{base}/plan/goals/",
        f"{base}/plan/goals/{goal.pk}/steps/",
        f"{base}/health/",
        f"{base}/health/liaison/",
        f"{base}/health/benefits/",
    ]


@pytest.mark.parametrize("name", ["alice", "bob", "tess", "mandy"])
def test_team_and_service_staff_see_every_page(client_as, person, name) -> None:  # type: ignore[no-untyped-def]
    client = client_as(name)
    for url in participant_urls(person):
        response = client.get(url)
        assert response.status_code == 200, url
    assert b"Rowan Example" in client.get(f"/casework/participants/{person.pk}/contacts/").content


@pytest.mark.parametrize(("name", "status"), [("charlie", 404), ("evan", 403), ("ada", 403)])
def test_others_are_refused_everywhere_and_never_see_a_name(client_as, person, name, status) -> None:  # type: ignore[no-untyped-def]
    client = client_as(name)
    for url in participant_urls(person):
        response = client.get(url)
        assert response.status_code == status, url
        assert b"Rowan" not in response.content
        response = client.post(url, {"text": "x", "duration_minutes": "5"})
        assert response.status_code == status, url
    for url in ["/casework/caseload/", "/casework/week/", "/casework/team/", "/casework/transfer/"]:
        response = client.get(url)
        assert b"Rowan" not in response.content, url
        assert response.status_code in {200, 302, 403, 404}
    if name != "charlie":
        assert client.get("/casework/caseload/").status_code == 403
    assert Contact.objects.count() == 1 and Goal.objects.count() == 1


def test_specialists_cannot_see_team_view_or_transfer(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    assert client.get("/casework/team/").status_code == 403
    assert client.get("/casework/transfer/").status_code == 403
    assert client.get("/casework/caseload/?specialist=999999").status_code == 404


def test_read_pages_are_audited(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("bob")
    client.get(f"/casework/participants/{person.pk}/profile/")
    event = AuditEvent.objects.filter(participant_id=person.pk).order_by("-id").first()
    assert (event.action, event.summary, event.actor_label) == (
        "view",
        "Viewed vocational profile",
        "Bob Persona",
    )
    client.get("/casework/week/?specialist=" + str(person.specialist_id))


def contact_post(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "day_0": "20",
        "day_1": "3",
        "day_2": "2027",
        "time": "10:30",
        "duration_minutes": "40",
        "mode": "face_to_face",
        "place": "community",
        "whom": ["participant"],
        "purposes": ["job_search"],
        "note": "",
    }
    data.update(overrides)
    return data


def test_quick_contact_entry_saves_and_redirects(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    url = f"/casework/participants/{person.pk}/contacts/"
    response = client.post(url, contact_post())
    assert response.status_code == 302
    assert Contact.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"time": "13:00"}, "must be now or in the past"),
        ({"duration_minutes": "-5"}, "at least 1 minute"),
        ({"duration_minutes": "600"}, "8 hours (480 minutes) or less"),
        ({"duration_minutes": "ten"}, "whole number of minutes"),
        ({"time": "25:00"}, "real time"),
        ({"purposes": []}, "Select what the contact was for"),
    ],
)
def test_bad_contact_redisplays_with_errors_and_saves_nothing(client_as, person, overrides, message) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    response = client.post(f"/casework/participants/{person.pk}/contacts/", contact_post(**overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html and "govuk-error-message" in html
    assert 'value="40"' in html or overrides.get("duration_minutes")  # answers kept
    assert Contact.objects.count() == 1


def test_htmx_entry_returns_the_section_partial(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    response = client.post(
        f"/casework/participants/{person.pk}/contacts/", contact_post(), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="contacts-section">')
    assert "Contact recorded" in html and html.count('<tr class="govuk-table__row" id="contact-') == 2


def test_closed_record_shows_no_contact_form_and_refuses_posts(client_as, person) -> None:  # type: ignore[no-untyped-def]
    ps.close(by=person.specialist, participant=person, reason="Support finished")
    client = client_as("alice")
    url = f"/casework/participants/{person.pk}/contacts/"
    assert b"Save contact" not in client.get(url).content
    response = client.post(url, contact_post())
    assert response.status_code == 200 and b"closed on 20 March 2027" in response.content
    assert Contact.objects.count() == 1
    page = client.get(f"/participants/{person.pk}/").content.decode()
    assert "Record that they were told their support has ended" in page
    response = client.post(
        f"/casework/participants/{person.pk}/ending/",
        {"told_on_0": "20", "told_on_1": "3", "told_on_2": "2027", "how": "phone"},
    )
    assert response.status_code == 302


def test_profile_edit_creates_a_version_and_history_page(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    response = client.post(
        f"/casework/participants/{person.pk}/profile/change/",
        {
            "job_goals": "Grounds care",
            "job_types": ["9", "91"],
            "travel_areas": "Leeds, LS6",
            "travel_max_minutes": "45",
        },
    )
    assert response.status_code == 302
    current = ProfileVersion.objects.get(version=2)
    assert current.travel_areas == ["Leeds", "LS6"] and current.job_types == ["9", "91"]
    page = client.get(f"/casework/participants/{person.pk}/profile/").content.decode()
    assert "Version 2" in page and "Version 1" in page and "Elementary trades and related occupations" in page
    old = client.get(f"/casework/participants/{person.pk}/profile/version/1/").content.decode()
    assert "It is not the current profile" in old
    bad = client.post(f"/casework/participants/{person.pk}/profile/change/", {"travel_max_minutes": "900"})
    assert bad.status_code == 200 and "480 minutes" in bad.content.decode()
    assert ProfileVersion.objects.count() == 2


def test_goal_and_step_through_the_pages(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    base = f"/casework/participants/{person.pk}"
    assert client.post(f"{base}/plan/goals/", {"text": ""}).status_code == 200
    assert client.post(f"{base}/plan/goals/", {"text": "Work in a library"}).status_code == 302
    goal = Goal.objects.get(text="Work in a library")
    response = client.post(
        f"{base}/plan/goals/{goal.pk}/steps/",
        {
            "text": "Ask about volunteering",
            "owner": "participant",
            "due_on_0": "1",
            "due_on_1": "4",
            "due_on_2": "2027",
        },
    )
    assert response.status_code == 302
    step = Step.objects.get(goal=goal)
    assert client.post(f"{base}/plan/steps/{step.pk}/done/").status_code == 302
    plan = client.get(f"{base}/my-plan/").content.decode()
    assert "My plan" in plan and "Work in a library" in plan and "print.css" in plan


def test_transfer_page_moves_people_with_a_reason(client_as, person, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("tess")
    page = client.get(f"/casework/transfer/?participant={person.pk}")
    assert page.status_code == 200 and b"Rowan Example" in page.content
    missing = client.post(
        "/casework/transfer/",
        {"from": world.alice.pk, "participants": [person.pk], "to_specialist": world.bob.pk, "reason": ""},
    )
    assert missing.status_code == 200 and b"Enter reason for the transfer" in missing.content
    foreign = client.post(
        "/casework/transfer/",
        {"from": world.alice.pk, "participants": [person.pk], "to_specialist": world.evan.pk, "reason": "x"},
    )
    assert b"works for another service or has left" in foreign.content
    assert not Transfer.objects.exists()
    done = client.post(
        "/casework/transfer/",
        {
            "from": world.alice.pk,
            "participants": [person.pk],
            "to_specialist": world.bob.pk,
            "reason": "Leave",
        },
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.specialist == world.bob
    assert b"Leave" in client.get(f"/participants/{person.pk}/").content


def test_team_view_shows_fte_adjusted_figures(client_as, person, world) -> None:  # type: ignore[no-untyped-def]
    html = client_as("tess").get("/casework/team/").content.decode()
    assert "Alice Persona" in html and "Bob Persona" in html and "Charlie" not in html
    mandy = client_as("mandy").get("/casework/team/").content.decode()
    assert "North" in mandy and "South" in mandy


def test_week_view_fuzzy_search_and_htmx(client_as, person, world) -> None:  # type: ignore[no-untyped-def]
    supported(world, started=dt.date(2027, 3, 1), given_name="Siobhan", family_name="Reid")
    services.record_contact(
        by=world.alice,
        participant=person,
        happened_at=at(dt.date(2027, 3, 16)),
        duration_minutes=20,
        mode="phone",
        place="remote",
        purposes=["job_search"],
    )
    client = client_as("alice")
    html = client.get("/casework/week/").content.decode()
    assert "Contacted this week (1)" in html and "Not contacted this week (1)" in html
    partial = client.get("/casework/week/?q=Rowen", HTTP_HX_REQUEST="true").content.decode()
    assert "Rowan Example" in partial and "Siobhan" not in partial and "<html" not in partial
    assert "Siobhan Reid" in client.get("/casework/week/?q=shiobhan").content.decode()


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# The contract: queries per page, including the session, user, audit and session-save queries every signed-in
# page makes. A change that adds queries (an N+1 loop) fails here; update the figure only on purpose.
# Appointments add one query to each list of alerts (missed appointments) and two to the record (its panel);
# the record's documents panel adds one and its messages panel two, each the same whatever the caseload.
# "My support" adds one to each list of alerts (call-back requests), one to the home page (requests from
# people whose support is not open) and one to the record (its panel).
EXPECTED = {"home": 23, "caseload": 16, "week": 12, "participant": 44, "team": 10}
# On PostgreSQL the audit chain's append takes a transaction-level advisory lock (accounts.audit_chain): one
# more statement for each audit event a page writes (the record writes three, the team page none).
if connection.vendor == "postgresql":
    EXPECTED = {"home": 24, "caseload": 17, "week": 13, "participant": 47, "team": 10}


def test_query_counts_do_not_grow_with_the_caseload(client_as, person, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    pages = {
        "home": "/",
        "caseload": "/casework/caseload/",
        "week": "/casework/week/",
        "participant": f"/participants/{person.pk}/",
    }
    small = {key: _count(client, url) for key, url in pages.items()}
    for i in range(4):
        p = supported(world, started=dt.date(2027, 3, 1))
        services.record_contact(
            by=world.alice,
            participant=p,
            happened_at=at(dt.date(2027, 3, 2 + i)),
            duration_minutes=20,
            mode="face_to_face",
            place="office",
            purposes=["profiling"],
        )
        services.add_goal(by=world.alice, participant=p, text="Goal")
    large = {key: _count(client, url) for key, url in pages.items()}
    assert large == small == {key: EXPECTED[key] for key in pages}
    assert _count(client_as("tess"), "/casework/team/") == EXPECTED["team"]


def test_query_count_contract(client_as, person, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    with django_assert_num_queries(EXPECTED["home"]):
        client.get("/")
    with django_assert_num_queries(EXPECTED["caseload"]):
        client.get("/casework/caseload/")
    with django_assert_num_queries(EXPECTED["participant"]):
        client.get(f"/participants/{person.pk}/")
