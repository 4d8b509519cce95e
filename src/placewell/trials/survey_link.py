"""Trials and surveys together: the baseline questionnaires in the first meeting, per-trial survey waves,
and the arms of the response-rate table. Registered by ``TrialsConfig.ready`` only when the surveys app is
installed; it calls the surveys app's actions and public functions and never writes its tables.

- **Baseline step.** The first meeting's baseline page links to the surveys app's staff questionnaire pages
  for the person's baseline invitation (face to face, one questionnaire after another), which return to the
  meeting when the last one is saved. Randomisation waits until every questionnaire of the baseline wave has
  been sent, because the Health-led Trials collected the baseline survey before randomisation, so that the
  answers cannot be affected by the result (DWP research report 1025, section 5.1.6). A partial questionnaire counts: a
  person may leave any question blank, and taking part must not depend on answering
  (``surveys.fieldwork.BaselineProgress``).
- **Per-trial waves.** When a person is randomised, their survey enrolment takes the trial's registration
  number as its trial reference, in the allocation's transaction (``trials.hooks``), so the trial's baseline
  and follow-ups are counted as the trial's own waves.
- **Arms in the response-rate table.** The arm source maps a trial's participants to their arm names, and
  arms are shown only to people who may see a trial's allocations in aggregate (``Perm.VIEW_ALLOCATIONS``,
  the permission of the balance page), within their trial scope and not blind in that trial.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.http import urlencode

from placewell.accounts.policy import Perm, has_perm
from placewell.participants.choices import SurveyMode
from placewell.surveys import demo as survey_demo
from placewell.surveys import rates
from placewell.surveys import services as surveys
from placewell.surveys.errors import SurveyError
from placewell.trials.access import trial_scope
from placewell.trials.baseline import BaselineStep, register_baseline_step
from placewell.trials.checks import NOTHING, is_blinded
from placewell.trials.design import TrialError
from placewell.trials.hooks import register_joining_trial
from placewell.trials.models import Allocation, Trial

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User
    from placewell.participants.models import Participant

STEP_KEY = "survey-baseline"


def baseline_url(participant: Participant, trial: Trial, return_to: str) -> str:
    """The first baseline questionnaire still to ask, face to face, returning to ``return_to`` at the end.

    Someone not in the survey sample (rare: agreement adds people) is sent to their surveys page, where they
    can be added and brought back.
    """
    progress = surveys.baseline_progress(participant)
    if progress.invitation is None:
        return reverse("surveys:participant", args=[participant.pk]) + "?" + urlencode({"next": return_to})
    query: dict[str, str | int] = {
        "mode": SurveyMode.FACE_TO_FACE,
        "invitation": progress.invitation.pk,
        "next": return_to,
    }
    instrument = (progress.missing or list(progress.instruments))[0]
    return reverse("surveys:administer", args=[participant.pk, instrument]) + "?" + urlencode(query)


def baseline_complete(participant: Participant, trial: Trial) -> bool:
    return surveys.has_complete_baseline(participant)


def fill_baseline_for_demo(
    participant: Participant, trial: Trial, by: User, on: dt.date, rng: random.Random
) -> None:
    survey_demo.record_baseline(rng, participant, by, on)


def join_trial_waves(by: User, trial: Trial, participant: Participant, request: HttpRequest | None) -> None:
    """Survey the person with the trial's waves from now on (in the allocation's transaction)."""
    enrolment = surveys.enrolment_of(participant)
    if enrolment is None:
        return
    try:
        surveys.set_trial_reference(
            by=by, enrolment=enrolment, trial_reference=trial.registration_number, request=request
        )
    except SurveyError as exc:
        raise TrialError(f"{exc}. Ask the survey team to check their survey record. {NOTHING}") from exc


def arms_by_participant(trial_reference: str, participant_ids: Sequence[int]) -> Mapping[int, str]:
    """Arm names of the trial's randomised participants among ``participant_ids``.

    Reads the trial's allocations once (rather than a long ``IN`` list of people), then keeps those asked for.
    """
    if not trial_reference:
        return {}
    wanted = set(participant_ids)
    rows = Allocation.objects.filter(trial__registration_number=trial_reference).values_list(
        "participant_id", "arm__name"
    )
    return {pid: arm for pid, arm in rows if pid in wanted}


def may_see_arms_in_rates(viewer: Any, trial_reference: str) -> bool:
    """As the trial's balance page: aggregate arms for those with ``VIEW_ALLOCATIONS`` in the trial's scope,
    unless listed as blind in that trial."""
    if not trial_reference or viewer is None or not has_perm(viewer, Perm.VIEW_ALLOCATIONS):
        return False
    trial = Trial.objects.filter(trial_scope(viewer), registration_number=trial_reference).first()
    return trial is not None and not is_blinded(viewer, trial)


def register() -> None:
    register_baseline_step(
        BaselineStep(
            key=STEP_KEY,
            label="Baseline questionnaires",
            url=baseline_url,
            is_complete=baseline_complete,
            order=10,
            fill_for_demo=fill_baseline_for_demo,
        )
    )
    register_joining_trial("surveys", join_trial_waves)
    rates.register_arm_source(arms_by_participant, may_see=may_see_arms_in_rates)
