"""The trial section on a participant's page: their allocation, or the way into the first meeting.

The arm is shown only to roles with arm visibility who are not blind in this trial, and every showing is
audited (``services.record_arm_reveal``). Blind staff see that the person was randomised, never the arm.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from placewell.accounts.policy import Perm, has_perm
from placewell.participants.models import Participant, Status
from placewell.trials import services
from placewell.trials.models import Allocation, Trial, TrialState


def context(request: HttpRequest, participant: Participant) -> dict[str, Any] | None:
    user = request.user
    allocation = Allocation.objects.filter(participant=participant).select_related("trial", "arm").first()
    if allocation is not None:
        show_arm = services.may_see_arms(user, allocation.trial)  # type: ignore[arg-type]
        if show_arm:
            services.record_arm_reveal(
                by=user,  # type: ignore[arg-type]
                allocation=allocation,
                what="participant record",
                request=request,
            )
        return {"allocation": allocation, "show_arm": show_arm, "trial": allocation.trial}
    if not has_perm(user, Perm.RANDOMISE) or participant.status not in {
        Status.REFERRED,
        Status.ELIGIBLE,
        Status.AGREED,
    }:
        return None
    trials = [
        t
        for t in Trial.objects.filter(service_id=participant.service_id, state=TrialState.LOCKED)
        if not services.is_blinded(user, t)
    ]
    if not trials:
        return None
    return {"allocation": None, "trials": trials, "p": participant}
