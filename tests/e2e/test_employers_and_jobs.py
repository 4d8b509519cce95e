"""The employer side in a real browser: add an employer, log a face-to-face contact on a participant's behalf,
add a hidden vacancy, match it to the participant, record a job start and see the 13-week milestone. axe-core
checks every page on the way."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


def go(page, locator) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        locator.click()
    assert_accessible(page)


def test_employer_to_job_start_journey(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework import services as cs
    from placewell.employers.models import Engagement, Match, Vacancy
    from placewell.placements.models import JobStart
    from tests.casework.conftest import supported

    today = timezone.localdate()
    person = supported(
        world, started=today - dt.timedelta(days=120), given_name="Jordan", family_name="Rivers"
    )
    cs.save_profile(
        by=world.alice,
        participant=person,
        values={
            "job_types": ["9"],
            "hours_wanted": "16_to_29",
            "travel_areas": ["Leeds", "LS6"],
            "pay_expectation": "£12.50 an hour",
        },
    )
    sign_in(page, "alice", PASSWORD)

    page.goto("/employers/")
    assert_accessible(page)
    go(page, page.get_by_role("link", name="Add an employer"))
    page.get_by_role("button", name="Add employer").click()  # no name: refused beside the field
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    page.get_by_label("Organisation name").fill("Greenway Garden Centre")
    page.get_by_label("Sector (SIC 2007 section)").select_option("G")
    page.get_by_label("Small (10 to 49 staff)").check()
    page.get_by_label("Town").fill("Leeds")
    page.get_by_label("Postcode district").fill("LS6")
    go(page, page.get_by_role("button", name="Add employer"))
    assert page.get_by_role("heading", name="Greenway Garden Centre").is_visible()

    go(page, page.get_by_role("link", name="Record a contact"))
    page.get_by_label("Yes").check()
    page.get_by_label("Discussing a vacancy").check()
    page.get_by_label("Jordan Rivers").check()
    go(page, page.get_by_role("button", name="Save contact"))
    assert Engagement.objects.filter(face_to_face=True, participants=person).count() == 1

    go(page, page.get_by_role("link", name="Add a vacancy"))
    page.get_by_label("Job title").fill("Garden centre assistant")
    page.get_by_label("Kind of job (SOC 2020 group)").select_option("92")
    page.get_by_label("Hidden (not advertised)").check()
    page.get_by_label("Hours a week").fill("20")
    page.get_by_label("Pay in pounds").fill("12.80")
    page.get_by_label("An hour").check()
    go(page, page.get_by_role("button", name="Add vacancy"))
    vacancy = Vacancy.objects.get(source="hidden")
    assert page.get_by_role("link", name="Jordan Rivers", exact=True).is_visible()  # ranked for the vacancy

    go(page, page.get_by_role("link", name="Suggest to Jordan Rivers"))
    page.get_by_label("Suggested to them").check()
    go(page, page.get_by_role("button", name="Save"))
    assert Match.objects.get(participant=person, vacancy=vacancy).status == "suggested"
    assert page.get_by_text("a kind of job they want").first.is_visible()

    page.goto(f"/placements/participants/{person.pk}/new/?vacancy={vacancy.pk}")
    assert_accessible(page)
    started = today - dt.timedelta(days=95)
    page.get_by_label("Day").fill(str(started.day))
    page.get_by_label("Month").fill(str(started.month))
    page.get_by_label("Year").fill(str(started.year))
    page.get_by_label("Permanent").check()
    go(page, page.get_by_role("button", name="Save job start"))
    job = JobStart.objects.get(participant=person)
    assert job.competitive and job.vacancy == vacancy
    reached = started + dt.timedelta(days=13 * 7 - 1)
    assert page.get_by_text(f"Reached on {reached.day} {reached:%B %Y}").first.is_visible()
    assert page.get_by_text("13 weeks in work").is_visible()
