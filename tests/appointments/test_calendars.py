"""Calendar files and the specialist's feed, parsed back with the ``icalendar`` library (RFC 5545): valid,
initials only, no personal data, and a secret address that a new one revokes."""

from __future__ import annotations

import hashlib

import time_machine
from icalendar import Calendar

from placewell.appointments import services
from placewell.appointments.calendars import new_feed
from placewell.appointments.models import CalendarFeed
from tests.appointments.conftest import MONDAY, WEDNESDAY, book
from tests.casework.conftest import at

PERSONAL = ("Rowan", "Example", "rowan@example.org", "1 High Street", "meet.example.org")


def _events(body: bytes) -> list:  # type: ignore[type-arg]
    cal = Calendar.from_ical(body)
    return list(cal.walk("VEVENT"))


def test_appointment_ics_parses_with_initials_only(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    venue = services.add_venue(
        by=world.tess, team_id=world.north.pk, name="Central Library", address="1 High Street"
    )
    appt = book(world, person, place_kind="venue", venue=venue)
    r = client_as("alice").get(f"/appointments/{appt.pk}/appointment.ics")
    assert r["Content-Type"].startswith("text/calendar")
    body = r.content
    [event] = _events(body)
    assert str(event["summary"]) == "Appointment with RE"
    assert event.decoded("dtstart") == at(WEDNESDAY, 10)
    assert event.decoded("dtend") == at(WEDNESDAY, 11)
    assert str(event["location"]) == "Central Library"
    text = body.decode()
    assert not any(word in text for word in PERSONAL)


def test_feed_lists_the_diary_without_names_and_a_new_address_revokes_the_old(client, world, person) -> None:  # type: ignore[no-untyped-def]
    book(world, person, hour=10, place_kind="video", video_link="https://meet.example.org/rowan")
    cancelled = book(world, person, hour=14)
    with time_machine.travel(at(MONDAY, 12), tick=False):
        services.cancel(by=world.alice, appointment=cancelled, asked_by="person", reason="Unwell")
        old = new_feed(by=world.alice)
        r = client.get(f"/appointments/calendar/{old}.ics")
    assert r.status_code == 200
    events = _events(r.content)
    assert [(str(e["summary"]), str(e["status"])) for e in events] == [
        ("Appointment with RE", "CONFIRMED"),
        ("Appointment with RE", "CANCELLED"),
    ]
    assert not any(word in r.content.decode() for word in PERSONAL)
    # Only the hash is kept.
    feed = CalendarFeed.objects.get(specialist=world.alice)
    assert feed.token_hash == hashlib.sha256(old.encode()).hexdigest() and old not in feed.token_hash
    with time_machine.travel(at(MONDAY, 12), tick=False):
        fresh = new_feed(by=world.alice)
        assert client.get(f"/appointments/calendar/{old}.ics").status_code == 404
        assert client.get(f"/appointments/calendar/{fresh}.ics").status_code == 200
        assert client.get("/appointments/calendar/not-a-token.ics").status_code == 404


def test_feed_page_makes_and_turns_off_the_address(client_as, world) -> None:  # type: ignore[no-untyped-def]
    c = client_as("alice")
    page = c.post("/appointments/calendar/", {"action": "new"}).content.decode()
    assert "/appointments/calendar/" in page and "It is not shown again" in page
    assert CalendarFeed.objects.filter(specialist=world.alice).exists()
    c.post("/appointments/calendar/", {"action": "off"})
    assert not CalendarFeed.objects.exists()
    assert client_as("evan").get("/appointments/calendar/").status_code == 403
