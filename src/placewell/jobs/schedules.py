"""Placewell's schedules, kept in django-q2's ``Schedule`` table and run by the scheduler inside the worker.

``ensure_schedules`` is the one idempotent set-up step: it runs after every ``migrate`` (``post_migrate``)
and when a worker starts (``./run worker`` calls the ``setup_schedules`` command), creating each schedule
once, by its name, and bringing its cron expression in line with the settings. The expressions come from
``PLACEWELL_SCHEDULES`` (each one overridable by an environment variable, checked when the server starts);
one that is not a valid five-field cron expression stops the set-up with a message naming the variable.
Backups are scheduled only when ``PLACEWELL_BACKUP_CRON`` is set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from placewell.errors import ActionError


@dataclass(frozen=True)
class Planned:
    key: str
    name: str
    func: str
    purpose: str
    admin_only: bool = False


PLANNED = [
    Planned(
        "SURVEY_INVITATIONS",
        "Monthly survey invitations",
        "placewell.jobs.scheduled.survey_invitations",
        "Issues the month's follow-up survey invitations, closes ended fieldwork and emails online invitees "
        "their links.",
    ),
    Planned(
        "ALERT_SWEEP",
        "Daily alert sweep",
        "placewell.jobs.scheduled.alert_sweep",
        "Counts each service's caseload alerts (no contact, rapid job search, time limits) for its jobs page.",
    ),
    Planned(
        "RETENTION_REVIEW",
        "Retention review (dry run)",
        "placewell.jobs.scheduled.retention_review",
        "Reports to each service manager the records past their retention period. Nothing is changed.",
    ),
    Planned(
        "AUDIT_CHECK",
        "Audit trail check",
        "placewell.jobs.scheduled.audit_check",
        "Re-hashes the audit trail's chain of events and fails if any event was changed or removed.",
    ),
    Planned(
        "BACKUP",
        "Database backup",
        "placewell.jobs.scheduled.backup",
        "Backs up the database to var/backups (or as the backup settings say).",
        admin_only=True,
    ),
    Planned(
        "REAPER",
        "Stopped jobs",
        "placewell.jobs.runner.maintenance",
        "Offers a job whose worker stopped to another worker, or marks it failed with the reason, and deletes "
        "the files of jobs finished more than a week ago.",
        admin_only=True,
    ),
    Planned(
        "IMPORT_UPLOADS",
        "Abandoned import uploads",
        "placewell.imports.storage.purge_abandoned",
        "Deletes uploaded files that were checked but not imported within a day (they hold personal data).",
        admin_only=True,
    ),
    Planned(
        "MESSAGES",
        "Messages and reminders",
        "placewell.messaging.services.sweep",
        "Queues appointment reminders that are due and sends waiting messages (texts held overnight, retries).",
    ),
    Planned(
        "HEARTBEAT",
        "Worker heartbeat",
        "placewell.jobs.runner.heartbeat",
        "Records that a worker and its scheduler are running, for monitoring.",
        admin_only=True,
    ),
]
PLANNED.append(
    Planned(
        "MI_SUMMARIES",
        "MI summaries",
        "placewell.insight.summaries.refresh_scheduled",
        "Works out the MI dashboard and MI evidence again for each service and for every view looked at in the "
        "last two weeks, so the MI pages read stored figures.",
    )
)
BY_NAME = {p.name: p for p in PLANNED}


class ScheduleError(ActionError):
    """A schedule's cron expression cannot be used; the message names the setting to fix."""


def cron_problem(expression: str) -> str:
    """Empty when ``expression`` is a valid five-field cron expression, else what is wrong, in words."""
    from croniter import croniter

    fields = expression.split()
    if len(fields) != 5:
        return (
            f"{expression!r} has {len(fields)} fields; a cron expression has five: minute, hour, day of the "
            "month, month and day of the week, for example '0 7 1 * *' for 07:00 on the first of each month"
        )
    try:
        croniter.expand(expression)
    except (ValueError, KeyError) as exc:
        return f"{expression!r} is not a valid cron expression ({exc})"
    return ""


