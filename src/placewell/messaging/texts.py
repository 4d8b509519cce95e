"""The words of each message, in plain English (GOV.UK's guidance on writing for the web: short sentences,
"you", the most important thing first). Every message says who it is from, what happens next and how to
reach a person (the service's phone number and email address from ``PLACEWELL_CONTACT_PHONE`` and
``PLACEWELL_CONTACT_EMAIL``).

The body is rendered when the message is queued and kept on the record, so staff can see exactly what was
sent. It holds the person's first name and the appointment, never their address, phone number or email: a
letter's address is added when its PDF is made (``letters``).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Template:
    key: str
    subject: Any  # a lazy translation: the subject in the language the message is written in
    label: str


TEMPLATES = {
    t.key: t
    for t in [
        Template(
            "appointment_booked", gettext_lazy("Your appointment is booked"), "Appointment confirmation"
        ),
        Template("appointment_rescheduled", gettext_lazy("Your appointment has moved"), "Appointment change"),
        Template(
            "appointment_cancelled", gettext_lazy("Your appointment is cancelled"), "Appointment cancellation"
        ),
        Template("appointment_reminder", gettext_lazy("Reminder: your appointment"), "Appointment reminder"),
        Template(
            "survey_invitation", gettext_lazy("Questions about how things are going"), "Survey invitation"
        ),
        Template("support_ending", gettext_lazy("Your employment support"), "End of support letter"),
    ]
}


def contact() -> dict[str, str]:
    return {"phone": settings.PLACEWELL_CONTACT_PHONE, "email": settings.PLACEWELL_CONTACT_EMAIL}


def when(moment: Any) -> str:
    local = timezone.localtime(moment)
    if translation.get_language() == "cy":  # the 24-hour clock, as Welsh public services write times
        day = date_format(local, "l j F Y")  # "Dydd Mercher 3 Mawrth 2027"
        # The messages say "ar {when}" ("on ..."), and "ar" softens "dydd" to "ddydd".
        day = f"ddydd {day[5:]}" if day.startswith("Dydd ") else day
        return _("%(day)s at %(time)s") % {"day": day, "time": time_format(local, "H:i")}
    hour = local.strftime("%-I:%M%p").lower().replace(":00", "")
    return f"{local:%A %-d %B %Y} at {hour}"


def _appointment_part(appointment: Any, part: str) -> str:
    specialist = appointment.specialist
    if part == "who":
        return (specialist.get_full_name() or _("your employment specialist")).strip()
    if part == "when":
        return when(appointment.starts_at)
    kind = appointment.place_kind
    if kind == "venue":
        return _("at %(place)s") % {"place": appointment.place_label}
    if kind == "home":
        return _("at your home")
    if kind == "phone":
        return _("by phone (we will call you)")
    if kind == "video":
        return _("by video call (we will send you the link)")
    return str(appointment.place_label)


def appointment_context(appointment: Any) -> dict[str, Any]:
    """Who, when and where, worked out when the message is written (``render``), so in the person's
    language."""
    part = lazy(_appointment_part, str)
    return {name: part(appointment, name) for name in ("who", "when", "where")}


def in_language_of(participant: Any) -> Any:
    """A context in which messages are written in the language the person asked to be written to in
    (``Participant.contact_language``): Welsh, or the site's British English."""
    if getattr(participant, "contact_language", "en") == "cy":
        return translation.override("cy")
    return (
        translation.override(settings.LANGUAGE_CODE) if translation.get_language() == "cy" else nullcontext()
    )


def render(key: str, participant: Any, extra: dict[str, Any] | None = None) -> tuple[str, str]:
    """(subject, body) of template ``key`` for ``participant``, in the person's language."""
    template = TEMPLATES[key]
    with in_language_of(participant):
        context = {
            "name": participant.given_name,
            "service": participant.service.name,
            **contact(),
            **(extra or {}),
        }
        body = render_to_string(f"messaging/messages/{key}.txt", context).strip()
        return str(template.subject), body
