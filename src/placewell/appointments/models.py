"""Appointments with a participant, the team's community venues, and each specialist's calendar feed.

Participants value meeting in comfortable community places, consistent and frequent contact, and flexible
rearranging ('Someone in my corner'; the SESAMI study), so an appointment records where it is and, when it
moves or is cancelled, who asked and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Venue(models.Model):
    """A community venue a team meets people in (a library, a café, a community centre)."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="appointments_venue_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PlaceKind(models.TextChoices):
    VENUE = "venue", "A community venue"
    HOME = "home", "The person's home"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video call"


class Status(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class AskedBy(models.TextChoices):
    PERSON = "person", "The person"
    SPECIALIST = "specialist", "The specialist"
    SERVICE = "service", "The service"


class Appointment(models.Model):
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="appointments"
    )
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(help_text="Kept with the start so a clash is one indexed query")
    duration_minutes = models.PositiveSmallIntegerField()
    place_kind = models.CharField(max_length=10, choices=PlaceKind.choices)
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    video_link = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    change_asked_by = models.CharField(max_length=12, choices=AskedBy.choices, blank=True)
    change_reason = models.TextField(blank=True)
    times_rescheduled = models.PositiveSmallIntegerField(default=0)
    contact = models.OneToOneField(
        "casework.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment"
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    outcome_at = models.DateTimeField(
        null=True, blank=True, help_text="When attendance or cancellation was recorded"
    )

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["specialist", "starts_at"], name="appt_specialist_start"),
            models.Index(fields=["participant", "starts_at"], name="appt_participant_start"),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk}"

    @property
    def place_label(self) -> str:
        if self.place_kind == PlaceKind.VENUE and self.venue_id:
            return str(self.venue)
        return self.get_place_kind_display()


class CalendarFeed(models.Model):
    """A specialist's secret calendar address. Only a hash of the token is kept; a new one revokes the old."""

    specialist = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed {self.pk}"
