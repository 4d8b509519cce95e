"""What appointments add to the participant page: the next appointments, recent ones, and booking."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from placewell.accounts.policy import Perm, has_perm
from placewell.appointments.models import Appointment, Status
from placewell.appointments.services import OPEN_STATUSES
from placewell.participants.models import Participant

RECENT = 3


def participant(request: HttpRequest, p: Participant) -> dict[str, Any] | None:
    """Two queries: the booked appointments to come (and those awaiting an outcome), and the latest others."""
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS):
        return None
    now = timezone.now()
    booked = list(
        Appointment.objects.filter(participant=p, status=Status.BOOKED).select_related("venue", "specialist")
    )
    recent = list(
        Appointment.objects.filter(~Q(status=Status.BOOKED), participant=p)
        .select_related("venue")
        .order_by("-starts_at")[:RECENT]
    )
    can_write = has_perm(request.user, Perm.EDIT_PARTICIPANT)
    return {
        "p": p,
        "upcoming": [a for a in booked if a.starts_at > now],
        "awaiting": [a for a in booked if a.starts_at <= now],
        "recent": recent,
        "can_write": can_write,
        "can_book": can_write and p.status in OPEN_STATUSES,
    }
