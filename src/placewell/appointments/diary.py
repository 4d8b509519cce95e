"""The specialist's diary by day and week, and the team leader's view of the team's week.

Each page is a fixed number of queries however many appointments it shows (the appointments with their
participant and venue in one query, one audit event naming the records shown).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, User
from placewell.accounts.policy import Perm, has_perm, require
from placewell.appointments.models import Appointment
from placewell.appointments.views import outcome_due
from placewell.casework import services as casework


def _day(request: HttpRequest) -> dt.date:
    raw = request.GET.get("day", "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _bounds(first: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=days), dt.time()))
    return start, end


def appointments_between(
    specialist_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> list[Appointment]:
    return list(
        Appointment.objects.filter(specialist_id__in=specialist_ids, starts_at__gte=start, starts_at__lt=end)
        .select_related("participant", "venue")
        .order_by("starts_at")
    )


def _audit(request: HttpRequest, appts: list[Appointment], what: str) -> None:
    people = list({a.participant_id: a.participant for a in appts}.values())
    casework.record_list(by=request.user, participants=people, what=what, request=request)  # type: ignore[arg-type]


@login_required
def diary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A specialist's own diary (a team leader may open a team member's with ``?specialist=``)."""
    require(request.user, Perm.VIEW_PARTICIPANTS)
    user = request.user
    whose = user
    wanted = request.GET.get("specialist", "")
    if wanted.isdigit() and has_perm(user, Perm.VIEW_TEAM_CASELOADS):
        colleagues = (
            User.objects.filter(team__service=user.service_id)
            if user.role == Role.SERVICE_MANAGER
            else User.objects.filter(team=user.team_id)
        )
        whose = colleagues.filter(pk=int(wanted), team__isnull=False).first() or user
    week = request.GET.get("view") == "week"
    day = _day(request)
    first = day - dt.timedelta(days=day.weekday()) if week else day
    span = 7 if week else 1
    start, end = _bounds(first, span)
    appts = appointments_between([whose.pk], start, end)
    days = []
    for i in range(span):
        d = first + dt.timedelta(days=i)
        items = [(a, outcome_due(a)) for a in appts if timezone.localdate(a.starts_at) == d]
        if week and d.weekday() >= 5 and not items:
            continue
        days.append({"day": d, "items": items})
    _audit(request, appts, "diary")
    step = dt.timedelta(days=span)
    return render(
        request,
        "appointments/diary.html",
        {
            "whose": whose,
            "own": whose == user,
            "week": week,
            "first": first,
            "last": first + dt.timedelta(days=span - 1),
            "days": days,
            "count": len(appts),
            "previous": first - step,
            "next": first + step,
            "today": timezone.localdate(),
            "can_mark": has_perm(user, Perm.EDIT_PARTICIPANT),
            "here": request.get_full_path(),
        },
    )


@login_required
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's appointments for a week, by specialist (team leaders; a service manager picks a team)."""
    require(request.user, Perm.VIEW_TEAM_CASELOADS)
    user = request.user
    team_id = user.team_id
    if user.role == Role.SERVICE_MANAGER and request.GET.get("team"):
        from placewell.accounts.models import Team

        found = Team.objects.filter(pk=request.GET["team"], service=user.service_id).first()
        team_id = found.pk if found else None
    teams: list[Any] = []
    if user.role == Role.SERVICE_MANAGER:
        from placewell.accounts.models import Team

        teams = list(Team.objects.filter(service=user.service_id).order_by("name"))
        if team_id is None and teams:
            team_id = teams[0].pk
    staff = list(
        User.objects.filter(
            team=team_id, is_active=True, role__in=[Role.SPECIALIST, Role.TEAM_LEADER]
        ).order_by("first_name", "last_name")
    )
    day = _day(request)
    first = day - dt.timedelta(days=day.weekday())
    start, end = _bounds(first, 7)
    appts = appointments_between([s.pk for s in staff], start, end)
    rows = []
    for s in staff:
        mine = [a for a in appts if a.specialist_id == s.pk]
        rows.append(
            {
                "specialist": s,
                "appointments": mine,
                "booked": sum(a.status == "booked" for a in mine),
                "attended": sum(a.status == "attended" for a in mine),
                "missed": sum(a.status == "did_not_attend" for a in mine),
            }
        )
    _audit(request, appts, "team diary")
    return render(
        request,
        "appointments/team.html",
        {
            "rows": rows,
            "first": first,
            "last": first + dt.timedelta(days=6),
            "previous": first - dt.timedelta(days=7),
            "next": first + dt.timedelta(days=7),
            "teams": teams,
            "team_id": team_id,
        },
    )
