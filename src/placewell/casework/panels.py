"""What casework adds to the participant page and the home page (registered in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Min, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from placewell.accounts.models import Role
from placewell.accounts.policy import Perm, has_perm
from placewell.casework import alerts, caseload, services
from placewell.casework.models import EndingNotice, Goal
from placewell.casework.views import can_write
from placewell.casework.views_caseload import open_caseload
from placewell.participants.models import Participant, Status


def participant(request: HttpRequest, p: Participant) -> dict[str, Any] | None:
    """Casework summary on the participant page: alerts, profile, recent contacts, plan, transfers."""
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS):
        return None
    profile = p.profile_versions.aggregate(versions=Max("version"), engaged_at=Min("created_at"))
    contacts = list(p.contacts.select_related("recorded_by")[:5])
    totals = p.contacts.aggregate(
        n=Count("id"),
        minutes=Sum("duration_minutes"),
        long=Count("id", filter=Q(duration_minutes__gt=15)),
    )
    goals = list(Goal.objects.filter(participant=p, status="open").prefetch_related("steps"))
    transfers = list(p.transfers.select_related("from_specialist", "to_specialist", "transferred_by"))
    ending = EndingNotice.objects.filter(participant=p).first() if p.status == Status.CLOSED else None
    services.record_read(by=request.user, participant=p, what="casework summary", request=request)  # type: ignore[arg-type]
    return {
        "p": p,
        "alerts": alerts.alerts_for([p]),
        "profile": profile,
        "contacts": contacts,
        "totals": totals,
        "goals": goals,
        "transfers": transfers,
        "ending": ending,
        "can_write": can_write(request, p),
        "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT),
        "can_transfer": has_perm(request.user, Perm.TRANSFER) and p.status in caseload.OPEN_STATUSES,
    }


def home(request: HttpRequest) -> dict[str, Any] | None:
    """A specialist's alerts, each with its rule, and their caseload against the FTE-adjusted target."""
    user = request.user
    if not has_perm(user, Perm.VIEW_PARTICIPANTS) or user.role not in {Role.SPECIALIST, Role.TEAM_LEADER}:  # type: ignore[union-attr]
        return None
    people = open_caseload(Q(specialist=user), user)  # type: ignore[arg-type]
    found = alerts.alerts_for(people)
    found += alerts.not_told_of_ending(Q(specialist=user))
    in_work = sum(p.status == Status.IN_WORK for p in people)
    target = user.team.service.caseload_target if user.team_id else 20  # type: ignore[union-attr]
    figures = caseload.CaseloadFigures(user, user.fte, target, len(people), in_work)  # type: ignore[union-attr, arg-type]
    shown = list({a.participant.pk: a.participant for a in found}.values())
    services.record_list(by=user, participants=shown, what="home page alerts", request=request)  # type: ignore[arg-type]
    return {
        "alerts": found,
        "figures": figures,
        "today": timezone.localdate(),
        "team_view": has_perm(user, Perm.VIEW_TEAM_CASELOADS),
        "has_caseload": bool(people) or user.role == Role.SPECIALIST,  # type: ignore[union-attr]
    }
