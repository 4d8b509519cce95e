"""The long work of other apps as jobs: an import whose upload vanished, an import whose worker died, a
broker that is down when the upload is made, an analysis run whose worker died, and the report's PDF made
once in the background and kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_q.conf import Conf

from placewell.imports import storage
from placewell.imports.models import ImportJob
from placewell.jobs import runner
from placewell.jobs.models import Job
from tests.imports.conftest import csv_bytes, new_job
from tests.imports.test_import_rules import REFERRAL_HEADER, referral_rows


@pytest.fixture
def uploads(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_IMPORT_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def redis_down(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.PLACEWELL_TASK_BROKER = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:1/0")


def _abandon(job: Job, attempts: int) -> None:
    stale = timezone.now() - runner.lease() - dt.timedelta(seconds=5)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, attempts=attempts, heartbeat_at=stale)


def test_an_upload_is_checked_by_a_job_the_manager_sees(client_as, world, uploads) -> None:
    body = csv_bytes(REFERRAL_HEADER, referral_rows(2))
    response = client_as("mandy").post(
        "/imports/", {"kind": "referrals", "file": SimpleUploadedFile("r.csv", body)}
    )
    import_job = ImportJob.objects.get()
    assert response.status_code == 302
    job = Job.objects.get(kind="imports.check")
    assert (job.state, job.args, job.service, job.started_by) == (
        Job.State.SUCCEEDED,
        [import_job.pk],
        world.service,
        world.mandy,
    )
    assert job.url == f"/imports/{import_job.pk}/"
    assert import_job.state == ImportJob.State.CHECKED


def test_an_upload_with_the_broker_down_says_so_and_keeps_nothing(
    client_as, world, uploads, redis_down
) -> None:
    body = csv_bytes(REFERRAL_HEADER, referral_rows(2))
    response = client_as("mandy").post(
        "/imports/", {"kind": "referrals", "file": SimpleUploadedFile("r.csv", body)}
    )
    assert response.status_code == 200
    assert "task queue is not reachable, so nothing was saved" in response.content.decode()
    assert not ImportJob.objects.exists() and not Job.objects.exists()
    assert not any(p.is_file() for p in uploads.rglob("*"))  # the upload (personal data) is not left behind


def test_a_check_whose_upload_was_deleted_fails_saying_so(world, uploads) -> None:
    from placewell.imports import tasks

    import_job = new_job(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(2)))
    storage.discard(import_job)  # deleted after it was queued (say, by the abandoned-upload purge)
    job = tasks.queue_check(import_job, world.mandy)
    job.refresh_from_db()
    import_job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure == "The uploaded file is no longer there, so it could not be checked: upload it again."
    assert (import_job.state, import_job.failure) == (ImportJob.State.INVALID, job.failure)


def test_an_import_whose_job_record_is_gone_fails_saying_so(world, uploads) -> None:
    from placewell.imports import tasks

    import_job = new_job(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(2)))
    job = tasks.queue_check(import_job, world.mandy)
    import_job.delete()
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED)
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure.startswith("The import no longer exists")


def test_an_import_whose_worker_died_on_its_last_attempt_fails_and_its_upload_goes(
    world, uploads, settings
) -> None:
    from placewell.imports import runner as imports_runner
    from placewell.imports import tasks
    from placewell.participants.models import Participant

    settings.PLACEWELL_TASK_ATTEMPTS = 1
    import_job = new_job(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(2)))
    imports_runner.check(import_job)
    assert imports_runner.claim(import_job)
    job = Job.objects.create(
        kind="imports.run", label="Run import", func="placewell.imports.tasks.import_file", args=[import_job.pk],
        on_failure="placewell.imports.tasks.mark_failed", service=world.service,
    )  # fmt: skip
    _abandon(job, attempts=1)  # the worker was killed while importing: its transaction rolled back
    assert runner.reap() == {"requeued": 0, "failed": 1}
    import_job.refresh_from_db()
    assert import_job.state == ImportJob.State.FAILED
    assert import_job.failure.startswith("The worker running this job stopped before it finished")
    assert not storage.exists(import_job)
    assert Participant.objects.count() == 0
    assert tasks.GONE  # the message for a removed import exists for the page


def test_a_job_for_an_analysis_run_that_was_removed_fails_saying_so(db) -> None:
    from placewell.jobs import queue

    job = queue.enqueue("analysis.run", "placewell.analysis.runner.run_task", [987_654], label="Analysis run")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure.startswith("The analysis run no longer exists")


def test_confirming_an_import_with_the_broker_down_says_so_and_leaves_it_ready(
    client_as, world, uploads, monkeypatch
) -> None:
    from placewell.imports import runner as imports_runner

    import_job = new_job(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(2)))
    imports_runner.check(import_job)
    import_job.refresh_from_db()
    assert import_job.state == ImportJob.State.CHECKED
    monkeypatch.setattr("placewell.jobs.queue.broker_ping", lambda: False)
    response = client_as("mandy").post(f"/imports/{import_job.pk}/confirm/", follow=True)
    assert "task queue is not reachable, so nothing was saved" in response.content.decode()
    import_job.refresh_from_db()
    assert import_job.state == ImportJob.State.CHECKED  # still ready to import once the queue is back
    assert not Job.objects.filter(kind="imports.run").exists()
