"""Vacancy pages and matching: add a vacancy, list open vacancies, a vacancy with the team's ranked
participants, a participant's ranked vacancies, and recording what was put to whom. Also the face-to-face
employer contacts per week for a specialist and for a team leader."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, User
from placewell.accounts.policy import Perm, has_perm, participant_scope, require
from placewell.casework import soc
from placewell.employers import matching, services
from placewell.employers.forms import MatchForm, VacancyForm
from placewell.employers.models import Vacancy
from placewell.employers.views import apply_error, employer_for, user_service_id
from placewell.participants.access import get_participant

WEEKS_SHOWN = 8

if TYPE_CHECKING:
    from placewell.participants.models import Participant


@login_required
def vacancy_new(request: AuthenticatedHttpRequest, employer: int) -> HttpResponse:
    e = employer_for(request, employer, Perm.EDIT_PARTICIPANT)
    first = e.locations.first()
    initial = {
        "open_to_anyone": True,
        "pay_basis": "hour",
        "town": first.town if first else "",
        "postcode_district": first.postcode_district if first else "",
    }
    form = VacancyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            v = services.add_vacancy(by=request.user, employer=e, request=request, **form.cleaned_data)
        except services.EmployerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Vacancy added: {v.title}")
            return redirect("employers:vacancy", vacancy=v.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Add a vacancy",
            "caption": e.name,
            "button": "Add vacancy",
            "back_url": reverse("employers:detail", args=[e.pk]),
        },
    )


@login_required
def vacancy_edit(request: AuthenticatedHttpRequest, vacancy: int) -> HttpResponse:
    """Change a vacancy's details, with the same checks as adding one; the hourly rate is worked out again."""
    service_id = user_service_id(request, Perm.EDIT_PARTICIPANT)
    v = get_object_or_404(
        Vacancy.objects.select_related("employer"), pk=vacancy, employer__service_id=service_id
    )
    initial = {f: getattr(v, f) for f in services.VACANCY_FIELDS}
    form = VacancyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_vacancy(by=request.user, vacancy=v, request=request, **form.cleaned_data)
        except services.EmployerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Vacancy changed: {v.title}")
            return redirect("employers:vacancy", vacancy=v.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Change the vacancy",
            "caption": v.employer.name,
            "button": "Save changes",
            "back_url": reverse("employers:vacancy", args=[v.pk]),
        },
    )


@login_required
def vacancy_list(request: HttpRequest) -> HttpResponse:
    service_id = user_service_id(request)
    today = timezone.localdate()
    rows = list(
        Vacancy.objects.filter(matching.open_vacancies(service_id, today))
        .select_related("employer")
        .order_by("closing_on", "-id")[:200]
    )
    return render(request, "employers/vacancy_list.html", {"rows": rows})


@login_required
def vacancy_detail(request: AuthenticatedHttpRequest, vacancy: int) -> HttpResponse:
    service_id = user_service_id(request)
    v = get_object_or_404(
        Vacancy.objects.select_related("employer"), pk=vacancy, employer__service_id=service_id
    )
    ok, minimum = matching.adult_minimum_check(v)
    ranked = matching.participants_for(v, participant_scope(request.user)) if v.status == "open" else []
    if ranked:
        from placewell.casework import services as casework

        casework.record_list(
            by=request.user,
            participants=[cast("Participant", r.obj) for r in ranked],
            what="vacancy matches",
            request=request,
        )
    return render(
        request,
        "employers/vacancy_detail.html",
        {
            "v": v,
            "soc": soc.label(v.soc),
            "minimum_ok": ok,
            "minimum_text": minimum,
            "ranked": ranked,
            "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT),
        },
    )


