"""The working day in a real browser: allocate a self-referral from the queue and find it on the specialist's
home, work an alert and snooze another with a reason, add a case note and find it by search, and the page
heights a specialist sees at 1280 x 800 and 390 px wide. axe-core checks every page on the way; each journey
reads the saved record back from the database."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from tests.casework.conftest import at, supported
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, sign_in

DESKTOP = {"width": 1280, "height": 800}


def _switch_user(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    sign_in(page, username, PASSWORD)
    assert_accessible(page)


def test_allocate_a_self_referral_from_the_queue_and_see_it_on_the_specialists_home(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services
    from placewell.participants.models import Participant

    with time_machine.travel(at(timezone.localdate() - dt.timedelta(days=3)), tick=False):
        person = services.self_refer(service=world.service, given_name="Sky", family_name="Referral")
    sign_in(page, "tess", PASSWORD)
    assert_accessible(page)  # the team leader's home, with the queue summary
    assert page.get_by_role("heading", name="Referrals waiting for a specialist").is_visible()
    page.get_by_role("link", name="Allocate referrals").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_role("row", name="Sky Referral").get_by_text("Self-referral").is_visible()

    # No specialist chosen: a clear message beside the row, nothing saved.
    page.get_by_role("button", name="Allocate Sky Referral").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    assert page.get_by_role("link", name="Choose the specialist to allocate Sky Referral to.").is_visible()
    person.refresh_from_db()
    assert person.specialist_id is None

    page.get_by_label("Specialist for Sky Referral").select_option(label="Alice Persona (North)")
    page.get_by_role("button", name="Allocate Sky Referral").click()
    page.get_by_text("Sky Referral allocated to Alice Persona").wait_for()
    assert_accessible(page)
    assert page.get_by_text("No referrals are waiting for a specialist").is_visible()
    saved = Participant.objects.get(pk=person.pk)
    assert (saved.specialist_id, saved.team_id) == (world.alice.pk, world.north.pk)

    _switch_user(page, "alice")
    assert page.get_by_role("heading", name="New to you: make first contact").is_visible()
    page.get_by_role("link", name="Sky Referral").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_role("heading", name="Sky Referral").is_visible()


def test_work_an_alert_and_snooze_another_with_a_reason(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework.models import AlertSnooze, Contact

    started = timezone.localdate() - dt.timedelta(days=45)
    worked = supported(world, started=started, given_name="Wren", family_name="Worked")
    snoozed = supported(world, started=started, given_name="Sol", family_name="Snoozed")
    sign_in(page, "alice", PASSWORD)
    assert_accessible(page)
    group = page.locator("#alerts-outreach")
    assert group.get_by_role("heading", name="No contact for 28 days or more").is_visible()

    # Snooze Sol's alert: without a reason it is refused; with one it goes from the list.
    group.get_by_role("link", name="Snooze this alert for Sol Snoozed").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("7 days").check()
    page.get_by_role("button", name="Snooze alert").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    assert page.get_by_role("link", name="Enter why you are snoozing this alert").is_visible()
    assert not AlertSnooze.objects.exists()
    page.get_by_label("Why are you snoozing this alert?").fill("In hospital; the ward will ring me")
    page.get_by_role("button", name="Snooze alert").click()
    page.get_by_text("Alert snoozed until").wait_for()
    assert_accessible(page)
    assert page.locator("#alerts-outreach").get_by_text("Sol Snoozed").count() == 0
    saved = AlertSnooze.objects.get()
    assert (saved.participant_id, saved.rule, saved.reason) == (
        snoozed.pk,
        "outreach",
        "In hospital; the ward will ring me",
    )
    assert saved.until == timezone.localdate() + dt.timedelta(days=7)

    # Work Wren's alert: the link goes to the contact form; once recorded, the alert has gone.
    page.locator("#alerts-outreach").get_by_role("link", name="Record a contact for Wren Worked").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("How long it took, in minutes").fill("30")
    page.get_by_label("How", exact=True).select_option(label="Phone")
    page.get_by_label("Where").select_option(label="Remote (phone, video, text or email)")
    page.get_by_label("Participant", exact=True).check()
    page.get_by_label("Job search").check()
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Contact recorded").wait_for()
    assert Contact.objects.filter(participant=worked, duration_minutes=30).count() == 1
    page.goto("/")
    assert_accessible(page)
    assert page.get_by_role("link", name="Wren Worked", exact=True).count() == 1  # employer rule only
    assert page.locator("#alerts-outreach").count() == 0  # both 28-day alerts gone: one worked, one snoozed


def test_add_a_case_note_and_find_it_by_search(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework.models import CaseNote

    person = supported(
        world, started=timezone.localdate() - dt.timedelta(days=10), given_name="Noor", family_name="Noted"
    )
    page.set_viewport_size(DESKTOP)
    sign_in(page, "alice", PASSWORD)
    page.goto(f"/participants/{person.pk}/")
    assert_accessible(page)
    box = page.get_by_role("link", name="Record a contact").bounding_box()
    assert box is not None and box["y"] + box["height"] <= DESKTOP["height"], box  # in the first screen

    page.get_by_role("link", name="Add a case note").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Save note").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    assert page.get_by_role("link", name="Select what the note is about").is_visible()
    assert page.get_by_role("link", name="Enter the note").is_visible()
    page.get_by_label("Benefits and money").check()
    page.get_by_label("Note", exact=True).fill("Asked about permitted earnings with Universal Credit")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Case note added").wait_for()
    assert_accessible(page)
    note = CaseNote.objects.get()
    assert (note.participant_id, note.category, note.text) == (
        person.pk,
        "benefits",
        "Asked about permitted earnings with Universal Credit",
    )

    page.goto("/participants/")
    page.get_by_label("Name, reference, NHS number or words in a case note").fill("permitted earnings")
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_role("link", name="Noor Noted").is_visible()


def test_a_full_caseload_home_fits_two_screens_and_reflows_at_390(browser, live_server, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework import services

    today = timezone.localdate()
    # 22 people (IPS caseloads of about 20 to 25), most of them overdue for contact: about 40 alerts.
    for i in range(22):
        p = supported(world, started=today - dt.timedelta(days=20 + 3 * i), given_name=f"Person{i}")
        if i % 4 == 0:
            services.add_goal(by=world.alice, participant=p, text="Find warehouse work")
    for viewport, limit in ((DESKTOP, 2 * DESKTOP["height"]), ({"width": 390, "height": 844}, None)):
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport=viewport)
        page = context.new_page()
        sign_in(page, "alice", PASSWORD)
        assert_accessible(page)
        assert page.get_by_role("heading", name="Alerts").is_visible()
        if limit is not None:
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height <= limit, f"home page is {height}px tall at 1280 x 800"
        else:
            assert_no_horizontal_scroll(page)
        context.close()


def test_team_leader_and_manager_homes_pass_axe_and_reflow_at_390(browser, live_server, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services

    started = timezone.localdate() - dt.timedelta(days=40)
    for specialist in (world.alice, world.bob):
        supported(world, started=started, specialist=specialist)
    with time_machine.travel(at(timezone.localdate() - dt.timedelta(days=9)), tick=False):
        services.self_refer(service=world.service, given_name="Late", family_name="Referral")
    for username, heading in (("tess", "Your team's alerts"), ("mandy", "Teams")):
        for viewport in (DESKTOP, {"width": 390, "height": 844}):
            context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport=viewport)
            page = context.new_page()
            sign_in(page, username, PASSWORD)
            assert_accessible(page)
            assert page.get_by_role("heading", name=heading).is_visible()
            assert page.get_by_text("Late Referral").is_visible()
            assert page.get_by_text("Overdue by").is_visible()
            if viewport["width"] == 390:
                assert_no_horizontal_scroll(page)
                page.goto("/participants/queue/")
                assert_accessible(page)
                assert_no_horizontal_scroll(page)
            context.close()
