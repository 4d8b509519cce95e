"""Running demo actions at moments in the past, so every record carries a realistic date.

The demo is built through the real actions, which stamp records and audit events with the current time.
To give the demo a history (referrals over 18 months, support starting days later, jobs months after that),
each action runs inside ``DemoClock.at(day)``, which moves the clock to that day with time-machine. Demo
steps of other apps use the same clock, so their records line up with the participants' journeys.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


class DemoClock:
    def __init__(self, rng: random.Random, now: dt.datetime | None = None) -> None:
        self.rng = rng
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    def day_after(self, day: dt.date, low: int, high: int) -> dt.date:
        """A day ``low`` to ``high`` days after ``day``, never after today."""
        return min(day + dt.timedelta(days=self.rng.randint(low, high)), self.today)

    def moment(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        """A working-hours moment on ``day``, never later than the real present."""
        hour = hour if hour is not None else self.rng.randint(9, 16)
        when = dt.datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59), tzinfo=LONDON)
        return min(when, self.now - dt.timedelta(minutes=1))

    @contextmanager
    def at(self, day: dt.date, hour: int | None = None) -> Iterator[dt.datetime]:
        when = self.moment(day, hour)
        with time_machine.travel(when, tick=True):
            yield when
