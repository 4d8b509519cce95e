"""A journey through the MI dashboards in a real browser: a service manager filters by team and specialist,
opens the MI evidence and downloads a chart's CSV; an evaluator sees the suppressed view. axe-core (WCAG 2.2
AA) checks every page on the way."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


def _some_data(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework import services as cw
    from tests.casework.conftest import supported

    today = timezone.localdate()
    for i, who in enumerate((world.alice, world.alice, world.bob, world.charlie)):
        p = supported(
            world, started=today - dt.timedelta(days=40 + 7 * i), specialist=who, given_name=f"Jo{i}"
        )
        cw.record_contact(
            by=who,
            participant=p,
            happened_at=timezone.now() - dt.timedelta(days=3 + i),
            duration_minutes=30,
            mode="face_to_face",
            place="community",
            purposes=["job_search"],
        )


def test_manager_and_evaluator_journey(page, world) -> None:  # type: ignore[no-untyped-def]
    _some_data(world)
    sign_in(page, "mandy", PASSWORD)
    page.get_by_role("link", name="MI dashboard").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Caseload over time against target").is_visible()
    assert page.get_by_role("img", name="Caseload over time against target").count() == 1
    assert_accessible(page)

    page.get_by_label("Team", exact=True).select_option(label="North")
    page.get_by_label("Specialist", exact=True).select_option(label="Alice Persona")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    assert page.get_by_text("Alice Persona, Test IPS").first.is_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Contacts and how they happened” as CSV").click()
    assert download.value.suggested_filename.startswith("contacts-")

    page.get_by_role("link", name="See the MI evidence for fidelity reviews").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="MI evidence for fidelity reviews").is_visible()
    assert_accessible(page)

    page.get_by_label("From", exact=True).fill("2099-01-01")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, "evan", PASSWORD)
    page.goto("/insight/")
    assert page.get_by_text("Counts from 1 to 4").is_visible()
    assert page.get_by_text("fewer than 5").first.is_visible()
    assert_accessible(page)
