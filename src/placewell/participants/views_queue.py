"""The referral queue: unallocated referrals, oldest first, each allocated to a specialist in one action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, User
from placewell.accounts.policy import Perm, participant_scope, referral_queue_scope, require
from placewell.participants import queue, services, services_queue
from placewell.participants.models import Participant

CASELOAD_ROLES = (Role.SPECIALIST, Role.TEAM_LEADER)


def _service_id(user: User) -> int | None:
    if user.role == Role.SERVICE_MANAGER:
        return user.service_id
    return user.team.service_id if user.team is not None else None


def allocatable(user: User) -> list[User]:
    """Whom the user may allocate to: their own team (team leader) or every team of the service."""
    staff = User.objects.filter(team__service=_service_id(user), role__in=CASELOAD_ROLES, is_active=True)
    if user.role == Role.TEAM_LEADER:
        staff = staff.filter(team=user.team_id)
    return list(staff.select_related("team").order_by("team__name", "first_name", "last_name"))


def _allocate(request: HttpRequest, user: User) -> tuple[str | None, str | None]:
    """Handle one allocation; (participant id, error message) when refused, (None, None) when done."""
    pid, sid = request.POST.get("participant", ""), request.POST.get("specialist", "")
    if not pid.isdigit():
        raise Http404("No such referral")
    person = Participant.objects.filter(service=_service_id(user), pk=pid).select_related("service").first()
    if person is None:
        raise Http404("No such referral")
    waiting = Participant.objects.filter(referral_queue_scope(user), pk=person.pk).exists()
    if not waiting and person.specialist_id is None:
        raise Http404("No such referral")
    if not waiting:
        known = Participant.objects.filter(participant_scope(user), pk=person.pk).exists()
        return pid, (
            f"{person.full_name} has already been allocated to {person.specialist}. Nothing was changed."
            if known
            else "This referral is no longer waiting: someone allocated it meanwhile. Nothing was changed."
        )
    if not sid.isdigit():
        return pid, f"Choose the specialist to allocate {person.full_name} to."
    specialist = (
        User.objects.filter(pk=sid, team__service_id=person.service_id).select_related("team").first()
    )
    if specialist is None:
        return pid, "Choose a specialist of this service: the one chosen works elsewhere or has left."
    try:
        services_queue.allocate(by=user, participant=person, specialist=specialist, request=request)
    except services_queue.AllocationError as exc:
        return pid, str(exc)
    messages.success(
        request, f"{person.full_name} allocated to {specialist}. They will see them on their home page."
    )
    return None, None


@login_required
def referral_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Unallocated staff and self-referrals for team leaders and service managers, oldest first."""
    require(request.user, Perm.TRANSFER)
    user = request.user
    error_for, error = None, None
    if request.method == "POST":
        error_for, error = _allocate(request, user)
        if error is None:
            return redirect("participants:queue")
    found = queue.queue_for(referral_queue_scope(user))
    staff = allocatable(user)
    services.record_list(
        by=user, participants=[w.participant for w in found.rows], what="referral queue", request=request
    )
    return render(
        request,
        "participants/queue.html",
        {
            "queue": found,
            "rows": found.rows,
            "staff": staff,
            # The same options in every row: built once, not once per row (50 rows by 10 or more specialists).
            "staff_options": format_html_join(
                "",
                '<option value="{}">{} ({})</option>',
                ((s.pk, str(s), s.team.name if s.team else "") for s in staff),
            ),
            "error": error,
            "error_for": error_for,
            "chosen": request.POST.get("specialist", ""),
        },
        status=400 if error else 200,
    )
