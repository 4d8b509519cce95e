"""Letters as PDF (WeasyPrint): the message's words under the service's name, the person's address and the
date, laid out for a window envelope. The address is read from the record when the PDF is made, so the
message log keeps no copy of it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from placewell.messaging.models import Message
from placewell.messaging.texts import in_language_of


def render_html(message: Message) -> str:
    participant = message.participant
    address = [participant.full_name, *participant.address.splitlines(), participant.postcode]
    with in_language_of(participant):  # the date and the page's language as the letter's words
        return render_to_string(
            "messaging/letter.html",
            {
                "message": message,
                "service": participant.service.name,
                "address": [line.strip() for line in address if line and line.strip()],
                "date": timezone.localtime(message.sent_at or message.created_at).date(),
                "paragraphs": [para for para in message.body.split("\n\n") if para.strip()],
            },
        )


def render_pdf(message: Message) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_html(message)).write_pdf())
