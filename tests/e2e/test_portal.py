""" "My support" in a real browser at 320 px wide, by keyboard alone: ask for a code by email, type a wrong
code then the right one, see the plan and the meeting, ask to be called back; then the specialist sees the
request on their home page and marks it done. axe-core checks every portal page on the way (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.casework.conftest import supported
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, sign_in

FOCUSED = """() => { const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement || e.tagName === 'DIV') return '';
  return [e.id || '', (e.innerText || e.value || '').trim()].join('|'); }"""


def tab_to(page, wanted: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element's id or text contains ``wanted``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted in page.evaluate(FOCUSED):
            return
    pytest.fail(f"Tab never reached {wanted!r} on {page.url}")


def check(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_my_support_by_keyboard_at_320px(phone_page, page, world, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    from placewell.appointments import services as appointments
    from placewell.casework import services as casework
    from placewell.portal.models import CallBackRequest

    world.service.public_phone = "0300 000 1111"
    world.service.save()
    started = timezone.localdate() - dt.timedelta(days=20)
    rowan = supported(
        world, started=started, given_name="Rowan", family_name="Example", email="rowan@example.org"
    )
    goal = casework.add_goal(by=world.alice, participant=rowan, text="Work with animals")
    late = timezone.localdate() - dt.timedelta(days=2)
    casework.add_step(by=world.alice, goal=goal, text="Visit the city farm", owner="together", due_on=late)
    meeting_at = (timezone.localtime() + dt.timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    appointments.book(
        by=world.alice,
        participant=rowan,
        specialist=world.alice,
        starts_at=meeting_at,
        duration_minutes=60,
        place_kind="phone",
    )

    p = phone_page
    p.goto("/my-support/")  # not signed in: the sign-in page
    check(p)
    tab_to(p, "id_address")
    p.keyboard.type("rowan@example.org")
    p.keyboard.press("Enter")
    p.get_by_role("heading", name="Enter your code").wait_for()
    check(p)
    sent = [m for m in mailoutbox if m.subject == "Your code to see your support"]  # not the booking's email
    assert len(sent) == 1 and sent[0].to == ["rowan@example.org"]
    code = re.search(r"\b(\d{6})\b", sent[0].body).group(1)  # type: ignore[union-attr]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    tab_to(p, "id_code")
    p.keyboard.type(wrong)
    p.keyboard.press("Enter")
    p.locator(".govuk-error-summary").wait_for()
    check(p)
    assert p.get_by_text("That code did not work.").first.is_visible()
    tab_to(p, "id_code")
    p.keyboard.press("Control+A")
    p.keyboard.type(code)
    p.keyboard.press("Enter")
    p.get_by_role("heading", name="My support").wait_for()
    check(p)
    assert p.get_by_text("Visit the city farm").is_visible()
    assert p.get_by_text(f"This was due on {late.day} {late:%B}.").is_visible()
    assert p.get_by_text("By phone. We will call you.").is_visible()
    assert p.get_by_text("Your support continues.").is_visible()

    tab_to(p, "Ask to rearrange")
    p.keyboard.press("Enter")
    p.get_by_role("heading", name="Ask to rearrange a meeting").wait_for()
    check(p)
    p.go_back()
    p.wait_for_load_state()

    tab_to(p, "Ask us to call you back")
    p.keyboard.press("Enter")
    p.get_by_role("heading", name="Ask us to call you back").wait_for()
    check(p)
    tab_to(p, "id_best_time_0")
    p.keyboard.press("ArrowDown")  # from "Any time" to "Morning"
    tab_to(p, "id_note")
    p.keyboard.type("Mornings are best, after 10.")
    tab_to(p, "Send")
    p.keyboard.press("Enter")
    p.get_by_text("Thank you. We will call you back.").wait_for()
    check(p)
    item = CallBackRequest.objects.get()
    assert (item.participant_id, item.best_time, item.note) == (
        rowan.pk,
        "morning",
        "Mornings are best, after 10.",
    )

    tab_to(p, "Sign out")
    p.keyboard.press("Enter")
    p.get_by_text("You have signed out.").wait_for()
    check(p)

    # Five wrong codes for an address nobody has: the same wait page anyone would get.
    tab_to(p, "id_address")
    p.keyboard.type("nobody@example.org")
    p.keyboard.press("Enter")
    p.get_by_role("heading", name="Enter your code").wait_for()
    for _ in range(5):
        tab_to(p, "id_code")
        p.keyboard.press("Control+A")
        p.keyboard.type("000000")
        with p.expect_navigation():
            p.keyboard.press("Enter")
    p.get_by_role("heading", name="Please wait, then try again").wait_for()
    check(p)
    p.goto("/my-support/link/not-a-real-link/")
    check(p)
    assert p.get_by_role("heading", name="This link does not work any more").is_visible()

    # The specialist: the request on their home page, cleared from the person's record.
    sign_in(page, "alice", PASSWORD)
    group = page.locator("#alerts-portal_request")
    assert group.get_by_role("heading", name="Asked to be called back").is_visible()
    assert_accessible(page)
    group.get_by_role("link", name="Call them back for Rowan Example").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_text("Mornings are best, after 10.").is_visible()
    page.get_by_role("button", name=re.compile("^Mark as done")).click()
    page.get_by_text("The request is marked done.").wait_for()
    assert_accessible(page)
    item.refresh_from_db()
    assert item.done_at is not None and item.done_by_id == world.alice.pk
    page.goto("/")
    assert page.locator("#alerts-portal_request").count() == 0
