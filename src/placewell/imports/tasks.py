"""The import's two background jobs, run by a worker through ``placewell.jobs``: checking an uploaded file
(the preview) and importing it. The web pages queue them (``queue_check``, ``queue_import``); the
``import_data`` command and the tests of the runner call ``runner.check`` and ``runner.run`` directly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from placewell.imports import runner, storage
from placewell.imports.models import ImportJob
from placewell.jobs import queue
from placewell.jobs import runner as jobs_runner
from placewell.jobs.runner import JobInputGone

if TYPE_CHECKING:
    from placewell.accounts.models import User
    from placewell.jobs.models import Job

GONE = "The import no longer exists (it was removed after it was queued), so there was nothing to do."
UPLOAD_GONE = "The uploaded file is no longer there, so it could not be checked: upload it again."


def _publisher(job: ImportJob) -> runner.Progress:
    def publish(phase: str, done: int, total: int | None) -> None:
        storage.publish(job, phase, done, total)
        jobs_runner.progress(done, total or 0, f"{phase.capitalize()}: {done:,} rows")

    return publish


def _load(job_id: int) -> ImportJob:
    try:
        return ImportJob.objects.select_related("service", "created_by").get(pk=job_id)
    except ImportJob.DoesNotExist:
        raise JobInputGone(GONE) from None


def check_upload(job_id: int) -> str:
    """Check every row of the uploaded file and record what the import would do."""
    job = _load(job_id)
    if job.state != ImportJob.State.CHECKING:
        return f"Import {job_id} is already {job.get_state_display().lower()}"
    if not storage.exists(job):
        mark_failed(job_id, UPLOAD_GONE)
        raise JobInputGone(UPLOAD_GONE)
    job = runner.check(job, progress=_publisher(job))
    return f"Checked {job.total_rows:,} rows: {job.get_state_display()}"


def import_file(job_id: int) -> str:
    """Import a checked (and claimed) file, all or nothing."""
    job = _load(job_id)
    if job.state != ImportJob.State.IMPORTING:
        return f"Import {job_id} is {job.get_state_display().lower()}, not importing"
    job = runner.run(job, progress=_publisher(job), claimed=True)
    if job.state == ImportJob.State.FAILED:
        raise JobInputGone(job.failure)
    return f"Imported {job.processed_rows:,} rows"


def mark_failed(job_id: int, reason: str) -> None:
    """The job stopped for good: the import says why and keeps nothing (its upload holds personal data)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    if job.state == ImportJob.State.CHECKING:
        ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.INVALID, failure=reason)
    elif job.state == ImportJob.State.IMPORTING:
        ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.FAILED, failure=reason)
    storage.discard(job)


def _queue(job: ImportJob, kind: str, func: str, verb: str, by: User | None) -> Job:
    return queue.enqueue(
        kind,
        f"placewell.imports.tasks.{func}",
        [job.pk],
        label=f"{verb} import {job.pk} ({job.get_kind_display().lower()})",
        service_id=job.service_id,
        by=by,
        url=reverse("imports:job", kwargs={"job": job.pk}),
        on_failure="placewell.imports.tasks.mark_failed",
    )


def queue_check(job: ImportJob, by: User | None) -> Job:
    return _queue(job, "imports.check", "check_upload", "Check", by)


def queue_import(job: ImportJob, by: User | None) -> Job:
    return _queue(job, "imports.run", "import_file", "Run", by)
