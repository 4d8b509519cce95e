"""What placements adds to the participant page: jobs, the current job and its milestones."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from placewell.accounts.policy import Perm, has_perm
from placewell.participants.models import Participant, Status
from placewell.placements import services
from placewell.placements.models import JobStart


def participant(request: HttpRequest, p: Participant) -> dict[str, Any] | None:
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS) or p.is_erased:
        return None
    rows = list(JobStart.objects.filter(participant=p).order_by("started_on", "id"))
    return {
        "p": p,
        "rows": rows,
        "current": [j for j in rows if j.is_current],
        "s": services.sustainment_for(rows) if rows else None,
        "can_write": has_perm(request.user, Perm.EDIT_PARTICIPANT)
        and p.status in {Status.ACTIVE, Status.IN_WORK},
    }
