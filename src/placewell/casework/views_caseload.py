"""Caseload pages: a specialist's caseload, the team leader's view across the team, the weekly activity
view with fuzzy search, and transfers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, Team, User
from placewell.accounts.policy import Perm, has_perm, participant_scope, require
from placewell.casework import alerts, caseload, services
from placewell.casework.dates import support_dates
from placewell.casework.forms import TransferForm, WeekForm
from placewell.casework.models import Contact, ProfileVersion
from placewell.casework.search import fuzzy_filter
from placewell.participants.models import Participant, Status
from placewell.ui.forms import apply_error

CASELOAD_ROLES = (Role.SPECIALIST, Role.TEAM_LEADER)


def teams_in_scope(user: User) -> list[Team]:
    if user.role == Role.SERVICE_MANAGER and user.service_id:
        return list(Team.objects.filter(service_id=user.service_id).select_related("service"))
    if user.team_id:
        return list(Team.objects.filter(pk=user.team_id).select_related("service"))
    return []


def staff_in_scope(user: User) -> list[User]:
    """The people who may hold a caseload in the teams the user may see."""
    return list(
        User.objects.filter(team__in=teams_in_scope(user), role__in=CASELOAD_ROLES, is_active=True)
        .select_related("team__service")
        .order_by("team__name", "first_name", "last_name")
    )


def open_caseload(specialist_q: Q, user: User) -> list[Participant]:
    return list(
        Participant.objects.filter(participant_scope(user), specialist_q, status__in=caseload.OPEN_STATUSES)
        .select_related("service", "specialist")
        .annotate(engaged=Exists(ProfileVersion.objects.filter(participant=OuterRef("pk"))))
    )


@login_required
def my_caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A specialist's open caseload with figures and alerts; ``?specialist=`` for a colleague in scope."""
    require(request.user, Perm.VIEW_PARTICIPANTS)
    user = request.user
    wanted = request.GET.get("specialist")
    if wanted is None and has_perm(user, Perm.VIEW_TEAM_CASELOADS) and user.role != Role.SPECIALIST:
        return redirect("casework:team")
    if wanted is None:
        specialist = user
    else:
        chosen = next((s for s in staff_in_scope(user) if str(s.pk) == wanted), None)
        if chosen is None:
            raise Http404("No such specialist")
        specialist = chosen
    people = open_caseload(Q(specialist=specialist), user)
    ids = [p.pk for p in people]
    contacts = alerts.contact_summary(ids)
    dates = support_dates(ids)
    found = alerts.alerts_for(people, contacts=contacts, dates=dates)
    by_person: dict[int, int] = {}
    for a in found:
        by_person[a.participant.pk] = by_person.get(a.participant.pk, 0) + 1
    in_work = sum(p.status == Status.IN_WORK for p in people)
    target = specialist.team.service.caseload_target if specialist.team is not None else 20
    figures = caseload.CaseloadFigures(specialist, specialist.fte, target, len(people), in_work)
    rows = [
        {
            "p": p,
            "last": contacts.get(p.pk, (None, None))[0],
            "started": dates[p.pk].support_started if p.pk in dates else None,
            "alerts": by_person.get(p.pk, 0),
        }
        for p in people
    ]
    services.record_list(by=user, participants=people, what="caseload", request=request)
    return render(
        request,
        "casework/caseload.html",
        {
            "specialist": specialist,
            "figures": figures,
            "rows": rows,
            "own": specialist.pk == user.pk,
            "can_transfer": has_perm(user, Perm.TRANSFER),
        },
    )


