"""Actions of the analysis app: plans, locking, statisticians, runs and dataset releases.

Each action is atomic and writes its audit event in the same transaction. A locked plan is refused here
with a message before the model's own guard (``AnalysisPlan.save``) would refuse it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.analysis import plan as plans
from placewell.analysis.access import STATISTICIAN_ROLES
from placewell.analysis.models import (
    AnalysisPlan,
    AnalysisRun,
    DatasetRelease,
    PlanLockedError,
    RunStatus,
    TrialStatistician,
)
from placewell.errors import ActionError
from placewell.trials.models import Allocation, Trial

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action


class AnalysisError(ActionError):
    """An analysis action was refused; the message says what to fix. Nothing was saved."""


def _actor(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


@transaction.atomic
def create_plan(
    *,
    by: User | None,
    trial: Trial,
    content: Mapping[str, Any] | None = None,
    based_on: AnalysisPlan | None = None,
    request: HttpRequest | None = None,
) -> AnalysisPlan:
    """A new plan version: the default plan, or ``content``, checked against the trial's dataset."""
    document = dict(content) if content is not None else plans.default_plan(trial)
    plans.check(document, trial)
    Trial.objects.select_for_update().filter(pk=trial.pk).first()  # serialise version numbers
    latest = AnalysisPlan.objects.filter(trial=trial).aggregate(v=Max("version"))["v"] or 0
    plan = AnalysisPlan.objects.create(
        trial=trial, version=latest + 1, content=document, based_on=based_on, created_by=_actor(by)
    )
    audit.record(
        by,
        A.CREATE,
        "analysis_plan",
        plan.pk,
        service_id=trial.service_id,
        summary=f"Started version {plan.version} of the analysis plan of {trial.registration_number}"
        + (f" from version {based_on.version}" if based_on else ""),
        changes={"sha256": plan.content_sha256},
        request=request,
    )
    return plan


def new_version(*, by: User | None, plan: AnalysisPlan, request: HttpRequest | None = None) -> AnalysisPlan:
    """A new, unlocked version starting as a copy of ``plan`` (usually a locked one)."""
    return create_plan(by=by, trial=plan.trial, content=plan.content, based_on=plan, request=request)


@transaction.atomic
def update_plan(
    *, by: User | None, plan: AnalysisPlan, content: Mapping[str, Any], request: HttpRequest | None = None
) -> AnalysisPlan:
    current = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
    if current.is_locked:
        raise PlanLockedError(
            f"Version {current.version} was locked on {timezone.localtime(current.locked_at):%d %B %Y at %H:%M} "
            "and cannot change: start a new version from it"
        )
    plans.check(content, current.trial)
    before = current.content_sha256
    current.content = dict(content)
    current.save()
    audit.record(
        by,
        A.UPDATE,
        "analysis_plan",
        current.pk,
        service_id=current.trial.service_id,
        summary=f"Changed version {current.version} of the analysis plan",
        changes={"sha256": [before, current.content_sha256]},
        request=request,
    )
    return current


@transaction.atomic
def lock_plan(*, by: User, plan: AnalysisPlan, request: HttpRequest | None = None) -> AnalysisPlan:
    """Fix the plan: who, when and the hash of its canonical JSON. It can never change afterwards."""
    current = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
    if current.is_locked:
        raise PlanLockedError(f"Version {current.version} is already locked")
    plans.check(current.content, current.trial)
    current.locked_by = by
    current.locked_at = timezone.now()
    current.save()
    audit.record(
        by,
        A.UPDATE,
        "analysis_plan",
        current.pk,
        service_id=current.trial.service_id,
        summary=f"Locked version {current.version} of the analysis plan of {current.trial.registration_number}",
        changes={"sha256": current.content_sha256, "locked_at": current.locked_at.isoformat()},
        request=request,
    )
    return current


