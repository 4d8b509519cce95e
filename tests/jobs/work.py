"""Small jobs for the tests of the queue: each records that it ran, so a test can count runs."""

from __future__ import annotations

from placewell.jobs.runner import JobInputGone, progress

RUNS: list[tuple[str, tuple[object, ...]]] = []
FAILURES: list[tuple[object, ...]] = []


def record(value: int) -> str:
    progress(1, 2, "half way")
    RUNS.append(("record", (value,)))
    return f"Recorded {value}"


def vanish(value: int) -> str:
    RUNS.append(("vanish", (value,)))
    raise JobInputGone(f"Record {value} was erased before the job ran, so there was nothing to do.")


def explode(value: int) -> str:
    RUNS.append(("explode", (value,)))
    raise RuntimeError("boom")


def on_failure(value: int, reason: str) -> None:
    FAILURES.append((value, reason))


def too_slow(value: int) -> str:
    """What django-q2's timeout does to a task that runs past it: SIGALRM raises this inside the task."""
    from django_q.exceptions import TimeoutException

    raise TimeoutException("Task exceeded maximum timeout value (600 seconds)")


def sleepy_first_time(seconds: float) -> str:
    """Sleeps on its first attempt (long enough for the test to kill the worker), finishes on the next."""
    import time

    from placewell.jobs.models import Job
    from placewell.jobs.runner import current_job_id

    job = Job.objects.get(pk=current_job_id())
    if job.attempts == 1:
        progress(0, 1, "sleeping")
        time.sleep(seconds)
    return f"Finished on attempt {job.attempts}"
