"""The job-start page shows every mistake at once (GOV.UK Design System, "Error summary": list every error on
the page), in plain English, and saves nothing until all are put right."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.placements.models import JobStart
from tests.casework.conftest import at, supported

TODAY = dt.date(2025, 9, 15)


@pytest.fixture
def person(world):  # type: ignore[no-untyped-def]
    return supported(world, started=dt.date(2025, 6, 2))


def job_post(**overrides: str) -> dict[str, str]:
    data = {
        "employer": "",
        "employer_name": "Kirkgate Café",
        "job_title": "Kitchen porter",
        "soc": "92",
        "started_on_0": "1",
        "started_on_1": "9",
        "started_on_2": "2025",
        "hours": "20",
        "hourly_pay": "12.21",
        "contract_type": "permanent",
        "open_to_anyone": "on",
        "through_service": "on",
    }
    data.update(overrides)
    return data


def test_every_mistake_on_the_job_start_page_is_shown_at_once(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    url = f"/placements/participants/{person.pk}/new/"
    with time_machine.travel(at(TODAY, 12), tick=False):
        response = client.post(
            url,
            job_post(
                employer_name="",
                job_title="",
                hours="0",
                hourly_pay="900",
                started_on_0="1",
                started_on_1="1",
                started_on_2="2026",
            ),
        )
    html = response.content.decode()
    assert response.status_code == 200
    expected = [
        "Enter the job title",
        "Select the employer or enter its name",
        "Hours a week must be more than 0",
        "Hourly pay must be £500 or less: enter the pay for one hour",
        "The start date must be today or in the past: record the job once they start",
    ]
    summary = html.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    for message in expected:
        assert message in summary, message
    assert summary.count("<li>") == len(expected)
    assert not JobStart.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": "lots"}, "Contracted hours a week must be a number"),
        ({"hours": "101"}, "Hours a week must be 100 or fewer"),
        ({"hourly_pay": "-1"}, "Hourly pay must be more than £0"),
        ({"hourly_pay": "12.345"}, "Hourly pay in pounds must have no more than 2 decimal places"),
        ({"soc": "nonsense"}, "Select kind of job from the options shown"),
        ({"job_title": "x" * 201}, "Job title must be 200 characters or fewer"),
    ],
)
def test_bad_values_get_a_plain_message_and_nothing_is_saved(client_as, person, overrides, message) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    with time_machine.travel(at(TODAY, 12), tick=False):
        response = client.post(f"/placements/participants/{person.pk}/new/", job_post(**overrides))
    html = response.content.decode()
    assert message in html
    assert "Ensure this value" not in html and "Enter a number." not in html
    assert not JobStart.objects.exists()


def test_a_self_employed_start_needs_no_employer(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    with time_machine.travel(at(TODAY, 12), tick=False):
        response = client.post(
            f"/placements/participants/{person.pk}/new/",
            job_post(employer_name="", contract_type="self_employed"),
        )
    assert response.status_code == 302
    assert JobStart.objects.get().employer_name == "Self-employed"
