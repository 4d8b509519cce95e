"""A specialist's journey in a real browser: sign in, refer, screen, agree, start support, withdraw;
a service manager erases. axe-core checks every page on the way."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


def continue_(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_refer_screen_agree_and_withdraw(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants.models import Participant, Status

    sign_in(page, "alice", PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Refer someone").first.click()
    assert_accessible(page)

    # Bad input first: the error summary links to the field and nothing is saved.
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Enter first name").is_visible()
    page.get_by_label("NHS number (optional)").fill("943 476 5918")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("link", name=re.compile("last digit does not match")).is_visible()
    assert Participant.objects.count() == 0

    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Rivers")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("1990")
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    continue_(page)
    page.get_by_label("Email address (optional)").fill("jordan@example.org")
    page.get_by_label("Email", exact=True).check()
    continue_(page)
    page.get_by_label("GP", exact=True).check()
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Team").select_option(label="North")
    continue_(page)
    page.get_by_role("button", name="Save referral").click()
    page.wait_for_load_state()
    assert_accessible(page)
    person = Participant.objects.get(family_name="Rivers")
    assert person.status == Status.REFERRED
    assert page.get_by_role("heading", level=1).inner_text().startswith("Jordan Rivers")

    # Screening: the service has no rule set of its own, so the three templates are offered.
    page.get_by_role("link", name="Screen eligibility").click()
    assert_accessible(page)
    page.get_by_label("Health-led Trial: SCR out of work").check()
    continue_(page)
    answers = {"Is the person aged over 18?": "Yes"}
    for _ in range(7):
        question = page.locator("legend").first.inner_text()
        no_questions = ("another employment programme", "Care Programme Approach")
        choice = "No" if any(q in question for q in no_questions) else answers.get(question, "Yes")
        page.get_by_label(choice, exact=True).check()
        continue_(page)
    page.get_by_role("button", name="Save screening").click()
    page.wait_for_load_state()
    assert_accessible(page)
    person.refresh_from_db()
    assert person.status == Status.ELIGIBLE

    # Agreement, easy read, statement by statement.
    page.get_by_role("link", name="Record agreement").click()
    assert_accessible(page)
    page.get_by_label("Easy read").check()
    page.get_by_role("button", name="Start the statements").click()
    assert_accessible(page)
    for _ in range(7):
        page.get_by_label("They agree").check()
        continue_(page)
    page.get_by_role("button", name="Record agreement").click()
    page.wait_for_load_state()
    assert_accessible(page)
    person.refresh_from_db()
    assert person.status == Status.AGREED
    assert page.get_by_text("I know I can choose. I can stop when I want.").is_visible()

    page.get_by_role("button", name="Start support").click()
    page.wait_for_load_state()
    person.refresh_from_db()
    assert person.status == Status.ACTIVE

    page.get_by_role("link", name="Record a withdrawal").click()
    assert_accessible(page)
    page.get_by_label(re.compile("^From further research contact")).check()
    page.get_by_role("button", name="Record withdrawal").click()
    page.wait_for_load_state()
    assert_accessible(page)
    person.refresh_from_db()
    assert person.withdrawn_from_research_at is not None
    assert person.status == Status.ACTIVE
    assert page.get_by_text("Withdrew from research contact").first.is_visible()


def test_service_manager_erases_a_record(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants.models import Participant, Status
    from tests.conftest import refer

    person = refer(world, given_name="Casey", family_name="Erasable")
    sign_in(page, "mandy", PASSWORD)
    page.goto(f"/participants/{person.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Erase data").click()
    assert_accessible(page)
    page.get_by_role("button", name="Erase for good").click()
    assert_accessible(page)
    assert (
        page.locator(".govuk-error-summary")
        .get_by_role("link", name="Enter date of the person's request")
        .is_visible()
    )
    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("The data protection officer").check()
    page.get_by_label(re.compile("I understand")).check()
    page.get_by_role("button", name="Erase for good").click()
    page.wait_for_load_state()
    assert_accessible(page)
    person.refresh_from_db()
    assert person.status == Status.ERASED
    assert person.given_name == "" and person.nhs_number == ""
    assert "Casey" not in page.content()
    assert not Participant.objects.reportable().filter(pk=person.pk).exists()


def test_audit_log_and_admin_pages_are_accessible(page, world, participant) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "mandy", PASSWORD)
    page.goto("/accounts/audit/")
    assert_accessible(page)
    page.goto("/participants/")
    assert_accessible(page)
    page.goto("/accounts/account/")
    assert_accessible(page)
    page.goto("/accounts/two-factor/setup/")
    assert_accessible(page)
    page.goto("/accounts/password/")
    assert_accessible(page)
    page.goto("/api/tokens/")
    assert_accessible(page)
    page.context.clear_cookies()
    sign_in(page, "ada", PASSWORD)
    for path in (
        "/",
        "/accounts/services/",
        f"/accounts/services/{world.service.pk}/",
        "/accounts/staff/",
        "/accounts/staff/new/",
        f"/accounts/staff/{world.alice.pk}/",
        f"/accounts/services/{world.service.pk}/teams/new/",
    ):
        page.goto(path)
        assert_accessible(page)
    page.context.clear_cookies()
    sign_in(page, "evan", PASSWORD)
    assert_accessible(page)
    page.goto("/governance/extract/")
    assert_accessible(page)
    for path in ("/accessibility/", "/privacy/", "/no-such-page/"):
        page.goto(path)
        assert_accessible(page)