@login_required
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every specialist's caseload in the team (a service manager sees each team of the service)."""
    require(request.user, Perm.VIEW_TEAM_CASELOADS)
    user = request.user
    teams = teams_in_scope(user)
    staff = staff_in_scope(user)
    counts = (
        Participant.objects.filter(participant_scope(user), team__in=teams, status__in=caseload.OPEN_STATUSES)
        .values("team_id", "specialist_id")
        .annotate(n=Count("id"), in_work=Count("id", filter=Q(status=Status.IN_WORK)))
        .values_list("team_id", "specialist_id", "n", "in_work")
    )
    by_team: dict[int, dict[int | None, tuple[int, int]]] = {}
    for team_id, sid, n, in_work in counts:
        by_team.setdefault(team_id, {})[sid] = (n, in_work)
    sections = []
    for t in teams:
        members = [s for s in staff if s.team_id == t.pk]
        team_counts = by_team.get(t.pk, {})
        members = [s for s in members if s.role == Role.SPECIALIST or s.pk in team_counts]
        rows = caseload.figures_for(members, team_counts)
        sections.append(
            {
                "team": t,
                "rows": rows,
                "total": caseload.team_total(rows),
                "unallocated": team_counts.get(None, (0, 0))[0],
            }
        )
    services.record_list(by=user, participants=[], what="team caseloads", request=request)
    return render(
        request, "casework/team.html", {"sections": sections, "can_transfer": has_perm(user, Perm.TRANSFER)}
    )


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@login_required
def week(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone contacted this week and everyone not, with fuzzy name search (htmx updates in place)."""
    require(request.user, Perm.VIEW_PARTICIPANTS)
    user = request.user
    oversight = has_perm(user, Perm.VIEW_TEAM_CASELOADS)
    staff = staff_in_scope(user) if oversight else []
    form = WeekForm(request.GET or None, specialists=[(s.pk, str(s)) for s in staff])
    data = form.cleaned_data if form.is_valid() else {}
    monday = _monday(data.get("week") or timezone.localdate())
    chosen = data.get("specialist")
    if chosen:
        who = Q(specialist_id=chosen)
    elif oversight and user.role != Role.SPECIALIST:
        who = Q(specialist__in=staff) | Q(specialist__isnull=True)
    else:
        who = Q(specialist=user)
    people = open_caseload(who, user)
    if data.get("q"):
        people = fuzzy_filter(data["q"], people, lambda p: p.full_name)
    ids = [p.pk for p in people]
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    end = start + dt.timedelta(days=7)
    this_week = {
        pid: (n, minutes)
        for pid, n, minutes in Contact.objects.filter(
            participant_id__in=ids, happened_at__gte=start, happened_at__lt=end
        )
        .values("participant_id")
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
        .values_list("participant_id", "n", "minutes")
    }
    last = alerts.contact_summary(ids)
    contacted: list[dict[str, Any]] = []
    not_contacted: list[dict[str, Any]] = []
    for p in people:
        row = {"p": p, "last": last.get(p.pk, (None, None))[0], "week": this_week.get(p.pk)}
        (contacted if p.pk in this_week else not_contacted).append(row)
    services.record_list(by=user, participants=people, what="weekly activity", request=request)
    context = {
        "form": form,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7)
        if monday + dt.timedelta(days=7) <= timezone.localdate()
        else None,
        "contacted": contacted,
        "not_contacted": not_contacted,
        "query": data.get("q", ""),
        "chosen": chosen or "",
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "casework/_week_results.html", context)
    return render(request, "casework/week.html", context)


@login_required
def transfer(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Transfer one or many of a specialist's participants to another specialist, with a reason."""
    require(request.user, Perm.TRANSFER)
    user = request.user
    staff = staff_in_scope(user)
    source = request.GET.get("from") or request.POST.get("from") or ""
    one = request.GET.get("participant")
    scope = Participant.objects.filter(participant_scope(user), status__in=caseload.OPEN_STATUSES)
    if one:
        person = scope.filter(pk=one).first()
        if person is None:
            raise Http404("No such participant")
        source = str(person.specialist_id or "")
    holder = next((s for s in staff if str(s.pk) == source), None)
    people = (
        list(scope.filter(specialist=holder).select_related("service", "specialist", "team"))
        if holder
        else []
    )
    service_ids = {t.service_id for t in teams_in_scope(user)}
    targets = list(
        User.objects.filter(team__service_id__in=service_ids, role__in=CASELOAD_ROLES, is_active=True)
        .exclude(pk__in=[holder.pk] if holder else [])
        .select_related("team")
        .order_by("team__name", "first_name")
    )
    form = TransferForm(
        request.POST or None,
        initial={"participants": [one] if one else []},
        people=[(str(p.pk), f"{p.full_name} ({p.reference})") for p in people],
        specialists=[(str(s.pk), f"{s} ({s.team.name if s.team else 'no team'})") for s in targets],
    )
    form.fields["to_specialist"].error_messages["invalid_choice"] = (
        "Select a specialist in this service: the one chosen works for another service or has left"
    )
    if request.method == "POST" and form.is_valid():
        chosen = [p for p in people if str(p.pk) in form.cleaned_data["participants"]]
        to = next(s for s in targets if str(s.pk) == form.cleaned_data["to_specialist"])
        try:
            services.transfer(
                by=user,
                participants=chosen,
                to_specialist=to,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.CaseworkError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, f"Transferred {len(chosen)} {'person' if len(chosen) == 1 else 'people'} to {to}"
            )
            return redirect("casework:team")
    services.record_list(by=user, participants=people, what="transfer", request=request)
    return render(
        request, "casework/transfer.html", {"form": form, "holder": holder, "staff": staff, "source": source}
    )
