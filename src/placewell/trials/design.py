"""From a stored trial to the engine's design, and from a participant to their stratum.

Kept apart from ``services`` so that set-up pages, monitoring and randomisation build strata and designs in
exactly one way. Nothing here reads or returns the seed except ``build_design``, which passes it straight to
the engine (whose designs print as ``seed=<concealed>``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from placewell.engine.randomisation import (
    AllocationList,
    Factor,
    MinimisationDesign,
    PermutedBlockDesign,
    RatioChange,
    RatioSchedule,
    stratum_key,
)
from placewell.errors import ActionError
from placewell.participants.models import Participant
from placewell.trials.models import STRATIFICATION_FIELDS, Arm, ListEntry, Site, Stratum, Trial

# ISRCTN registry numbers are "ISRCTN" and 8 digits (https://www.isrctn.com/page/faqs); ClinicalTrials.gov
# uses "NCT" and 8 digits, accepted for trials registered there.
REGISTRATION = re.compile(r"^(ISRCTN\d{8}|NCT\d{8})$")


class TrialError(ActionError):
    """A set-up step or a randomisation was refused. The message says what to do; nothing was saved."""


def normalise_registration(value: str) -> str:
    """``ISRCTN 1234 5678`` -> ``ISRCTN12345678``; TrialError unless ISRCTN or NCT and 8 digits."""
    compact = re.sub(r"[\s-]", "", value or "").upper()
    if not REGISTRATION.match(compact):
        raise TrialError(
            "Enter the registration number as ISRCTN followed by 8 digits, like ISRCTN12345678 "
            "(or NCT and 8 digits for ClinicalTrials.gov)"
        )
    return compact


@dataclass(frozen=True)
class StratumCell:
    """One combination of site and stratification values: a possible stratum."""

    key: str
    label: str
    values: dict[str, str]


def possible_strata(trial: Trial, sites: list[Site] | None = None) -> list[StratumCell]:
    """Every combination of the trial's sites and its stratification fields' values."""
    sites = list(trial.sites.all()) if sites is None else sites
    fields = [f for f in trial.stratify_by if f in STRATIFICATION_FIELDS]
    level_lists = [STRATIFICATION_FIELDS[f][1] for f in fields]
    cells = []
    for site in sites:
        for combo in itertools.product(*level_lists):
            values = {"site": site.code, **{f: v for f, (v, _) in zip(fields, combo, strict=True)}}
            label = " · ".join([site.name, *(lbl for _, lbl in combo)])
            cells.append(StratumCell(stratum_key(values), label, values))
    return cells


def participant_values(
    trial: Trial, participant: Participant, site_of_team: Mapping[int, str] | None = None
) -> dict[str, str]:
    """The participant's site and stratification values; TrialError naming what is missing.

    ``site_of_team`` (team id to site code, from ``locked_design``) saves reading the trial's sites."""
    if participant.team_id is None:
        raise TrialError(
            "This person is not in a team, so their trial site is not known. Assign them to a team, then "
            "randomise. Nothing was allocated."
        )
    if site_of_team is not None:
        code = site_of_team.get(participant.team_id)
        site = None if code is None else Site(trial=trial, code=code)
    else:
        site = trial.sites.filter(teams=participant.team_id).first()
    if site is None:
        raise TrialError(
            f"{participant.team.name if participant.team else 'Their team'} is not part of any site of this "
            "trial. Ask the trial's manager to add the team to a site. Nothing was allocated."
        )
    values = {"site": site.code}
    for field in trial.stratify_by:
        value = getattr(participant, field, "")
        if not value:
            label = STRATIFICATION_FIELDS[field][0].lower()
            raise TrialError(
                f"Record the person's {label} (in identifiers and background) before randomising: the trial "
                "uses it to choose their group. Nothing was allocated."
            )
        values[field] = value
    return values


def stratum_for(
    trial: Trial, participant: Participant, site_of_team: Mapping[int, str] | None = None
) -> tuple[str, dict[str, str]]:
    values = participant_values(trial, participant, site_of_team)
    return stratum_key(values), values


def _arms(trial: Trial) -> list[Arm]:
    return list(trial.arms.all())


def _treatment(arms: list[Arm]) -> str:
    return next((a.code for a in arms if a.is_treatment), arms[0].code)


