"""Appointment confirmations and reminders with time frozen (time-machine). Reminders go two days and two
hours before by default (PLACEWELL_REMINDER_OFFSETS_MINUTES = 2880, 120); the expected times below are the
appointment's start minus those offsets, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.appointments import services as appointments
from placewell.messaging import reminders, services
from placewell.messaging.models import Message
from tests.appointments.conftest import MONDAY, book
from tests.casework.conftest import at
from tests.messaging.conftest import person

pytestmark = pytest.mark.django_db
WEDNESDAY, FRIDAY = dt.date(2027, 3, 3), dt.date(2027, 3, 5)


def reminders_sent() -> list[Message]:
    return list(Message.objects.filter(template_key="appointment_reminder", status="sent").order_by("pk"))


def test_reminders_go_two_days_and_two_hours_before(world, smtp) -> None:
    p = person(world, started=MONDAY)
    appt = book(world, p, day=FRIDAY, hour=10)  # booked on Monday at 12:00 for Friday at 10:00
    for moment, expected in [
        (at(WEDNESDAY, 9, 59), 0),
        (at(WEDNESDAY, 10, 0), 1),  # Friday 10:00 less 2,880 minutes
        (at(WEDNESDAY, 10, 5), 1),  # not twice
        (at(FRIDAY, 7, 59), 1),
        (at(FRIDAY, 8, 0), 2),  # Friday 10:00 less 120 minutes
        (at(FRIDAY, 9, 30), 2),
        (at(FRIDAY, 10, 30), 2),  # none once it has started
    ]:
        with time_machine.travel(moment, tick=False):
            services.sweep()
        assert len(reminders_sent()) == expected, moment
    assert len(smtp.received) == 2
    body = smtp.received[0][1].get_payload(decode=True).decode()
    assert "Friday 5 March 2027 at 10am" in body and "by phone" in body and "0300 123 4567" in body
    assert all(m.appointment_id == appt.pk for m in reminders_sent())


def test_the_reminder_times_are_a_setting(world, smtp, settings) -> None:
    settings.PLACEWELL_REMINDER_OFFSETS_MINUTES = [1440]
    p = person(world, started=MONDAY)
    book(world, p, day=FRIDAY, hour=10)
    with time_machine.travel(at(WEDNESDAY + dt.timedelta(days=1), 9, 59), tick=False):
        services.sweep()
    assert reminders_sent() == []
    with time_machine.travel(at(WEDNESDAY + dt.timedelta(days=1), 10), tick=False):
        services.sweep()
    with time_machine.travel(at(FRIDAY, 8), tick=False):
        services.sweep()
    assert len(reminders_sent()) == 1


def test_a_booking_made_after_a_reminder_time_skips_that_reminder(world, smtp) -> None:
    p = person(world, started=MONDAY)
    book(world, p, day=WEDNESDAY, hour=10)  # booked Monday 12:00, after Monday 10:00 (two days before)
    with time_machine.travel(at(MONDAY, 12, 5), tick=False):
        services.sweep()
    assert reminders_sent() == []
    with time_machine.travel(at(WEDNESDAY, 8), tick=False):
        services.sweep()
    assert len(reminders_sent()) == 1


def test_no_reminder_for_a_cancelled_or_moved_appointment(world, smtp) -> None:
    p = person(world, started=MONDAY)
    cancelled = book(world, p, day=FRIDAY, hour=10)
    moved = book(world, p, day=FRIDAY, hour=14)
    with time_machine.travel(at(WEDNESDAY, 14), tick=False):
        made = reminders.queue_due(at(WEDNESDAY, 14))  # queued, but the task has not run yet
        assert made == 2
        appointments.cancel(by=world.alice, appointment=cancelled, asked_by="person", reason="Unwell")
        appointments.reschedule(
            by=world.alice,
            appointment=moved,
            starts_at=at(FRIDAY + dt.timedelta(days=3), 11),
            duration_minutes=60,
            asked_by="person",
            reason="Hospital appointment",
        )
        services.sweep()
    statuses = dict(
        Message.objects.filter(template_key="appointment_reminder").values_list("appointment_id", "reason")
    )
    assert "cancelled" in statuses[cancelled.pk] and "moved" in statuses[moved.pk]
    assert smtp.received == []


def test_booking_changing_and_cancelling_send_confirmations(
    world, smtp, django_capture_on_commit_callbacks
) -> None:
    p = person(world, started=MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        appt = book(world, p, day=FRIDAY, hour=10)
    with time_machine.travel(at(MONDAY, 13), tick=False), django_capture_on_commit_callbacks(execute=True):
        appointments.reschedule(
            by=world.alice,
            appointment=appt,
            starts_at=at(FRIDAY, 14),
            duration_minutes=60,
            asked_by="person",
            reason="Childcare",
        )
    with time_machine.travel(at(MONDAY, 14), tick=False), django_capture_on_commit_callbacks(execute=True):
        appointments.cancel(by=world.alice, appointment=appt, asked_by="person", reason="Found work")
    subjects = [email["Subject"] for _, email in smtp.received]
    assert subjects == [
        "Your appointment is booked",
        "Your appointment has moved",
        "Your appointment is cancelled",
    ]
    moved = smtp.received[1][1].get_payload(decode=True).decode()
    assert "Friday 5 March 2027 at 2pm" in moved
