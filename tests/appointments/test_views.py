"""Appointment pages: permissions by persona, booking through the form, the diary's query-count contract."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placewell.appointments.models import Appointment
from tests.appointments.conftest import MONDAY, WEDNESDAY, book
from tests.casework.conftest import at, supported

FORM = {
    "day_0": "3",
    "day_1": "3",
    "day_2": "2027",
    "time": "10:00",
    "duration_minutes": "60",
    "place_kind": "phone",
}


def _form(world, **kw):  # type: ignore[no-untyped-def]
    return {**FORM, "specialist": str(world.alice.pk), **kw}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alice", 200),
        ("bob", 200),
        ("tess", 200),
        ("mandy", 200),
        ("charlie", 404),
        ("evan", 403),
        ("ada", 403),
    ],
)
def test_booking_page_by_persona(client_as, world, person, persona, status) -> None:  # type: ignore[no-untyped-def]
    assert client_as(persona).get(f"/appointments/participant/{person.pk}/book/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 200), ("tess", 200), ("charlie", 404), ("evan", 403), ("ada", 403)]
)
def test_appointment_page_by_persona(client_as, world, person, persona, status) -> None:  # type: ignore[no-untyped-def]
    appt = book(world, person)
    assert client_as(persona).get(f"/appointments/{appt.pk}/").status_code == status
    assert client_as(persona).get(f"/appointments/{appt.pk}/appointment.ics").status_code == status


def test_charlie_cannot_book_or_mark(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    appt = book(world, person)
    with time_machine.travel(at(MONDAY, 12), tick=False):
        c = client_as("charlie")
        assert (
            c.post(f"/appointments/participant/{person.pk}/book/", _form(world, time="14:00")).status_code
            == 404
        )
    with time_machine.travel(at(WEDNESDAY, 12), tick=False):
        c = client_as("charlie")
        assert c.post(f"/appointments/{appt.pk}/attended/").status_code == 404
    assert Appointment.objects.count() == 1
    appt.refresh_from_db()
    assert appt.status == "booked"


def test_alice_books_and_reads_it_back(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(MONDAY, 12), tick=False):
        c = client_as("alice")
        r = c.post(f"/appointments/participant/{person.pk}/book/", _form(world))
        appt = Appointment.objects.get()
        assert r.status_code == 302 and r.url == f"/appointments/{appt.pk}/"
        page = c.get(r.url).content.decode()
    assert "Wednesday 3 March 2027 at 10:00" in page
    assert (appt.specialist, appt.place_kind, appt.duration_minutes) == (world.alice, "phone", 60)


def test_double_booking_shown_beside_the_date(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    book(world, person)
    other = supported(world, started=MONDAY)
    with time_machine.travel(at(MONDAY, 12), tick=False):
        r = client_as("alice").post(f"/appointments/participant/{other.pk}/book/", _form(world, time="10:15"))
    assert r.status_code == 200
    assert "already has an appointment from Wednesday 3 March 2027 at 10:00 to 11:00" in r.content.decode()
    assert Appointment.objects.count() == 1


def test_bad_time_gets_a_clear_message(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(MONDAY, 12), tick=False):
        r = client_as("alice").post(
            f"/appointments/participant/{person.pk}/book/", _form(world, time="25:99")
        )
    assert "Start time must be a real time" in r.content.decode()
    assert not Appointment.objects.exists()


def test_one_click_attended_from_the_diary(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    appt = book(world, person)
    with time_machine.travel(at(WEDNESDAY, 12), tick=False):
        c = client_as("alice")
        r = c.post(f"/appointments/{appt.pk}/attended/", {"next": "/appointments/diary/"})
        assert r.status_code == 302 and r.url == "/appointments/diary/"
        assert (
            c.post(f"/appointments/{appt.pk}/attended/").status_code == 302
        )  # a second click: refused kindly
    appt.refresh_from_db()
    assert appt.status == "attended"
    assert person.contacts.count() == 1


def test_diary_queries_do_not_grow_with_appointments(
    client_as, world, person, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    book(world, person, hour=9)
    with time_machine.travel(at(MONDAY, 13), tick=False):
        c = client_as("alice")
        c.get("/appointments/diary/?day=2027-03-03")  # warm the session
        with CaptureQueriesContext(connection) as one:
            assert c.get("/appointments/diary/?day=2027-03-01&view=week").status_code == 200
    for hour in range(10, 16):
        book(world, supported(world, started=MONDAY), hour=hour)
    with time_machine.travel(at(MONDAY, 13), tick=False):
        c = client_as("alice")
        with django_assert_num_queries(len(one.captured_queries)):
            page = c.get("/appointments/diary/?day=2027-03-01&view=week").content.decode()
    assert page.count("/appointments/") >= 7


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 200), ("tess", 200), ("mandy", 200), ("evan", 403), ("ada", 403)]
)
def test_diary_by_persona(client_as, world, persona, status) -> None:  # type: ignore[no-untyped-def]
    assert client_as(persona).get("/appointments/diary/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("tess", 200), ("mandy", 200), ("alice", 403), ("evan", 403), ("ada", 403)]
)
def test_team_view_and_venues_by_persona(client_as, world, persona, status) -> None:  # type: ignore[no-untyped-def]
    c = client_as(persona)
    assert c.get("/appointments/team/").status_code == status
    assert c.get("/appointments/venues/").status_code == status


def test_team_view_lists_each_specialist(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    book(world, person)
    book(world, supported(world, started=MONDAY, specialist=world.bob), specialist=world.bob, by=world.bob)
    page = client_as("tess").get("/appointments/team/?day=2027-03-03").content.decode()
    assert "Alice Persona" in page and "Bob Persona" in page
    assert page.count("1 appointment:") == 2


def test_team_leader_adds_a_venue(client_as, world) -> None:  # type: ignore[no-untyped-def]
    c = client_as("tess")
    r = c.post("/appointments/venues/", {"action": "add", "team": world.north.pk, "name": "Central Library"})
    assert r.status_code == 302
    r = c.post("/appointments/venues/", {"action": "add", "team": world.north.pk, "name": "central library"})
    assert "already has a venue called" in r.content.decode()
    r = c.post("/appointments/venues/", {"action": "add", "team": world.south.pk, "name": "Elsewhere"})
    assert "Select one of your teams" in r.content.decode()
    assert list(world.north.venues.values_list("name", flat=True)) == ["Central Library"]


def test_the_meeting_result_leads_to_booking(client_as, world) -> None:  # type: ignore[no-untyped-def]
    """Start support from the first meeting's result page goes on to the booking page."""
    from placewell.participants import services as ps
    from placewell.participants.models import AgreementDocument, EligibilityRuleSet
    from tests.conftest import refer

    p = refer(world, nhs_number="")
    rule_set = EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")
    doc = AgreementDocument.objects.get(service=None, version=1)
    ps.screen_participant(
        by=world.alice,
        participant=p,
        rule_set=rule_set,
        answers={q.key: q.qualifying_answer for q in rule_set.questions.all()},
    )
    ps.record_agreement(
        by=world.alice,
        participant=p,
        document=doc,
        format="plain",
        answers={s.pk: True for s in doc.statements.all()},
    )
    target = f"/appointments/participant/{p.pk}/book/"
    r = client_as("alice").post(f"/participants/{p.pk}/status/start_support/", {"next": target})
    assert r.status_code == 302 and r.url == target
    r = client_as("alice").post(
        f"/participants/{p.pk}/status/start_support/", {"next": "https://evil.example/"}
    )
    assert r.url == f"/participants/{p.pk}/"


def test_participant_panel_offers_booking(client_as, world, person) -> None:  # type: ignore[no-untyped-def]
    book(world, person)
    with time_machine.travel(at(MONDAY, 13), tick=False):
        page = client_as("alice").get(f"/participants/{person.pk}/").content.decode()
    assert "Book an appointment" in page and "Wednesday 3 March 2027, 10:00" in page
    with time_machine.travel(at(MONDAY, 13) + dt.timedelta(days=2), tick=False):
        page = client_as("alice").get(f"/participants/{person.pk}/").content.decode()
    assert "did they come?" in page
