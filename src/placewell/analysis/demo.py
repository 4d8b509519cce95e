"""The demo's analysis plan for the full-size demo trial: a draft for the demo evaluator to lock and run.

The trial's groups are those of the Health-led Trials, so the draft names them as DWP research report 1025 does and uses the
report's groups and pooled groups (SCR IW, SCR OOW, All SCR, WMCA, All OOW; DWP research report 1025, Tables 2.1 and 2.2) with
their published costs per recruit to the treatment group (the shipped economic parameters'
``cost_per_treated_recruit`` entries). The report then has Table 2.2's costs and returns with the Monte Carlo
distribution. It is left unlocked, so that a new user locks it before running it, as the plan says.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from placewell.accounts.models import Role, User
from placewell.analysis import plan as plans
from placewell.analysis import services
from placewell.trials.demo_fullsize import REGISTRATION
from placewell.trials.models import Trial

SCR_IW, SCR_OOW = "Sheffield City Region · In work", "Sheffield City Region · Out of work"
WMCA_OOW = "West Midlands · Out of work"
HLT_GROUPS = (
    ("SCR IW", [SCR_IW], "scr_iw"),
    ("SCR OOW", [SCR_OOW], "scr_oow"),
    ("All SCR", [SCR_IW, SCR_OOW], "all_scr"),
    ("WMCA", [WMCA_OOW], "wmca"),
    ("All OOW", [SCR_OOW, WMCA_OOW], "all_oow"),
)


def hlt_plan(trial: Trial) -> dict[str, Any]:
    """The default plan with the Health-led Trials' five groups and their published cost keys."""
    content = plans.default_plan(trial)
    content["groups"] = [{"name": n, "members": m, "cost_key": k} for n, m, k in HLT_GROUPS]
    return content


def demo_step(rng: random.Random, progress: Callable[[str], None]) -> None:
    trial = Trial.objects.filter(registration_number=REGISTRATION).first()
    if trial is None or trial.analysis_plans.exists():
        return
    evaluator = User.objects.filter(role=Role.EVALUATOR, username="eve").first()
    plan = services.create_plan(by=evaluator, trial=trial, content=hlt_plan(trial))
    progress(f"Full-size trial: draft analysis plan version {plan.version}, ready to lock and run")
