"""The referral queue: working-day ages against the promised response, who sees it, and allocation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from placewell.accounts.models import AuditEvent
from placewell.participants import queue, services, services_queue
from placewell.participants.models import Participant
from tests.casework.conftest import at
from tests.conftest import refer

pytestmark = pytest.mark.django_db

# Bank holidays in England and Wales from GOV.UK's "UK bank holidays" page: Christmas Day 2026 is a Friday,
# so Boxing Day (a Saturday) is observed on Monday 28 December 2026; New Year's Day 2027 is a Friday.


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert queue.is_working_day(dt.date(2026, 12, 24))
    assert not queue.is_working_day(dt.date(2026, 12, 25))
    assert not queue.is_working_day(dt.date(2026, 12, 28))
    assert not queue.is_working_day(dt.date(2027, 1, 1))
    # Thursday 24 December 2026 + 5 working days: 29, 30, 31 December, 4 and 5 January.
    assert queue.add_working_days(dt.date(2026, 12, 24), 5) == dt.date(2027, 1, 5)
    assert queue.working_days_between(dt.date(2026, 12, 24), dt.date(2027, 1, 5)) == 5
    # An ordinary week: Monday referral, due the next Monday.
    assert queue.add_working_days(dt.date(2026, 11, 2), 5) == dt.date(2026, 11, 9)
    assert queue.working_days_between(dt.date(2026, 11, 9), dt.date(2026, 11, 2)) == 0


def _self_referral(world, name: str = "Sky", day: dt.date = dt.date(2026, 11, 2)) -> Participant:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(day), tick=False):
        return services.self_refer(service=world.service, given_name=name, family_name="Waiting")


def test_queue_oldest_first_with_standing(world) -> None:  # type: ignore[no-untyped-def]
    newer = _self_referral(world, "Newer", dt.date(2026, 11, 6))
    _self_referral(world, "Older", dt.date(2026, 11, 2))
    refer(world, specialist=None, team=world.north, given_name="Staff", nhs_number="")
    mine = refer(world, given_name="Allocated", nhs_number="")  # alice has them: not in the queue
    found = queue.queue_for(Q(service=world.service), today=dt.date(2026, 11, 9))
    names = [w.participant.given_name for w in found.rows]
    assert names == ["Older", "Staff", "Newer"]
    assert mine.pk not in [w.participant.pk for w in found.rows]
    first = found.rows[0]
    assert (first.age, first.due_on, first.left, first.standing) == (5, dt.date(2026, 11, 9), 0, "Due today")
    assert first.participant.route == "self_form"
    last = found.rows[-1]  # referred Friday 6 November: 1 working day old on Monday 9th
    assert (last.age, last.left, last.due_soon) == (1, 4, False)
    with time_machine.travel(at(dt.date(2026, 11, 11)), tick=False):
        later = queue.queue_for(Q(service=world.service))
    assert later.rows[0].standing == "Overdue by 2 working days"
    assert later.overdue == 2 and later.total == 3
    assert newer.pk in [w.participant.pk for w in later.rows]


def test_promise_is_configurable_per_service(world) -> None:  # type: ignore[no-untyped-def]
    world.service.response_working_days = 2
    world.service.save()
    _self_referral(world)
    found = queue.queue_for(Q(service=world.service), today=dt.date(2026, 11, 3))
    assert found.rows[0].due_on == dt.date(2026, 11, 4)
    assert found.rows[0].due_soon and found.due_soon == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alice", 403),
        ("bob", 403),
        ("charlie", 403),
        ("tess", 200),
        ("mandy", 200),
        ("evan", 403),
        ("ada", 403),
    ],
)
def test_queue_page_permissions(world, client_as, persona, status) -> None:  # type: ignore[no-untyped-def]
    _self_referral(world, "Sky")
    response = client_as(persona).get("/participants/queue/")
    assert response.status_code == status
    if status == 200:
        assert "Sky Waiting" in response.content.decode()


def test_team_leader_sees_own_team_and_unteamed_but_not_other_teams(world, client_as) -> None:  # type: ignore[no-untyped-def]
    _self_referral(world, "Sky")
    refer(world, specialist=None, team=world.south, given_name="Southern", nhs_number="")
    refer(world, specialist=None, team=world.north, given_name="Northern", nhs_number="")
    tess = client_as("tess").get("/participants/queue/").content.decode()
    assert "Sky Waiting" in tess and "Northern Example" in tess and "Southern Example" not in tess
    mandy = client_as("mandy").get("/participants/queue/").content.decode()
    assert "Southern Example" in mandy


def test_allocation_is_one_action_audited_and_reaches_the_specialist(world, client_as) -> None:  # type: ignore[no-untyped-def]
    p = _self_referral(world)
    client = client_as("tess")
    response = client.post("/participants/queue/", {"participant": p.pk, "specialist": world.alice.pk})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.specialist_id, p.team_id) == (world.alice.pk, world.north.pk)
    event = AuditEvent.objects.filter(participant_id=p.pk, summary__startswith="Allocated").get()
    assert "Sky" not in event.summary and "Waiting" not in event.summary
    assert event.changes == {"specialist": [None, world.alice.pk], "team": [None, world.north.pk]}
    # Alice's search now finds the person, and her home page lists them.
    assert "Sky Waiting" in client_as("alice").get("/participants/?q=sky").content.decode()
    assert "Sky Waiting" in client_as("alice").get("/").content.decode()


def test_allocation_to_another_teams_specialist_is_refused(world, client_as) -> None:  # type: ignore[no-untyped-def]
    p = _self_referral(world)
    response = client_as("tess").post(
        "/participants/queue/", {"participant": p.pk, "specialist": world.charlie.pk}
    )
    assert response.status_code == 400
    assert "Charlie Persona works in South team, not yours" in response.content.decode()
    p.refresh_from_db()
    assert p.specialist_id is None and p.team_id is None
    assert not AuditEvent.objects.filter(participant_id=p.pk, summary__startswith="Allocated").exists()


def test_missing_choice_is_refused_with_a_message(world, client_as) -> None:  # type: ignore[no-untyped-def]
    p = _self_referral(world)
    response = client_as("mandy").post("/participants/queue/", {"participant": p.pk, "specialist": ""})
    assert response.status_code == 400
    assert "Choose the specialist to allocate Sky Waiting to" in response.content.decode()


def test_stale_form_submitted_twice_allocates_once(world, client_as) -> None:  # type: ignore[no-untyped-def]
    p = _self_referral(world)
    client = client_as("mandy")
    assert (
        client.post("/participants/queue/", {"participant": p.pk, "specialist": world.alice.pk}).status_code
        == 302
    )
    again = client.post("/participants/queue/", {"participant": p.pk, "specialist": world.bob.pk})
    assert again.status_code == 400
    assert (
        "Sky Waiting has already been allocated to Alice Persona. Nothing was changed."
        in again.content.decode()
    )
    p.refresh_from_db()
    assert p.specialist_id == world.alice.pk
    assert AuditEvent.objects.filter(participant_id=p.pk, summary__startswith="Allocated").count() == 1


def test_service_refuses_a_specialist_of_another_service(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts import services as acc
    from placewell.accounts.models import Role

    other = acc.create_service(by=None, provider=world.provider, name="Other")
    team = acc.create_team(by=None, service=other, name="Far")
    stranger = acc.create_staff(
        by=None,
        username="sam",
        password="x-long-password-123",
        first_name="Sam",
        last_name="Far",
        email="sam@example.org",
        role=Role.SPECIALIST,
        team=team,
    )
    p = _self_referral(world)
    with pytest.raises(services_queue.AllocationError, match="does not work for Test IPS"):
        services_queue.allocate(by=world.mandy, participant=p, specialist=stranger)


def _queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/participants/queue/").status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count_is_constant_as_referrals_grow(world, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("tess")
    _self_referral(world, "One")
    few = _queries(client)
    for i in range(12):
        _self_referral(world, f"Many{i}")
        refer(world, specialist=None, team=world.north, given_name=f"Staff{i}", nhs_number="")
    assert _queries(client) == few


def test_public_form_states_the_services_promise(world, client) -> None:  # type: ignore[no-untyped-def]
    world.service.response_working_days = 3
    world.service.save()
    body = client.get("/refer/").content.decode()
    assert "will contact you within 3 working days" in body


def test_administrator_sets_the_promise_on_the_service_settings_form(world, client_as) -> None:  # type: ignore[no-untyped-def]
    from django.forms.models import model_to_dict

    from placewell.accounts.forms import ServiceForm

    client = client_as("ada")
    page = client.get(f"/accounts/services/{world.service.pk}/").content.decode()
    assert "Promised response time (working days)" in page
    data = {
        k: v for k, v in model_to_dict(world.service, fields=ServiceForm.Meta.fields).items() if v is not None
    }
    data["accepts_self_referrals"] = "on"
    refused = client.post(f"/accounts/services/{world.service.pk}/", {**data, "response_working_days": "0"})
    assert refused.status_code == 200
    world.service.refresh_from_db()
    assert world.service.response_working_days == 5
    saved = client.post(f"/accounts/services/{world.service.pk}/", {**data, "response_working_days": "10"})
    assert saved.status_code == 302
    world.service.refresh_from_db()
    assert world.service.response_working_days == 10


def test_queue_shows_the_oldest_and_says_how_many_wait(world, client_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(queue, "QUEUE_LIMIT", 3)
    for i in range(5):
        _self_referral(world, f"Person{i}", dt.date(2026, 11, 2 + i))
    body = client_as("mandy").get("/participants/queue/").content.decode()
    assert "Showing the 3 oldest of 5." in body
    assert "Person2 Waiting" in body and "Person3 Waiting" not in body
