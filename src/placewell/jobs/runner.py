"""The worker's side of a job: claim it, run it, record the outcome; and the reaper for jobs whose worker died.

``run_job`` is the only task django-q2 is given. It claims the job with one conditional update (a job that
is queued, or running with a heartbeat older than its lease), so a job delivered twice (a broker's redelivery
after a lost worker, or the reaper's) is run by one worker at a time and a finished job is never run again.
The work itself raises ``JobInputGone`` when what it was to work on has gone (an upload deleted, a
participant erased, a run removed): the job fails with that message, and nothing is retried.

A worker killed mid-job (a restart, the out-of-memory killer, django-q2's own timeout) leaves the job
running with a heartbeat that stops moving. ``reap`` (scheduled every few minutes, and run by the jobs page)
offers such a job to another worker while attempts remain (``PLACEWELL_TASK_ATTEMPTS``) and otherwise marks
it failed with the reason, calling the work's own ``on_failure`` so its record (an import, an analysis run)
says so too.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.exceptions import TimeoutException

from placewell.jobs.models import Job

log = logging.getLogger(__name__)
_current: contextvars.ContextVar[int | None] = contextvars.ContextVar("placewell_job", default=None)


class JobFailed(Exception):
    """The work stopped for a reason it can state (its message, for the person who started it): the job
    fails with that message and is not tried again."""


class JobInputGone(JobFailed):
    """What the job was to work on no longer exists; the message says what, for the person who started it."""


def lease() -> dt.timedelta:
    """How long a running job may go without a heartbeat before it counts as abandoned: django-q2 stops a
    task after ``PLACEWELL_TASK_TIMEOUT`` seconds, so a job silent for longer than that has no worker."""
    timeout = int(getattr(settings, "PLACEWELL_TASK_TIMEOUT", 1800))
    return dt.timedelta(seconds=timeout + int(getattr(settings, "PLACEWELL_TASK_GRACE_SECONDS", 60)))


def max_attempts() -> int:
    return int(getattr(settings, "PLACEWELL_TASK_ATTEMPTS", 2))


def current_job_id() -> int | None:
    return _current.get()


def progress(done: int, total: int, message: str = "") -> None:
    """Record progress (and a heartbeat) on the job running in this worker, if any."""
    job_id = _current.get()
    if job_id is None:
        return
    values: dict[str, Any] = {"progress_done": done, "progress_total": total, "heartbeat_at": timezone.now()}
    if message:
        values["message"] = message[:300]
    Job.objects.filter(pk=job_id).update(**values)


def _claim(job_id: int) -> bool:
    now = timezone.now()
    claimable = Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING, heartbeat_at__lt=now - lease())
    from django.db.models import F

    return bool(
        Job.objects.filter(claimable, pk=job_id).update(
            state=Job.State.RUNNING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now
        )
    )


def run_job(job_id: int) -> str:
    """Run one job (the task django-q2 executes). Returns the outcome in words, kept in django-q2's result."""
    if not _claim(job_id):
        return f"Job {job_id} was not waiting (already running elsewhere, finished, or removed)"
    job = Job.objects.get(pk=job_id)
    if job.attempts > max_attempts():
        fail(job, _abandoned_reason(job.attempts - 1))
        return job.failure
    token = _current.set(job.pk)
    try:
        outcome = import_string(job.func)(*job.args)
    except JobFailed as exc:
        fail(job, str(exc))
        return str(exc)
    except TimeoutException:
        minutes = max(1, int(getattr(settings, "PLACEWELL_TASK_TIMEOUT", 1800)) // 60)
        fail(
            job,
            f"The job took longer than its limit of {minutes} minutes and was stopped, so nothing it was doing was "
            "kept. Try again at a quieter time; if it stops again, ask your administrator to raise "
            "PLACEWELL_TASK_TIMEOUT.",
        )
        raise  # django-q2 records the run as timed out and replaces the worker process
    except Exception:
        log.exception("Job %s (%s) failed", job.pk, job.kind)
        fail(
            job,
            "The job stopped because of an unexpected error, which has been logged. Try again, or ask "
            "your administrator to look at the server log.",
        )
        return "failed"
    finally:
        _current.reset(token)
    message = outcome if isinstance(outcome, str) else "Finished"
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.SUCCEEDED, finished_at=timezone.now(), message=message[:300], failure=""
    )
    return message


def fail(job: Job, reason: str) -> None:
    """Mark the job failed with ``reason`` and tell its work's own record (``on_failure``)."""
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED, failure=reason, finished_at=timezone.now(), message="Failed"
    )
    if job.on_failure:
        try:
            import_string(job.on_failure)(*job.args, reason)
        except Exception:
            log.exception("Recording the failure of job %s on its own record failed", job.pk)


def _abandoned_reason(attempts: int) -> str:
    times = "once" if attempts == 1 else f"{attempts} times"
    return (
        f"The worker running this job stopped before it finished ({times}: the server was restarted, or the "
        "job ran out of time or memory), so it was stopped and nothing it was doing was kept. Start it again; "
        "if it stops again, tell your administrator."
    )


def reap(now: dt.datetime | None = None) -> dict[str, int]:
    """Offer every abandoned running job to a worker again, or fail it when its attempts are used up."""
    from placewell.jobs.queue import send

    now = now or timezone.now()
    requeued = failed = 0
    for job in Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=now - lease()):
        if job.attempts < max_attempts():
            taken = Job.objects.filter(
                pk=job.pk, state=Job.State.RUNNING, heartbeat_at=job.heartbeat_at
            ).update(state=Job.State.QUEUED, message="Offered to another worker after the first one stopped")
            if taken:
                requeued += 1
                send(job)
        else:
            failed += 1
            fail(job, _abandoned_reason(job.attempts))
    return {"requeued": requeued, "failed": failed}


def attach_file(filename: str, body: bytes) -> None:
    """Keep a file the running job made (a research extract, say) for the person who started it to
    download from the job's page; it is deleted after ``PLACEWELL_JOB_FILE_DAYS`` days (``purge_files``)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    job_id = _current.get()
    if job_id is None:
        raise RuntimeError("attach_file is for a job running in a worker")
    name = default_storage.save(f"jobs/{job_id}/{uuid.uuid4().hex}/{filename}", ContentFile(body))
    Job.objects.filter(pk=job_id).update(result_file=name, result_name=filename[:200])


def purge_files(now: dt.datetime | None = None) -> int:
    """Delete the files of jobs finished more than ``PLACEWELL_JOB_FILE_DAYS`` days ago (they may hold
    pseudonymised data); the job stays, without its file."""
    from django.core.files.storage import default_storage

    days = int(getattr(settings, "PLACEWELL_JOB_FILE_DAYS", 7))
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = Job.objects.exclude(result_file="").filter(finished_at__lt=cutoff)
    deleted = 0
    for job in old:
        default_storage.delete(job.result_file)
        Job.objects.filter(pk=job.pk).update(result_file="")
        deleted += 1
    return deleted


def maintenance() -> str:
    """Scheduled every few minutes: stopped jobs (``reap``) and expired job files (``purge_files``)."""
    reaped = reap()
    deleted = purge_files()
    return f"{reaped['requeued']} jobs offered again, {reaped['failed']} marked failed, {deleted} old files deleted"


def heartbeat() -> str:
    """Scheduled every minute: shows monitoring that a worker (and its scheduler) is alive."""
    from django_q.conf import Conf

    from placewell.jobs.models import WorkerBeat

    WorkerBeat.objects.update_or_create(cluster=Conf.CLUSTER_NAME, defaults={"beat_at": timezone.now()})
    return "Worker alive"
