"""Appointments in a real browser: book (every length and every kind of place, and bad input), move, cancel,
record attendance in one click, and read each saved record back; the diary at 390 px. axe-core checks
every page on the way (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, sign_in

LONDON = ZoneInfo("Europe/London")


def weekdays_from(start: dt.date, n: int) -> list[dt.date]:
    out, day = [], start
    while len(out) < n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            out.append(day)
    return out


def fill_when(page, day: dt.date, time: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill(time)


def test_book_move_cancel_and_attendance(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.appointments import services
    from placewell.appointments.models import Appointment
    from placewell.casework.models import Contact
    from tests.casework.conftest import supported

    today = timezone.localdate()
    person = supported(
        world, started=today - dt.timedelta(days=20), given_name="Jordan", family_name="Rivers"
    )
    services.add_venue(by=world.tess, team_id=world.north.pk, name="Central Library", address="1 High Street")
    sign_in(page, "alice", PASSWORD)
    page.goto(f"/participants/{person.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Book an appointment").click()
    assert_accessible(page)

    # Nothing entered: the error summary names each missing answer, nothing is saved.
    page.get_by_role("button", name="Book the appointment").click()
    assert page.get_by_role("alert").is_visible() or page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    assert not Appointment.objects.exists()

    days = weekdays_from(today, 6)
    # A time that is not a time, and a time outside the service's hours: refused with a clear message.
    fill_when(page, days[0], "25:61")
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="Book the appointment").click()
    page.get_by_text("Start time must be a real time on the 24-hour clock").first.wait_for()
    fill_when(page, days[0], "07:30")
    page.get_by_role("button", name="Book the appointment").click()
    page.get_by_text("Appointments must start and finish between 08:00 and 18:00").first.wait_for()
    assert_accessible(page)
    assert not Appointment.objects.exists()

    # Every length and every kind of place, each read back from the saved record.
    lengths = [
        ("30 minutes", 30),
        ("45 minutes", 45),
        ("1 hour", 60),
        ("1 hour 30 minutes", 90),
        ("2 hours", 120),
    ]
    places = ["A community venue", "The person's home", "By phone", "By video call", "By phone"]
    for i, ((label, minutes), place) in enumerate(zip(lengths, places, strict=True)):
        page.goto(f"/appointments/participant/{person.pk}/book/")
        fill_when(page, days[i], "10:00")
        page.get_by_label(label, exact=True).check()
        page.get_by_label(place, exact=True).check()
        if place == "A community venue":
            page.get_by_label("Which community venue").select_option(label="Central Library")
        if place == "By video call":
            page.get_by_label("Video call link (for a video call)").fill("https://meet.example.org/jordan")
        page.get_by_role("button", name="Book the appointment").click()
        page.get_by_text("Appointment booked for").wait_for()
        assert_accessible(page)
        saved = Appointment.objects.order_by("-pk").first()
        assert saved is not None
        local = timezone.localtime(saved.starts_at)
        assert (local.date(), local.time(), saved.duration_minutes) == (days[i], dt.time(10), minutes)
        assert saved.get_place_kind_display() == place
    assert Appointment.objects.get(place_kind="venue").venue.name == "Central Library"
    assert Appointment.objects.get(place_kind="video").video_link == "https://meet.example.org/jordan"

    # A double booking is refused, naming the clashing time.
    page.goto(f"/appointments/participant/{person.pk}/book/")
    fill_when(page, days[0], "10:15")
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="Book the appointment").click()
    page.get_by_text("already has an appointment from").first.wait_for()
    assert Appointment.objects.count() == 5

    # Move one, at the person's request.
    first = Appointment.objects.get(duration_minutes=30)
    page.goto(f"/appointments/{first.pk}/")
    page.get_by_role("link", name="Move the appointment").click()
    assert_accessible(page)
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("The person", exact=True).check()
    page.get_by_label("Why").fill("Has a job interview that morning")
    page.get_by_role("button", name="Move the appointment").click()
    page.get_by_text("Appointment moved to").wait_for()
    assert_accessible(page)
    first.refresh_from_db()
    assert timezone.localtime(first.starts_at).time() == dt.time(14)
    assert (first.change_asked_by, first.change_reason) == ("person", "Has a job interview that morning")

    # Cancel another, at the service's request; without a reason it is refused.
    second = Appointment.objects.get(duration_minutes=45)
    page.goto(f"/appointments/{second.pk}/cancel/")
    assert_accessible(page)
    page.get_by_label("The service", exact=True).check()
    page.get_by_role("button", name="Cancel the appointment").click()
    page.get_by_text("Enter why the appointment is cancelled").first.wait_for()
    page.get_by_label("Why").fill("Office closed for training")
    page.get_by_role("button", name="Cancel the appointment").click()
    page.get_by_text("Appointment cancelled").wait_for()
    second.refresh_from_db()
    assert (second.status, second.change_asked_by) == ("cancelled", "service")

    # An appointment that has taken place: attended in one click from the record, the contact recorded once.
    earlier = weekdays_from(today - dt.timedelta(days=8), 1)[0]
    with time_machine.travel(
        dt.datetime.combine(earlier - dt.timedelta(days=1), dt.time(12), LONDON), tick=False
    ):
        past = services.book(
            by=world.alice,
            participant=person,
            specialist=world.alice,
            starts_at=dt.datetime.combine(earlier, dt.time(11), LONDON),
            duration_minutes=60,
            place_kind="home",
        )
    page.goto(f"/participants/{person.pk}/")
    assert page.get_by_text("did they come?").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Attended").click()
    page.get_by_text("Recorded as attended").wait_for()
    past.refresh_from_db()
    assert past.status == "attended"
    assert Contact.objects.filter(participant=person).count() == 1


def test_not_attended_and_the_diary_at_390px(browser, live_server, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.appointments import services
    from tests.casework.conftest import supported

    today = timezone.localdate()
    person = supported(world, started=today - dt.timedelta(days=20), given_name="Sam", family_name="Lee")
    earlier = weekdays_from(today - dt.timedelta(days=8), 1)[0]
    with time_machine.travel(
        dt.datetime.combine(earlier - dt.timedelta(days=1), dt.time(12), LONDON), tick=False
    ):
        missed = services.book(
            by=world.alice,
            participant=person,
            specialist=world.alice,
            starts_at=dt.datetime.combine(earlier, dt.time(9), LONDON),
            duration_minutes=60,
            place_kind="phone",
        )
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, "alice", PASSWORD)
        page.goto(f"/appointments/diary/?day={earlier:%Y-%m-%d}&view=week")
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        page.get_by_role("button", name=re.compile(r"^Did not attend\s*: Sam Lee$")).click()
        page.get_by_text("Recorded as not attended").wait_for()
        missed.refresh_from_db()
        assert missed.status == "did_not_attend"
        page.goto("/")
        page.get_by_text("Did not come to their appointment on").first.wait_for()
        assert_accessible(page)
        page.goto("/appointments/diary/")
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
    finally:
        context.close()


def test_venues_team_week_calendar_address_and_figures(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.appointments.models import CalendarFeed, Venue

    sign_in(page, "tess", PASSWORD)
    page.goto("/appointments/venues/")
    assert_accessible(page)
    page.get_by_role("button", name="Add the venue").click()
    page.get_by_text("Enter the venue's name").first.wait_for()
    assert_accessible(page)
    page.get_by_label("Venue name").fill("Riverside Community Centre")
    page.get_by_label("Address (optional)").fill("2 River Lane")
    page.get_by_role("button", name="Add the venue").click()
    page.get_by_text("Riverside Community Centre added").wait_for()
    venue = Venue.objects.get()
    assert (venue.name, venue.address, venue.team_id, venue.active) == (
        "Riverside Community Centre",
        "2 River Lane",
        world.north.pk,
        True,
    )
    page.get_by_role("button", name="Retire Riverside Community Centre").click()
    page.get_by_text("Riverside Community Centre retired").wait_for()
    venue.refresh_from_db()
    assert venue.active is False
    page.goto("/appointments/team/")
    assert_accessible(page)
    page.goto("/appointments/calendar/")
    assert_accessible(page)
    page.get_by_role("button", name="Make an address").click()
    page.get_by_text("Your new calendar address").wait_for()
    assert_accessible(page)
    assert "/appointments/calendar/" in page.locator("#feed-address").inner_text()
    assert CalendarFeed.objects.filter(specialist=world.tess).count() == 1
    page.goto("/insight/")
    page.get_by_role("link", name="Appointments: attendance and time to first meeting").click()
    page.get_by_role("heading", name="Appointments: attendance and time to first meeting").wait_for()
    assert_accessible(page)
