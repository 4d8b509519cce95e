"""Which records have passed their service's retention period, worked out for every record at once.

Personal data is kept for a service's period (``RetentionPolicy.years``, 3 years unless set: the Health-led
Trials' agreement, DWP research report 1025 sections 1.5 and 5.1.5) after support ends. Support ends when the record is
closed (``Participant.closed_at``: support finished, the person withdrew from the service, or the record was
closed for another reason). A record still open has not reached the end of support and is never due.

For someone randomised in a trial, the clock starts no earlier than the day the trial's recruitment closed,
and never while it is still recruiting: the agreement promised retention "after they [the trials] ended", and
the evaluation needs every randomised person's data until then.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from placewell.accounts.models import Service
from placewell.governance.models import DEFAULT_RETENTION_YEARS, RetentionPolicy
from placewell.participants.models import Participant, Status
from placewell.trials.models import Allocation, TrialState


@dataclass(frozen=True)
class DueRecord:
    participant_id: int
    reference: str
    service_id: int
    support_ended_on: dt.date
    clock_from: dt.date
    due_on: dt.date
    years: int


@dataclass
class RetentionReview:
    today: dt.date
    due: list[DueRecord]
    held_by_open_trials: int  # closed records whose trial is still recruiting
    years_by_service: dict[int, int]
    service_names: dict[int, str]

    def due_by_service(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for r in self.due:
            counts[r.service_id] = counts.get(r.service_id, 0) + 1
        return counts


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February in a year that has none."""
    year = day.year + years
    return dt.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def retention_years(service_ids: Sequence[int]) -> dict[int, int]:
    """Each service's retention period in years (the default where it has no policy)."""
    set_years = dict(
        RetentionPolicy.objects.filter(service_id__in=service_ids).values_list("service_id", "years")
    )
    return {sid: set_years.get(sid, DEFAULT_RETENTION_YEARS) for sid in service_ids}


def review(today: dt.date | None = None, service_ids: Sequence[int] | None = None) -> RetentionReview:
    """Every closed, unerased record past its retention period, in three queries."""
    today = today or timezone.localdate()
    services = Service.objects.order_by("name")
    if service_ids is not None:
        services = services.filter(pk__in=list(service_ids))
    names = dict(services.values_list("pk", "name"))
    years = retention_years(list(names))
    closed = list(
        Participant.objects.filter(service_id__in=list(names), status=Status.CLOSED, closed_at__isnull=False)
        .order_by("closed_at", "pk")
        .values_list("pk", "reference", "service_id", "closed_at")
    )
    trial_ends: dict[int, list[dt.date | None]] = defaultdict(list)
    for pid, state, closed_at in Allocation.objects.filter(
        participant__service_id__in=list(names), participant__status=Status.CLOSED
    ).values_list("participant_id", "trial__state", "trial__closed_at"):
        recruiting = state != TrialState.CLOSED or closed_at is None
        trial_ends[pid].append(None if recruiting else timezone.localdate(closed_at))
    due, held = [], 0
    for pid, reference, sid, closed_at in closed:
        ended = timezone.localdate(closed_at)
        clock = ended
        if pid in trial_ends:
            ends = trial_ends[pid]
            if None in ends:
                held += 1
                continue
            clock = max(clock, *[e for e in ends if e is not None])
        due_on = add_years(clock, years[sid])
        if due_on <= today:
            due.append(DueRecord(pid, reference, sid, ended, clock, due_on, years[sid]))
    return RetentionReview(today, due, held, years, names)
