"""The home-page panel listing the trials the user may analyse (evaluators and named statisticians)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from placewell.accounts.policy import Perm, has_perm
from placewell.analysis.access import analysable_trials


def home(request: HttpRequest) -> dict[str, Any] | None:
    if not has_perm(request.user, Perm.ANALYSE_TRIALS):
        return None
    trials = list(analysable_trials(request.user)[:20])
    return {"analysis_trials": trials} if trials else None
