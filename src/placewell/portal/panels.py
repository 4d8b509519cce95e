"""What "My support" adds to the staff participant page: the button that sends the person a link to their
own page, and their open requests, each with a button that marks it done."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from placewell.accounts.policy import Perm, has_perm
from placewell.participants.models import Participant, Status
from placewell.portal.models import CallBackRequest
from placewell.portal.requests import title


def participant(request: HttpRequest, p: Participant) -> dict[str, Any] | None:
    """One query: the open requests."""
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS) or p.is_erased:
        return None
    items = list(CallBackRequest.objects.filter(participant=p, done_at__isnull=True).order_by("created_at"))
    can_write = has_perm(request.user, Perm.EDIT_PARTICIPANT)
    return {
        "p": p,
        "requests": [(item, title(item)) for item in items],
        "can_write": can_write,
        "can_send": can_write and p.withdrawn_from_service_at is None and p.status != Status.ERASED,
    }


def home(request: HttpRequest) -> dict[str, Any] | None:
    """Requests from the specialist's people whose support is not open (ended, or not started yet): the
    worklist's alerts cover open records only, and nobody who asks to be called back should be missed. One
    query."""
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS):
        return None
    items = list(
        CallBackRequest.objects.filter(done_at__isnull=True, participant__specialist=request.user)
        .exclude(participant__status__in=[Status.ACTIVE, Status.IN_WORK, Status.ERASED])
        .select_related("participant")
        .order_by("created_at")[:50]
    )
    if not items:
        return None
    return {"requests": [(item, title(item)) for item in items]}
