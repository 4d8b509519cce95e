"""The demo contact history looks like the Health-led Trials' MI: about 10-14 contacts a person, short and long."""

from __future__ import annotations

import datetime as dt
import random

import time_machine

from placewell.casework.demo import load_contact_history
from placewell.casework.models import Contact
from tests.casework.conftest import at, supported


def test_demo_history_is_made_through_the_actions(world) -> None:  # type: ignore[no-untyped-def]
    people = [supported(world, started=dt.date(2027, 1, 4)) for _ in range(6)]
    with time_machine.travel(at(dt.date(2027, 6, 1), 12), tick=False):
        load_contact_history(random.Random(7), lambda message: None)
    counts = [Contact.objects.filter(participant=p).count() for p in people]
    assert all(3 <= n <= 20 for n in counts) and 8 <= sum(counts) / len(counts) <= 14
    minutes = list(Contact.objects.values_list("duration_minutes", flat=True))
    assert any(m <= 15 for m in minutes) and any(m > 15 for m in minutes)
