"""Job starts, their competitive-employment check, job ends and in-work support plans.

A job start is personal data about one participant; erasure deletes it (``services.erase_participant_jobs``).
State changes go through ``placements.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from placewell.employers.models import Employer, Vacancy
from placewell.participants.models import Participant

USER = settings.AUTH_USER_MODEL


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed term"
    TEMPORARY = "temporary", "Temporary or agency"
    ZERO_HOURS = "zero_hours", "Zero hours"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    SELF_EMPLOYED = "self_employed", "Self-employed"


class EndReason(models.TextChoices):
    RESIGNED = "resigned", "They left"
    DISMISSED = "dismissed", "Dismissed"
    CONTRACT_ENDED = "contract_ended", "Contract or temporary work ended"
    REDUNDANT = "redundant", "Made redundant"
    HEALTH = "health", "Left because of their health"
    BETTER_JOB = "better_job", "Moved to another job"
    OTHER = "other", "Another reason"


class JobStart(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="job_starts")
    employer = models.ForeignKey(
        Employer, on_delete=models.SET_NULL, null=True, blank=True, related_name="job_starts"
    )
    employer_name = models.CharField("Employer", max_length=200)
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="job_starts"
    )
    job_title = models.CharField(max_length=200)
    soc = models.CharField("Kind of job (SOC 2020 group)", max_length=2)
    started_on = models.DateField("Start date")
    hours = models.DecimalField("Contracted hours a week", max_digits=5, decimal_places=2)
    hourly_pay = models.DecimalField("Hourly pay (£)", max_digits=7, decimal_places=2)
    contract_type = models.CharField(max_length=20, choices=ContractType.choices)
    self_employed = models.BooleanField(default=False)
    open_to_anyone = models.BooleanField(default=True)
    through_service = models.BooleanField("Found with the service's help", default=True)
    competitive = models.BooleanField(default=False)
    competitive_reasons = models.JSONField(default=list)
    minimum_rate_pence = models.PositiveIntegerField(null=True, blank=True)
    ended_on = models.DateField("End date", null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["participant", "started_on", "id"]
        indexes = [models.Index(fields=["participant", "started_on"], name="jobstart_participant_day")]

    def __str__(self) -> str:
        return f"{self.job_title} at {self.employer_name} from {self.started_on}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class InWorkPlan(models.Model):
    """The in-work support plan for one job: for the person and for the employer (DWP research report 1025: in-work support for
    both; the SESAMI study: support continuing into work)."""

    job = models.OneToOneField(JobStart, on_delete=models.CASCADE, related_name="plan")
    for_person = models.TextField("Support for the person")
    for_employer = models.TextField("Support for the employer", blank=True)
    review_on = models.DateField("Next review", null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"In-work support plan for job {self.job_id}"
