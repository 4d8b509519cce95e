"""The referral queue: referrals nobody has been allocated yet, oldest first, against the promised response.

A service promises to contact a referred person within a number of working days (``Service.
response_working_days``, 5 by default: the figure the public self-referral page states). Working days are
Monday to Friday less the bank holidays of England and Wales, taken from the ``holidays`` library (its
"GB" calendar with the "ENG" subdivision; Wales keeps the same bank holidays as England, as listed on
GOV.UK's "UK bank holidays" page). The day of the referral itself is not counted, so a referral made on a
Monday is 1 working day old on the Tuesday and is due on the following Monday under a 5-day promise.

A referral is "due soon" from ``DUE_SOON_WORKING_DAYS`` working days before the promise date, so a team
leader is warned while the promise can still be kept, and "overdue" after the promise date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from placewell.participants.models import Participant, Status

DUE_SOON_WORKING_DAYS = 1
WAITING_STATUSES = (Status.REFERRED, Status.ELIGIBLE, Status.AGREED, Status.ACTIVE, Status.IN_WORK)
ANNOTATIONS = {"referred_on": Min("referrals__referral_date"), "route": Min("referrals__route")}
QUEUE_LIMIT = 50  # rows shown on the page, oldest first; the count above the table is of all of them


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    n = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        n += is_working_day(day)
    return n


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``start``."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        n -= is_working_day(day)
    return day


@dataclass(frozen=True)
class Waiting:
    """One referral in the queue and where it stands against the service's promise."""

    participant: Participant
    referred_on: dt.date
    age: int  # working days since the referral
    due_on: dt.date
    left: int  # working days left before the promise date (negative once overdue)

    @property
    def overdue(self) -> bool:
        return self.left < 0

    @property
    def due_soon(self) -> bool:
        return 0 <= self.left <= DUE_SOON_WORKING_DAYS

    @property
    def self_referral(self) -> bool:
        return self.participant.team_id is None and getattr(self.participant, "route", "") == "self_form"

    @property
    def standing(self) -> str:
        if self.overdue:
            days = -self.left
            return f"Overdue by {days} working day{'s' if days != 1 else ''}"
        if self.left == 0:
            return "Due today"
        return f"Due in {self.left} working day{'s' if self.left != 1 else ''}"


def waiting(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Referrals not yet allocated among ``participants``, oldest referral first. One query when listed."""
    return (
        participants.filter(specialist__isnull=True, status__in=WAITING_STATUSES)  # type: ignore[misc]  # django-stubs cannot see annotations passed as **dict
        .select_related("service", "team")
        .annotate(**ANNOTATIONS)
        .order_by("referred_on", "created_at", "id")
    )


def standing(rows: list[Participant], today: dt.date | None = None) -> list[Waiting]:
    """Each row (annotated by ``waiting``) with its age and its promise date."""
    today = today or timezone.localdate()
    out = []
    for p in rows:
        referred = p.referred_on or timezone.localdate(p.created_at)  # type: ignore[attr-defined]
        due = add_working_days(referred, p.service.response_working_days)
        age = working_days_between(referred, today)
        left = working_days_between(today, due) if due >= today else -working_days_between(due, today)
        out.append(Waiting(p, referred, age, due, left))
    return out


@dataclass(frozen=True)
class Queue:
    total: int  # every waiting referral in scope
    rows: list[Waiting]  # the oldest ``QUEUE_LIMIT`` of them

    @property
    def overdue(self) -> int:
        return sum(w.overdue for w in self.rows)

    @property
    def due_soon(self) -> int:
        return sum(w.due_soon for w in self.rows)


def queue_for(scope: Q, today: dt.date | None = None, limit: int | None = None) -> Queue:
    """The waiting referrals matching ``scope``: how many, and the oldest ``limit`` (``QUEUE_LIMIT``) with
    their standing. Two queries."""
    limit = QUEUE_LIMIT if limit is None else limit
    rows = waiting(Participant.objects.filter(scope))
    total = rows.count()
    return Queue(total, standing(list(rows[:limit]), today) if total else [])