@login_required
def participant_matches(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk)
    context = matching.vacancies_for(p)
    services.record_read(by=request.user, participant=p, what="ranked vacancies", request=request)
    return render(
        request,
        "employers/matches.html",
        {"p": p, **context, "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT)},
    )


@login_required
def match_record(request: AuthenticatedHttpRequest, pk: int, vacancy: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    v = get_object_or_404(
        Vacancy.objects.select_related("employer"), pk=vacancy, employer__service_id=p.service_id
    )
    form = MatchForm(request.POST or None, initial={"status": request.GET.get("status", "suggested")})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_match(
                by=request.user, participant=p, vacancy=v, request=request, **form.cleaned_data
            )
        except services.EmployerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Recorded for {p.full_name}: {v.title}")
            return redirect("employers:matches", pk=p.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": f"{v.title} at {v.employer.name}",
            "caption": p.full_name,
            "button": "Save",
            "back_url": reverse("employers:matches", args=[p.pk]),
        },
    )


@login_required
@require_POST
def vacancy_status(request: AuthenticatedHttpRequest, vacancy: int) -> HttpResponse:
    service_id = user_service_id(request, Perm.EDIT_PARTICIPANT)
    v = get_object_or_404(
        Vacancy.objects.select_related("employer"), pk=vacancy, employer__service_id=service_id
    )
    try:
        services.set_vacancy_status(
            by=request.user, vacancy=v, status=request.POST.get("status", ""), request=request
        )
    except services.EmployerError as exc:
        messages.error(request, str(exc))
    return redirect("employers:vacancy", vacancy=v.pk)


def _weeks(today: dt.date) -> list[dt.date]:
    this = services.week_start(today)
    return [this - dt.timedelta(weeks=i) for i in range(WEEKS_SHOWN - 1, -1, -1)]


def _table(people: list[User], today: dt.date) -> dict[str, Any]:
    weeks = _weeks(today)
    counts = services.face_to_face_by_week([u.pk for u in people], weeks[0], WEEKS_SHOWN)
    rows: list[dict[str, Any]] = []
    for u in people:
        cells = [counts.get((u.pk, w), 0) for w in weeks]
        full = sum(cells[:-1]) / (len(cells) - 1)  # complete weeks only: this week is still running
        rows.append(
            {
                "user": u,
                "cells": cells,
                "average": full,
                "target": services.IPS_FACE_TO_FACE_PER_WEEK * float(u.fte),
            }
        )
    totals = [sum(r["cells"][i] for r in rows) for i in range(len(weeks))]
    return {"weeks": weeks, "rows": rows, "totals": totals, "expectation": services.IPS_FACE_TO_FACE_PER_WEEK}


@login_required
def engagement_mine(request: HttpRequest) -> HttpResponse:
    """A specialist's face-to-face employer contacts per week against the IPS expectation of 6, and the
    service's total."""
    service_id = user_service_id(request)
    today = timezone.localdate()
    me = request.user
    table = _table([me], today)  # type: ignore[list-item]
    staff = User.objects.filter(team__service_id=service_id, role__in=[Role.SPECIALIST, Role.TEAM_LEADER])
    service_total = services.face_to_face_by_week(
        list(staff.values_list("pk", flat=True)), table["weeks"][0], WEEKS_SHOWN
    )
    by_week = [sum(n for (_, w), n in service_total.items() if w == week) for week in table["weeks"]]
    return render(
        request, "employers/engagement.html", {**table, "service_totals": by_week, "team_view": False}
    )


@login_required
def engagement_team(request: HttpRequest) -> HttpResponse:
    """Every specialist of the team (or the service, for a manager) per week, with team totals."""
    require(request.user, Perm.VIEW_TEAM_CASELOADS)
    service_id = user_service_id(request)
    user = request.user
    staff = User.objects.filter(role__in=[Role.SPECIALIST, Role.TEAM_LEADER], is_active=True)
    staff = staff.filter(team_id=user.team_id) if user.team_id else staff.filter(team__service_id=service_id)  # type: ignore[union-attr]
    table = _table(list(staff.order_by("last_name", "first_name")), timezone.localdate())
    return render(
        request, "employers/engagement.html", {**table, "service_totals": table["totals"], "team_view": True}
    )
