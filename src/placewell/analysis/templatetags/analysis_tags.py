"""``{% analysis_link trial %}``: the trial page's link to its analysis, for whoever may follow it."""

from __future__ import annotations

from typing import Any

from django import template

from placewell.accounts.policy import Perm, has_perm
from placewell.analysis.access import may_analyse

register = template.Library()


@register.inclusion_tag("analysis/_trial_link.html", takes_context=True)
def analysis_link(context: dict[str, Any], trial: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"trial": trial, "analyse": False, "manage": False}
    return {
        "trial": trial,
        "analyse": may_analyse(user, trial),
        "manage": has_perm(user, Perm.CONFIGURE_TRIALS) and trial.service_id == user.service_id,
    }
