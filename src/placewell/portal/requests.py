"""Call-back and rearrange requests on the specialist's home worklist, as their own kind of alert.

Each open request shows until the specialist marks it done on the person's page (the "My support" panel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from placewell.casework import alerts, worklist
from placewell.participants.models import Participant
from placewell.portal.models import CallBackRequest, RequestKind

RULE = "portal_request"
RULE_TEXT = (
    "The person asked from their own page to be called back, or to move a meeting. Get in touch at the time "
    "they asked for, then mark the request done."
)
TIMES = {
    "any": "any time",
    "morning": "in the morning",
    "afternoon": "in the afternoon",
    "evening": "early evening",
}


def title(item: CallBackRequest) -> str:
    when = TIMES.get(item.best_time, "any time")
    day = timezone.localdate(item.created_at)
    if item.kind == RequestKind.REARRANGE:
        return f"Asked on {day.day} {day:%B} to move a meeting: call them {when}"
    return f"Asked on {day.day} {day:%B} to be called back {when}"


def open_requests(participants: Sequence[Participant], today: dt.date) -> list[alerts.Alert]:
    """One query: each open participant's oldest open request."""
    if not participants:
        return []
    by_id = {p.pk: p for p in participants}
    rows = CallBackRequest.objects.filter(participant_id__in=list(by_id), done_at__isnull=True).order_by(
        "participant_id", "created_at", "id"
    )
    out: list[alerts.Alert] = []
    seen: set[int] = set()
    for item in rows:
        if item.participant_id in seen:
            continue
        seen.add(item.participant_id)
        out.append(
            alerts.Alert(
                by_id[item.participant_id],
                RULE,
                title(item),
                timezone.localdate(item.created_at),
                urgent=True,
            )
        )
    return out


def register() -> None:
    alerts.register_source(RULE, RULE_TEXT, open_requests)
    worklist.register_kind(
        RULE, "Asked to be called back", ("Call them back", "participants:detail", "#my-support-requests")
    )
