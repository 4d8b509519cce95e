"""Employers, the people there, each contact with them, their vacancies, and vacancy matches.

Employers belong to a service: everyone who works in it sees the whole picture of which employers have been
approached and by whom (Learning and Work Institute (2024), "Employer engagement"; DWP research report 1025, section 4.4.4). Matches name a
participant and are personal data, removed by erasure; engagement records keep the employer contact but
forget the participant on erasure. State changes go through ``employers.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from placewell.accounts.models import Service
from placewell.employers import choices
from placewell.participants.models import Participant

USER = settings.AUTH_USER_MODEL


class Employer(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="employers")
    name = models.CharField("Organisation name", max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    sector = models.CharField("Sector", max_length=1, choices=choices.Sector.choices)
    size = models.CharField("Size", max_length=10, choices=choices.Size.choices)
    disability_confident = models.CharField(
        "Disability Confident level", max_length=20, choices=choices.DisabilityConfident.choices, blank=True
    )
    notes = models.TextField(blank=True)
    holder = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employers_held",
        verbose_name="Who holds the relationship",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["service", "name"], name="employer_service_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sme(self) -> bool:
        return self.size in choices.SME_SIZES


class Location(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="locations")
    town = models.CharField(max_length=100)
    postcode_district = models.CharField("Postcode district", max_length=4, blank=True)

    class Meta:
        ordering = ["town", "id"]

    def __str__(self) -> str:
        return f"{self.town} {self.postcode_district}".strip()


class EmployerContact(models.Model):
    """A person at the employer: name, role and how to reach them."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    how_to_reach = models.CharField("How to reach them", max_length=300, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Engagement(models.Model):
    """One contact with an employer by a specialist, optionally on behalf of named participants."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="engagements")
    specialist = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="employer_engagements")
    happened_on = models.DateField("Date")
    face_to_face = models.BooleanField("Face to face", default=False)
    purpose = models.CharField(max_length=20, choices=choices.Purpose.choices)
    note = models.TextField(blank=True)
    participants = models.ManyToManyField(Participant, blank=True, related_name="employer_engagements")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(fields=["employer", "happened_on"], name="engagement_employer_day"),
            models.Index(fields=["specialist", "happened_on"], name="engagement_specialist_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} with {self.employer} on {self.happened_on}"


class Vacancy(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="vacancies")
    title = models.CharField("Job title", max_length=200)
    soc = models.CharField("Kind of job (SOC 2020 group)", max_length=2)
    hours = models.DecimalField("Hours a week", max_digits=5, decimal_places=2)
    pay = models.DecimalField("Pay (£)", max_digits=9, decimal_places=2)
    pay_basis = models.CharField("Pay is", max_length=10, choices=choices.PayBasis.choices)
    hourly_pay = models.DecimalField(max_digits=7, decimal_places=2, editable=False)
    town = models.CharField(max_length=100, blank=True)
    postcode_district = models.CharField("Postcode district", max_length=4, blank=True)
    home_based = models.BooleanField("Home-based", default=False)
    source = models.CharField(max_length=20, choices=choices.Source.choices)
    closing_on = models.DateField("Closing date", null=True, blank=True)
    status = models.CharField(
        max_length=10,
        choices=choices.VacancyStatus.choices,
        default=choices.VacancyStatus.OPEN,
        db_index=True,
    )
    open_to_anyone = models.BooleanField(
        "Open to anyone", default=True, help_text="Not set aside for disabled people (not sheltered work)"
    )
    apprenticeship = models.BooleanField(default=False)
    conditions = models.JSONField("What the job involves", default=list, blank=True)
    adjustments = models.JSONField("Adjustments the employer offers", default=list, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "vacancies"

    def __str__(self) -> str:
        return f"{self.title}, {self.employer}"


class Match(models.Model):
    """A vacancy put to a participant, and what happened: suggested, applied, ... or not interested.

    "Not interested" is kept and shown, with its reason; it changes no scores (matching suggests, the
    participant decides)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="vacancy_matches")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="matches")
    status = models.CharField(max_length=20, choices=choices.MatchStatus.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField("Why", max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "vacancy"], name="one_match_per_participant_vacancy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vacancy} for participant {self.participant_id}: {self.status}"
