"""A fidelity review in a real browser: the service manager starts an IPS-25 review with the team leader as
second reviewer; both score every section independently; the agreement is shown item by item; the agreed
scores are recorded; an action is added; the printable report and the comparison with earlier reviews open.
axe-core checks every page on the way."""

from __future__ import annotations

from placewell.engine.fidelity import IPS25, score_review
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in

MANDY = dict.fromkeys(IPS25.item_keys, 4) | {"caseload_size": 5, "time_unlimited_follow_along": 2}
TESS = MANDY | {"disclosure": 3, "executive_support": 5}


def go(page, locator) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        locator.click()
    assert_accessible(page)


def score_sections(page, scores: dict[str, int], first_link: str) -> None:  # type: ignore[no-untyped-def]
    go(page, page.get_by_role("link", name=first_link))
    for section in IPS25.sections:
        assert page.get_by_role("heading", level=1).inner_text().endswith(section.name)
        for key in section.items:
            item = IPS25.item(key)
            group = page.get_by_role("group", name=f"{item.number}. {item.name}")
            group.get_by_label(str(scores[key]), exact=True).check()
        go(page, page.get_by_role("button", name="Save and continue"))


def switch_to(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    sign_in(page, username, PASSWORD)


def test_a_review_with_two_reviewers(page, world) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "mandy", PASSWORD)
    page.goto("/fidelity/")
    assert_accessible(page)
    go(page, page.get_by_role("link", name="Start a review"))
    page.get_by_label("Second reviewer").select_option(label="Tess Persona")
    go(page, page.get_by_role("button", name="Start review"))
    review_url = page.url

    # A section saved with an item unscored is refused beside the item, and nothing is saved.
    go(page, page.get_by_role("link", name="Staffing"))
    go(page, page.get_by_role("button", name="Save and continue"))
    assert page.locator(".govuk-error-summary").get_by_text("Select a score for Caseload size").is_visible()
    page.goto(review_url)
    score_sections(page, MANDY, "Staffing")
    go(page, page.get_by_role("button", name="Submit your scores"))
    assert page.get_by_text("The other reviewer's scores stay hidden").is_visible()

    switch_to(page, "tess")
    page.goto(review_url)
    assert_accessible(page)
    score_sections(page, TESS, "Staffing")
    go(page, page.get_by_role("button", name="Submit your scores"))

    go(page, page.get_by_role("link", name="See the agreement between reviewers"))
    assert page.get_by_test_id("exact").inner_text() == "92%"  # 23 of 25 items the same
    assert page.get_by_test_id("within-one").inner_text() == "100%"
    go(page, page.get_by_role("link", name="Record the agreed scores"))
    for _section in IPS25.sections:
        # Items both reviewers scored alike are selected already; the two that differ take the first's score.
        for key in ("disclosure", "executive_support"):
            item = IPS25.item(key)
            group = page.get_by_role("group", name=f"{item.number}. {item.name}")
            if group.count():
                group.get_by_label(str(MANDY[key]), exact=True).check()
        go(page, page.get_by_role("button", name="Save and continue"))
    go(page, page.get_by_role("button", name="Complete the review"))
    expected = score_review("ips25", MANDY)
    assert page.get_by_test_id("total").inner_text() == f"{expected.total} out of {expected.maximum}"
    assert page.get_by_test_id("band").inner_text() == expected.band.capitalize()

    go(page, page.get_by_role("link", name="Add an action"))
    page.get_by_label("Item").select_option(label="23. Time-unlimited in-work support")
    page.get_by_label("Action").fill("Agree with the commissioner how support continues after four months.")
    page.get_by_label("Owner").fill("Mandy Persona")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2099")
    go(page, page.get_by_role("button", name="Add action"))
    assert page.get_by_text("Agree with the commissioner").is_visible()

    go(page, page.get_by_role("link", name="Printable report"))
    assert page.get_by_role("heading", name="Agreement between reviewers").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".govuk-header").is_visible()
    page.emulate_media(media="screen")
    page.goto(review_url)
    go(page, page.get_by_role("link", name="Compare with earlier reviews"))
    assert page.locator("svg[role=img]").count() == 2

    switch_to(page, "evan")
    page.goto(review_url)
    assert_accessible(page)
    assert page.get_by_role("link", name="Add an action").count() == 0


def test_an_earlier_paper_review_by_keyboard_and_mouse(page, world) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "mandy", PASSWORD)
    page.goto("/fidelity/")
    go(page, page.get_by_role("link", name="Record an earlier review from its paper report"))
    page.get_by_label("IPS-25", exact=False).first.check()
    go(page, page.get_by_role("button", name="Continue"))
    for name, (day, month, year) in {
        "Review date": ("14", "3", "2024"),
        "Start of the period reviewed": ("1", "3", "2023"),
        "End of the period reviewed": ("29", "2", "2024"),
    }.items():
        group = page.get_by_role("group", name=name)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    page.get_by_label("First reviewer's name").fill("R. Reviewer")
    for key in IPS25.item_keys:
        item = IPS25.item(key)
        page.get_by_role("group", name=f"{item.number}. {item.name}: agreed score").get_by_label(
            str(MANDY[key]), exact=True
        ).check()
    go(page, page.get_by_role("button", name="Record review"))
    expected = score_review("ips25", MANDY)
    assert f"{expected.total} out of {expected.maximum}" in page.content()
