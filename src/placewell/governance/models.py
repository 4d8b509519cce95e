"""How long each service keeps personal data after support ends.

The Health-led Trials' agreement asked permission to keep personal information "for up to 3 years after
they ended", after which an anonymised version could go to the UK Data Archive (DWP research report 1025, sections 1.5 and
5.1.5). A service without a policy row keeps data for ``DEFAULT_RETENTION_YEARS``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from placewell.accounts.models import Service

DEFAULT_RETENTION_YEARS = 3


class RetentionPolicy(models.Model):
    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="retention_policy")
    years = models.PositiveSmallIntegerField(
        "Years to keep personal data after support ends",
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    reason = models.CharField(max_length=200, blank=True, help_text="Why this period, such as the agreement")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["service__name"]
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return f"{self.service}: {self.years} years after support ends"


class ErasureLedgerEntry(models.Model):
    """One erasure, by pseudonymous keys only, so that a restore of an older backup can erase again.

    Mirrored to a file outside the database (``governance.ledger``); never holds an identifier itself.
    """

    record_key = models.CharField(max_length=64, unique=True, help_text="Keyed hash of the record's id")
    nhs_key = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Keyed hash of the NHS number"
    )
    erased_at = models.DateTimeField()

    class Meta:
        ordering = ["erased_at"]
        verbose_name_plural = "erasure ledger entries"

    def __str__(self) -> str:
        return f"Erasure of {self.record_key[:12]} on {self.erased_at:%Y-%m-%d}"
