"""Pages for booking and changing appointments and recording whether the person came.

Views are thin: fetch the participant through the permission policy (out of scope is 404), call an action in
``services``, render. Refusals from the actions come back beside the field they concern.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, User
from placewell.accounts.policy import Perm, has_perm
from placewell.appointments import services
from placewell.appointments.forms import BookForm, CancelForm, RescheduleForm
from placewell.appointments.models import Appointment, Status, Venue
from placewell.casework import services as casework
from placewell.participants.access import get_participant
from placewell.ui.forms import apply_error as show_refusal

FIELD_ALIASES = {"starts_at": "day", "reason": "reason"}


apply_error = partial(show_refusal, aliases=FIELD_ALIASES)


def appointment_for(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW_PARTICIPANTS) -> Appointment:
    """The appointment, if its participant is within the user's scope (404 otherwise, as for the record)."""
    appt = get_object_or_404(Appointment.objects.select_related("venue", "specialist"), pk=pk)
    appt.participant = get_participant(request, appt.participant_id, perm)
    return appt


def team_staff(team_id: int | None) -> list[User]:
    return list(
        User.objects.filter(
            team=team_id, is_active=True, role__in=[Role.SPECIALIST, Role.TEAM_LEADER]
        ).order_by("first_name", "last_name")
    )


@login_required
def book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    staff = team_staff(p.team_id)
    venues = list(Venue.objects.filter(team=p.team_id, active=True))
    initial: dict[str, Any] = {"duration_minutes": 60}
    default = p.specialist_id if p.specialist_id else request.user.pk
    initial["specialist"] = str(default)
    form = BookForm(request.POST or None, staff=staff, venues=venues, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            appt = services.book(
                by=request.user,
                participant=p,
                specialist=form.specialist_obj(),
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                place_kind=form.cleaned_data["place_kind"],
                venue=form.venue_obj(),
                video_link=form.cleaned_data.get("video_link") or "",
                request=request,
            )
        except services.AppointmentError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Appointment booked for {services.when(appt.starts_at)}")
            return redirect("appointments:detail", pk=appt.pk)
    return render(request, "appointments/book.html", {"p": p, "form": form, "venues": venues})


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appt = appointment_for(request, pk)
    casework.record_read(
        by=request.user, participant=appt.participant, what="an appointment", request=request
    )
    return render(
        request,
        "appointments/detail.html",
        {
            "a": appt,
            "p": appt.participant,
            "when": services.when(appt.starts_at),
            "can_change": has_perm(request.user, Perm.EDIT_PARTICIPANT) and appt.status == Status.BOOKED,
            "can_mark": has_perm(request.user, Perm.EDIT_PARTICIPANT) and outcome_due(appt),
        },
    )


def outcome_due(appt: Appointment) -> bool:
    return appt.status == Status.BOOKED and appt.starts_at <= timezone.now()


@login_required
def reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appt = appointment_for(request, pk, Perm.EDIT_PARTICIPANT)
    local = timezone.localtime(appt.starts_at)
    initial = {"day": local.date(), "time": f"{local:%H:%M}", "duration_minutes": appt.duration_minutes}
    form = RescheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule(
                by=request.user,
                appointment=appt,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                asked_by=form.cleaned_data["asked_by"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.AppointmentError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Appointment moved to {services.when(form.starts_at())}")
            return redirect("appointments:detail", pk=appt.pk)
    return render(
        request,
        "appointments/change.html",
        {"a": appt, "p": appt.participant, "form": form, "action": "Move"},
    )


@login_required
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appt = appointment_for(request, pk, Perm.EDIT_PARTICIPANT)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel(
                by=request.user,
                appointment=appt,
                asked_by=form.cleaned_data["asked_by"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.AppointmentError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Appointment cancelled")
            return redirect("appointments:detail", pk=appt.pk)
    return render(
        request,
        "appointments/change.html",
        {"a": appt, "p": appt.participant, "form": form, "action": "Cancel"},
    )


@login_required
@require_POST
def outcome(request: AuthenticatedHttpRequest, pk: int, came: str) -> HttpResponse:
    """One click from the diary, the record or the appointment: attended or not attended."""
    if came not in {"attended", "not-attended"}:
        raise Http404("Unknown outcome")
    appt = appointment_for(request, pk, Perm.EDIT_PARTICIPANT)
    action = services.mark_attended if came == "attended" else services.mark_not_attended
    try:
        action(by=request.user, appointment=appt, request=request)
    except services.AppointmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Recorded as attended, and the meeting added to their contacts"
            if came == "attended"
            else "Recorded as not attended: a follow-up alert is on your home page",
        )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("appointments:detail", pk=appt.pk)
