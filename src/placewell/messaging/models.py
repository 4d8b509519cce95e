"""Messages to participants, kept on their record with what happened to each, and the development outbox.

A ``Message`` keeps the words that were (or would have been) sent and its delivery status, but not the
address: the phone number, email address or postal address is read from the participant record at the
moment of sending, so the message log adds no copy of contact details. The outbox (``OutboxEntry``) is the
development and training backend's "sent" tray and does keep the recipient, because that is what a service
manager checks there; it is deleted with the person's other data on erasure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to send"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    NOT_SENT = "not_sent", "Not sent"


class Message(models.Model):
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="messages"
    )
    service = models.ForeignKey("accounts.Service", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    template_key = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED, db_index=True
    )
    reason = models.CharField("Why it was not sent or failed", max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    send_after = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # One reminder per appointment, time and offset; one confirmation per change (see ``reminders``).
    dedupe_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    provider_ref = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "send_after"])]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class OptOut(models.Model):
    """The person asked for no messages from the service (calls from their specialist carry on)."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="message_opt_out"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Opt-out {self.participant_id}"


class OutboxEntry(models.Model):
    """What the outbox backend would have sent (text messages, and letters waiting to be printed)."""

    service = models.ForeignKey("accounts.Service", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="outbox_entry")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Outbox {self.pk}"
