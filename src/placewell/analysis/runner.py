"""Run an analysis plan on the trial's dataset: one function for the page, the command and the tests.

``execute`` builds the dataset, writes it to Parquet and analyses the frame read back from those bytes, so
the estimates are exactly those anyone gets from the dataset file the report links to. It checks that the
data can satisfy the plan before the engine runs (each group has rows in both arms, each outcome values in
both), then runs ``placewell.engine.evaluation.run_evaluation`` and renders the report. A run that cannot
finish is saved as failed with the message, and no results or report; a finished run is saved in one
transaction with everything at once.

The page queues ``execute`` as a background job (``start``, run by a worker through ``placewell.jobs``),
and a finished run queues the printing of its report to PDF, kept on the run, so no one waits on a page
for WeasyPrint (a 32-page report takes seconds to print); the download serves the kept file. Until it is
kept, the run page says the PDF is being prepared and shows its job's progress (``pdf_state``); if printing
failed, it says why and offers to prepare it again. The command line and the tests call ``execute``
directly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from placewell.analysis import dataset as datasets
from placewell.analysis import plan as plans
from placewell.analysis import report
from placewell.analysis.models import AnalysisRun, RunStatus
from placewell.analysis.services import AnalysisError, first_outcome_read
from placewell.engine.evaluation import EvaluationError, run_evaluation
from placewell.engine.evaluation.pipeline import count_steps
from placewell.governance.pseudonyms import PseudonymKeyError
from placewell.jobs import queue
from placewell.jobs import runner as jobs_runner
from placewell.jobs.models import Job
from placewell.jobs.runner import JobFailed, JobInputGone

log = logging.getLogger(__name__)
Tick = Callable[[int, int, str], None]
DATASET_STEPS = 8
REPORT_STEPS = 2
MIN_PER_ARM = 2


class _Progress:
    """Counts steps, saves them on the run (for the page's progress bar) and tells ``tick`` (for tqdm)."""

    def __init__(self, run: AnalysisRun, total: int, tick: Tick | None) -> None:
        self.run, self.done, self.total, self.tick = run, 0, total, tick

    def add(self, steps: int) -> None:
        self.total += steps
        self.save("")

    def __call__(self, message: str) -> None:
        self.done = min(self.done + 1, self.total)
        self.save(message)

    def save(self, message: str) -> None:
        values: dict[str, Any] = {"progress_done": self.done, "progress_total": self.total}
        if message:
            values["progress_message"] = message[:300]
        AnalysisRun.objects.filter(pk=self.run.pk).update(**values)
        if self.tick is not None:
            self.tick(self.done, self.total, message)


def check_data(frame: pd.DataFrame, content: Mapping[str, Any]) -> None:
    """AnalysisError, saying what to fix, when the data cannot satisfy the plan."""
    column = content.get("group_column", "trial_group")
    outcomes = [o["column"] for o in content.get("outcomes") or []]
    covariates = list(content.get("covariates") or [])
    for group in content.get("groups") or []:
        rows = frame.loc[frame[column].isin(group["members"])]
        name = group["name"]
        if rows.empty:
            raise AnalysisError(
                f"Group {name!r} has no randomised participants (it covers {'; '.join(group['members'])}). "
                "Remove it from the plan in a new version, or analyse once people in it are randomised."
            )
        treated = rows["treatment"] == 1
        for arm, mask in (("treatment", treated), ("control", ~treated)):
            if int(mask.sum()) < MIN_PER_ARM:
                raise AnalysisError(
                    f"Group {name!r} has {int(mask.sum())} people in the {arm} arm; an impact needs at least "
                    f"{MIN_PER_ARM} in each arm. Remove or pool the group in a new version of the plan."
                )
            for outcome in outcomes:
                observed = int(rows.loc[mask, outcome].notna().sum())
                if observed < MIN_PER_ARM:
                    raise AnalysisError(
                        f"Outcome {outcome!r} has {observed} recorded values in the {arm} arm of group {name!r}; "
                        f"at least {MIN_PER_ARM} are needed. Remove it from the plan in a new version, or wait "
                        "until more outcomes are recorded."
                    )
        for covariate in covariates:
            if rows[covariate].isna().all():
                raise AnalysisError(
                    f"Covariate {covariate!r} has no recorded values in group {name!r}. Remove it from the "
                    "plan's covariates in a new version, or record it for the participants."
                )


def derived_costs(frame: pd.DataFrame, content: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Cost per recruit to the treatment group from recorded staff time, for groups the plan gives no cost.

    The mean of ``cost_12m`` (staff minutes x the plan's cost per staff hour) over the group's treatment
    arm: the report's measure (Table 2.2) built from the service's own records, marked unconfirmed because it
    leaves out costs not recorded as contact time (travel, management, premises).
    """
    economics = content.get("economics") or {}
    rate = economics.get("cost_per_staff_hour")
    given = (economics.get("parameters") or {}).get("cost_per_treated_recruit") or {}
    if rate is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    column = content.get("group_column", "trial_group")
    for group in content.get("groups") or []:
        key = group.get("cost_key")
        if not key or key in given:
            continue
        rows = frame.loc[frame[column].isin(group["members"]) & (frame["treatment"] == 1), "cost_12m"]
        mean = float(rows.astype(float).mean()) if len(rows) else 0.0
        if mean > 0:
            out[f"cost_per_treated_recruit.{key}"] = {
                "value": mean,
                "unit": "GBP per recruit to the treatment group",
                "price_year": timezone.localdate().year,
                "source": (
                    f"Derived from recorded staff time: mean cost_12m over the {len(rows)} recruits to the "
                    f"treatment arm of {group['name']} at £{rate:,.2f} per staff hour"
                ),
                "confirmed": False,
            }
    return out


def _fail(run: AnalysisRun, message: str, read_at: dt.datetime | None) -> AnalysisRun:
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED,
        error=message,
        finished_at=timezone.now(),
        progress_message="Stopped: " + message[:280],
        data_read_at=read_at,
        results=None,
        report_html="",
    )
    run.refresh_from_db()
    return run


def execute(
    run: AnalysisRun,
    *,
    key: bytes | None = None,
    today: dt.date | None = None,
    tick: Tick | None = None,
) -> AnalysisRun:
    """Run ``run``'s plan now, saving progress as it goes; returns the run, finished or failed."""
    run = AnalysisRun.objects.select_related("trial", "trial__service", "plan", "started_by").get(pk=run.pk)
    trial, content = run.trial, run.plan_content
    AnalysisRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress_message="Starting")
    progress = _Progress(run, DATASET_STEPS + REPORT_STEPS, tick)
    read_at: dt.datetime | None = None
    try:
        rate = (content.get("economics") or {}).get("cost_per_staff_hour")
        ds = datasets.build_dataset(trial, key=key, today=today, cost_per_staff_hour=rate, progress=progress)
        read_at = ds.read_at
        body = ds.parquet()
        frame = datasets.read_parquet(body)
        check_data(frame, content)
        with plans.engine_config(content, derived_costs(frame, content)) as config:
            progress.add(count_steps(config))
            results = run_evaluation(frame, config, progress=progress)
        earlier = first_outcome_read(trial)
        first_read = min(t for t in (earlier, read_at) if t is not None)
        locked_before = run.plan_locked_at is not None and run.plan_locked_at < first_read
        progress("Writing the report")
        meta = report.RunMeta(
            run=run,
            dataset_sha256=ds.sha256(),
            rows=ds.rows,
            data_cut=ds.made_on,
            read_at=read_at,
            first_read=first_read,
            locked_before=locked_before,
            key_fingerprint=ds.key_fingerprint,
        )
        fragment, data = report.render(results, frame, ds, meta)
        progress("Saving the results")
        with transaction.atomic():
            AnalysisRun.objects.filter(pk=run.pk).update(
                status=RunStatus.SUCCEEDED,
                finished_at=timezone.now(),
                progress_done=progress.total,
                progress_total=progress.total,
                progress_message="Finished",
                data_cut=ds.made_on,
                data_read_at=read_at,
                locked_before_data=locked_before,
                dataset_sha256=meta.dataset_sha256,
                dataset_rows=ds.rows,
                dataset_parquet=body,
                dataset_columns=[asdict(c) for c in ds.columns],
                key_fingerprint=ds.key_fingerprint,
                results=data,
                report_html=fragment,
            )
    except (AnalysisError, plans.PlanError, PseudonymKeyError) as exc:
        return _fail(run, str(exc), read_at)
    except EvaluationError as exc:
        return _fail(
            run,
            f"The data cannot satisfy the plan: {exc}. Change the plan in a new version (for example remove "
            "that column or group), or check the records it comes from.",
            read_at,
        )
    except Exception:
        log.exception("Analysis run %s failed", run.pk)
        return _fail(run, "The analysis stopped because of an unexpected error; it has been logged.", read_at)
    run.refresh_from_db()
    return run


GONE = "The analysis run no longer exists (it was removed after it was queued), so there was nothing to do."


def start(run: AnalysisRun, by: Any = None) -> None:
    """Queue ``run`` as a background job (``QueueUnavailable``, nothing queued, if the broker is down)."""
    queue.enqueue(
        "analysis.run",
        "placewell.analysis.runner.run_task",
        [run.pk],
        label=f"Analysis run {run.pk} of trial {run.trial_id} (plan version {run.plan_version})",
        service_id=run.trial.service_id,
        by=by,
        url=reverse("analysis:run", kwargs={"pk": run.pk}),
        on_failure="placewell.analysis.runner.mark_failed",
    )


def run_task(run_id: int) -> str:
    """The job: run the plan, then queue the PDF of a finished run's report."""
    run = AnalysisRun.objects.filter(pk=run_id).first()
    if run is None:
        raise JobInputGone(GONE)
    if run.status in {RunStatus.SUCCEEDED, RunStatus.FAILED}:
        return f"Analysis run {run_id} had already {run.get_status_display().lower()}"
    run = execute(run, tick=lambda done, total, message: jobs_runner.progress(done, total, message))
    if run.status == RunStatus.FAILED:
        raise JobFailed(run.error)
    jobs_runner.progress(run.progress_total, run.progress_total, "Finished")
    queue_pdf(run)
    return "Finished"


def mark_failed(run_id: int, reason: str) -> None:
    """The job stopped for good (its worker died, or an unexpected error): the run says so."""
    AnalysisRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED,
        error=reason,
        finished_at=timezone.now(),
        progress_message="Stopped: " + reason[:280],
    )


PDF_JOB = "analysis.pdf"


def queue_pdf(run: AnalysisRun) -> None:
    """Queue the printing of a finished run's report to PDF, unless it is printed or already queued."""
    if _has_pdf(run) or queue.active(PDF_JOB, [run.pk]):
        return
    queue.enqueue(
        PDF_JOB,
        "placewell.analysis.runner.render_pdf",
        [run.pk],
        label=f"PDF of the report of analysis run {run.pk}",
        service_id=run.trial.service_id,
        by=run.started_by,
        url=reverse("analysis:run", kwargs={"pk": run.pk}),
    )


def _has_pdf(run: AnalysisRun) -> bool:
    """Whether the PDF is kept, asked of the database (``run`` may have been read before it was printed)."""
    return AnalysisRun.objects.filter(pk=run.pk, report_pdf__isnull=False).exists()


@dataclass(frozen=True)
class PdfState:
    """Where a finished run's PDF stands, for its page: ``ready`` (kept on the run), ``preparing`` (its job
    is queued or printing: ``done`` of ``total`` steps, ``message``), ``failed`` (``reason``, in words) or
    ``missing`` (never queued, as for runs finished before PDFs were printed in the background: the download
    link queues it)."""

    status: str
    done: int = 0
    total: int = 0
    message: str = ""
    reason: str = ""

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0


def pdf_state(run: AnalysisRun) -> PdfState:
    """The PDF's state: kept on the run, or that of the latest job printing it."""
    if _has_pdf(run):
        return PdfState("ready")
    job = Job.objects.filter(kind=PDF_JOB, args=[run.pk]).order_by("-queued_at", "-id").first()
    if job is None:
        return PdfState("missing")
    if job.state == Job.State.FAILED:
        return PdfState("failed", reason=job.failure)
    if job.state == Job.State.SUCCEEDED:  # printed, then the kept file was cleared: print it again
        return PdfState("missing")
    message = job.message or ("Waiting for a worker" if job.state == Job.State.QUEUED else "Printing")
    return PdfState("preparing", job.progress_done, job.progress_total, message)


def render_pdf(run_id: int) -> str:
    """The job: print the report to PDF once and keep it on the run, telling the job its progress."""
    run = AnalysisRun.objects.select_related("trial").filter(pk=run_id, status=RunStatus.SUCCEEDED).first()
    if run is None:
        raise JobInputGone(
            "The analysis run is no longer there or has no finished report, so no PDF was made."
        )
    jobs_runner.progress(0, 2, "Laying out the report's pages")
    pages: list[int] = []

    def laid_out(count: int) -> None:
        pages.append(count)
        jobs_runner.progress(1, 2, f"Writing the {count} pages to the PDF")

    try:
        body = report.pdf(run, laid_out=laid_out)
    except Exception as exc:
        log.exception("Printing the report of analysis run %s to PDF failed", run_id)
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise JobFailed(
            f"The report could not be printed to PDF ({detail}). The report on the page and its HTML "
            "download are not affected. Prepare the PDF again; if it fails again, ask your administrator "
            "to look at the server log."
        ) from exc
    AnalysisRun.objects.filter(pk=run_id).update(report_pdf=body)
    jobs_runner.progress(2, 2, "PDF ready")
    return f"PDF ready ({pages[0] if pages else 0} pages)"
