"""The appointment actions: booking rules, changes with who asked and why, attendance and its follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from placewell.accounts.models import AuditEvent
from placewell.appointments import services, signals
from placewell.appointments.models import Appointment, Status
from placewell.casework import alerts
from placewell.casework.models import Contact
from tests.appointments.conftest import MONDAY, WEDNESDAY, book
from tests.casework.conftest import at, supported


def test_booking_saves_the_appointment_and_audits_without_personal_data(world, person) -> None:  # type: ignore[no-untyped-def]
    appt = book(world, person, place_kind="video", video_link="https://meet.example.org/abc")
    appt.refresh_from_db()
    assert (appt.status, appt.duration_minutes, appt.place_kind) == ("booked", 60, "video")
    assert appt.ends_at - appt.starts_at == dt.timedelta(minutes=60)
    event = AuditEvent.objects.filter(record_type="appointment").get()
    assert event.participant_id == person.pk
    assert "Rowan" not in event.summary and "Example" not in event.summary


def test_double_booking_is_refused_naming_the_clashing_time(world, person) -> None:  # type: ignore[no-untyped-def]
    book(world, person, hour=10)
    other = supported(world, started=MONDAY)
    with pytest.raises(services.AppointmentError) as err:
        book(world, other, hour=10, minute=30)
    assert "Wednesday 3 March 2027 at 10:00 to 11:00" in str(err.value)
    assert err.value.field == "starts_at"
    assert Appointment.objects.count() == 1
    # Back to back is not a clash.
    book(world, other, hour=11)
    assert Appointment.objects.count() == 2


def test_a_cancelled_appointment_frees_the_time(world, person) -> None:  # type: ignore[no-untyped-def]
    first = book(world, person, hour=10)
    with time_machine.travel(at(MONDAY, 13), tick=False):
        services.cancel(by=world.alice, appointment=first, asked_by="person", reason="Hospital appointment")
    book(world, person, hour=10)
    assert Appointment.objects.filter(status=Status.BOOKED).count() == 1


@pytest.mark.parametrize(
    ("day", "hour", "minute", "words"),
    [
        (dt.date(2027, 2, 26), 10, 0, "has already passed"),
        (MONDAY, 11, 0, "has already passed"),  # earlier the same day (the clock says 12:00)
        (WEDNESDAY, 7, 30, "between 08:00 and 18:00"),
        (WEDNESDAY, 17, 30, "from 17:30 to 18:30"),
        (dt.date(2027, 3, 6), 10, 0, "on a Saturday"),
    ],
)
def test_past_and_out_of_hours_are_refused(world, person, day, hour, minute, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.AppointmentError) as err:
        book(world, person, day=day, hour=hour, minute=minute)
    assert words in str(err.value)
    assert not Appointment.objects.exists()


def test_opening_hours_are_configurable(world, person, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_APPOINTMENT_HOURS = ("09:00", "20:00", (0, 1, 2, 3, 4, 5))
    appt = book(world, person, day=dt.date(2027, 3, 6), hour=18)
    assert appt.pk
    with pytest.raises(services.AppointmentError, match="between 09:00 and 20:00"):
        book(world, person, hour=8)


def test_venue_and_video_link_are_checked(world, person) -> None:  # type: ignore[no-untyped-def]
    south_venue = services.add_venue(by=world.mandy, team_id=world.south.pk, name="South Library")
    with pytest.raises(services.AppointmentError, match="Select which community venue"):
        book(world, person, place_kind="venue")
    with pytest.raises(services.AppointmentError, match="not one of this team's venues"):
        book(world, person, place_kind="venue", venue=south_venue)
    with pytest.raises(services.AppointmentError, match="video call link"):
        book(world, person, place_kind="video", video_link="")
    north_venue = services.add_venue(by=world.tess, team_id=world.north.pk, name="Central Library")
    assert book(world, person, place_kind="venue", venue=north_venue).venue == north_venue


def test_only_the_persons_team_and_scope(world, person) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.AppointmentError, match="own team"):
        book(world, person, specialist=world.charlie)
    with pytest.raises(PermissionDenied):
        book(world, person, by=world.charlie, specialist=world.alice)
    with pytest.raises(PermissionDenied):
        book(world, person, by=world.evan)
    assert book(world, person, by=world.bob, specialist=world.bob).specialist == world.bob


def test_reschedule_records_who_asked_and_why_and_checks_again(world, person) -> None:  # type: ignore[no-untyped-def]
    appt = book(world, person, hour=10)
    other = book(world, supported(world, started=MONDAY), hour=14)
    with time_machine.travel(at(MONDAY, 13), tick=False):
        with pytest.raises(services.AppointmentError, match="14:00 to 15:00"):
            services.reschedule(
                by=world.alice,
                appointment=appt,
                starts_at=at(WEDNESDAY, 14, 30),
                duration_minutes=60,
                asked_by="person",
                reason="Working a shift",
            )
        with pytest.raises(services.AppointmentError, match="Enter why"):
            services.reschedule(
                by=world.alice,
                appointment=appt,
                starts_at=at(WEDNESDAY, 16),
                duration_minutes=60,
                asked_by="person",
                reason="  ",
            )
        services.reschedule(
            by=world.alice,
            appointment=appt,
            starts_at=at(WEDNESDAY, 16),
            duration_minutes=45,
            asked_by="person",
            reason="Working a shift",
        )
    appt.refresh_from_db()
    assert (appt.starts_at, appt.duration_minutes, appt.change_asked_by, appt.change_reason) == (
        at(WEDNESDAY, 16),
        45,
        "person",
        "Working a shift",
    )
    assert appt.times_rescheduled == 1
    assert other.starts_at == at(WEDNESDAY, 14)


def test_attended_records_exactly_one_contact(world, person) -> None:  # type: ignore[no-untyped-def]
    appt = book(world, person, place_kind="phone")
    with time_machine.travel(at(WEDNESDAY, 11), tick=False):
        services.mark_attended(by=world.alice, appointment=appt)
        with pytest.raises(services.AppointmentError, match="already recorded as attended"):
            services.mark_attended(by=world.alice, appointment=appt)
        with pytest.raises(services.AppointmentError, match="already recorded"):
            services.mark_not_attended(by=world.alice, appointment=appt)
    contact = Contact.objects.get(participant=person)
    assert (contact.happened_at, contact.duration_minutes, contact.mode, contact.place, contact.purposes) == (
        at(WEDNESDAY, 10),
        60,
        "phone",
        "remote",
        ["profiling"],
    )
    appt.refresh_from_db()
    assert (appt.status, appt.contact_id) == ("attended", contact.pk)


def test_attendance_cannot_be_recorded_before_the_start(world, person) -> None:  # type: ignore[no-untyped-def]
    appt = book(world, person)
    with (
        time_machine.travel(at(MONDAY, 14), tick=False),
        pytest.raises(services.AppointmentError, match="once it has started"),
    ):
        services.mark_attended(by=world.alice, appointment=appt)
    assert not Contact.objects.exists()


def test_not_attended_raises_the_follow_up_alert_until_contact(world, person) -> None:  # type: ignore[no-untyped-def]
    appt = book(world, person)
    with time_machine.travel(at(WEDNESDAY, 12), tick=False):
        services.mark_not_attended(by=world.alice, appointment=appt)
        found = [a for a in alerts.alerts_for([person]) if a.rule == "missed_appointment"]
        assert [a.title for a in found] == [
            "Did not come to their appointment on 3 March 2027: get in touch and offer another"
        ]
    assert not Contact.objects.exists()
    # A new booking clears it.
    with time_machine.travel(at(WEDNESDAY, 13), tick=False):
        services.book(
            by=world.alice,
            participant=person,
            specialist=world.alice,
            starts_at=at(WEDNESDAY, 15),
            duration_minutes=30,
            place_kind="home",
        )
        assert not [a for a in alerts.alerts_for([person]) if a.rule == "missed_appointment"]


def test_the_signal_is_sent_on_commit_with_the_change(
    world, person, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    heard: list[tuple[int, str]] = []

    def listener(sender, appointment, change, **kw):  # type: ignore[no-untyped-def]
        heard.append((appointment.pk, change))

    signals.appointment_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            appt = book(world, person)
        assert heard == [(appt.pk, "booked")]
        with (
            django_capture_on_commit_callbacks(execute=True),
            time_machine.travel(at(MONDAY, 13), tick=False),
        ):
            services.reschedule(
                by=world.alice,
                appointment=appt,
                starts_at=at(WEDNESDAY, 15),
                duration_minutes=60,
                asked_by="specialist",
                reason="Training day",
            )
            services.cancel(by=world.alice, appointment=appt, asked_by="service", reason="Office closed")
        assert heard[1:] == [(appt.pk, "rescheduled"), (appt.pk, "cancelled")]
        # A refused booking sends nothing.
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.AppointmentError):
            book(world, person, hour=7)
        assert len(heard) == 3
    finally:
        signals.appointment_changed.disconnect(listener)


def test_erasure_deletes_the_appointments(world, person) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services as ps
    from placewell.participants.erasure import ErasureReason

    book(world, person)
    ps.erase(
        by=world.mandy,
        participant=person,
        reason=ErasureReason(dt.date(2026, 11, 20), "role:data_protection_officer"),
    )
    assert not Appointment.objects.exists()
