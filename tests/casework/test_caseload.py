"""Caseload figures against hand-computed examples, FTE-adjusted, and transfers that keep history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Q

from placewell.accounts import services as acc
from placewell.accounts.models import AuditEvent, Role
from placewell.casework import caseload, services
from placewell.casework.models import Contact, Transfer
from placewell.participants import services as ps
from placewell.participants.models import Status
from tests.casework.conftest import at, supported
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(at(dt.date(2027, 4, 1), 12), tick=False):
        yield


def test_figures_hand_computed(world) -> None:  # type: ignore[no-untyped-def]
    # alice: 1.0 FTE, 5 open of whom 2 in work, plus 1 closed (not counted) -> target 20, 25%, 40% in work.
    # bob: 0.5 FTE, 6 open, 0 in work -> target 10, 60%, 12 per FTE.
    # Team: 11 open over 1.5 FTE -> target 30, 7.3 per FTE, 2 in work = 18%.
    world.bob.fte = Decimal("0.50")
    world.bob.save()
    for i in range(5):
        supported(world, in_work_on=dt.date(2027, 3, 5) if i < 2 else None)
    closed = supported(world)
    ps.close(by=world.alice, participant=closed, reason="Support finished")
    for _ in range(6):
        supported(world, specialist=world.bob)
    counts = caseload.open_counts(Q(team=world.north))
    alice, bob = caseload.figures_for([world.alice, world.bob], counts)
    assert (alice.open, alice.in_work, alice.target, alice.percent_of_target, alice.in_work_percent) == (
        5,
        2,
        Decimal("20.0"),
        25,
        40,
    )
    assert (bob.open, bob.target, bob.per_fte, bob.percent_of_target, bob.over_target) == (
        6,
        Decimal("10.0"),
        Decimal("12.0"),
        60,
        False,
    )
    team = caseload.team_total([alice, bob])
    assert (team.open, team.fte, team.target, team.per_fte, team.in_work_percent) == (
        11,
        Decimal("1.50"),
        Decimal("30.0"),
        Decimal("7.3"),
        18,
    )


def test_over_target_for_a_part_time_specialist(world) -> None:  # type: ignore[no-untyped-def]
    world.service.caseload_target = 4
    world.service.save()
    world.bob.fte = Decimal("0.50")
    world.bob.save()
    for _ in range(3):
        supported(world, specialist=world.bob)
    (bob,) = caseload.figures_for([world.bob], caseload.open_counts(Q(team=world.north)))
    assert bob.target == Decimal("2.0")
    assert bob.over_target and bob.percent_of_target == 150 and bob.per_fte == Decimal("6.0")


def test_transfer_of_many_keeps_history_and_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    people = [supported(world) for _ in range(3)]
    services.record_contact(
        by=world.alice,
        participant=people[0],
        happened_at=at(dt.date(2027, 3, 2)),
        duration_minutes=30,
        mode="face_to_face",
        place="community",
        purposes=["profiling"],
    )
    done = services.transfer(
        by=world.tess, participants=people[:2], to_specialist=world.bob, reason="Alice on leave"
    )
    assert len(done) == 2
    for p in people[:2]:
        p.refresh_from_db()
        assert p.specialist == world.bob
        t = Transfer.objects.get(participant=p)
        assert (t.from_specialist, t.to_specialist, t.reason, t.transferred_by) == (
            world.alice,
            world.bob,
            "Alice on leave",
            world.tess,
        )
        assert AuditEvent.objects.filter(participant_id=p.pk, record_type="transfer").exists()
        assert AuditEvent.objects.filter(
            participant_id=p.pk, record_type="participant", summary__startswith="Assigned"
        ).exists()
    assert Contact.objects.filter(participant=people[0]).count() == 1  # history stays with the person
    people[2].refresh_from_db()
    assert people[2].specialist == world.alice
    # A second transfer adds to the history rather than replacing it.
    services.transfer(
        by=world.tess, participants=[people[0]], to_specialist=world.alice, reason="Back from leave"
    )
    assert Transfer.objects.filter(participant=people[0]).count() == 2


def test_transfer_refusals_save_nothing(world) -> None:  # type: ignore[no-untyped-def]
    other_provider = acc.create_organisation(by=None, name="Other Provider", kind="provider")
    other_service = acc.create_service(by=None, provider=other_provider, name="Other IPS")
    other_team = acc.create_team(by=None, service=other_service, name="East")
    stranger = acc.create_staff(
        by=None,
        username="olga",
        password=PASSWORD,
        first_name="Olga",
        last_name="Other",
        email="o@example.org",
        role=Role.SPECIALIST,
        team=other_team,
    )
    a, b = supported(world), supported(world)
    with pytest.raises(services.CaseworkError, match="another service"):
        services.transfer(by=world.mandy, participants=[a, b], to_specialist=stranger, reason="Moving")
    with pytest.raises(services.CaseworkError, match="reason"):
        services.transfer(by=world.tess, participants=[a], to_specialist=world.bob, reason="  ")
    with pytest.raises(services.CaseworkError, match="already supported"):
        services.transfer(by=world.tess, participants=[a], to_specialist=world.alice, reason="x")
    ps.close(by=world.alice, participant=b, reason="Support finished")
    with pytest.raises(services.CaseworkError, match="closed"):
        services.transfer(by=world.tess, participants=[a, b], to_specialist=world.bob, reason="x")
    with pytest.raises(services.CaseworkError, match="does not hold a caseload"):
        services.transfer(by=world.tess, participants=[a], to_specialist=world.evan, reason="x")
    a.refresh_from_db()
    assert a.specialist == world.alice and not Transfer.objects.exists()
    assert not AuditEvent.objects.filter(record_type="transfer").exists()
    assert not AuditEvent.objects.filter(summary__startswith="Assigned").exists()
    assert b.status == Status.CLOSED
