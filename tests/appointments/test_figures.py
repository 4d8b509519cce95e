"""Attendance figures and time to first appointment, against counts worked out by hand from the bookings."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.appointments import services
from tests.appointments.conftest import MONDAY, WEDNESDAY, book
from tests.casework.conftest import at, supported


def test_rates_by_specialist_and_team(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    came = book(world, person, hour=9)
    missed = book(world, supported(world, started=MONDAY), hour=11)
    cancelled = book(world, supported(world, started=MONDAY), hour=13)
    bobs = book(
        world, supported(world, started=MONDAY, specialist=world.bob), by=world.bob, specialist=world.bob
    )
    with time_machine.travel(at(WEDNESDAY, 17), tick=False):
        services.mark_attended(by=world.alice, appointment=came)
        services.mark_not_attended(by=world.alice, appointment=missed)
        services.cancel(by=world.alice, appointment=cancelled, asked_by="person", reason="Unwell")
        services.mark_attended(by=world.bob, appointment=bobs)
    from placewell.accounts.models import Service
    from placewell.appointments.figures import table

    start = at(MONDAY, 0)
    rows = table(Service.objects.all(), start, start + dt.timedelta(days=7))
    alice = next(r for r in rows["specialists"] if r.label == "Alice Persona")
    bob = next(r for r in rows["specialists"] if r.label == "Bob Persona")
    [north] = rows["teams"]
    # Alice: 1 attended, 1 not (the cancelled one is left out): 50% each. North: 2 of 3 attended.
    assert (alice.attended, alice.missed, alice.attendance_rate, alice.dna_rate) == (1, 1, 0.5, 0.5)
    assert (bob.attended, bob.missed, bob.attendance_rate) == (1, 0, 1.0)
    assert (north.label, north.attended, north.missed) == ("North", 2, 1)
    assert north.attendance_rate == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 200), ("tess", 200), ("mandy", 200), ("evan", 200), ("ada", 403)]
)
def test_figures_page_by_persona(client_as, world, persona, status) -> None:  # type: ignore[no-untyped-def]
    r = client_as(persona).get("/appointments/figures/")
    assert r.status_code == status
    if status == 200:
        assert "How these figures are worked out" in r.content.decode()