def expressions() -> dict[str, str]:
    return dict(getattr(settings, "PLACEWELL_SCHEDULES", {}))


LOCK_ID = 5_005_005  # PostgreSQL advisory lock: one set-up at a time when several workers start together


def ensure_schedules() -> list[str]:
    """Create or update every planned schedule (idempotent); returns the names of those changed.

    Several workers may start at once (a fleet): the set-up runs in one transaction holding an advisory lock
    on PostgreSQL (SQLite's IMMEDIATE transactions already take one writer at a time), and any duplicate of a
    schedule's name is removed, so each schedule exists once and runs once."""
    from django.db import connection, transaction

    wanted = expressions()
    for key, expression in wanted.items():
        if expression and (problem := cron_problem(expression)):
            raise ScheduleError(f"PLACEWELL_CRON_{key}: {problem}. Fix it and start the worker again.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
        return _ensure(wanted)


def _ensure(wanted: dict[str, str]) -> list[str]:
    from django_q.models import Schedule

    changed = []
    for planned in PLANNED:
        expression = wanted.get(planned.key, "")
        existing = Schedule.objects.filter(name=planned.name).order_by("pk")
        if not expression:
            if existing.exists():
                existing.delete()
                changed.append(planned.name)
            continue
        schedule = existing.first()
        if schedule is not None:
            existing.exclude(pk=schedule.pk).delete()
        if schedule is None:
            schedule = Schedule(name=planned.name, func=planned.func, schedule_type=Schedule.CRON, repeats=-1)
        elif schedule.cron == expression and schedule.func == planned.func:
            continue
        schedule.func, schedule.cron, schedule.schedule_type, schedule.repeats = (
            planned.func,
            expression,
            Schedule.CRON,
            -1,
        )
        schedule.next_run = next_run(expression)
        schedule.save()
        changed.append(planned.name)
    return changed


def next_run(expression: str, after: dt.datetime | None = None) -> dt.datetime:
    from croniter import croniter

    return croniter(expression, timezone.localtime(after or timezone.now())).get_next(dt.datetime)


@dataclass
class Row:
    name: str
    purpose: str
    cron: str
    problem: str
    next_run: dt.datetime | None
    last_run: dt.datetime | None
    last_ok: bool | None
    outcome: str


def overview(*, include_admin_only: bool) -> list[Row]:
    """Every schedule with its next run and its last run's time and outcome (two queries)."""
    from django_q.models import Schedule, Task

    schedules = list(Schedule.objects.order_by("name"))
    last = {t.id: t for t in Task.objects.filter(id__in=[s.task for s in schedules if s.task])}
    rows = []
    for s in schedules:
        planned = BY_NAME.get(s.name or "")
        if planned is not None and planned.admin_only and not include_admin_only:
            continue
        task = last.get(s.task or "")
        result: Any = task.result if task is not None else None
        rows.append(
            Row(
                name=s.name or s.func,
                purpose=planned.purpose if planned else "",
                cron=s.cron or "",
                problem=cron_problem(s.cron or "") if s.schedule_type == Schedule.CRON else "",
                next_run=s.next_run,
                last_run=task.stopped if task is not None else None,
                last_ok=task.success if task is not None else None,
                outcome=_outcome(result),
            )
        )
    return rows


def _outcome(result: Any) -> str:
    if result is None:
        return ""
    text = str(result)
    # django-q2 keeps a failed run's result as "<the exception's message> : <traceback>".
    text = text.split(" : Traceback (most recent call last):")[0]
    # django-q2 keeps a failed run's traceback as its result; the page shows its last line, the reason.
    lines = [line for line in text.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else text
    name, sep, message = last.partition(": ")
    if sep and " " not in name and ("." in name or name.endswith(("Error", "Exception", "Failed"))):
        last = message  # "placewell.jobs.runner.JobFailed: the reason" -> "the reason"
    return last[:300]
