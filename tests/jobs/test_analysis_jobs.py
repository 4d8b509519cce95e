"""Analysis runs as jobs: the page queues the run, a worker (django-q2's sync mode here) runs it and then
prints the report to PDF once, kept on the run; a broker that is down refuses the run before anything is
saved; a run whose worker died is marked failed with the reason, not left running."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_q.conf import Conf

from placewell.analysis import services
from placewell.analysis.models import AnalysisRun, RunStatus
from placewell.jobs import runner
from placewell.jobs.models import Job
from tests.analysis import simulated

KEY = "jobs-test-research-key-0123456789-abcdefghijkl"


@pytest.fixture(autouse=True)
def _research_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from placewell.governance.pseudonyms import KEY_ENV, KEY_FILE_ENV

    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


@pytest.fixture(autouse=True)
def _no_survey_baseline_step() -> Iterator[None]:
    from tests.trials.helpers import without_survey_baseline_step

    with without_survey_baseline_step():
        yield


@pytest.fixture
def locked(world):  # type: ignore[no-untyped-def]
    records = simulated.build(world, scale=0.02, seed=7)
    content = simulated.plan_content(records)
    content["outcomes"] = [o for o in content["outcomes"] if not o.get("survey")][:1]
    content["subgroups"] = {}
    content["economics"]["draws"] = 100
    plan = services.lock_plan(
        by=world.evan, plan=services.create_plan(by=world.evan, trial=records.trial, content=content)
    )
    return records, plan


def test_the_run_and_its_pdf_are_jobs_and_the_pdf_is_kept(world, locked, client) -> None:
    records, plan = locked
    client.force_login(world.evan)
    response = client.post(f"/analysis/trials/{records.trial.pk}/plans/{plan.version}/run/")
    run = AnalysisRun.objects.get()
    assert response["Location"] == f"/analysis/runs/{run.pk}/"
    assert run.status == RunStatus.SUCCEEDED
    analysis, pdf = Job.objects.get(kind="analysis.run"), Job.objects.get(kind="analysis.pdf")
    assert (analysis.state, pdf.state) == (Job.State.SUCCEEDED, Job.State.SUCCEEDED)
    assert analysis.service_id == records.trial.service_id and analysis.started_by == world.evan
    assert analysis.progress_total > 0 and analysis.progress_done == analysis.progress_total
    stored = bytes(run.report_pdf)
    assert stored.startswith(b"%PDF")
    download = client.get(f"/analysis/runs/{run.pk}/report.pdf")
    assert download.status_code == 200 and download.content == stored  # served as kept, not printed again
    assert Job.objects.filter(kind="analysis.pdf").count() == 1


def test_a_pdf_not_yet_printed_is_queued_and_the_page_says_so(world, locked, client, monkeypatch) -> None:
    records, plan = locked
    client.force_login(world.evan)
    client.post(f"/analysis/trials/{records.trial.pk}/plans/{plan.version}/run/")
    run = AnalysisRun.objects.get()
    AnalysisRun.objects.filter(pk=run.pk).update(report_pdf=None)
    Job.objects.filter(kind="analysis.pdf").delete()
    monkeypatch.setattr(Conf, "SYNC", False)  # a worker will take it, later
    response = client.get(f"/analysis/runs/{run.pk}/report.pdf", follow=True)
    assert "The PDF of this report is being prepared" in response.content.decode()
    assert Job.objects.get(kind="analysis.pdf").state == Job.State.QUEUED
    client.get(f"/analysis/runs/{run.pk}/report.pdf")
    assert Job.objects.filter(kind="analysis.pdf").count() == 1  # asked twice, queued once


def test_a_run_with_the_broker_down_is_refused_and_nothing_is_saved(
    world, locked, client, settings, monkeypatch
) -> None:
    records, plan = locked
    settings.PLACEWELL_TASK_BROKER = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:1/0")
    client.force_login(world.evan)
    response = client.post(f"/analysis/trials/{records.trial.pk}/plans/{plan.version}/run/", follow=True)
    assert "task queue is not reachable, so nothing was saved" in response.content.decode()
    assert not AnalysisRun.objects.exists() and not Job.objects.exists()


def test_a_run_whose_worker_died_is_marked_failed_with_the_reason(
    world, locked, settings, monkeypatch
) -> None:
    from placewell.analysis import runner as analysis_runner

    records, plan = locked
    settings.PLACEWELL_TASK_ATTEMPTS = 1
    monkeypatch.setattr(Conf, "SYNC", False)
    run = services.start_run(by=world.evan, trial=records.trial, plan=plan)
    analysis_runner.start(run, by=world.evan)
    job = Job.objects.get(kind="analysis.run")
    AnalysisRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress_message="Estimating")
    stale = timezone.now() - runner.lease() - dt.timedelta(seconds=5)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, attempts=1, heartbeat_at=stale)
    assert runner.reap() == {"requeued": 0, "failed": 1}
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("The worker running this job stopped before it finished (once")
    assert run.results is None
