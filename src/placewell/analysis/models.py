"""A trial's statistical analysis plan, its statistician, linked administrative outcomes and analysis runs.

The plan is fixed before the outcomes are looked at (DWP research report 1025, section 6.2.3: the trials published their
statistical analysis plan first), so a plan version can be locked: the lock records who, when and the
SHA-256 of the plan's canonical JSON, and from then on the row refuses every change, in ``save``, in
``delete`` and in queryset ``update``/``delete``. A new version starts as a copy. Each run keeps the plan
version, its hash and content, the dataset it read (as Parquet, with its dictionary) and the report, so
every figure can be traced back to the rows it came from.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from placewell.participants.models import Participant
from placewell.trials.models import Trial


class PlanLockedError(PermissionError):
    """A locked analysis plan was asked to change; start a new version instead."""


class PlanQuerySet(models.QuerySet["AnalysisPlan"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(locked_at__isnull=False).exists():
            raise PlanLockedError("A locked analysis plan cannot change: start a new version from it")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(locked_at__isnull=False).exists():
            raise PlanLockedError("A locked analysis plan cannot be deleted")
        return super().delete()


class AnalysisPlan(models.Model):
    """One version of a trial's analysis plan: the engine's evaluation plan as JSON (see ``plan.py``)."""

    trial = models.ForeignKey(Trial, on_delete=models.PROTECT, related_name="analysis_plans")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "-version"]
        constraints = [models.UniqueConstraint(fields=["trial", "version"], name="unique_plan_version")]

    def __str__(self) -> str:
        return f"Analysis plan version {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from placewell.analysis.plan import content_hash

        if self.pk is not None and AnalysisPlan.objects.filter(pk=self.pk, locked_at__isnull=False).exists():
            raise PlanLockedError(
                f"Version {self.version} of the analysis plan is locked and cannot change: start a new version"
            )
        self.content_sha256 = content_hash(self.content)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if AnalysisPlan.objects.filter(pk=self.pk, locked_at__isnull=False).exists():
            raise PlanLockedError("A locked analysis plan cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class TrialStatistician(models.Model):
    """The trial statistician a service manager named: they may analyse this trial (``access.py``)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="statisticians")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    named_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trial", "named_at"]
        constraints = [models.UniqueConstraint(fields=["trial", "user"], name="unique_trial_statistician")]

    def __str__(self) -> str:
        return f"Statistician for {self.trial}"


class LinkageImport(models.Model):
    """One import of administrative outcomes for a trial, with its match report. A new import replaces it."""

    trial = models.ForeignKey(Trial, on_delete=models.PROTECT, related_name="linkage_imports")
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    key_fingerprint = models.CharField(max_length=12)
    rows_read = models.PositiveIntegerField()
    people_matched = models.PositiveIntegerField()
    unmatched_keys = models.PositiveIntegerField()
    duplicate_rows = models.PositiveIntegerField()
    months_outside_window = models.PositiveIntegerField()
    report = models.JSONField(default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trial", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"Linked outcomes imported {self.imported_at:%Y-%m-%d}"


class LinkedOutcome(models.Model):
    """One person-month of administrative data, keyed by the pseudonymised NHS number (never the number)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="+")
    linkage = models.ForeignKey(LinkageImport, on_delete=models.CASCADE, related_name="outcomes")
    pseudo_nhs_number = models.CharField(max_length=64)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The trial participant the key matched, so that erasure removes their linked months",
    )
    month = models.DateField(help_text="The first day of the calendar month")
    employed = models.BooleanField()
    earnings = models.DecimalField(max_digits=10, decimal_places=2)
    out_of_work_benefits = models.BooleanField()

    class Meta:
        ordering = ["trial", "pseudo_nhs_number", "month"]
        indexes = [models.Index(fields=["trial", "pseudo_nhs_number"], name="linked_trial_key")]

    def __str__(self) -> str:
        return f"Linked month {self.month:%Y-%m}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


class AnalysisRun(models.Model):
    """One run of a plan version on the trial's data as it stood at the data cut."""

    trial = models.ForeignKey(Trial, on_delete=models.PROTECT, related_name="analysis_runs")
    plan = models.ForeignKey(AnalysisPlan, on_delete=models.PROTECT, related_name="runs")
    plan_version = models.PositiveIntegerField()
    plan_sha256 = models.CharField(max_length=64)
    plan_content = models.JSONField()
    plan_locked_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    data_cut = models.DateField(null=True, blank=True, help_text="Outcomes counted up to this day")
    data_read_at = models.DateTimeField(null=True, blank=True, help_text="When the outcome data were read")
    locked_before_data = models.BooleanField(default=False)
    dataset_sha256 = models.CharField(max_length=64, blank=True)
    dataset_rows = models.PositiveIntegerField(null=True, blank=True)
    dataset_parquet = models.BinaryField(null=True, blank=True, editable=False)
    dataset_columns = models.JSONField(default=list, blank=True)
    key_fingerprint = models.CharField(max_length=12, blank=True)
    results = models.JSONField(null=True, blank=True)
    report_html = models.TextField(blank=True)
    report_pdf = models.BinaryField(
        null=True, blank=True, editable=False, help_text="The report printed to PDF once, in the background"
    )
    rows_erased_since = models.PositiveIntegerField(
        default=0,
        help_text="Participants erased after the run, whose rows were taken out of its stored dataset",
    )

    class Meta:
        ordering = ["trial", "-started_at", "-id"]

    def __str__(self) -> str:
        return f"Analysis run {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class DatasetRelease(models.Model):
    """A download of a trial's analysis dataset: the first one is when outcome data were first read."""

    trial = models.ForeignKey(Trial, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(AnalysisRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    released_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    formats = models.JSONField(default=list)

    class Meta:
        ordering = ["trial", "released_at", "id"]

    def __str__(self) -> str:
        return f"Dataset released {self.released_at:%Y-%m-%d}"
