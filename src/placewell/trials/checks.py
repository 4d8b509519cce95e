"""Checks that decide whether a trial can be locked and whether a person can be randomised today.

Every refusal says what is wrong and what to do, and none names an arm or what would have been allocated
(Schulz and Grimes, Lancet 2002;359:614-618).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from placewell.accounts.policy import Perm, has_perm
from placewell.engine.randomisation import RandomisationError
from placewell.participants.models import Participant, Status
from placewell.trials import baseline
from placewell.trials.design import STRATIFICATION_FIELDS, build_design, stored_list
from placewell.trials.models import Allocation, ListEntry, Method, Trial, TrialState

if TYPE_CHECKING:
    from placewell.accounts.models import User

NOTHING = "Nothing was allocated."


def lock_problems(trial: Trial) -> list[str]:
    """What must be put right before the trial can be locked (empty when it can)."""
    problems = []
    arms = list(trial.arms.all())
    if len(arms) < 2:
        problems.append("Add at least two arms")
    if sum(a.is_treatment for a in arms) != 1:
        problems.append("Mark exactly one arm as the treatment arm")
    sites = list(trial.sites.prefetch_related("teams"))
    if not sites:
        problems.append("Add at least one site")
    strata = list(trial.strata.all())
    if not strata:
        problems.append("Choose the strata the trial recruits")
    if not trial.recruitment_opens_on or not trial.recruitment_closes_on:
        problems.append("Set the recruitment window")
    if not trial.recruitment_target:
        problems.append("Set the recruitment target")
    if trial.method == Method.LIST:
        if not trial.list_checksum:
            problems.append("Upload the allocation list")
        else:
            covered = set(ListEntry.objects.filter(trial=trial).values_list("stratum_key", flat=True))
            missing = [s.label for s in strata if s.key not in covered]
            if missing:
                problems.append(f"The allocation list has no slots for: {', '.join(missing)}")
    if not problems:
        try:
            build_design(trial, 0, arms)
            if trial.method == Method.LIST:
                stored_list(trial, arms=arms).verify(trial.list_checksum)
        except RandomisationError as exc:
            problems.append(str(exc))
    return problems


def is_blinded(user: User, trial: Trial) -> bool:
    return trial.blinded_staff.filter(pk=user.pk).exists()


def may_see_arms(user: User, trial: Trial) -> bool:
    return has_perm(user, Perm.VIEW_ARMS) and not is_blinded(user, trial)


def readiness_problems(
    trial: Trial, participant: Participant, on: dt.date, *, allocated: bool | None = None
) -> list[str]:
    """Why this person cannot be randomised into this trial today (empty when they can).

    ``allocated`` says whether they have been randomised already, when the caller has read it."""
    if trial.state == TrialState.DRAFT:
        return [
            "This trial is still being set up: its design must be locked before anyone is randomised. "
            f"Ask the trial's manager to lock it. {NOTHING}"
        ]
    if trial.state == TrialState.CLOSED:
        return [f"Recruitment to this trial has closed. {NOTHING}"]
    if trial.recruitment_opens_on and on < trial.recruitment_opens_on:
        return [
            f"Recruitment opens on {trial.recruitment_opens_on:%-d %B %Y}; randomise from then. {NOTHING}"
        ]
    if trial.recruitment_closes_on and on > trial.recruitment_closes_on:
        return [
            f"Recruitment closed on {trial.recruitment_closes_on:%-d %B %Y}. Ask the trial's manager whether "
            f"the window is to be extended. {NOTHING}"
        ]
    if participant.service_id != trial.service_id:
        return [f"This person is referred to another service, not one in this trial. {NOTHING}"]
    if allocated is None:
        allocated = Allocation.objects.filter(participant=participant).exists()
    if allocated:
        return [f"This person has already been randomised; a person is randomised once only. {NOTHING}"]
    advice: dict[str, str] = {
        Status.REFERRED: "Screen their eligibility and record their agreement first.",
        Status.INELIGIBLE: "They were screened as not eligible, so they cannot take part.",
        Status.ELIGIBLE: "Record their agreement first.",
    }
    if participant.status != Status.AGREED:
        return [
            advice.get(
                participant.status,
                "Only a person who is eligible, has agreed and is not yet receiving support can be randomised.",
            )
            + f" {NOTHING}"
        ]
    return [
        f"Complete the {s.label.lower()} first. {NOTHING}"
        for s in baseline.incomplete_steps(participant, trial)
    ]


def describe_group(trial: Trial, values: Mapping[str, str]) -> str:
    site = trial.sites.filter(code=values.get("site")).first()
    parts = [site.name if site else values.get("site", "")]
    for field in trial.stratify_by:
        labels = dict(STRATIFICATION_FIELDS[field][1])
        parts.append(labels.get(values.get(field, ""), values.get(field, "")))
    return ", ".join(parts)
