"""Management information on appointments, by specialist and team, with the definitions shown on the page.

- Attendance rate: appointments recorded as attended, divided by those recorded as attended or not attended
  (cancelled appointments, and booked ones with no outcome yet, are left out), for appointments that started
  in the period.
- Did-not-attend rate: appointments recorded as not attended, divided by the same total.
- Days from randomisation to the first appointment: for people randomised to a treatment arm in the period,
  the days from the randomisation to the start of their first appointment not cancelled; and to their first
  attended appointment. The median is shown, with the share within 7 days: the Health-led Trials' process
  evaluation reports that 31% of one site's treatment group had a first session within a week (DWP research
  report 1025).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from placewell.accounts.models import Service, Team, User
from placewell.accounts.policy import Perm, require, services_in_scope
from placewell.appointments.models import Appointment, Status
from placewell.trials.models import Allocation

DEFAULT_DAYS = 90
WITHIN_DAYS = 7


@dataclass
class Row:
    label: str
    attended: int = 0
    missed: int = 0
    to_first: list[float] | None = None
    to_attended: list[float] | None = None
    randomised: int = 0

    @property
    def total(self) -> int:
        return self.attended + self.missed

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.total if self.total else None

    @property
    def dna_rate(self) -> float | None:
        return self.missed / self.total if self.total else None

    @property
    def median_to_first(self) -> float | None:
        return statistics.median(self.to_first) if self.to_first else None

    @property
    def median_to_attended(self) -> float | None:
        return statistics.median(self.to_attended) if self.to_attended else None

    @property
    def first_within_week(self) -> float | None:
        if not self.randomised:
            return None
        return sum(d <= WITHIN_DAYS for d in self.to_first or []) / self.randomised


def attendance(services: Any, start: dt.datetime, end: dt.datetime) -> tuple[dict[Any, tuple[int, int]], ...]:
    """Attended and not attended counts by specialist and by team. Two queries."""
    base = Appointment.objects.filter(
        participant__service__in=services,
        starts_at__gte=start,
        starts_at__lt=end,
        status__in=[Status.ATTENDED, Status.DID_NOT_ATTEND],
    )
    attended = Count("id", filter=Q(status=Status.ATTENDED))
    missed = Count("id", filter=Q(status=Status.DID_NOT_ATTEND))
    by_specialist = {
        r["specialist_id"]: (r["a"], r["m"])
        for r in base.values("specialist_id").annotate(a=attended, m=missed)
    }
    by_team = {
        r["participant__team_id"]: (r["a"], r["m"])
        for r in base.values("participant__team_id").annotate(a=attended, m=missed)
    }
    return by_specialist, by_team


def time_to_first(
    services: Any, start: dt.datetime, end: dt.datetime
) -> list[tuple[int | None, int | None, float | None, float | None]]:
    """Per treatment-arm randomisation in the period: (specialist, team, days to first appointment, days to
    first attended appointment). One query."""
    later = Appointment.objects.filter(
        participant_id=OuterRef("participant_id"), starts_at__gte=OuterRef("randomised_at")
    ).exclude(status=Status.CANCELLED)
    first = later.values("participant_id").annotate(m=Min("starts_at")).values("m")
    attended = (
        later.filter(status=Status.ATTENDED).values("participant_id").annotate(m=Min("starts_at")).values("m")
    )
    rows = (
        Allocation.objects.filter(
            arm__is_treatment=True,
            participant__service__in=services,
            randomised_at__gte=start,
            randomised_at__lt=end,
        )
        .annotate(first=Subquery(first[:1]), attended=Subquery(attended[:1]))
        .values_list(
            "participant__specialist_id", "participant__team_id", "randomised_at", "first", "attended"
        )
    )
    day = 86400.0
    return [
        (
            sid,
            tid,
            (f - at).total_seconds() / day if f else None,
            (a - at).total_seconds() / day if a else None,
        )
        for sid, tid, at, f, a in rows
    ]


def table(services: Any, start: dt.datetime, end: dt.datetime) -> dict[str, list[Row]]:
    by_specialist, by_team = attendance(services, start, end)
    waits = time_to_first(services, start, end)
    spec: dict[Any, Row] = defaultdict(lambda: Row(""))
    team: dict[Any, Row] = defaultdict(lambda: Row(""))
    for key, (a, m) in by_specialist.items():
        spec[key].attended, spec[key].missed = a, m
    for key, (a, m) in by_team.items():
        team[key].attended, team[key].missed = a, m
    for sid, tid, f, att in waits:
        for row in (spec[sid], team[tid]):
            row.randomised += 1
            row.to_first = (row.to_first or []) + ([f] if f is not None else [])
            row.to_attended = (row.to_attended or []) + ([att] if att is not None else [])
    names = {u.pk: u.get_full_name() or str(u) for u in User.objects.filter(pk__in=[k for k in spec if k])}
    teams = dict(Team.objects.filter(pk__in=[k for k in team if k]).values_list("pk", "name"))
    for key, row in spec.items():
        row.label = names.get(key, "No specialist")
    for key, row in team.items():
        row.label = teams.get(key, "No team")
    return {
        "specialists": sorted(spec.values(), key=lambda r: r.label),
        "teams": sorted(team.values(), key=lambda r: r.label),
    }


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AGGREGATES)
    try:
        days = max(7, min(730, int(request.GET.get("days", DEFAULT_DAYS))))
    except ValueError:
        days = DEFAULT_DAYS
    end = timezone.now()
    start = end - dt.timedelta(days=days)
    services = Service.objects.filter(services_in_scope(request.user))
    return render(
        request,
        "appointments/figures.html",
        {"days": days, "start": start, "end": end, "within": WITHIN_DAYS, **table(services, start, end)},
    )
