"""The follow-up alert for a missed appointment, added to the specialist's home alerts and the record.

A missed appointment is a moment contact can stop suddenly, which participants say hurts ('Someone in my
corner'; DWP research report 1025, section 3.3 on assertive outreach). The alert shows from the day an
appointment is recorded as not attended, for up to 28 days, until a contact with the person is recorded or
another appointment is booked after the missed one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Exists, OuterRef
from django.utils import timezone

from placewell.appointments.models import Appointment, Status
from placewell.casework import alerts, worklist
from placewell.casework.models import Contact
from placewell.participants.models import Participant

RULE = "missed_appointment"
LOOKBACK_DAYS = 28
RULE_TEXT = (
    "Shown when an appointment is recorded as not attended, until a contact with the person is recorded or a "
    f"new appointment is booked, for up to {LOOKBACK_DAYS} days. Get in touch soon and offer another time: "
    "contact should never stop suddenly."
)


def missed(participants: Sequence[Participant], today: dt.date) -> list[alerts.Alert]:
    """One query: each person's latest missed appointment with nothing since."""
    if not participants:
        return []
    by_id = {p.pk: p for p in participants}
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=LOOKBACK_DAYS), dt.time()))
    later_contact = Contact.objects.filter(
        participant_id=OuterRef("participant_id"),
        with_participant=True,
        happened_at__gt=OuterRef("starts_at"),
    )
    later_booking = Appointment.objects.filter(
        participant_id=OuterRef("participant_id"), created_at__gt=OuterRef("outcome_at")
    ).exclude(status=Status.CANCELLED)
    rows = (
        Appointment.objects.filter(
            participant_id__in=list(by_id), status=Status.DID_NOT_ATTEND, starts_at__gte=since
        )
        .filter(~Exists(later_contact), ~Exists(later_booking))
        .order_by("participant_id", "-starts_at")
        .values_list("participant_id", "starts_at")
    )
    out: list[alerts.Alert] = []
    seen: set[int] = set()
    for pid, starts_at in rows:
        if pid in seen:
            continue
        seen.add(pid)
        day = timezone.localdate(starts_at)
        out.append(
            alerts.Alert(
                by_id[pid],
                RULE,
                f"Did not come to their appointment on {day.day} {day:%B %Y}: get in touch and offer another",
                day,
                urgent=False,
            )
        )
    return out


def register() -> None:
    alerts.register_source(RULE, RULE_TEXT, missed)
    worklist.register_kind(RULE, "Missed appointments", ("Book another appointment", "appointments:book", ""))
