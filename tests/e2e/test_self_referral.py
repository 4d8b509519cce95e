"""A person refers themselves on a 320 px wide phone screen using the keyboard alone."""

from __future__ import annotations

from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll


def tab_to(page, element_id: str, limit: int = 40) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element has focus: proves it can be reached by keyboard, in order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key on {page.url}")


def check_page(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def submit(page) -> None:  # type: ignore[no-untyped-def]
    """Move to the page's main button with Tab and press Enter."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement && document.activeElement.matches('main button[type=submit], main a.govuk-button')"
        ):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            check_page(page)
            return
    raise AssertionError(f"no button reachable by keyboard on {page.url}")


def test_self_referral_at_320px_by_keyboard(phone_page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants.models import Participant

    world.service.public_phone = "01632 960 101"
    world.service.public_email = "hello@service.example.org"
    world.service.opening_hours = "Monday to Friday, 9am to 5pm"
    world.service.save()
    page = phone_page
    page.goto("/refer/")
    check_page(page)
    assert page.locator(".pw-header__service").inner_text() == world.service.name
    submit(page)  # Start now

    # An empty answer is caught, the error summary takes focus, and its link leads to the field.
    submit(page)
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    tab_to(page, "id_given_name")
    page.keyboard.type("Robin")
    tab_to(page, "id_family_name")
    page.keyboard.type("Keyboard")
    submit(page)

    tab_to(page, "id_date_of_birth_0")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("9")
    page.keyboard.press("Tab")
    page.keyboard.type("1979")
    submit(page)

    tab_to(page, "id_preferred_contact_method_0")  # Phone call
    page.keyboard.press("Space")
    tab_to(page, "id_phone")
    page.keyboard.type("07700 900321")
    submit(page)

    tab_to(page, "id_employment_status_0")
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys: now "No, I am not in paid work"
    submit(page)

    tab_to(page, "id_about")
    page.keyboard.type("Something part-time, near home.")
    submit(page)

    assert page.get_by_role("heading", name="Check your answers").is_visible()
    assert page.get_by_text("07700 900321").is_visible()
    submit(page)  # Send referral
    assert page.get_by_role("heading", name="Referral sent").is_visible()
    # Who will get in touch, how and by when, and how to reach the service meanwhile.
    assert page.get_by_text(
        f"An employment specialist from {world.service.name} will contact you by phone"
    ).is_visible()
    assert page.get_by_role("link", name="01632 960 101").is_visible()
    assert page.get_by_role("link", name="hello@service.example.org").is_visible()
    assert page.get_by_text("Monday to Friday, 9am to 5pm").is_visible()

    person = Participant.objects.get(family_name="Keyboard")
    assert person.phone == "07700 900321" and person.employment_status == "out_of_work"
    assert person.preferred_contact_method == "phone"
