"""Appointment reminders, queued by the scheduled sweep rather than one task per reminder.

A reminder is due ``offset`` before the appointment (``PLACEWELL_REMINDER_OFFSETS_MINUTES``: two days and
two hours by default). Each run looks at booked appointments starting within the longest offset and, for
each, queues the one reminder whose time has come most recently, if it has not been queued already (its
``dedupe_key`` names the appointment, its start time and the offset). So a reminder is never sent twice, a
late run sends the nearest reminder rather than a stale one, an appointment booked after a reminder's time
skips that reminder (the confirmation already told them), and a moved appointment gets reminders for its
new time, while the task drops any reminder whose appointment has since moved or been cancelled.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from placewell.messaging import services, texts
from placewell.messaging.models import Message, OptOut


def offsets() -> list[int]:
    """Minutes before the appointment, largest first."""
    return sorted({int(m) for m in settings.PLACEWELL_REMINDER_OFFSETS_MINUTES}, reverse=True)


def key(appointment_id: int, starts_at: dt.datetime, offset: int) -> str:
    return f"remind:{appointment_id}:{offset}:{starts_at:%Y%m%d%H%M}"


def due_offset(starts_at: dt.datetime, booked_at: dt.datetime, now: dt.datetime) -> int | None:
    """The offset whose reminder is due at ``now`` (the smallest offset already reached), or None."""
    if starts_at <= now:
        return None
    reached = [m for m in offsets() if starts_at - dt.timedelta(minutes=m) <= now]
    if not reached:
        return None
    offset = min(reached)
    if booked_at > starts_at - dt.timedelta(minutes=offset):
        return None  # booked after this reminder's time: the confirmation told them
    return offset


def queue_due(now: dt.datetime) -> int:
    """Queue every reminder due at ``now``; returns how many were made (sent by the sweep's dispatch)."""
    from placewell.appointments.models import Appointment, Status

    if not offsets():
        return 0
    horizon = now + dt.timedelta(minutes=max(offsets()))
    appointments = list(
        Appointment.objects.filter(status=Status.BOOKED, starts_at__gt=now, starts_at__lte=horizon)
        .select_related("participant__service", "specialist", "venue")
        .order_by("starts_at", "pk")
    )
    wanted: dict[str, object] = {}
    for appt in appointments:
        offset = due_offset(appt.starts_at, appt.created_at, now)
        if offset is not None:
            wanted[key(appt.pk, appt.starts_at, offset)] = appt
    if not wanted:
        return 0
    existing: set[str | None] = set()
    keys = list(wanted)
    for start in range(0, len(keys), services.BATCH):
        existing.update(
            Message.objects.filter(dedupe_key__in=keys[start : start + services.BATCH]).values_list(
                "dedupe_key", flat=True
            )
        )
    fresh = [(k, a) for k, a in wanted.items() if k not in existing]
    opted = set(
        OptOut.objects.filter(participant_id__in={a.participant_id for _, a in fresh}).values_list(  # type: ignore[attr-defined]
            "participant_id", flat=True
        )
    )
    messages = [
        services.compose(
            appt.participant,  # type: ignore[attr-defined]
            "appointment_reminder",
            now=now,
            extra=texts.appointment_context(appt),
            appointment=appt,
            dedupe_key=k,
            opted_out=appt.participant_id in opted,  # type: ignore[attr-defined]
        )
        for k, appt in fresh
    ]
    Message.objects.bulk_create(messages, batch_size=services.BATCH)
    return len(messages)
