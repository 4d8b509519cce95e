"""The words of each message, in plain English (GOV.UK's guidance on writing for the web: short sentences,
"you", the most important thing first). Every message says who it is from, what happens next and how to
reach a person (the service's phone number and email address from ``PLACEWELL_CONTACT_PHONE`` and
``PLACEWELL_CONTACT_EMAIL``).

The body is rendered when the message is queued and kept on the record, so staff can see exactly what was
sent. It holds the person's first name and the appointment, never their address, phone number or email: a
letter's address is added when its PDF is made (``letters``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


@dataclass(frozen=True)
class Template:
    key: str
    subject: str
    label: str


TEMPLATES = {
    t.key: t
    for t in [
        Template("appointment_booked", "Your appointment is booked", "Appointment confirmation"),
        Template("appointment_rescheduled", "Your appointment has moved", "Appointment change"),
        Template("appointment_cancelled", "Your appointment is cancelled", "Appointment cancellation"),
        Template("appointment_reminder", "Reminder: your appointment", "Appointment reminder"),
        Template("survey_invitation", "Questions about how things are going", "Survey invitation"),
        Template("support_ending", "Your employment support", "End of support letter"),
    ]
}


def contact() -> dict[str, str]:
    return {"phone": settings.PLACEWELL_CONTACT_PHONE, "email": settings.PLACEWELL_CONTACT_EMAIL}


def when(moment: Any) -> str:
    local = timezone.localtime(moment)
    hour = local.strftime("%-I:%M%p").lower().replace(":00", "")
    return f"{local:%A %-d %B %Y} at {hour}"


def appointment_context(appointment: Any) -> dict[str, str]:
    specialist = appointment.specialist
    who = (specialist.get_full_name() or "your employment specialist").strip()
    kind = appointment.place_kind
    if kind == "venue":
        where = f"at {appointment.place_label}"
    elif kind == "home":
        where = "at your home"
    elif kind == "phone":
        where = "by phone (we will call you)"
    elif kind == "video":
        where = "by video call (we will send you the link)"
    else:
        where = appointment.place_label
    return {"who": who, "when": when(appointment.starts_at), "where": where}


def render(key: str, participant: Any, extra: dict[str, Any] | None = None) -> tuple[str, str]:
    """(subject, body) of template ``key`` for ``participant``."""
    template = TEMPLATES[key]
    context = {
        "name": participant.given_name,
        "service": participant.service.name,
        **contact(),
        **(extra or {}),
    }
    body = render_to_string(f"messaging/messages/{key}.txt", context).strip()
    return template.subject, body
