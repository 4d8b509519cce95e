"""Putting a job on the queue: the one way Placewell starts background work (imports, analysis runs, report
PDFs, research extracts, archive exports, survey invitations).

``enqueue`` saves a ``Job`` record and hands django-q2 the task ``placewell.jobs.runner.run_job``. With the
database broker the queue entry is written in the caller's transaction, so the job and the work it belongs
to (an import, an analysis run) are saved together or not at all. With Redis the broker is asked first
whether it is there (``QueueUnavailable`` before anything is saved if not) and the entry is sent once the
transaction commits, so a worker never picks up a job whose records it cannot yet see.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from placewell.jobs.models import Job

if TYPE_CHECKING:
    from placewell.accounts.models import User

log = logging.getLogger(__name__)
RUN_JOB = "placewell.jobs.runner.run_job"

UNAVAILABLE = (
    "Background work cannot start because the task queue is not reachable, so nothing was saved. "
    "Try again in a few minutes; if this goes on, tell your administrator that the task queue "
    "(PLACEWELL_TASK_BROKER) is down."
)


class QueueUnavailable(Exception):
    """The broker did not answer: nothing was queued and nothing saved."""

    def __init__(self, message: str = UNAVAILABLE) -> None:
        super().__init__(message)


def uses_database_broker() -> bool:
    return getattr(settings, "PLACEWELL_TASK_BROKER", "database") == "database"


def is_sync() -> bool:
    from django_q.conf import Conf

    return bool(Conf.SYNC)


def broker_ping() -> bool:
    """True when the broker answers (the database broker answers whenever the database does)."""
    if uses_database_broker() or is_sync():
        return True
    from django_q.brokers import get_broker

    try:
        return bool(get_broker().ping())
    except Exception:  # redis raises its own ConnectionError family; any failure means "not reachable"
        log.warning("The task broker did not answer", exc_info=True)
        return False


def enqueue(
    kind: str,
    func: str,
    args: Sequence[Any] = (),
    *,
    label: str,
    service_id: int | None = None,
    by: User | None = None,
    url: str = "",
    on_failure: str = "",
) -> Job:
    """Queue ``func(*args)`` as a job of ``service_id``; ``on_failure(*args, reason)`` is called if it fails
    for good. Raises ``QueueUnavailable`` (nothing saved) when the broker is down."""
    if not broker_ping():
        raise QueueUnavailable()
    job = Job.objects.create(
        kind=kind,
        label=label[:200],
        func=func,
        args=list(args),
        on_failure=on_failure,
        service_id=service_id,
        started_by=by if by is not None and getattr(by, "pk", None) else None,
        url=url[:300],
    )
    if uses_database_broker() or is_sync():
        send(job)
    else:
        transaction.on_commit(lambda: _send_or_fail(job.pk))
    return job


def send(job: Job) -> None:
    """Hand the job to django-q2 (again, when the reaper offers it to another worker)."""
    from django_q.tasks import async_task

    task_id = async_task(RUN_JOB, job.pk, task_name=f"{job.kind} job {job.pk}", group=job.kind)
    Job.objects.filter(pk=job.pk).update(task_id=str(task_id or "")[:40])


def _send_or_fail(job_id: int) -> None:
    """After commit (Redis broker): send, or mark the job failed at once if the broker went away meanwhile."""
    job = Job.objects.get(pk=job_id)
    try:
        send(job)
    except Exception:
        log.exception("Job %s could not be queued", job_id)
        from placewell.jobs.runner import fail

        fail(job, "The task queue stopped answering before this job could be queued. Start it again.")


def active(kind: str, args: Sequence[Any]) -> Job | None:
    """The queued or running job of this kind on these arguments, if there is one."""
    return (
        Job.objects.filter(kind=kind, args=list(args), state__in=[Job.State.QUEUED, Job.State.RUNNING])
        .order_by("-queued_at")
        .first()
    )


def queue_depth() -> int:
    """Jobs waiting for a worker (for monitoring)."""
    return Job.objects.filter(state=Job.State.QUEUED).count()


def last_worker_beat() -> Any:
    """When a worker last ran the heartbeat schedule (None if never): for monitoring."""
    from placewell.jobs.models import WorkerBeat

    beat = WorkerBeat.objects.order_by("-beat_at").first()
    return beat.beat_at if beat else None
