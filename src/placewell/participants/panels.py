"""What the participants app adds to the home page (registered in ``apps.py``).

Team leaders and service managers see the referral queue's summary and its oldest referrals; a specialist
sees the people allocated to them who have not yet started support, against the service's promised response
time, so a referral allocated from the queue appears on their home at once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from placewell.accounts.models import Role
from placewell.accounts.policy import Perm, has_perm, referral_queue_scope
from placewell.participants import queue, services
from placewell.participants.models import Participant, Status

HOME_ROWS = 5
NEW_STATUSES = (Status.REFERRED, Status.ELIGIBLE, Status.AGREED)


def home(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not has_perm(user, Perm.VIEW_PARTICIPANTS):
        return None
    if has_perm(user, Perm.TRANSFER):
        found = queue.queue_for(referral_queue_scope(user), limit=HOME_ROWS)
        shown = [w.participant for w in found.rows]
        services.record_list(by=user, participants=shown, what="home page referral queue", request=request)
        return {"kind": "queue", "queue": found, "rows": found.rows}
    if user.role != Role.SPECIALIST:
        return None
    rows = list(
        Participant.objects.filter(specialist=user, status__in=NEW_STATUSES)  # type: ignore[misc]  # django-stubs cannot see annotations passed as **dict
        .select_related("service", "team")
        .annotate(**queue.ANNOTATIONS)
        .order_by("referred_on", "id")[:20]
    )
    new = queue.standing(rows, timezone.localdate())
    services.record_list(by=user, participants=rows, what="home page new referrals", request=request)
    return {"kind": "new", "rows": new}
