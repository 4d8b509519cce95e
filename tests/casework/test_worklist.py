"""Home pages as worklists: alerts grouped by kind, snoozing with a reason, the team's alerts by
specialist, the service manager's queue and team picture, and their query-count contracts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placewell.accounts.models import AuditEvent
from placewell.casework import alerts, services, services_notes, worklist
from placewell.casework.models import AlertSnooze
from placewell.participants import services as ps
from tests.casework.conftest import at, supported

pytestmark = pytest.mark.django_db

START = dt.date(2027, 3, 1)
TODAY = dt.date(2027, 4, 15)  # 45 days after support started: no contact, no employer contact


def _home(client_as, persona: str, day: dt.date = TODAY) -> str:  # type: ignore[no-untyped-def]
    """The home page on ``day``, signed in that day (sessions expire after a spell of idleness)."""
    with time_machine.travel(at(day, 12), tick=False):
        response = client_as(persona).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_alerts_grouped_by_kind_with_the_rule_once(world, client_as) -> None:  # type: ignore[no-untyped-def]
    people = [supported(world, started=START, given_name=f"Person{i}", family_name="Alpha") for i in range(7)]
    body = _home(client_as, "alice")
    # Seven people, each with two alerts (no contact for 45 days; no employer contact by day 30).
    assert "14 alerts, 7 to act on now" in body
    assert body.count(alerts.RULES["outreach"]) == 1
    assert body.count(alerts.RULES["rapid_job_search"]) == 1
    assert body.index(worklist.HEADINGS["outreach"]) < body.index(worklist.HEADINGS["rapid_job_search"])
    # Three shown per group, the rest behind "Show 4 more".
    assert body.count("Show 4 more") == 2
    # Each person's alert links to the action that clears it.
    assert f"/casework/participants/{people[0].pk}/contacts/#quick-contact" in body
    assert f"/employers/participants/{people[0].pk}/matches/" in body


def test_alert_disappears_when_the_action_is_taken(world, client_as) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START, given_name="Quinn", family_name="Contacted")
    assert "Quinn Contacted" in _home(client_as, "alice")
    with time_machine.travel(at(TODAY, 11), tick=False):
        services.record_contact(
            by=world.alice,
            participant=p,
            happened_at=at(TODAY, 10),
            duration_minutes=30,
            mode="phone",
            place="remote",
            purposes=["job_search"],
        )
    body = _home(client_as, "alice")
    assert worklist.HEADINGS["outreach"] not in body
    assert worklist.HEADINGS["rapid_job_search"] in body  # that one needs an employer contact


def test_snooze_needs_a_reason_and_hides_the_alert_until_it_ends(world, client_as) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START, given_name="Robin", family_name="Snoozed")
    url = f"/casework/participants/{p.pk}/alerts/outreach/snooze/"
    with time_machine.travel(at(TODAY, 12), tick=False):
        client = client_as("alice")
        refused = client.post(url, {"days": "7", "reason": "  "})
        assert refused.status_code == 400
        assert "Enter why you are snoozing this alert" in refused.content.decode()
        assert not AlertSnooze.objects.exists()
        done = client.post(url, {"days": "7", "reason": "In hospital; ward will ring me"})
        assert done.status_code == 302
    snooze = AlertSnooze.objects.get()
    assert (snooze.rule, snooze.until, snooze.reason) == (
        "outreach",
        TODAY + dt.timedelta(days=7),
        "In hospital; ward will ring me",
    )
    event = AuditEvent.objects.get(record_type="alert_snooze")
    assert "hospital" not in event.summary.lower() and "hospital" not in str(event.changes).lower()
    assert "Robin" not in event.summary
    body = _home(client_as, "alice")
    assert worklist.HEADINGS["outreach"] not in body and "1 snoozed" in body
    back = _home(client_as, "alice", TODAY + dt.timedelta(days=7))
    assert worklist.HEADINGS["outreach"] in back


def test_snooze_service_refuses_unknown_rules_and_lengths(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    with pytest.raises(services_notes.CaseworkError, match="not one of the alerts"):
        services_notes.snooze_alert(by=world.alice, participant=p, rule="made_up", days=7, reason="x")
    with pytest.raises(services_notes.CaseworkError, match="how long"):
        services_notes.snooze_alert(by=world.alice, participant=p, rule="outreach", days=100, reason="x")
    assert not AlertSnooze.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alice", 200),
        ("bob", 200),
        ("charlie", 404),
        ("tess", 200),
        ("mandy", 200),
        ("evan", 403),
        ("ada", 403),
    ],
)
def test_snooze_page_permissions(world, client_as, persona, status) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    with time_machine.travel(at(TODAY, 12), tick=False):
        response = client_as(persona).get(f"/casework/participants/{p.pk}/alerts/outreach/snooze/")
    assert response.status_code == status


def test_team_leader_sees_the_teams_alerts_by_specialist(world, client_as) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        supported(world, started=START, specialist=world.bob, given_name=f"Bobs{i}")
    supported(world, started=START, specialist=world.alice, given_name="Alices")
    supported(world, started=START, specialist=world.charlie, given_name="Souths")
    body = _home(client_as, "tess")
    assert "Your team's alerts" in body and "No alerts" not in body
    assert "8 alerts across the team" in body  # bob's 3 and alice's 1, two alerts each; not charlie's
    assert body.index("Bob Persona") < body.index("Alice Persona")  # most urgent first
    assert "Souths" not in body


def test_service_manager_sees_the_queue_and_the_team_picture(world, client_as) -> None:  # type: ignore[no-untyped-def]
    supported(world, started=START)
    with time_machine.travel(at(dt.date(2027, 4, 12)), tick=False):
        ps.self_refer(service=world.service, given_name="Sky", family_name="Waiting")
    body = _home(client_as, "mandy")
    assert "Referrals waiting for a specialist" in body and "Sky Waiting" in body
    # Referred on Monday 12 April 2027; 5 working days later is Monday 19 April; on Thursday 15th, 2 are left.
    assert "3 working days ago" in body and "Due in 2 working days" in body
    assert "Teams" in body and "North" in body and "South" in body


def _count(client_as, persona: str) -> int:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(TODAY, 12), tick=False):
        client = client_as(persona)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["alice", "tess", "mandy"])
def test_home_query_count_is_constant_as_the_data_grows(world, client_as, persona) -> None:  # type: ignore[no-untyped-def]
    supported(world, started=START)
    with time_machine.travel(at(TODAY - dt.timedelta(days=1), 12), tick=False):
        ps.self_refer(service=world.service, given_name="First", family_name="Waiting")
    small = _count(client_as, persona)
    for i in range(4):
        p = supported(world, started=START, specialist=world.bob if i % 2 else world.alice)
        services.add_goal(by=world.alice, participant=p, text="Goal")
        with time_machine.travel(at(TODAY - dt.timedelta(days=1), 12), tick=False):
            services_notes.snooze_alert(by=world.alice, participant=p, rule="outreach", days=3, reason="Away")
            ps.self_refer(service=world.service, given_name=f"Sky{i}", family_name="Waiting")
    assert _count(client_as, persona) == small
