"""Every casework action and its audit event; versioned profiles; the week-long edit window; bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from placewell.accounts.models import AuditEvent
from placewell.casework import services
from placewell.casework.models import (
    BenefitsAdvice,
    Contact,
    ContactChange,
    EndingNotice,
    Goal,
    HealthLiaison,
    ProfileVersion,
    Step,
    Transfer,
)
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from tests.casework.conftest import at, supported

NOW = dt.date(2027, 3, 10)


def last_event(p):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(participant_id=p.pk).order_by("-id").first()


def record(world, p, **kw):  # type: ignore[no-untyped-def]
    values = {
        "by": world.alice,
        "participant": p,
        "happened_at": at(NOW, 10),
        "duration_minutes": 45,
        "mode": "face_to_face",
        "place": "community",
        "purposes": ["profiling", "job_search"],
        "note": "Talked about garden centres",
    }
    values.update(kw)
    return services.record_contact(**values)


@pytest.fixture
def person(world):  # type: ignore[no-untyped-def]
    return supported(world, started=dt.date(2027, 3, 1))


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(at(NOW, 16), tick=False) as traveller:
        yield traveller


def test_record_contact_is_audited_without_the_note(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    c = record(world, person)
    assert c.with_participant and c.purposes == ["profiling", "job_search"] and c.recorded_by == world.alice
    event = last_event(person)
    assert (event.action, event.record_type, event.record_id, event.actor) == (
        "create",
        "contact",
        str(c.pk),
        world.alice,
    )
    assert "garden" not in event.summary + str(event.changes)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"happened_at": at(NOW, 17)}, "happened_at", "now or in the past"),
        ({"duration_minutes": -5}, "duration_minutes", "at least 1 minute"),
        ({"duration_minutes": 0}, "duration_minutes", "at least 1 minute"),
        ({"duration_minutes": 481}, "duration_minutes", "8 hours"),
        ({"mode": "pigeon"}, "mode", "how"),
        ({"whom": []}, "whom", "who"),
        ({"purposes": []}, "purposes", "what the contact was for"),
    ],
)
def test_bad_contacts_are_refused_and_nothing_is_saved(world, person, frozen, change, field, message) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    with pytest.raises(services.CaseworkError, match=message) as err:
        record(world, person, **change)
    assert err.value.field == field
    assert not Contact.objects.exists() and AuditEvent.objects.count() == before


def test_closed_and_erased_participants_take_no_new_casework(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    ps.close(by=world.alice, participant=person, reason="Support finished")
    with pytest.raises(services.CaseworkError, match="closed on 10 March 2027"):
        record(world, person)
    with pytest.raises(services.CaseworkError, match="closed"):
        services.save_profile(by=world.alice, participant=person, values={"job_goals": "x"})
    with pytest.raises(services.CaseworkError, match="closed"):
        services.add_goal(by=world.alice, participant=person, text="x")
    other = supported(world, started=dt.date(2027, 3, 1))
    ps.erase(
        by=world.mandy,
        participant=other,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    with pytest.raises(services.CaseworkError, match="erased"):
        record(world, other)
    assert not Contact.objects.exists() and not Goal.objects.exists() and not ProfileVersion.objects.exists()


def test_profile_versions_keep_every_change(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    first = services.save_profile(
        by=world.alice,
        participant=person,
        values={"job_goals": "Gardening", "job_types": ["5", "91"], "travel_max_minutes": 30},
    )
    assert first.version == 1 and set(first.changed_fields) == {
        "job_goals",
        "job_types",
        "travel_max_minutes",
    }
    assert (last_event(person).action, last_event(person).summary) == (
        "create",
        "Started the vocational profile (engaged)",
    )
    frozen.shift(dt.timedelta(hours=1))
    second = services.save_profile(by=world.bob, participant=person, values={"job_goals": "Grounds care"})
    assert second.version == 2 and second.changed_fields == ["job_goals"]
    assert (
        second.job_types == ["5", "91"] and second.travel_max_minutes == 30
    )  # unchanged fields carried over
    event = last_event(person)
    assert (
        event.action == "update"
        and event.changes == {"fields": ["job_goals"]}
        and "Grounds" not in str(event.changes)
    )
    assert (
        services.save_profile(by=world.bob, participant=person, values={"job_goals": "Grounds care"}) is None
    )
    versions = list(person.profile_versions.order_by("version").values_list("job_goals", flat=True))
    assert versions == ["Gardening", "Grounds care"]
    assert services.current_profile(person).version == 2
    with pytest.raises(services.CaseworkError, match="480"):
        services.save_profile(by=world.bob, participant=person, values={"travel_max_minutes": 900})


def test_edit_within_the_week_then_corrections_only(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    c = record(world, person)
    frozen.shift(dt.timedelta(days=7) - dt.timedelta(seconds=1))  # 6 days 23:59:59 after recording
    services.change_contact(by=world.alice, contact=c, changes={"duration_minutes": 50})
    change = ContactChange.objects.get()
    assert (
        not change.is_correction
        and change.before["duration_minutes"] == 45
        and change.after["duration_minutes"] == 50
    )
    assert last_event(person).changes == {"fields": ["duration_minutes"], "correction": False}
    frozen.shift(dt.timedelta(seconds=2))  # just over 7 days
    with pytest.raises(services.CaseworkError, match="more than 7 days ago") as err:
        services.change_contact(by=world.alice, contact=c, changes={"duration_minutes": 55})
    assert err.value.field == "reason"
    c.refresh_from_db()
    assert c.duration_minutes == 50 and ContactChange.objects.count() == 1
    services.change_contact(
        by=world.bob, contact=c, changes={"note": "Corrected note"}, reason="Wrong person's note"
    )
    correction = ContactChange.objects.filter(is_correction=True).get()
    assert (
        correction.reason == "Wrong person's note"
        and correction.before["note"] == "Talked about garden centres"
    )
    event = last_event(person)
    assert event.summary == "Corrected a contact: note" and event.changes == {
        "fields": ["note"],
        "correction": True,
    }
    assert "Corrected note" not in str(event.changes)
    c.refresh_from_db()
    assert c.corrected_at is not None
    with pytest.raises(services.CaseworkError, match="8 hours"):
        services.change_contact(by=world.bob, contact=c, changes={"duration_minutes": 600}, reason="typo")


def test_action_plan_goals_and_steps(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    goal = services.add_goal(by=world.alice, participant=person, text="A job in a garden centre")
    assert last_event(person).record_type == "goal"
    step = services.add_step(
        by=world.alice,
        goal=goal,
        text="Visit two garden centres",
        owner="together",
        due_on=dt.date(2027, 3, 20),
    )
    assert last_event(person).record_type == "plan_step"
    with pytest.raises(services.CaseworkError, match="who else"):
        services.add_step(by=world.alice, goal=goal, text="x", owner="other")
    services.complete_step(by=world.alice, step=step)
    assert Step.objects.get().done_on == NOW
    with pytest.raises(services.CaseworkError, match="already done"):
        services.complete_step(by=world.alice, step=step)
    services.set_goal_status(by=world.alice, goal=goal, status="achieved")
    assert last_event(person).changes == {"status": ["open", "achieved"]}


def test_health_liaison_and_benefits(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    services.record_health_liaison(
        by=world.alice,
        participant=person,
        kind="case_discussion",
        happened_on=NOW,
        with_whom="Dr Patel, GP",
        agreed="Phased return",
    )
    assert last_event(person).record_type == "health_liaison"
    with pytest.raises(services.CaseworkError, match="today or in the past"):
        services.record_health_liaison(
            by=world.alice,
            participant=person,
            kind="referral",
            happened_on=NOW + dt.timedelta(days=1),
            with_whom="x",
        )
    advice = services.record_benefits_advice(
        by=world.alice,
        participant=person,
        given_on=NOW,
        topics=["universal_credit"],
        better_off_done=True,
        better_off_weekly=Decimal("42.50"),
    )
    assert advice.better_off_text == "Done: £42.50 a week better off in work"
    assert last_event(person).summary == "Recorded benefits advice with a better-off calculation"
    with pytest.raises(services.CaseworkError, match="Tick that a better-off"):
        services.record_benefits_advice(
            by=world.alice, participant=person, given_on=NOW, topics=["pip"], better_off_weekly=Decimal(1)
        )
    assert HealthLiaison.objects.count() == 1 and BenefitsAdvice.objects.count() == 1


def test_ending_notice_only_after_closure(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.CaseworkError, match="Close the record"):
        services.record_ending_notice(by=world.alice, participant=person, told_on=NOW, how="letter")
    ps.close(by=world.alice, participant=person, reason="Found work and support finished")
    services.record_ending_notice(by=world.alice, participant=person, told_on=NOW, how="letter")
    assert last_event(person).record_type == "ending_notice"
    with pytest.raises(services.CaseworkError, match="already recorded"):
        services.record_ending_notice(by=world.alice, participant=person, told_on=NOW, how="letter")


def test_erasure_removes_casework_and_keeps_a_clean_audit(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    c = record(world, person)
    services.change_contact(by=world.alice, contact=c, changes={"duration_minutes": 40})
    services.save_profile(by=world.alice, participant=person, values={"health_at_work": "Needs breaks"})
    goal = services.add_goal(by=world.alice, participant=person, text="Gardening")
    services.add_step(by=world.alice, goal=goal, text="CV", owner="participant")
    services.record_health_liaison(
        by=world.alice, participant=person, kind="referral", happened_on=NOW, with_whom="Talking therapies"
    )
    services.record_benefits_advice(by=world.alice, participant=person, given_on=NOW, topics=["pip"])
    services.transfer(
        by=world.tess, participants=[person], to_specialist=world.bob, reason="Alice's caseload is full"
    )
    counts = services.erase_participant_casework(person, by=world.mandy)
    assert counts["contacts"] >= 1 and counts["profile_versions"] == 1
    for model in (
        Contact,
        ContactChange,
        ProfileVersion,
        Goal,
        Step,
        HealthLiaison,
        BenefitsAdvice,
        EndingNotice,
    ):
        assert not model.objects.filter().exists(), model
    assert Transfer.objects.get().reason == ""
    assert last_event(person).action == "erase"


def test_actions_are_atomic(world, person, frozen, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        record(world, person)
    with pytest.raises(RuntimeError):
        services.save_profile(by=world.alice, participant=person, values={"job_goals": "x"})
    assert not Contact.objects.exists() and not ProfileVersion.objects.exists()
