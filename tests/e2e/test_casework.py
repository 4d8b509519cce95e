"""A specialist's casework by keyboard in a real browser: record a contact, update the vocational profile,
set a goal and a next step, and print "my plan". axe-core checks every page on the way."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


def press(page, locator, key: str = "Enter") -> None:  # type: ignore[no-untyped-def]
    locator.focus()
    page.keyboard.press(key)


def follow(page, locator, key: str = "Enter") -> None:  # type: ignore[no-untyped-def]
    """Press a key on a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        press(page, locator, key)


def type_into(page, locator, text: str) -> None:  # type: ignore[no-untyped-def]
    locator.focus()
    page.keyboard.type(text)


def test_contact_profile_goal_and_my_plan_by_keyboard(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework.models import Contact, Goal, ProfileVersion, Step
    from tests.casework.conftest import supported

    person = supported(
        world, started=timezone.localdate() - dt.timedelta(days=20), given_name="Jordan", family_name="Rivers"
    )
    sign_in(page, "alice", PASSWORD)
    assert_accessible(page)  # home page with the alerts panel
    assert page.get_by_role("heading", name="Alerts").is_visible()
    assert page.get_by_text("Shown when a person has had no contact").first.is_visible()

    page.goto(f"/participants/{person.pk}/")
    assert_accessible(page)

    # Record a contact: the quick entry form, submitted in place by htmx.
    follow(page, page.get_by_role("link", name="Record a contact"))
    assert_accessible(page)
    type_into(page, page.get_by_label("How long it took, in minutes"), "45")
    page.get_by_label("How", exact=True).select_option(label="Face to face")
    page.get_by_label("Where").select_option(label="Community venue (such as a library or café)")
    press(page, page.get_by_label("Job search"), "Space")
    type_into(page, page.get_by_label("Note (optional)"), "Looked at garden centre jobs together")
    press(page, page.get_by_role("button", name="Save contact"))
    page.get_by_text("Contact recorded").wait_for()
    assert_accessible(page)
    assert Contact.objects.filter(participant=person, duration_minutes=45).count() == 1

    # Bad input is refused beside the field, with nothing saved.
    type_into(page, page.get_by_label("How long it took, in minutes"), "600")
    page.get_by_label("How", exact=True).select_option(label="Phone")
    page.get_by_label("Where").select_option(label="Remote (phone, video, text or email)")
    press(page, page.get_by_label("Job search"), "Space")
    press(page, page.get_by_role("button", name="Save contact"))
    page.locator(".govuk-error-summary").wait_for()
    assert page.get_by_role(
        "link", name="How long it took must be 8 hours (480 minutes) or less"
    ).is_visible()
    assert_accessible(page)
    assert Contact.objects.filter(participant=person).count() == 1

    # Update the vocational profile.
    page.goto(f"/participants/{person.pk}/")
    follow(page, page.get_by_role("link", name="Start the profile"))
    assert_accessible(page)
    type_into(page, page.get_by_label("Job goals"), "Work outdoors in a garden centre")
    press(page, page.get_by_label("Any job in: Elementary occupations (group 9)"), "Space")
    type_into(page, page.get_by_label("Where they can travel"), "Leeds, LS6")
    follow(page, page.get_by_role("button", name="Save profile"))
    assert_accessible(page)
    assert page.get_by_text("Work outdoors in a garden centre").is_visible()
    assert ProfileVersion.objects.filter(participant=person).count() == 1

    # Set a goal and a next step.
    page.goto(f"/casework/participants/{person.pk}/plan/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Add a goal"))
    assert_accessible(page)
    type_into(page, page.get_by_label("Goal"), "A job in a garden centre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Add a next step to A job in a garden centre"))
    type_into(page, page.get_by_label("Next step"), "Visit two garden centres")
    press(page, page.get_by_label("Both together"), "Space")
    follow(page, page.get_by_role("button", name="Add step"))
    assert_accessible(page)
    assert Goal.objects.filter(participant=person).count() == 1 and Step.objects.count() == 1

    # Print "my plan": the print stylesheet hides everything but the plan.
    follow(page, page.get_by_role("link", name='"My plan" to print'))
    assert_accessible(page)
    assert page.get_by_role("heading", name="What I want: A job in a garden centre").is_visible()
    assert page.get_by_role("button", name="Print this page").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".govuk-header").is_hidden()
    assert page.get_by_role("button", name="Print this page").is_hidden()
    assert page.get_by_text("Visit two garden centres").is_visible()
    page.emulate_media(media="screen")

    for url in [f"/casework/participants/{person.pk}/health/", "/casework/caseload/", "/casework/week/"]:
        page.goto(url)
        assert_accessible(page)
    # Fuzzy search on the weekly view, updated in place as the name is typed (with a typo).
    type_into(page, page.get_by_label("Find a person by name"), "Jordn Rivrs")
    page.locator("#week-results").get_by_text('No one matching "Jordn Rivrs"').wait_for()
    page.locator("#week-results").get_by_role("link", name="Jordan Rivers").first.wait_for()
    assert_accessible(page)
