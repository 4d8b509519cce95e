"""Welsh in a real browser, on a 320 px phone by keyboard alone: a person switches to Cymraeg, refers
themselves in Welsh (meeting a Welsh error message on the way), and opens a questionnaire from a link in
Welsh. Every page is checked with axe-core (WCAG 2.2 AA) with ``lang="cy"`` on its html element.

Reference wording is this project's own Welsh catalogue (``src/placewell/*/locale/cy``), awaiting review.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_self_referral import check_page, submit, tab_to
from tests.surveys.conftest import agree, baseline_invitation, load_test_wording
from tests.welsh import compile_welsh

REVIEW_NOTICE = "Mae'r cyfieithiad hwn yn aros i siaradwr Cymraeg ei adolygu."


@pytest.fixture(autouse=True, scope="module")
def _welsh_compiled() -> None:
    assert compile_welsh()


def in_welsh(page) -> None:  # type: ignore[no-untyped-def]
    """The page is in Welsh: ``lang="cy"``, the review notice shown, and no axe-core violation."""
    check_page(page)
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert page.get_by_text(REVIEW_NOTICE).is_visible()


def follow_link_by_keyboard(page, name: str, role: str = "link") -> None:  # type: ignore[no-untyped-def]
    link = page.get_by_role(role, name=name)
    for _ in range(60):
        if link.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"the link {name!r} cannot be reached with the Tab key on {page.url}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_self_referral_in_welsh_at_320px_by_keyboard(phone_page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants.models import Participant

    page = phone_page
    page.goto("/refer/easy-read/")
    check_page(page)  # the easy read page in English
    assert page.evaluate("document.documentElement.lang") == "en-gb"
    page.goto("/refer/")
    check_page(page)
    follow_link_by_keyboard(page, "Newid yr iaith: Cymraeg")
    assert page.url.endswith("/refer/")  # the same page, now in Welsh
    in_welsh(page)
    assert page.get_by_role(
        "heading", name="Cael cymorth i ddod o hyd i waith neu aros mewn gwaith"
    ).is_visible()

    follow_link_by_keyboard(page, "Fersiwn hawdd ei ddeall")
    in_welsh(page)
    assert page.get_by_text("Rydyn ni'n helpu pobl i gael swydd am dâl.").is_visible()
    page.goto("/refer/")
    submit(page)  # Dechrau nawr
    in_welsh(page)
    assert page.get_by_role("heading", name="Beth yw eich enw?").is_visible()
    tab_to(page, "id_given_name")
    page.keyboard.type("Nia")
    tab_to(page, "id_family_name")
    page.keyboard.type("Bysellfwrdd")
    submit(page)

    in_welsh(page)
    assert page.get_by_text("Beth yw eich dyddiad geni?").is_visible()
    tab_to(page, "id_date_of_birth_0")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("9")
    page.keyboard.press("Tab")
    page.keyboard.type("1979")
    submit(page)

    in_welsh(page)
    assert page.locator("#id_contact_language_1").is_checked()  # Cymraeg, the page's language, to begin with
    tab_to(page, "id_preferred_contact_method_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # E-bost
    tab_to(page, "id_email")
    page.keyboard.type("nid-cyfeiriad-e-bost")
    submit(page)
    # One bad value: the error is in Welsh, in the summary and beside the field.
    in_welsh(page)
    assert page.get_by_role("heading", name="Mae problem wedi codi").is_visible()
    message = "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com"
    assert page.locator(".govuk-error-summary").get_by_text(message).is_visible()
    assert " ".join(page.locator("#id_email-error").inner_text().split()) == f"Gwall: {message}"
    tab_to(page, "id_email")
    page.keyboard.press("Control+A")
    page.keyboard.type("nia@example.org")
    submit(page)

    in_welsh(page)
    tab_to(page, "id_employment_status_0")
    page.keyboard.press("ArrowDown")  # Nac ydw
    submit(page)

    in_welsh(page)
    tab_to(page, "id_about")
    page.keyboard.type("Gwaith rhan-amser.")
    submit(page)

    in_welsh(page)
    assert page.get_by_role("heading", name="Gwirio eich atebion").is_visible()
    assert page.get_by_text("Cymraeg", exact=True).first.is_visible()
    submit(page)  # Anfon atgyfeiriad
    in_welsh(page)
    assert page.get_by_role("heading", name="Atgyfeiriad wedi'i anfon").is_visible()
    assert page.get_by_text(
        f"Bydd arbenigwr cyflogaeth o {world.service.name} yn cysylltu â chi drwy e-bost"
    ).is_visible()

    person = Participant.objects.get(family_name="Bysellfwrdd")
    assert person.contact_language == "cy" and person.email == "nia@example.org"

    follow_link_by_keyboard(page, "Change the language to English")
    check_page(page)
    assert page.get_by_role("heading", name="Referral sent").is_visible()


def test_questionnaire_from_a_link_in_welsh_at_320px_by_keyboard(phone_page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    page = phone_page
    load_test_wording("eq5d5l", "swemwbs")
    _, token = services.create_link(by=world.alice, invitation=baseline_invitation(agree(world)))

    for url in (f"/q/{token}/", f"/q/{token}/easy-read/", f"/q/{token}/page/1/"):
        page.goto(url)
        check_page(page)  # in English first

    page.goto(f"/q/{token}/")
    follow_link_by_keyboard(page, "Newid yr iaith: Cymraeg")
    assert page.url.endswith(f"/q/{token}/")
    in_welsh(page)
    assert page.get_by_role("heading", name=f"Eich cwestiynau gan {world.service.name}").is_visible()

    follow_link_by_keyboard(page, "Fersiwn hawdd ei ddeall")
    in_welsh(page)
    assert page.get_by_text("Gallwch chi stopio a dod yn ôl yn nes ymlaen.").is_visible()

    follow_link_by_keyboard(page, "Dechrau nawr", role="button")  # a link styled as a start button
    in_welsh(page)
    assert page.get_by_text("Tudalen 1 o").is_visible()
    assert page.get_by_role("button", name="Cadw a dod yn ôl yn nes ymlaen").is_visible()
    follow_link_by_keyboard(page, "Cadw a dod yn ôl yn nes ymlaen", role="button")
    in_welsh(page)
    assert page.get_by_role("heading", name="Mae eich atebion wedi'u cadw").is_visible()