def build_schedule(trial: Trial, strata: dict[int, str]) -> RatioSchedule | None:
    if getattr(trial, "has_ratio_changes", True) is False:  # read with the trial (services._current)
        return None
    changes = [
        RatioChange.build(c.effective_from, tuple(c.weights), strata[c.stratum_id] if c.stratum_id else None)
        for c in trial.ratio_changes.all()
    ]
    return RatioSchedule(changes) if changes else None


def build_design(
    trial: Trial, seed: int, arms: list[Arm] | None = None, fixed: LockedDesign | None = None
) -> Any:
    """The engine design for the trial (permuted blocks or minimisation); ``fixed`` (from ``locked_design``)
    gives the sites and strata without reading them again."""
    arms = _arms(trial) if arms is None else arms
    codes = tuple(a.code for a in arms)
    ratio = tuple(a.weight for a in arms)
    if trial.method == "minimisation":
        site_codes = fixed.site_codes if fixed else tuple(trial.sites.values_list("code", flat=True))
        factors = [Factor("site", site_codes)]
        factors += [
            Factor(f, tuple(v for v, _ in STRATIFICATION_FIELDS[f][1]))
            for f in trial.stratify_by
            if f in STRATIFICATION_FIELDS
        ]
        return MinimisationDesign(
            codes,
            factors,
            seed,
            ratio=ratio,
            p_preferred=float(trial.p_preferred),
            treatment_arm=_treatment(arms),
        )
    strata = dict(fixed.strata) if fixed else dict(trial.strata.values_list("pk", "key"))
    return PermutedBlockDesign(
        codes,
        ratio,
        tuple(trial.block_multiples),
        seed,
        schedule=build_schedule(trial, strata),
        strata=list(strata.values()),
        treatment_arm=_treatment(arms),
    )


def stored_list(trial: Trial, stratum: str | None = None, arms: list[Arm] | None = None) -> AllocationList:
    """The uploaded list as stored (one stratum's rows, or the whole list to verify its checksum)."""
    arms = _arms(trial) if arms is None else arms
    rows = ListEntry.objects.filter(trial=trial)
    if stratum is not None:
        rows = rows.filter(stratum_key=stratum)
    return AllocationList.from_rows(
        list(rows.values_list("stratum_key", "slot", "arm_code")),
        tuple(a.code for a in arms),
        treatment_arm=_treatment(arms),
        ratio=tuple(a.weight for a in arms),
    )


def configured_strata(trial: Trial) -> dict[str, Stratum]:
    return {s.key: s for s in trial.strata.all()}


@dataclass(frozen=True)
class LockedDesign:
    """What a locked trial can no longer change (``services._require_draft``): its arms, which team recruits
    at which site, the sites' codes in order and the strata (id to key). Ratio changes are not here: they
    may be added while the trial recruits."""

    arms: tuple[Arm, ...]
    site_of_team: Mapping[int, str]
    site_codes: tuple[str, ...]
    strata: Mapping[int, str]


_LOCKED: dict[tuple[int, str, str], LockedDesign] = {}
_LOCKED_GUARD = threading.Lock()
_LOCKED_MAX = 256


def locked_design(trial: Trial, seed: str) -> LockedDesign:
    """The locked trial's fixed parts, read once per process (four queries saved on each randomisation).

    Kept by the trial's id, the time it was locked and a hash of its secret seed (made afresh when a trial
    is locked), so a trial that is not the one read before is never given its parts. Draft trials are read
    each time, as their design can still change.
    """
    if trial.state != "locked" or trial.locked_at is None:
        return _read_locked_design(trial)
    key = (trial.pk, trial.locked_at.isoformat(), hashlib.sha256(seed.encode()).hexdigest())
    found = _LOCKED.get(key)
    if found is None:
        found = _read_locked_design(trial)
        with _LOCKED_GUARD:
            if len(_LOCKED) >= _LOCKED_MAX:
                _LOCKED.clear()
            _LOCKED[key] = found
    return found


def _read_locked_design(trial: Trial) -> LockedDesign:
    return LockedDesign(
        arms=tuple(trial.arms.all()),
        site_of_team={team: code for team, code in trial.sites.values_list("teams", "code") if team},
        site_codes=tuple(trial.sites.values_list("code", flat=True)),
        strata=dict(trial.strata.values_list("pk", "key")),
    )
