"""An import job (one uploaded file, from check to report) and the map from old systems' ids to records.

``ExternalRecord`` is what makes an import safe to repeat: each row's id in the old system (``external_id``)
is kept with the record it became and a SHA-256 of the row as read, so the same row a second time is
"unchanged" and a changed row is an update, never a duplicate.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from placewell.accounts.models import Service
from placewell.participants.models import Participant

if TYPE_CHECKING:
    from placewell.accounts.models import User


class Kind(models.TextChoices):
    REFERRALS = "referrals", "Referrals"
    PARTICIPANTS = "participants", "Participants"
    CONTACTS = "contacts", "Casework contacts"
    EMPLOYERS = "employers", "Employers"
    JOB_STARTS = "job_starts", "Job starts"


class Outcome(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Unchanged"


def new_token() -> str:
    return uuid.uuid4().hex


class ImportJob(models.Model):
    class State(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        INVALID = "invalid", "Problems found: nothing imported"
        CHECKED = "checked", "Checked: ready to import"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed: nothing imported"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="import_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.CHECKING)
    total_rows = models.PositiveIntegerField(default=0, help_text="Data rows in the file")
    processed_rows = models.PositiveIntegerField(default=0, help_text="Rows checked or written so far")
    counts = models.JSONField(default=dict, blank=True, help_text="Rows by outcome: created, updated, ...")
    column_problems = models.JSONField(default=list, blank=True, help_text="Unknown or missing columns")
    problems = models.JSONField(default=list, blank=True, help_text="The first problems: row, column, text")
    problem_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, help_text="Why the import stopped, when it did")
    checked_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.get_kind_display()} from {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.state in {self.State.CHECKING, self.State.IMPORTING}

    @property
    def has_problems(self) -> bool:
        return bool(self.column_problems or self.problem_count or self.failure)

    def count(self, outcome: str) -> int:
        return int(self.counts.get(outcome, 0))

    def problem_lines(self) -> list[str]:
        return [problem_text(p) for p in self.problems]

    def set_progress(self, processed: int, **fields: Any) -> None:
        self.processed_rows = processed
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["processed_rows", *fields])


def problem_text(problem: dict[str, Any]) -> str:
    """ "Row 14, column nhs_number: ..." in the words the preview and the command line both show."""
    where = []
    if problem.get("row"):
        where.append(f"Row {problem['row']}")
    if problem.get("column"):
        where.append(f"column {problem['column']}")
    prefix = ", ".join(where)
    return f"{prefix}: {problem['message']}" if prefix else str(problem["message"])


class ExternalRecord(models.Model):
    """One row of an old system, by its id there, and the Placewell record it became."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    external_id = models.CharField(max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    row_sha256 = models.CharField(max_length=64)
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="rows")
    row_number = models.PositiveIntegerField(default=0, help_text="Row in the file of the latest import")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.CREATED)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service", "kind", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "kind", "external_id"], name="unique_external_record")
        ]
        indexes = [
            models.Index(fields=["job", "row_number"], name="external_record_job_row"),
            models.Index(fields=["content_type", "object_id"], name="external_record_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}"


ERASED = "erased"  # the row hash of a person's mapping once their record is erased


def forget_participant(participant: Participant, by: User | None = None) -> None:
    """Erasure step: the row hashes and the maps of the person's contacts and jobs go (those records are
    deleted too). The map from the person's old id to the erased record stays, marked erased, so importing
    the old file again cannot bring the person back."""
    person = ContentType.objects.get_for_model(Participant)
    mine = ExternalRecord.objects.filter(participant=participant)
    mine.exclude(content_type=person, object_id=participant.pk).delete()
    mine.update(row_sha256=ERASED, row_number=0)
