"""Actions on trials: set-up, locking, closing and randomisation. Each is atomic with its audit event.

``randomise`` follows docs/explanation/randomisation.md, "Using the engine from the web layer": in one
transaction it locks the participant's stratum row (``SELECT ... FOR UPDATE``; the trial row for
minimisation), rebuilds the engine state, takes the next allocation, saves the new state, the allocation
and the audit event, and commits. Any error rolls everything back, so no slot is used without an allocation
and no allocation exists without its slot. Allocations in one stratum are serialised by the row lock;
different strata do not wait for each other.

Concealment (Schulz and Grimes, Lancet 2002;359:614-618): refusals say what is wrong with the input and
what to do, never what would have been allocated; the audit event names the trial and stratum but not the
arm, because the audit log and the participant's timeline are read by people who may be blind to arms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from placewell.accounts import audit, audit_chain
from placewell.accounts.models import AuditEvent, Service, Team
from placewell.accounts.policy import Perm, has_perm, participant_scope
from placewell.engine.randomisation import (
    ListState,
    MinimisationState,
    RandomisationError,
    StratumState,
    allocate,
    allocate_from_list,
    minimise,
    new_seed,
    parse_allocation_list,
)
from placewell.participants.models import Participant
from placewell.trials import hooks
from placewell.trials.checks import (
    NOTHING,
    describe_group,
    is_blinded,
    lock_problems,
    may_see_arms,
    readiness_problems,
)
from placewell.trials.design import (
    STRATIFICATION_FIELDS,
    TrialError,
    build_design,
    locked_design,
    normalise_registration,
    possible_strata,
    stored_list,
    stratum_for,
)
from placewell.trials.models import (
    Allocation,
    Arm,
    ListEntry,
    Method,
    RatioChange,
    Site,
    Stratum,
    Trial,
    TrialSecret,
    TrialState,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action

__all__ = [
    "TrialError",
    "add_arm",
    "add_ratio_change",
    "add_site",
    "close_recruitment",
    "create_trial",
    "is_blinded",
    "lock_problems",
    "lock_trial",
    "may_see_arms",
    "randomise",
    "readiness_problems",
    "record_arm_reveal",
    "set_blinded_staff",
    "set_strata",
    "update_trial",
    "upload_allocation_list",
]


def _configure_event(by: User | None, trial: Trial, summary: str, request: HttpRequest | None = None) -> None:
    audit.record(
        by, A.CONFIGURE, "trial", trial.pk, service_id=trial.service_id, summary=summary, request=request
    )


def _require_draft(trial: Trial) -> None:
    if trial.state != TrialState.DRAFT:
        raise TrialError(
            "This trial's design is locked and cannot change, so that every allocation follows the design "
            "it was registered with. To change the ratio from a future date, add a ratio change."
        )


def _check_design_fields(
    method: str, block_multiples: Sequence[int], stratify_by: Sequence[str], p_preferred: float
) -> None:
    if method not in Method.values:
        raise TrialError("Choose the randomisation method: permuted blocks, minimisation or an uploaded list")
    unknown = [f for f in stratify_by if f not in STRATIFICATION_FIELDS]
    if unknown:
        raise TrialError(f"Unknown stratification fields: {', '.join(unknown)}")
    if method == Method.BLOCKS and (
        not block_multiples or any(not isinstance(m, int) or m < 1 or m > 10 for m in block_multiples)
    ):
        raise TrialError("Give the block sizes as whole multiples of the ratio from 1 to 10, like 1, 2, 3")
    if not 0.5 <= float(p_preferred) <= 1:
        raise TrialError("The probability of the preferred arm must be between 0.5 and 1, like 0.8")


def _check_window(opens: dt.date | None, closes: dt.date | None) -> None:
    if opens and closes and closes < opens:
        raise TrialError("Recruitment must close on or after the day it opens")


@transaction.atomic
def create_trial(
    *,
    by: User | None,
    service: Service,
    name: str,
    registration_number: str,
    method: str = Method.BLOCKS,
    block_multiples: Sequence[int] = (1, 2, 3),
    stratify_by: Sequence[str] = ("employment_status",),
    recruitment_opens_on: dt.date | None = None,
    recruitment_closes_on: dt.date | None = None,
    recruitment_target: int | None = None,
    p_preferred: float = 0.8,
    request: HttpRequest | None = None,
) -> Trial:
    """A trial in draft: its design can change until it is locked."""
    if not name.strip():
        raise TrialError("Enter the trial's name")
    number = normalise_registration(registration_number)
    if Trial.objects.filter(registration_number=number).exists():
        raise TrialError(f"A trial with registration number {number} already exists")
    _check_design_fields(method, block_multiples, stratify_by, p_preferred)
    _check_window(recruitment_opens_on, recruitment_closes_on)
    trial = Trial.objects.create(
        service=service,
        name=name.strip(),
        registration_number=number,
        method=method,
        block_multiples=list(block_multiples),
        stratify_by=list(stratify_by),
        recruitment_opens_on=recruitment_opens_on,
        recruitment_closes_on=recruitment_closes_on,
        recruitment_target=recruitment_target,
        p_preferred=p_preferred,
        created_by=by,
    )
    _configure_event(by, trial, f"Created trial {trial.name} ({number})", request)
    return trial


UPDATABLE = (
    "name",
    "registration_number",
    "method",
    "block_multiples",
    "stratify_by",
    "recruitment_opens_on",
    "recruitment_closes_on",
    "recruitment_target",
    "p_preferred",
)


@transaction.atomic
def update_trial(
    *, by: User, trial: Trial, changes: Mapping[str, Any], request: HttpRequest | None = None
) -> Trial:
    """Change the design of a draft trial. Changing the stratification fields removes the chosen strata."""
    _require_draft(trial)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise TrialError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    values = dict(changes)
    if "registration_number" in values:
        values["registration_number"] = normalise_registration(values["registration_number"])
        if (
            Trial.objects.filter(registration_number=values["registration_number"])
            .exclude(pk=trial.pk)
            .exists()
        ):
            raise TrialError(
                f"A trial with registration number {values['registration_number']} already exists"
            )
    merged = {f: values.get(f, getattr(trial, f)) for f in UPDATABLE}
    _check_design_fields(
        merged["method"], merged["block_multiples"], merged["stratify_by"], merged["p_preferred"]
    )
    _check_window(merged["recruitment_opens_on"], merged["recruitment_closes_on"])
    if list(merged["stratify_by"]) != list(trial.stratify_by):
        trial.strata.all().delete()
    before = {f: getattr(trial, f) for f in values}
    for field, value in values.items():
        setattr(trial, field, value)
    trial.save()
    delta = audit.diff(before, values)
    if delta:
        audit.record(
            by,
            A.CONFIGURE,
            "trial",
            trial.pk,
            service_id=trial.service_id,
            summary=f"Changed trial design: {', '.join(delta)}".replace("_", " "),
            changes=delta,
            request=request,
        )
    return trial


@transaction.atomic
def add_site(
    *,
    by: User | None,
    trial: Trial,
    code: str,
    name: str,
    teams: Iterable[Team],
    request: HttpRequest | None = None,
) -> Site:
    """A site: the teams whose participants are recruited there (the site is the first stratification field)."""
    _require_draft(trial)
    teams = list(teams)
    if not code.strip() or not name.strip():
        raise TrialError("Enter the site's name and short code")
    if trial.sites.filter(code=code).exists():
        raise TrialError(f"This trial already has a site with the code {code}")
    if not teams:
        raise TrialError("Choose at least one team that recruits at this site")
    for team in teams:
        if team.service_id != trial.service_id:
            raise TrialError(f"{team.name} is not a team of {trial.service.name}")
        if trial.sites.filter(teams=team).exists():
            raise TrialError(f"{team.name} already recruits at another site of this trial")
    site = Site.objects.create(trial=trial, code=code.strip(), name=name.strip())
    site.teams.set(teams)
    _configure_event(by, trial, f"Added site {site.name}", request)
    return site


@transaction.atomic
def add_arm(
    *,
    by: User | None,
    trial: Trial,
    code: str,
    name: str,
    participant_label: str,
    next_steps: str,
    is_treatment: bool = False,
    weight: int = 1,
    leaflet: str = "",
    request: HttpRequest | None = None,
) -> Arm:
    _require_draft(trial)
    if trial.arms.filter(code=code).exists():
        raise TrialError(f"This trial already has an arm with the code {code}")
    if is_treatment and trial.arms.filter(is_treatment=True).exists():
        raise TrialError("This trial already has a treatment arm; a trial has one treatment arm")
    if weight < 1:
        raise TrialError("An arm's share of the ratio must be a whole number of at least 1")
    if not next_steps.strip():
        raise TrialError("Enter the next steps the person is told with this result")
    arm = Arm.objects.create(
        trial=trial,
        order=trial.arms.count() + 1,
        code=code,
        name=name.strip(),
        participant_label=participant_label.strip(),
        next_steps=next_steps.strip(),
        is_treatment=is_treatment,
        weight=weight,
        leaflet=leaflet.strip(),
    )
    _configure_event(by, trial, f"Added arm {arm.name}", request)
    return arm


@transaction.atomic
def set_strata(
    *,
    by: User | None,
    trial: Trial,
    keys: Iterable[str],
    targets: Mapping[str, int | None] | None = None,
    request: HttpRequest | None = None,
) -> list[Stratum]:
    """Choose which combinations of site and stratification values the trial recruits.

    A combination left out is refused at randomisation (for example, the Health-led Trials recruited no
    in-work participants in the West Midlands).
    """
    _require_draft(trial)
    cells = {c.key: c for c in possible_strata(trial)}
    chosen = list(dict.fromkeys(keys))
    unknown = [k for k in chosen if k not in cells]
    if unknown:
        raise TrialError("Choose strata from the combinations of this trial's sites and fields")
    if not chosen:
        raise TrialError("Choose at least one group to recruit")
    targets = targets or {}
    trial.strata.exclude(key__in=chosen).delete()
    out = []
    for key in chosen:
        cell = cells[key]
        stratum, _ = Stratum.objects.update_or_create(
            trial=trial,
            key=key,
            defaults={"label": cell.label, "values": cell.values, "target": targets.get(key)},
        )
        out.append(stratum)
    _configure_event(by, trial, f"Chose {len(out)} strata", request)
    return out


@transaction.atomic
def add_ratio_change(
    *,
    by: User | None,
    trial: Trial,
    effective_from: dt.date,
    weights: Sequence[int],
    stratum: Stratum | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> RatioChange:
    """Change the ratio from a date, for the whole trial or one stratum (DWP research report 1025, section 5.1.6).

    Before locking any date may be given. Once the trial recruits, a change must start tomorrow or later, so
    that no allocation already made, or made today, follows a ratio other than the one it recorded.
    """
    if trial.state == TrialState.CLOSED:
        raise TrialError("Recruitment has closed; the ratio can no longer change")
    arms = list(trial.arms.all())
    weights = list(weights)
    if len(weights) != len(arms) or any(not isinstance(w, int) or w < 1 for w in weights):
        raise TrialError(f"Give one whole number of at least 1 for each of the {len(arms)} arms, like 2:1")
    if trial.state == TrialState.LOCKED and effective_from <= timezone.localdate():
        raise TrialError("The trial is recruiting, so a ratio change must start tomorrow or later")
    if stratum is not None and stratum.trial_id != trial.pk:
        raise TrialError("Choose a stratum of this trial")
    change = RatioChange.objects.create(
        trial=trial,
        effective_from=effective_from,
        stratum=stratum,
        weights=weights,
        reason=reason.strip()[:200],
        created_by=by,
    )
    try:
        if trial.method == Method.BLOCKS:
            build_design(trial, 0, arms)
    except RandomisationError as exc:
        raise TrialError(str(exc)) from exc
    where = stratum.label if stratum else "every stratum"
    _configure_event(
        by, trial, f"Ratio {':'.join(map(str, weights))} from {effective_from:%d %B %Y} in {where}", request
    )
    return change


@transaction.atomic
def set_blinded_staff(
    *, by: User, trial: Trial, staff: Iterable[User], request: HttpRequest | None = None
) -> None:
    """Staff who must not see arms, such as follow-up survey interviewers. May change at any time."""
    staff = list(staff)
    trial.blinded_staff.set(staff)
    _configure_event(by, trial, f"Set {len(staff)} staff as blind to arms", request)


@transaction.atomic
def upload_allocation_list(
    *, by: User, trial: Trial, data: bytes, expected_sha256: str, request: HttpRequest | None = None
) -> int:
    """Store an allocation list after checking every row and the file's checksum; nothing saved on error."""
    _require_draft(trial)
    if trial.method != Method.LIST:
        raise TrialError("Choose the uploaded-list method before uploading an allocation list")
    arms = list(trial.arms.all())
    strata = list(trial.strata.values_list("key", flat=True))
    if len(arms) < 2 or not strata:
        raise TrialError("Add the arms and choose the strata before uploading the list, so it can be checked")
    treatment = next((a.code for a in arms if a.is_treatment), arms[0].code)
    parsed = parse_allocation_list(
        data,
        [a.code for a in arms],
        expected_sha256=expected_sha256,
        treatment_arm=treatment,
        ratio=[a.weight for a in arms],
        strata=strata,
    )
    ListEntry.objects.filter(trial=trial).delete()
    rows = parsed.rows()
    ListEntry.objects.bulk_create(
        ListEntry(trial=trial, stratum_key=s, slot=n, arm_code=a) for s, n, a in rows
    )
    trial.list_checksum = parsed.checksum
    trial.list_file_sha256 = parsed.file_sha256 or ""
    trial.save(update_fields=["list_checksum", "list_file_sha256"])
    _configure_event(by, trial, f"Uploaded an allocation list of {len(rows)} slots", request)
    return len(rows)


