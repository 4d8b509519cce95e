"""Each scheduled task run through django-q2 in its sync mode (``async_task``, its worker code, its result
record), and the set-up of the schedules: idempotent, driven by the settings, and refusing a bad expression
with a message naming the variable to fix."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from django.core import mail
from django_q.models import Schedule, Task
from django_q.tasks import async_task

from placewell.jobs.models import Job, WorkerBeat
from placewell.jobs.runner import JobFailed
from placewell.jobs.schedules import PLANNED, ScheduleError, ensure_schedules, next_run
from tests.surveys.conftest import agree, load_test_wording, noon


def run_scheduled(func: str) -> Task:
    """Run ``func`` as the scheduler would hand it to a worker, and return django-q2's record of the run."""
    task_id = async_task(func)
    return Task.objects.get(id=task_id)


def test_monthly_survey_invitations_issue_the_batch_and_email_online_invitees(world) -> None:
    # A link is made only for questionnaires whose licensed wording is loaded (no stand-in reaches anyone).
    load_test_wording("eq5d5l", "swemwbs")
    with time_machine.travel(noon(dt.date(2026, 11, 15)), tick=False) as t:
        agree(world, survey_mode="web", email="online@example.org")
        agree(world, given_name="Pat", nhs_number="", survey_mode="phone", email="phone@example.org")
        t.move_to(noon(dt.date(2027, 3, 1)))
        task = run_scheduled("placewell.jobs.scheduled.survey_invitations")
    assert task.success, task.result
    assert task.result.startswith("Batch 2027-03: 2 invited, 1 links emailed")
    assert [m.to for m in mail.outbox] == [["online@example.org"]]


def test_the_alert_sweep_leaves_each_service_manager_the_counts(world, participant) -> None:
    task = run_scheduled("placewell.jobs.scheduled.alert_sweep")
    assert task.success, task.result
    note = Job.objects.get(kind="schedule.alert_sweep", service=world.service)
    assert note.state == Job.State.SUCCEEDED
    assert note.message == "0 alerts on 0 open records (none)"  # a new referral is not yet receiving support
    assert f"{world.service.name}: 0 alerts" in task.result


def test_the_retention_review_is_a_dry_run_reported_to_each_service(world, participant) -> None:
    from placewell.participants.models import Participant

    task = run_scheduled("placewell.jobs.scheduled.retention_review")
    assert task.success, task.result
    assert "dry run, nothing changed" in task.result
    note = Job.objects.get(kind="schedule.retention_review", service=world.service)
    assert note.message == "No records past the retention period. Nothing was changed."
    assert Participant.objects.filter(pk=participant.pk, given_name="Rowan").exists()


def test_the_audit_check_passes_on_an_intact_trail_and_fails_on_a_changed_one(world, participant) -> None:
    from django.db import connection

    from placewell.accounts.models import AuditEvent

    task = run_scheduled("placewell.jobs.scheduled.audit_check")
    assert task.success, task.result
    event = AuditEvent.objects.order_by("pk").first()
    with connection.cursor() as cursor:  # what someone editing the table directly would do
        for statement in _lift_append_only():
            cursor.execute(statement)
        cursor.execute("UPDATE accounts_auditevent SET summary = 'changed' WHERE id = %s", [event.pk])
    # django-q2's sync mode raises a task's exception in the caller; a worker records it as a failed run,
    # whose last line the schedules page shows (the reason).
    with pytest.raises(JobFailed, match=f"^Audit event {event.pk} has been changed since it was written"):
        run_scheduled("placewell.jobs.scheduled.audit_check")


def _lift_append_only() -> list[str]:
    """What someone with the database owner's rights can do (accounts.audit_chain); rolled back with the test."""
    from django.db import connection

    from placewell.accounts import audit_chain

    return list(audit_chain.trigger_sql(connection.vendor, drop=True))


def test_the_heartbeat_records_the_worker(db) -> None:
    task = run_scheduled("placewell.jobs.runner.heartbeat")
    assert task.success
    assert WorkerBeat.objects.get(cluster="placewell").beat_at is not None


def test_schedules_are_set_up_once_and_follow_the_settings(db, settings) -> None:
    ensure_schedules()  # also run by migrate's post_migrate
    assert ensure_schedules() == []
    names = set(Schedule.objects.values_list("name", flat=True))
    assert "Database backup" not in names  # off unless PLACEWELL_CRON_BACKUP is set
    assert {"Monthly survey invitations", "Daily alert sweep", "Audit trail check"} <= names
    settings.PLACEWELL_SCHEDULES = {**settings.PLACEWELL_SCHEDULES, "BACKUP": "0 1 * * *", "ALERT_SWEEP": ""}
    assert sorted(ensure_schedules()) == ["Daily alert sweep", "Database backup"]
    backup = Schedule.objects.get(name="Database backup")
    assert (backup.cron, backup.func) == ("0 1 * * *", "placewell.jobs.scheduled.backup")
    assert not Schedule.objects.filter(name="Daily alert sweep").exists()
    assert Schedule.objects.filter(name__in=[p.name for p in PLANNED]).count() == Schedule.objects.count()


def test_next_run_follows_the_cron_expression_in_uk_time() -> None:
    after = dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC)
    assert next_run("0 7 1 * *", after) == dt.datetime(2027, 2, 1, 7, 0, tzinfo=dt.UTC)  # GMT in February


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("0 25 * * *", "is not a valid cron expression"),
        ("0 7 1 *", "has 4 fields; a cron expression has five"),
    ],
)
def test_a_schedule_with_an_invalid_expression_is_refused_with_the_variable_named(
    db, settings, expression, why
) -> None:
    settings.PLACEWELL_SCHEDULES = {**settings.PLACEWELL_SCHEDULES, "ALERT_SWEEP": expression}
    with pytest.raises(ScheduleError) as caught:
        ensure_schedules()
    assert str(caught.value).startswith(f"PLACEWELL_CRON_ALERT_SWEEP: '{expression}' ")
    assert why in str(caught.value)


def test_an_invalid_expression_in_the_environment_stops_the_server_naming_it() -> None:
    env = {
        **os.environ,
        "PLACEWELL_CRON_AUDIT_CHECK": "every night",
        "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "PLACEWELL_CRON_AUDIT_CHECK must be a five-field cron expression" in done.stderr
    assert "'every night'" in done.stderr


def test_a_duplicated_schedule_is_left_once(db) -> None:
    """Two workers starting at once must not leave a schedule twice (it would run twice)."""
    ensure_schedules()
    original = Schedule.objects.get(name="Audit trail check")
    Schedule.objects.create(
        name=original.name, func=original.func, schedule_type=Schedule.CRON, cron="0 3 * * *"
    )
    assert ensure_schedules() == []
    assert Schedule.objects.filter(name="Audit trail check").count() == 1
