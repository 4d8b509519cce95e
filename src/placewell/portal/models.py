"""Signing in to "My support" without a password, and the requests a participant sends from it.

Only keyed hashes of links and codes are kept (``services.digest``), never the link or code itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TokenKind(models.TextChoices):
    LINK = "link", "Single-use link"
    CODE = "code", "One-time code"


class SignInToken(models.Model):
    """A link (valid 7 days) or a 6-digit code (valid 10 minutes), each usable once."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="portal_tokens"
    )
    kind = models.CharField(max_length=10, choices=TokenKind.choices)
    secret_hash = models.CharField(max_length=64, db_index=True)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Sign-in {self.kind} {self.pk}"


class AddressLock(models.Model):
    """Wrong codes typed for one address (kept as a hash, known or not), and when it is locked until."""

    address_hash = models.CharField(max_length=64, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Address lock {self.pk}"


class RequestKind(models.TextChoices):
    CALL_BACK = "call_back", "Call me back"
    REARRANGE = "rearrange", "Rearrange a meeting"


class BestTime(models.TextChoices):
    ANY = "any", "Any time"
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Early evening"


class CallBackRequest(models.Model):
    """A participant asking, from their own page, to be called back or to move a meeting."""

    NOTE_LIMIT = 500

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="portal_requests"
    )
    kind = models.CharField(max_length=12, choices=RequestKind.choices, default=RequestKind.CALL_BACK)
    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    best_time = models.CharField(max_length=12, choices=BestTime.choices, default=BestTime.ANY)
    note = models.TextField(blank=True, max_length=NOTE_LIMIT)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["participant", "done_at"], name="portal_request_open")]

    def __str__(self) -> str:
        return f"Request {self.pk}"