@transaction.atomic
def name_statistician(
    *, by: User, trial: Trial, user: User, request: HttpRequest | None = None
) -> TrialStatistician:
    if not user.is_active or user.role not in STATISTICIAN_ROLES:
        raise AnalysisError(
            "Only an active member of staff with the evaluator role can be the trial statistician, because "
            "they see pseudonymised data only"
        )
    named, _ = TrialStatistician.objects.get_or_create(trial=trial, user=user, defaults={"named_by": by})
    audit.record(
        by,
        A.CONFIGURE,
        "trial_statistician",
        named.pk,
        service_id=trial.service_id,
        summary=f"Named {user.get_full_name() or user.get_username()} statistician of {trial.registration_number}",
        request=request,
    )
    return named


@transaction.atomic
def remove_statistician(
    *, by: User, statistician: TrialStatistician, request: HttpRequest | None = None
) -> None:
    trial = statistician.trial
    audit.record(
        by,
        A.CONFIGURE,
        "trial_statistician",
        statistician.pk,
        service_id=trial.service_id,
        summary=f"Removed a statistician of {trial.registration_number}",
        request=request,
    )
    statistician.delete()


def first_outcome_read(trial: Trial) -> dt.datetime | None:
    """When the trial's outcome data were first read for analysis: a run's data read or a download."""
    read = AnalysisRun.objects.filter(trial=trial, data_read_at__isnull=False).aggregate(
        t=Min("data_read_at")
    )
    released = DatasetRelease.objects.filter(trial=trial).aggregate(t=Min("released_at"))
    times = [t for t in (read["t"], released["t"]) if t is not None]
    return min(times) if times else None


@transaction.atomic
def start_run(
    *, by: User | None, trial: Trial, plan: AnalysisPlan, request: HttpRequest | None = None
) -> AnalysisRun:
    """Queue a run of ``plan``: refused, with what to fix, before anything is saved if it cannot run."""
    if plan.trial_id != trial.pk:
        raise AnalysisError("That plan belongs to another trial")
    if not Allocation.objects.filter(trial=trial).exists():
        raise AnalysisError(
            "No one has been randomised in this trial yet, so there is nothing to analyse. Run the analysis "
            "once participants have been randomised and their outcomes recorded."
        )
    try:
        plans.check(plan.content, trial)
    except plans.PlanError as exc:
        raise AnalysisError(
            f"Plan version {plan.version} cannot run: {exc}. Start a new version and fix it."
        ) from exc
    run = AnalysisRun.objects.create(
        trial=trial,
        plan=plan,
        plan_version=plan.version,
        plan_sha256=plan.content_sha256,
        plan_content=plan.content,
        plan_locked_at=plan.locked_at,
        started_by=_actor(by),
        progress_message="Waiting to start",
    )
    audit.record(
        by,
        A.CREATE,
        "analysis_run",
        run.pk,
        service_id=trial.service_id,
        summary=f"Started an analysis of {trial.registration_number} with plan version {plan.version}",
        changes={"plan_sha256": plan.content_sha256},
        request=request,
    )
    return run


@transaction.atomic
def record_release(
    *,
    by: User | None,
    trial: Trial,
    rows: int,
    sha256: str,
    formats: Sequence[str],
    key_fingerprint: str,
    run: AnalysisRun | None = None,
    request: HttpRequest | None = None,
    actor_label: str | None = None,
) -> DatasetRelease:
    """A download of the analysis dataset: counted as reading the outcome data, and audited as an export."""
    release = DatasetRelease.objects.create(
        trial=trial, run=run, released_to=_actor(by), rows=rows, sha256=sha256, formats=list(formats)
    )
    audit.record(
        by,
        A.EXPORT,
        "analysis_dataset",
        release.pk,
        service_id=trial.service_id,
        summary=f"Downloaded the analysis dataset of {trial.registration_number} ({rows} rows)",
        changes={
            "formats": list(formats),
            "sha256": sha256,
            "key_fingerprint": key_fingerprint,
            "run": run.pk if run else None,
        },
        request=request,
        actor_label=actor_label,
    )
    return release


def is_running(run: AnalysisRun) -> bool:
    return run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
