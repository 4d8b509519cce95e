"""Helpers for appointment tests: a supported participant and a booking at a set time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.appointments import services
from tests.casework.conftest import at, supported

MONDAY = dt.date(2027, 3, 1)
WEDNESDAY = dt.date(2027, 3, 3)


@pytest.fixture
def person(world):  # type: ignore[no-untyped-def]
    return supported(world, started=MONDAY, given_name="Rowan", family_name="Example")


def book(world, person, day=WEDNESDAY, hour=10, minute=0, **kw):  # type: ignore[no-untyped-def]
    values = {
        "by": world.alice,
        "participant": person,
        "specialist": world.alice,
        "starts_at": at(day, hour, minute),
        "duration_minutes": 60,
        "place_kind": "phone",
    }
    values.update(kw)
    with time_machine.travel(at(MONDAY, 12), tick=False):
        return services.book(**values)
