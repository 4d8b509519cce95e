"""Placewell's record of each background job, beside django-q2's own queue and result tables.

django-q2 keeps the queue (``OrmQ`` or a Redis list) and the outcome of each task (``Task``), but not which
service a job belongs to, who started it, whether it is running now, or a reason a person can read when it
fails. ``Job`` holds those, so the jobs page can list a service's jobs (queued, running, failed with the
reason, finished) and a job whose worker died can be found by its stale heartbeat and offered again or
marked failed, never left "running". It holds no personal data: the label names the kind of work and the
record it works on by number, like the audit trail (docs/decisions/0002-audit-log-without-personal-data.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from placewell.accounts.models import Service


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60, help_text="What the job does, e.g. imports.check")
    label = models.CharField(max_length=200, help_text="The job in words, without personal data")
    func = models.CharField(max_length=200, help_text="Dotted path of the function the worker runs")
    args = models.JSONField(default=list, blank=True)
    on_failure = models.CharField(
        max_length=200, blank=True, help_text="Dotted path called with the args and the reason when it fails"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    url = models.CharField(max_length=300, blank=True, help_text="The page that shows the job's progress")
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True, help_text="Progress, or the outcome in words")
    failure = models.TextField(blank=True, help_text="Why the job failed, in words a person can act on")
    result_file = models.CharField(
        max_length=300,
        blank=True,
        help_text="A file the job made, in the default storage, for whoever started it",
    )
    result_name = models.CharField(max_length=200, blank=True, help_text="The file's name when downloaded")
    task_id = models.CharField(max_length=40, blank=True, help_text="django-q2's id of the latest attempt")
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["service", "state"], name="job_service_state"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk}: {self.label}"

    @property
    def is_active(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RUNNING}


class WorkerBeat(models.Model):
    """The last time a worker ran the heartbeat schedule: one row per cluster name, for monitoring."""

    cluster = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.cluster} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