@transaction.atomic
def lock_trial(*, by: User, trial: Trial, request: HttpRequest | None = None) -> Trial:
    """Fix the design and generate the secret seed; from now on the design cannot change."""
    trial = Trial.objects.select_for_update().get(pk=trial.pk)
    _require_draft(trial)
    problems = lock_problems(trial)
    if problems:
        raise TrialError("The trial cannot be locked yet: " + "; ".join(problems) + ".")
    TrialSecret.objects.update_or_create(trial=trial, defaults={"seed": str(new_seed())})
    trial.state = TrialState.LOCKED
    trial.locked_at = timezone.now()
    trial.save(update_fields=["state", "locked_at"])
    _configure_event(by, trial, "Locked the design; recruitment can start", request)
    return trial


@transaction.atomic
def close_recruitment(*, by: User, trial: Trial, request: HttpRequest | None = None) -> Trial:
    trial = Trial.objects.select_for_update().get(pk=trial.pk)
    if trial.state != TrialState.LOCKED:
        raise TrialError("Only a recruiting trial can be closed")
    trial.state = TrialState.CLOSED
    trial.closed_at = timezone.now()
    trial.save(update_fields=["state", "closed_at"])
    _configure_event(by, trial, "Closed recruitment", request)
    return trial


def _refuse_user(by: User, trial: Trial) -> None:
    """Refuse on the checks ``_current`` read with the trial."""
    if not has_perm(by, Perm.RANDOMISE):
        raise TrialError(f"Your role does not randomise participants. {NOTHING}")
    if trial.by_blinded:  # type: ignore[attr-defined]
        raise TrialError(f"You are blind to allocations in this trial, so you cannot randomise. {NOTHING}")
    if not trial.in_by_scope:  # type: ignore[attr-defined]
        raise TrialError(f"You can randomise only people in your own caseload scope. {NOTHING}")


