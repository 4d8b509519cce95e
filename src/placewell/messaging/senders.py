"""The senders: email by Django's SMTP backend, text messages by GOV.UK Notify or the outbox, letters as PDFs.

Each sender takes one message and its address and either returns a provider reference or raises
``PermanentFailure`` (the address cannot receive: nothing will change by trying again) or
``TemporaryFailure`` (the server is down or busy: the message is tried again later, then marked failed).
``PLACEWELL_SMS_BACKEND`` chooses ``outbox`` (the default: nothing leaves the building; service managers read
what would have been sent on the outbox page) or ``notify`` (GOV.UK Notify's ``notifications-python-client``
with ``PLACEWELL_NOTIFY_API_KEY`` and a template whose only content is ``((body))``). Letters always go to the
outbox as "ready to print": the PDF is made from the message when someone opens it (``letters``).
"""

from __future__ import annotations

import re
import smtplib
from typing import Protocol

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from placewell.messaging.models import Channel, Message, OutboxEntry


class SendFailure(Exception):
    """A send that did not happen; the message is kept on the record for staff."""


class PermanentFailure(SendFailure):
    """The address cannot receive this message: trying again will not help."""


class TemporaryFailure(SendFailure):
    """The sending server did not take the message this time: it is tried again later."""


class Sender(Protocol):
    def send(self, message: Message, to: str) -> str: ...


# UK mobile numbers: 07 and nine more digits, also written +44 7... or 0044 7... (Ofcom's National
# Telephone Numbering Plan gives 07 numbers starting 071-075 and 077-079 to mobiles; 076 is pagers and 070
# personal numbering, which cannot receive text messages reliably).
_MOBILE = re.compile(r"^(?:\+44|0044|0)(7[1-57-9]\d{8})$")


def mobile_number(raw: str) -> str:
    """The number in the form 07xxxxxxxxx, or "" when it is not a UK mobile number."""
    digits = re.sub(r"[\s\-().]", "", raw or "")
    found = _MOBILE.match(digits)
    return f"0{found.group(1)}" if found else ""


def valid_email(raw: str) -> str:
    try:
        validate_email((raw or "").strip())
    except ValidationError:
        return ""
    return raw.strip()


class EmailSender:
    """Email through Django's email backend (SMTP in production, configured by the EMAIL_* settings)."""

    def send(self, message: Message, to: str) -> str:
        email = mail.EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(
                "The email server refused the address. Check the email address on the record."
            ) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(
                "The email server could not be reached or did not accept the message."
            ) from exc
        return ""


class OutboxSender:
    """The development backend: keeps what would have been sent, for the outbox page."""

    def send(self, message: Message, to: str) -> str:
        entry = OutboxEntry.objects.create(
            service_id=message.service_id,
            participant_id=message.participant_id,
            message=message,
            channel=message.channel,
            to=to,
            body=message.body,
        )
        return f"outbox-{entry.pk}"


class NotifySender:
    """Text messages through GOV.UK Notify (``notifications-python-client``)."""

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        base_url = getattr(settings, "PLACEWELL_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
        self.client = NotificationsAPIClient(settings.PLACEWELL_NOTIFY_API_KEY, base_url=base_url)
        self.template_id = settings.PLACEWELL_NOTIFY_SMS_TEMPLATE_ID

    def send(self, message: Message, to: str) -> str:
        from notifications_python_client.errors import HTTPError
        from requests import RequestException

        try:
            answer = self.client.send_sms_notification(
                phone_number=to,
                template_id=self.template_id,
                personalisation={"body": message.body},
                reference=f"placewell-message-{message.pk}",
            )
        except HTTPError as exc:
            if 400 <= int(getattr(exc, "status_code", 500) or 500) < 500:
                raise PermanentFailure(
                    "GOV.UK Notify refused the text message (for example, the number cannot receive texts)."
                ) from exc
            raise TemporaryFailure("GOV.UK Notify was not available.") from exc
        except RequestException as exc:
            raise TemporaryFailure("GOV.UK Notify could not be reached.") from exc
        return str(answer.get("id", ""))[:80]


def sender_for(channel: str) -> Sender:
    if channel == Channel.EMAIL:
        return EmailSender()
    if channel == Channel.TEXT and settings.PLACEWELL_SMS_BACKEND == "notify":
        return NotifySender()
    return OutboxSender()
