"""The "My support" pages: the same answers for known and unknown people, a participant session that opens
only the person's own page (never a staff session), the page's facts, the requests on the specialist's
worklist, every view audited, and nothing about a trial's arms for a person in its comparison group."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from placewell.accounts.models import AuditEvent
from placewell.appointments import services as appointments
from placewell.casework import services as casework
from placewell.casework import worklist
from placewell.casework.alerts import alerts_for
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from placewell.participants.models import Participant
from placewell.portal import services
from placewell.portal.models import CallBackRequest
from tests.casework.conftest import supported
from tests.portal.conftest import as_participant, code_in, without_csrf

TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def rowan(world):  # type: ignore[no-untyped-def]
    return supported(world, started=dt.date(2026, 11, 2), email="rowan@example.org", given_name="Rowan")


def _ask_code(client, address: str) -> str:  # type: ignore[no-untyped-def]
    response = client.post("/my-support/sign-in/", {"address": address}, follow=True)
    assert response.status_code == 200
    return without_csrf(response.content.decode())


def test_known_and_unknown_people_get_the_same_pages(world, rowan, client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    withdrawn = supported(world, email="gone@example.org")
    ps.withdraw(by=world.alice, participant=withdrawn, scope=ps.WithdrawalScope.SERVICE)
    erased = supported(world, email="erased@example.org")
    ps.close(by=world.alice, participant=erased, reason="Finished")
    ps.erase(
        by=world.mandy,
        participant=Participant.objects.get(pk=erased.pk),
        reason=ErasureReason(dt.date(2026, 11, 20), "role:data_protection_officer"),
    )
    pages = {}
    wrong = {}
    for who, address in [
        ("known", "rowan@example.org"),
        ("unknown", "nobody@example.org"),
        ("withdrawn", "gone@example.org"),
        ("erased", "erased@example.org"),
    ]:
        client.cookies.clear()
        pages[who] = _ask_code(client, address)
        bad = client.post("/my-support/sign-in/code/", {"code": "000000"})
        wrong[who] = without_csrf(bad.content.decode())
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["rowan@example.org"]
    assert "If these details match our records we have sent you a code." in pages["known"]
    assert pages["unknown"] == pages["known"] == pages["withdrawn"] == pages["erased"]
    if code_in(mailoutbox[0].body) != "000000":
        assert "That code did not work." in wrong["known"]
        assert wrong["unknown"] == wrong["known"] == wrong["withdrawn"] == wrong["erased"]


def test_code_signs_in_and_sign_out_ends_the_session(rowan, client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    _ask_code(client, "rowan@example.org")
    response = client.post("/my-support/sign-in/code/", {"code": code_in(mailoutbox[0].body)})
    assert response.status_code == 302 and response.url == "/my-support/"
    page = client.get("/my-support/")
    assert page.status_code == 200 and "Your support continues." in page.content.decode()
    assert "Sign out" in page.content.decode()
    client.post("/my-support/sign-out/")
    assert client.get("/my-support/").url == "/my-support/sign-in/"


def test_five_wrong_codes_show_the_wait_page(rowan, client) -> None:  # type: ignore[no-untyped-def]
    _ask_code(client, "rowan@example.org")
    for _ in range(services.MAX_WRONG_CODES):
        last = client.post("/my-support/sign-in/code/", {"code": "999999x"})
    body = last.content.decode()
    assert "Please wait, then try again" in body and "wait 15 minutes" in body


def test_a_staff_session_does_not_open_a_participant_page(client_as, rowan) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    assert client.get("/my-support/").url == "/my-support/sign-in/"
    assert client.get("/my-support/call-me-back/").url == "/my-support/sign-in/"


def test_signing_in_as_a_participant_ends_a_staff_session(world, rowan, client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice)
    _ask_code(client, "rowan@example.org")
    client.post("/my-support/sign-in/code/", {"code": code_in(mailoutbox[0].body)})
    assert client.get("/participants/").status_code == 302  # the staff sign-in is gone


def test_one_participant_cannot_see_anothers_meeting(world, rowan, client) -> None:  # type: ignore[no-untyped-def]
    other = supported(world, email="other@example.org")
    start = timezone.localtime() + dt.timedelta(days=3)
    meeting = appointments.book(
        by=world.alice,
        participant=other,
        specialist=world.alice,
        starts_at=start.replace(hour=10, minute=0, second=0, microsecond=0),
        duration_minutes=60,
        place_kind="phone",
    )
    as_participant(client, rowan)
    assert client.get(f"/my-support/meetings/{meeting.pk}/rearrange/").status_code == 404
    assert (
        client.post(f"/my-support/meetings/{meeting.pk}/rearrange/", {"best_time": "any"}).status_code == 404
    )
    assert not CallBackRequest.objects.exists()
    as_participant(client, other)
    assert client.get(f"/my-support/meetings/{meeting.pk}/rearrange/").status_code == 200


def test_idle_for_thirty_minutes_signs_out(rowan, client) -> None:  # type: ignore[no-untyped-def]
    as_participant(client, rowan)
    assert client.get("/my-support/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert client.get("/my-support/").url == "/my-support/sign-in/"


def test_the_page_shows_plan_meetings_and_contacts(world, rowan, client) -> None:  # type: ignore[no-untyped-def]
    world.service.public_phone = "0300 000 1111"
    world.service.opening_hours = "Monday to Friday, 9am to 5pm"
    world.service.save()
    goal = casework.add_goal(by=world.alice, participant=rowan, text="Work in a garden centre")
    casework.add_step(
        by=world.alice, goal=goal, text="Write a CV", owner="participant", due_on=dt.date(2026, 11, 3)
    )
    start = (timezone.localtime() + dt.timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    appointments.book(
        by=world.alice,
        participant=rowan,
        specialist=world.alice,
        starts_at=start,
        duration_minutes=60,
        place_kind="phone",
    )
    as_participant(client, rowan)
    with time_machine.travel(dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC)):
        body = client.get("/my-support/").content.decode()
    assert "Write a CV" in body and "This was due on 3 November." in body
    assert "By phone. We will call you." in body and "Ask to rearrange" in body
    assert "Alice Persona" in body and "0300 000 1111" in body and "Monday to Friday, 9am to 5pm" in body
    # Test IPS has a 9-month pre-employment limit (tests/conftest.py); support started on 2 November 2026.
    assert "Your support continues." in body and "2 August 2027" in body


def test_the_page_after_support_ended(world, rowan, client) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)):
        ps.close(by=world.alice, participant=rowan, reason="Support finished")
    rowan.refresh_from_db()
    body = as_participant(client, rowan).get("/my-support/").content.decode()
    assert "Your support ended on 30 November 2026." in body and "What you can do now" in body


def test_call_back_lands_on_the_worklist_until_marked_done(world, rowan, client, client_as) -> None:  # type: ignore[no-untyped-def]
    as_participant(client, rowan)
    response = client.post("/my-support/call-me-back/", {"best_time": "morning", "note": "x" * 501})
    assert "500 characters or fewer" in response.content.decode()
    client.post("/my-support/call-me-back/", {"best_time": "morning", "note": "After 10 please"})
    item = CallBackRequest.objects.get()
    rowan = Participant.objects.select_related("service").get(pk=rowan.pk)
    found = [a for a in alerts_for([rowan]) if a.rule == "portal_request"]
    assert len(found) == 1 and "called back in the morning" in found[0].title
    assert worklist.action_for(found[0])[1] == f"/participants/{rowan.pk}/#my-support-requests"
    staff = client_as("charlie")  # another team: refused
    assert staff.post(f"/my-support/staff/requests/{item.pk}/done/").status_code == 404
    staff = client_as("alice")
    page = staff.get(f"/participants/{rowan.pk}/").content.decode()
    assert "After 10 please" in page and "Mark as done" in page
    staff.post(f"/my-support/staff/requests/{item.pk}/done/")
    assert not [a for a in alerts_for([rowan]) if a.rule == "portal_request"]


def test_staff_send_a_link_from_the_record(world, rowan, client_as, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    staff = client_as("alice")
    assert "Send a link to their own page" in staff.get(f"/participants/{rowan.pk}/").content.decode()
    staff.post(f"/my-support/staff/participants/{rowan.pk}/send-link/")
    assert len(mailoutbox) == 1 and "/my-support/link/" in mailoutbox[0].body
    assert (
        client_as("charlie").post(f"/my-support/staff/participants/{rowan.pk}/send-link/").status_code == 404
    )
    assert len(mailoutbox) == 1


def test_every_page_view_is_audited_without_personal_data(rowan, client) -> None:  # type: ignore[no-untyped-def]
    as_participant(client, rowan)
    for url in ("/my-support/", "/my-support/call-me-back/"):
        before = AuditEvent.objects.filter(action="view", participant_id=rowan.pk).count()
        client.get(url)
        events = AuditEvent.objects.filter(action="view", participant_id=rowan.pk)
        assert events.count() == before + 1
    for e in AuditEvent.objects.filter(record_type="portal"):
        assert "Rowan" not in f"{e.summary} {e.changes} {e.actor_label}"


def test_a_person_in_a_comparison_group_sees_nothing_about_arms(world, client) -> None:  # type: ignore[no-untyped-def]
    from placewell.trials import services as trials
    from placewell.trials.models import Allocation
    from tests.trials.helpers import ON, agreed, make_trial, without_survey_baseline_step

    trial = make_trial(world)
    with without_survey_baseline_step():
        people = [agreed(world, given_name=f"Person{i}", email=f"p{i}@example.org") for i in range(8)]
        for p in people:
            trials.randomise(by=world.alice, trial=trial, participant=p, on=ON)
    control = next(
        a for a in Allocation.objects.select_related("arm", "participant") if not a.arm.is_treatment
    )
    p = control.participant
    as_participant(client, p)
    bodies = {url: client.get(url).content.decode() for url in ("/my-support/", "/my-support/call-me-back/")}
    assert control.arm.leaflet in bodies["/my-support/"]  # "Citizens Advice; Jobcentre Plus; ..."
    client.post("/my-support/sign-out/")
    for url in ("/my-support/sign-in/",):
        bodies[url] = client.get(url).content.decode()
    forbidden = {"control", "treatment", "randomis", " arm ", "arms", trial.name.lower()}
    for arm in trial.arms.all():
        forbidden |= {
            arm.name.lower(),
            arm.code.lower(),
            arm.participant_label.lower(),
            arm.next_steps.lower(),
        }
    for url, body in bodies.items():
        for word in forbidden:
            assert word not in body.lower(), (url, word)


def test_a_call_back_after_support_ended_shows_on_the_specialists_home(
    world, rowan, client, client_as
) -> None:  # type: ignore[no-untyped-def]
    ps.close(by=world.alice, participant=rowan, reason="Support finished")
    rowan.refresh_from_db()
    as_participant(client, rowan).post("/my-support/call-me-back/", {"best_time": "afternoon"})
    home = client_as("alice").get("/").content.decode()
    assert "Asked to be called back: support ended or not started" in home
    assert "to be called back in the afternoon" in home
    assert "support ended or not started" not in client_as("bob").get("/").content.decode()


def test_the_pages_follow_a_person_who_chose_welsh(rowan, client) -> None:  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "cy"
    assert "Gweld eich cymorth" in client.get("/my-support/sign-in/").content.decode()
    body = as_participant(client, rowan).get("/my-support/").content.decode()
    assert "Fy nghymorth" in body and "Mae eich cymorth yn parhau." in body