def _current(by: User, trial: Trial, participant: Participant) -> Trial:
    """The trial as of now with its seed, and in the same query whether ``by`` is blind in it, whether the
    participant is in ``by``'s scope, whether they have been randomised already and whether the trial has
    any ratio changes (most have none, and then they are not read)."""
    blind = Trial.blinded_staff.through.objects.filter(trial_id=OuterRef("pk"), user_id=by.pk)
    return (
        Trial.objects.select_related("service", "secret")
        .annotate(
            by_blinded=Exists(blind),
            in_by_scope=Exists(Participant.objects.filter(participant_scope(by), pk=participant.pk)),
            already_allocated=Exists(Allocation.objects.filter(participant_id=participant.pk)),
            has_ratio_changes=Exists(RatioChange.objects.filter(trial_id=OuterRef("pk"))),
        )
        .get(pk=trial.pk)
    )


def randomise(
    *,
    by: User,
    trial: Trial,
    participant: Participant,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Allocation:
    """Randomise the participant: one atomic allocation, or TrialError and nothing allocated.

    ``on`` is the allocation date (today, in the trial's local time zone, unless an import or the demo
    gives it); it decides the ratio in force and whether the recruitment window is open.
    """
    day = on or timezone.localdate()
    # Its state as of now, not as loaded; the seed, the user's checks and "randomised before?" in the same query.
    trial = _current(by, trial, participant)
    _refuse_user(by, trial)
    problems = readiness_problems(trial, participant, day, allocated=trial.already_allocated)  # type: ignore[attr-defined]
    if problems:
        raise TrialError(problems[0])
    # Everything that does not change while the trial recruits is read before the stratum row is locked
    # (and once per process: locked_design), so the lock is held for the engine step and three writes only.
    fixed = locked_design(trial, trial.secret.seed)
    key, values = stratum_for(trial, participant, fixed.site_of_team)
    arms = list(fixed.arms)
    try:
        seed = int(trial.secret.seed)
        if trial.method == Method.LIST:
            mechanism: Any = stored_list(trial, key, arms)
        else:
            mechanism = build_design(trial, seed, arms, fixed)
        # The audit events (the hooks' and the allocation's) are linked to the chain together at the end,
        # so the chain's lock, which every audited action in the service waits for, is taken after the
        # stratum row and held only for that append and the commit.
        with transaction.atomic(), audit_chain.deferred():
            for hook in hooks.joining_trial_hooks():
                hook(by, trial, participant, request)
            return _allocate_locked(by, trial, participant, key, values, day, arms, mechanism, request)
    except IntegrityError:
        raise TrialError(
            f"This person has already been randomised; a person is randomised once only. {NOTHING}"
        ) from None
    except RandomisationError as exc:
        raise TrialError(f"{exc} {NOTHING}") from None


def _allocate_locked(
    by: User,
    trial: Trial,
    participant: Participant,
    key: str,
    values: dict[str, str],
    day: dt.date,
    arm_list: list[Arm],
    mechanism: Any,
    request: HttpRequest | None,
) -> Allocation:
    stratum = Stratum.objects.select_for_update().filter(trial=trial, key=key).first()
    if stratum is None:
        raise TrialError(
            "This person's group ("
            + describe_group(trial, values)
            + ") is not one this trial recruits. Check their "
            f"site and background answers; if they are right, the person cannot take part. {NOTHING}"
        )
    # A second randomisation of the same person (two submissions at once) is stopped by the database's
    # "randomised_once" constraint on the insert below, which rolls back the slot too; not checked again here,
    # to keep the lock short (readiness_problems has already refused anyone randomised before).
    arms = {a.code: a for a in arm_list}
    if trial.method == Method.MINIMISATION:
        locked = Trial.objects.select_for_update().only("pk", "minimisation_state").get(pk=trial.pk)
        state = (
            MinimisationState.from_json(locked.minimisation_state, mechanism)
            if locked.minimisation_state
            else None
        )
        allocation, new_state = minimise(state, values, mechanism)
        locked.minimisation_state = new_state.to_json()
        locked.save(update_fields=["minimisation_state"])
        sequence = "trial"
    elif trial.method == Method.LIST:
        state_l = ListState.from_json(stratum.state) if stratum.state else None
        allocation, new_list_state = allocate_from_list(state_l, key, mechanism)
        stratum.state = new_list_state.to_json()
        stratum.save(update_fields=["state"])
        sequence = key
    else:
        state_b = StratumState.from_json(stratum.state) if stratum.state else None
        allocation, new_block_state = allocate(state_b, key, mechanism, on=day)
        stratum.state = new_block_state.to_json()
        stratum.save(update_fields=["state"])
        sequence = key
    record = Allocation.objects.create(
        trial=trial,
        participant=participant,
        stratum=stratum,
        sequence=sequence,
        slot=allocation.slot,
        arm=arms[allocation.arm],
        method=allocation.method,
        ratio=list(allocation.ratio),
        probability_of_treatment=allocation.probability_of_treatment,
        ratio_effective_from=allocation.ratio_effective_from,
        allocated_on=day,
        randomised_by=by,
        sealed=allocation.to_json(),
    )
    audit.record(
        by,
        A.CREATE,
        "trial_allocation",
        record.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Randomised in {trial.name} ({stratum.label})",
        changes={"trial": trial.pk, "stratum": stratum.label},
        request=request,
    )
    return record


def record_arm_reveal(
    *, by: User, allocation: Allocation, what: str, request: HttpRequest | None = None
) -> None:
    """Audit that someone was shown a person's arm: every reveal is recorded."""
    audit.record(
        by,
        A.VIEW,
        "trial_allocation",
        allocation.pk,
        participant_id=allocation.participant_id,
        service_id=allocation.trial.service_id,
        summary=f"Saw the trial arm ({what})",
        request=request,
    )
