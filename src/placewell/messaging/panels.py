"""The messages panel on the participant page: what was sent, what failed and why, and the opt-out."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from placewell.accounts.policy import Perm, has_perm
from placewell.messaging.models import Message, OptOut

SHOWN = 10


def participant_messages(request: HttpRequest, p: Any) -> dict[str, Any] | None:
    """Two queries: the latest messages and whether the person opted out."""
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS) or p.is_erased:
        return None
    messages = list(Message.objects.filter(participant=p).order_by("-created_at", "-pk")[:SHOWN])
    ending_sent = any(
        m.template_key == "support_ending" and m.status in {"queued", "sent", "delivered"} for m in messages
    )
    return {
        "p": p,
        "messages": messages,
        "opted_out": OptOut.objects.filter(participant=p).exists(),
        "can_write": has_perm(request.user, Perm.EDIT_PARTICIPANT),
        "offer_ending_letter": p.status == "closed" and not ending_sent,
    }
