"""The job machinery on django-q2's own sync mode: a queued job runs once through django-q2's worker code
and leaves django-q2's result record; a job that fails says why; a job whose worker died is offered again or
marked failed, never left running; a broker that is down refuses the job before anything is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ, Task

from placewell.jobs import queue, runner
from placewell.jobs.models import Job
from tests.jobs import work


@pytest.fixture(autouse=True)
def _clean() -> None:
    work.RUNS.clear()
    work.FAILURES.clear()


def _enqueue(func: str, value: int = 7, **kw: object) -> Job:
    job = queue.enqueue(
        f"test.{func}",
        f"tests.jobs.work.{func}",
        [value],
        label=f"Test {func}",
        on_failure="tests.jobs.work.on_failure",
        **kw,
    )
    job.refresh_from_db()
    return job


def test_a_job_runs_once_through_django_q_and_is_recorded(world) -> None:
    job = _enqueue("record", service_id=world.service.pk, by=world.mandy)
    assert job.state == Job.State.SUCCEEDED
    assert job.attempts == 1
    assert job.message == "Recorded 7"
    assert (job.progress_done, job.progress_total) == (1, 2)
    assert job.started_by == world.mandy and job.service == world.service
    assert work.RUNS == [("record", (7,))]
    task = Task.objects.get(id=job.task_id)  # django-q2's own result record of the run
    assert task.success is True
    assert task.result == "Recorded 7"


def test_a_finished_job_delivered_again_does_not_run_again(db) -> None:
    job = _enqueue("record")
    assert runner.run_job(job.pk).startswith(f"Job {job.pk} was not waiting")
    assert work.RUNS == [("record", (7,))]


def test_a_running_job_with_a_live_worker_is_not_claimed_twice(db) -> None:
    job = Job.objects.create(kind="t", label="t", func="tests.jobs.work.record", args=[1])
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, attempts=1, heartbeat_at=timezone.now())
    runner.run_job(job.pk)
    assert work.RUNS == []
    assert runner.reap() == {"requeued": 0, "failed": 0}


def test_input_gone_fails_with_the_reason_and_tells_the_work(db) -> None:
    job = _enqueue("vanish", 12)
    assert job.state == Job.State.FAILED
    assert job.failure == "Record 12 was erased before the job ran, so there was nothing to do."
    assert [(12, job.failure)] == work.FAILURES
    assert work.RUNS == [("vanish", (12,))]  # not retried


def test_an_unexpected_error_fails_with_a_plain_message(db) -> None:
    job = _enqueue("explode")
    assert job.state == Job.State.FAILED
    assert "unexpected error" in job.failure and "boom" not in job.failure
    assert [(7, job.failure)] == work.FAILURES


def _abandon(job: Job, attempts: int) -> None:
    """What a worker killed mid-job leaves: running, its heartbeat stopped longer ago than the lease."""
    stale = timezone.now() - runner.lease() - dt.timedelta(seconds=5)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, attempts=attempts, started_at=stale, heartbeat_at=stale
    )


def test_a_job_whose_worker_died_is_offered_again_and_finishes(db, settings) -> None:
    settings.PLACEWELL_TASK_ATTEMPTS = 2
    job = Job.objects.create(kind="t", label="t", func="tests.jobs.work.record", args=[3])
    _abandon(job, attempts=1)
    assert runner.reap() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.attempts == 2
    assert work.RUNS == [("record", (3,))]


def test_a_job_whose_worker_died_on_its_last_attempt_is_marked_failed(db, settings) -> None:
    settings.PLACEWELL_TASK_ATTEMPTS = 2
    job = Job.objects.create(
        kind="t", label="t", func="tests.jobs.work.record", args=[4], on_failure="tests.jobs.work.on_failure"
    )
    _abandon(job, attempts=2)
    assert runner.reap() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure.startswith("The worker running this job stopped before it finished (2 times")
    assert [(4, job.failure)] == work.FAILURES
    assert work.RUNS == []
    assert not Job.objects.filter(state=Job.State.RUNNING).exists()


def test_a_redelivered_job_past_its_attempts_fails_instead_of_running(db, settings) -> None:
    """django-q2's ORM broker hands a task to another worker when the first one's lease runs out."""
    settings.PLACEWELL_TASK_ATTEMPTS = 1
    job = Job.objects.create(kind="t", label="t", func="tests.jobs.work.record", args=[5])
    _abandon(job, attempts=1)
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert work.RUNS == []


@pytest.fixture
def redis_down(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """The Redis broker configured on a port where nothing listens, and tasks no longer run in the caller."""
    settings.PLACEWELL_TASK_BROKER = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:1/0")


def test_a_broker_that_is_down_refuses_the_job_and_nothing_is_saved(db, redis_down) -> None:
    with pytest.raises(queue.QueueUnavailable) as caught:
        _enqueue("record")
    assert "task queue is not reachable, so nothing was saved" in str(caught.value)
    assert not Job.objects.exists()
    assert not OrmQ.objects.exists()
    assert work.RUNS == []


def test_the_database_broker_queues_in_the_callers_transaction(db, monkeypatch) -> None:
    """Without sync mode, the job and its queue entry are written together, for a worker to take."""
    monkeypatch.setattr(Conf, "SYNC", False)
    job = _enqueue("record")
    assert job.state == Job.State.QUEUED
    assert OrmQ.objects.count() == 1
    assert queue.queue_depth() == 1
    assert work.RUNS == []


def test_files_of_jobs_finished_more_than_a_week_ago_are_deleted(db, settings, tmp_path) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.PLACEWELL_JOB_FILE_DAYS = 7
    now = timezone.now()
    old_name = default_storage.save("jobs/1/old.zip", ContentFile(b"old"))
    new_name = default_storage.save("jobs/2/new.zip", ContentFile(b"new"))
    old = Job.objects.create(
        kind="t",
        label="t",
        func="x",
        state=Job.State.SUCCEEDED,
        result_file=old_name,
        finished_at=now - dt.timedelta(days=8),
    )
    new = Job.objects.create(
        kind="t",
        label="t",
        func="x",
        state=Job.State.SUCCEEDED,
        result_file=new_name,
        finished_at=now - dt.timedelta(days=6),
    )
    assert runner.purge_files(now) == 1
    assert not default_storage.exists(old_name) and default_storage.exists(new_name)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.result_file, new.result_file) == ("", new_name)


def test_a_job_stopped_by_the_queue_timeout_fails_saying_so(db, settings) -> None:
    from django_q.exceptions import TimeoutException

    settings.PLACEWELL_TASK_TIMEOUT = 600
    job = _enqueue("record")
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, func="tests.jobs.work.too_slow")
    with pytest.raises(TimeoutException):
        runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure.startswith("The job took longer than its limit of 10 minutes and was stopped")
