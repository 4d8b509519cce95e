"""The work Placewell does on a calendar, run by django-q2's scheduler inside the worker (``schedules.py``
says when). Each returns its outcome in words, kept in django-q2's result of the run and shown on the
schedules page; work that concerns a service also leaves a finished job on that service's jobs page, so its
service manager sees it (the retention review's dry run, the alert sweep's counts). None of it holds
personal data: counts and record numbers only.
"""

from __future__ import annotations

import io
from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from placewell.jobs.models import Job
from placewell.jobs.runner import JobFailed


def _service_note(kind: str, service_id: int, label: str, message: str) -> None:
    now = timezone.now()
    Job.objects.create(
        kind=kind,
        label=label[:200],
        func=f"placewell.jobs.scheduled.{kind.split('.')[-1]}",
        service_id=service_id,
        state=Job.State.SUCCEEDED,
        attempts=1,
        message=message[:300],
        queued_at=now,
        started_at=now,
        heartbeat_at=now,
        finished_at=now,
    )


def survey_invitations() -> str:
    """The monthly survey batch (the ``send_survey_invitations`` command): invitations, closures, links."""
    out = io.StringIO()
    call_command("send_survey_invitations", stdout=out)
    return out.getvalue().strip() or "Done"


def alert_sweep() -> str:
    """Count each service's caseload alerts by rule, once a day, for its service manager's jobs page."""
    from placewell.accounts.models import Service
    from placewell.casework.alerts import OPEN_STATUSES, alerts_for
    from placewell.participants.models import Participant

    today = timezone.localdate()
    lines = []
    for service in Service.objects.order_by("pk"):
        people = list(
            Participant.objects.filter(service=service, status__in=OPEN_STATUSES).select_related("service")
        )
        counts = Counter(alert.rule for alert in alerts_for(people, today))
        total = sum(counts.values())
        detail = ", ".join(f"{n} {rule.replace('_', ' ')}" for rule, n in sorted(counts.items())) or "none"
        message = f"{total} alerts on {len(people)} open records ({detail})"
        _service_note("schedule.alert_sweep", service.pk, f"Daily alert sweep of {today:%-d %B %Y}", message)
        lines.append(f"{service.name}: {message}")
    return "; ".join(lines) or "No services"


def retention_review() -> str:
    """The retention purge's dry run: what is past retention, reported to each service manager; nothing is
    changed. Removing it stays a deliberate step (``./run manage purge_expired --apply``, after the archive
    export), as governance/retention.py describes."""
    from placewell.governance import services

    review = services.purge_expired(by=None, apply=False).review
    due = review.due_by_service()
    for sid in review.service_names:
        n = due.get(sid, 0)
        message = (
            f"{n} closed records past the retention period of {review.years_by_service[sid]} years. Nothing "
            "was changed: make the archive export, then ask your administrator to apply the purge."
            if n
            else "No records past the retention period. Nothing was changed."
        )
        _service_note(
            "schedule.retention_review",
            sid,
            f"Retention review (dry run) of {review.today:%-d %B %Y}",
            message,
        )
    return f"{len(review.due)} records past retention in {len(review.service_names)} services; dry run, nothing changed"


def audit_check() -> str:
    """Re-hash the audit trail's chain; a break fails the run, which the schedules page shows in red."""
    from placewell.accounts.audit_chain import verify_audit_chain  # imported when run, not at start-up

    report = verify_audit_chain()
    if not report.ok:
        raise JobFailed(report.message)
    return report.message


def backup() -> str:
    """A database backup by the ``backup_database`` command (scheduled only when PLACEWELL_BACKUP_CRON is set)."""
    out = io.StringIO()
    call_command("backup_database", stdout=out)
    return out.getvalue().strip() or "Backed up"
