"""The place in the first meeting for baseline questionnaires, which another app fills.

The Health-led Trials collected the baseline survey (health, wellbeing, job-search self-efficacy) in the
first meeting, before randomisation (DWP research report 1025, section 5.1.6): answers given after the person knows their
arm could differ between arms, so randomisation waits until every registered baseline step is complete.

An app that provides questionnaires registers a step in its ``AppConfig.ready``::

    from placewell.trials.baseline import BaselineStep, register_baseline_step

    register_baseline_step(BaselineStep(
        key="baseline-survey",
        label="Baseline questionnaire",
        url=lambda participant, trial, return_to: f"/surveys/baseline/{participant.pk}/?next={return_to}",
        is_complete=lambda participant, trial: has_baseline_response(participant),
    ))

The first meeting then shows a "Baseline questionnaires" page listing each step with a link (the step's page
sends the specialist back to ``return_to`` when done), and ``services.randomise`` refuses anyone with an
incomplete step. With no step registered the page is left out of the flow. A step may also say how the demo
fills it in (``fill_for_demo(participant, trial, by, on, rng)``), so that demo participants are randomised
after their baseline, as real ones are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    import random

    from placewell.accounts.models import User
    from placewell.participants.models import Participant
    from placewell.trials.models import Trial


@dataclass(frozen=True)
class BaselineStep:
    key: str
    label: str
    url: Callable[[Participant, Trial, str], str]
    is_complete: Callable[[Participant, Trial], bool]
    order: int = 100
    fill_for_demo: Callable[[Participant, Trial, User, dt.date, random.Random], None] | None = None


_STEPS: dict[str, BaselineStep] = {}


def register_baseline_step(step: BaselineStep) -> None:
    _STEPS[step.key] = step


def unregister_baseline_step(key: str) -> None:
    _STEPS.pop(key, None)


def baseline_steps() -> list[BaselineStep]:
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.key))


def incomplete_steps(participant: Participant, trial: Trial) -> list[BaselineStep]:
    return [s for s in baseline_steps() if not s.is_complete(participant, trial)]
