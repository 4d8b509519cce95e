"""Questionnaires in a real browser: a participant completes one from a link on a 320 px phone by keyboard
alone, saves and comes back, and cannot reuse the link; staff administer one; every page visited passes
axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.surveys.conftest import agree, baseline_invitation, load_test_wording

MAX_TABS = 80


def check(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def tab_to(page, locator) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(MAX_TABS):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {locator} with the Tab key")


def answer_by_keyboard(page) -> None:  # type: ignore[no-untyped-def]
    """Answer every question on the page with the keyboard: the second answer of each choice question, and
    70 for a 0-100 scale or 7 for a 0-10 one."""
    for fieldset in page.locator("form fieldset").all():
        tab_to(page, fieldset.locator("input[type=radio]").first)
        page.keyboard.press("ArrowDown")  # moves to and selects the second answer
    for box in page.locator("form input[type=text]").all():
        tab_to(page, box)
        page.keyboard.type("70" if "to 100" in box.locator("xpath=..").inner_text() else "7")


def press(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Tab to a button (or a link styled as one) and press Enter, then check the page it leads to."""
    tab_to(page, page.get_by_role("button", name=name))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check(page)


def test_participant_completes_a_questionnaire_from_a_link_on_a_phone_by_keyboard(phone_page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.models import Response

    page = phone_page
    person = agree(world)
    load_test_wording("eq5d5l", "swemwbs")  # a link is only made once the licensed wording is loaded
    _, token = services.create_link(by=world.alice, invitation=baseline_invitation(person))

    page.goto(f"/q/{token}/")
    check(page)
    press(page, "Start now")

    # Page 1: EQ-5D-5L in the loaded wording, under a plain heading rather than its code.
    assert page.get_by_role("heading", level=1).inner_text() == "Your health today"
    assert "stand-in" not in page.content().lower()
    assert page.locator("legend").count() == 5
    answer_by_keyboard(page)
    press(page, "Continue")

    # Page 2: SWEMWBS. Save and come back later.
    assert page.get_by_role("heading", level=1).inner_text() == "How you have been feeling"
    answer_by_keyboard(page)
    press(page, "Save and come back later")
    assert page.get_by_role("heading", name="Your answers are saved").is_visible()
    assert Response.objects.filter(state="in_progress").count() == 2

    # Coming back through the same link carries on where they left off.
    page.goto(f"/q/{token}/")
    check(page)
    press(page, "Carry on")
    assert "Page 3 of 5" in page.locator(".govuk-caption-l").inner_text()
    for _ in range(3):  # PHQ-8, GAD-7, ONS4
        answer_by_keyboard(page)
        press(page, "Continue")
    assert page.get_by_role("heading", name="Check your answers before sending them").is_visible(), (
        page.url,
        page.locator("main").inner_text()[:600],
    )
    press(page, "Send answers")
    assert page.get_by_role("heading", name="Answers sent").is_visible()

    sent = {r.instrument_id: r for r in Response.objects.filter(participant=person)}
    assert all(r.state == "submitted" and r.via == "link" for r in sent.values())
    assert sent["phq8"].complete and sent["phq8"].value == 8  # the second answer (1) to all 8 items
    assert sent["eq5d5l"].details["state"] == "22222" and sent["eq5d5l"].details["vas"] == 70

    # The link cannot be used again.
    page.goto(f"/q/{token}/")
    check(page)
    assert page.get_by_role("heading", name="You have already sent your answers").is_visible()
    page.goto(f"/q/{token}/page/1/")
    check(page)
    assert page.get_by_role("heading", name="You have already sent your answers").is_visible()


def test_a_bad_answer_on_a_link_page_is_shown_beside_the_question(phone_page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.models import Response

    page = phone_page
    load_test_wording("eq5d5l", "swemwbs")
    _, token = services.create_link(by=world.alice, invitation=baseline_invitation(agree(world)))
    page.goto(f"/q/{token}/page/1/")
    check(page)
    page.get_by_label("Test question 6").fill("150")
    page.get_by_role("button", name="Continue").click()
    check(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Enter a whole number from 0 to 100").is_visible()
    assert not Response.objects.exists()
    page.goto("/q/not-a-real-link/")
    check(page)
    assert page.get_by_role("heading", name="This link does not work").is_visible()


def test_staff_administer_a_questionnaire_and_every_survey_page_is_accessible(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import Response

    person = agree(world)
    sign_in(page, "alice", PASSWORD)
    page.goto(f"/participants/{person.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Surveys and questionnaires")).click()
    assert_accessible(page)
    page.get_by_role("link", name="Administer a questionnaire").click()
    assert_accessible(page)
    page.get_by_label("GAD-7").check()
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert_accessible(page)

    # A future date is refused with a message beside the field and in the summary; nothing is saved.
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Month", exact=True).fill("1")
    page.get_by_label("Year", exact=True).fill("2099")
    page.get_by_role("button", name="Save answers").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert (
        page.locator(".govuk-error-summary")
        .get_by_role("link", name="The date must be today or in the past")
        .is_visible()
    )
    assert not Response.objects.exists()
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Day", exact=True).fill("20")
    for fieldset in page.locator("form fieldset.govuk-fieldset:has(input[type=radio])").all():
        fieldset.get_by_label("More than half the days").check()
    page.get_by_role("button", name="Save answers").click()
    page.wait_for_load_state()
    assert_accessible(page)
    r = Response.objects.get()
    assert (r.instrument_id, r.value, r.band, r.mode) == ("gad7", 14, "moderate", "phone")

    page.get_by_role("link", name="GAD-7", exact=True).click()
    assert_accessible(page)
    page.goto(f"/surveys/invitations/{baseline_invitation(person).pk}/")  # answered: closed
    assert_accessible(page)
    other = agree(world, given_name="Jo", nhs_number="")
    page.goto(f"/surveys/invitations/{baseline_invitation(other).pk}/")
    assert_accessible(page)
    page.get_by_label("Phone call").check()
    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Save attempt").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert baseline_invitation(other).attempts.count() == 1
    # No link while a questionnaire's licensed wording is missing: the page says which and how to load it.
    assert page.get_by_text("A self-completion link cannot be made yet").is_visible()
    assert page.get_by_role("button", name="Create a self-completion link").count() == 0
    load_test_wording("eq5d5l", "swemwbs")
    page.reload()
    assert_accessible(page)
    page.get_by_role("button", name="Create a self-completion link").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "/q/" in page.locator("#survey-link").inner_text()
    page.goto(f"/participants/{person.pk}/")
    assert_accessible(page)
    assert page.locator("svg[role=img]").count() >= 1
    for path in (
        "/surveys/",
        "/surveys/response-rates/",
        f"/surveys/waves/{r.invitation.wave_id if r.invitation else baseline_invitation(person).wave_id}/fieldwork/",
    ):
        page.goto(path)
        assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, "evan", PASSWORD)
    for path in ("/surveys/", "/surveys/response-rates/"):
        page.goto(path)
        assert_accessible(page)
        assert "Rowan" not in page.content()

    page.context.clear_cookies()
    sign_in(page, "ada", PASSWORD)
    wave_id = baseline_invitation(person).wave_id
    for path in (
        "/surveys/",
        "/surveys/wording/",
        "/surveys/wording/eq5d5l/",
        f"/surveys/services/{world.service.pk}/waves/",
        f"/surveys/waves/{wave_id}/",
    ):
        page.goto(path)
        assert_accessible(page)
