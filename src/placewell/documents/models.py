"""A document held on a participant's record: a CV, a fit note, a signed agreement form, a letter.

The file itself lives in the ``documents`` storage (``settings.STORAGES``) under a random name, never the
name it was uploaded with; the record keeps that name only to show it to the team, and erasure deletes both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Category(models.TextChoices):
    CV = "cv", "CV"
    FIT_NOTE = "fit_note", "Fit note"
    AGREEMENT = "agreement", "Signed agreement form"
    LETTER = "letter", "Letter"
    OTHER = "other", "Other document"


class Scan(models.TextChoices):
    PENDING = "pending", "Waiting for a virus scan"
    CLEAN = "clean", "Scanned: no virus found"
    INFECTED = "infected", "Failed the virus scan"
    FAILED = "failed", "The virus scan could not be completed"
    NOT_SCANNED = "not_scanned", "Not virus-scanned"


OPENABLE = {Scan.CLEAN, Scan.NOT_SCANNED}


class Document(models.Model):
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="documents"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    original_name = models.CharField(max_length=200, help_text="As uploaded; shown to the team only")
    stored_name = models.CharField(max_length=100, unique=True, help_text="Random name in the storage")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=20, choices=Scan.choices, default=Scan.PENDING)
    scan_detail = models.CharField(max_length=200, blank=True, help_text="The scanner's finding, if any")
    scanned_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["participant", "-uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.pk}"

    @property
    def can_open(self) -> bool:
        return self.scan_status in OPENABLE
