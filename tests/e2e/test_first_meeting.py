"""The first meeting in a real browser: from a referred person's record, through eligibility, information
and agreement, identifiers and background, the baseline questionnaires (the surveys app's staff pages, which
return to the meeting), the check page, randomisation and the neutral result; then the same flow in training
mode, which allocates nothing. axe-core checks every page on the way."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


def continue_(page, name: str = "Continue") -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()
    assert_accessible(page)


def answer_eligibility(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Health-led Trial: SCR out of work").check()
    continue_(page)
    no_questions = ("another employment programme", "Care Programme Approach")
    while page.get_by_role("heading", name="Check the eligibility answers").count() == 0:
        question = page.locator("legend").first.inner_text()
        page.get_by_label("No" if any(q in question for q in no_questions) else "Yes", exact=True).check()
        continue_(page)


def agree_and_give_background(page, check_errors: bool = False) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Plain English").check()
    continue_(page, "Start the statements")
    while page.get_by_role("heading", name="Check the answers before you record them").count() == 0:
        page.get_by_label("They agree").check()
        continue_(page)
    continue_(page, "Record agreement")
    assert page.get_by_role("heading", name="Identifiers and background").is_visible()
    if check_errors:
        page.get_by_label("National Insurance number").fill("QQ 12")
        continue_(page)
        summary = page.locator(".govuk-error-summary")
        assert summary.get_by_role("link", name="Select whether they are in work or out of work").is_visible()
        page.get_by_label("National Insurance number").fill("JG 10 37 59 A")
    page.get_by_label("Out of work", exact=True).check()
    page.get_by_label("Not in paid work in the last 2 years").check()
    page.get_by_label("To some extent").check()
    page.get_by_label("Online").check()
    continue_(page)


def give_baseline_questionnaires(page) -> None:  # type: ignore[no-untyped-def]
    """Answer each baseline questionnaire with the first answer to every question, leaving the last question
    of the last one blank (a partial questionnaire still counts), then return to the meeting."""
    assert page.get_by_role("heading", name="Baseline questionnaires").is_visible()
    assert page.get_by_text("Not started").is_visible()
    continue_(page)  # not done yet: the page says so
    assert page.get_by_text("Complete every baseline questionnaire before randomising").is_visible()
    page.get_by_role("link", name="Baseline questionnaires").click()
    page.wait_for_load_state()
    assert_accessible(page)
    while page.get_by_role("heading", name="Baseline questionnaires").count() == 0:
        assert page.get_by_text(re.compile(r"Face to face · Baseline · questionnaire \d of 2")).is_visible()
        questions = page.locator("fieldset:has(input[type=radio])").all()
        last_page = "questionnaire 2 of 2" in page.locator(".govuk-caption-l").inner_text()
        for question in questions[:-1] if last_page else questions:
            question.get_by_role("radio").first.check()
        continue_(page, "Save and continue")
    assert page.get_by_text("Completed").is_visible()
    continue_(page)


def test_whole_first_meeting_then_practice(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants.models import Status
    from placewell.surveys import services as surveys
    from placewell.surveys.models import Response
    from placewell.trials.models import Allocation
    from tests.conftest import refer
    from tests.trials.helpers import make_trial

    trial = make_trial(world, recruitment_closes_on=__import__("datetime").date(2099, 12, 31))
    person = refer(world, given_name="Jordan", family_name="Rivers", nhs_number="")
    # The service's baseline wave, cut to two short questionnaires to keep the journey short.
    waves = surveys.ensure_default_waves(by=world.mandy, service=world.service)
    baseline = next(w for w in waves if w.is_baseline)
    surveys.update_wave(by=world.mandy, wave=baseline, changes={"instruments": ["gad7", "ons4"]})
    sign_in(page, "alice", PASSWORD)
    page.goto(f"/participants/{person.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Start the first meeting")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_role("heading", name="First meeting with Jordan Rivers").is_visible()
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    assert_accessible(page)

    answer_eligibility(page)
    continue_(page, "Save and continue")
    person.refresh_from_db()
    assert person.status == Status.ELIGIBLE
    agree_and_give_background(page, check_errors=True)
    person.refresh_from_db()
    assert person.status == Status.AGREED and person.employment_status == "out_of_work"

    give_baseline_questionnaires(page)
    sent = Response.objects.filter(participant=person, state="submitted")
    assert sorted(r.instrument_id for r in sent) == ["gad7", "ons4"]
    assert {r.mode for r in sent} == {"face_to_face"} and sent.get(instrument_id="ons4").is_partial
    assert page.get_by_role("heading", name="Check before you randomise").is_visible()
    assert page.get_by_text("North site · Out of work").is_visible()
    continue_(page, "Randomise")
    assert (
        page.locator(".govuk-error-summary")
        .get_by_role("link", name=re.compile("Confirm the person"))
        .is_visible()
    )
    assert not Allocation.objects.exists()
    page.get_by_label(re.compile("The person is here")).check()
    continue_(page, "Randomise")
    allocation = Allocation.objects.get(participant=person)
    assert person.survey_enrolment.trial_reference == trial.registration_number
    assert page.get_by_role("heading", name="Result").is_visible()
    assert page.get_by_test_id("result").inner_text() == allocation.arm.participant_label
    if allocation.arm.is_treatment:
        continue_(page, "Start support and book the first appointment")
        person.refresh_from_db()
        assert person.status == Status.ACTIVE
    else:
        page.get_by_role("link", name="Print the leaflet").click()
        page.wait_for_load_state()
        assert_accessible(page)
        assert page.get_by_text("Citizens Advice").is_visible()

    # Training mode: the same pages for a made-up person, and nothing is saved.
    page.goto(f"/trials/{trial.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Practise the first meeting").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_text("Training mode: nothing you enter is saved").is_visible()
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    assert_accessible(page)
    answer_eligibility(page)
    continue_(page)
    agree_and_give_background(page)
    page.get_by_label(re.compile("The person is here")).check()
    continue_(page, "Randomise (practice)")
    assert page.get_by_text("This practice result was made up").is_visible()
    assert Allocation.objects.count() == 1
