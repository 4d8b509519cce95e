"""Casework forms through their pages: several answers to a multiple-choice question are all saved, free text
has a limit with a plain message, and bad values say what to do (never Django's own wording)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.casework.models import Contact, ProfileVersion
from placewell.ui.forms import FREE_TEXT_LIMIT
from tests.casework.conftest import at, supported

TODAY = dt.date(2027, 3, 20)
DJANGO_WORDING = (
    "Ensure this value",
    "This field is required.",
    "Enter a whole number.",
    "Select a valid choice",
)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(at(TODAY, 12), tick=False):
        yield


@pytest.fixture
def person(world):  # type: ignore[no-untyped-def]
    return supported(world, started=dt.date(2027, 3, 1), given_name="Rowan")


def contact(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "day_0": "20",
        "day_1": "3",
        "day_2": "2027",
        "time": "10:30",
        "duration_minutes": "40",
        "mode": "face_to_face",
        "place": "community",
        "whom": ["participant", "employer", "family"],
        "purposes": ["job_search", "applications", "benefits"],
        "note": "",
    }
    data.update(overrides)
    return data


def test_every_ticked_person_and_purpose_is_saved(client_as, person) -> None:  # type: ignore[no-untyped-def]
    response = client_as("alice").post(f"/casework/participants/{person.pk}/contacts/", contact())
    assert response.status_code == 302
    saved = Contact.objects.get(participant=person)
    assert sorted(saved.whom) == ["employer", "family", "participant"]
    assert sorted(saved.purposes) == ["applications", "benefits", "job_search"]


def test_a_note_over_the_limit_is_refused_with_a_clear_message_and_nothing_saved(client_as, person) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    url = f"/casework/participants/{person.pk}/contacts/"
    html = client.post(url, contact(note="x" * 50_000)).content.decode()
    assert "Note must be 10,000 characters or fewer: shorten it and try again" in html
    assert "govuk-error-summary" in html
    assert not Contact.objects.exists()
    # At the limit it saves, every character kept.
    assert client.post(url, contact(note="x" * FREE_TEXT_LIMIT)).status_code == 302
    assert len(Contact.objects.get().note) == FREE_TEXT_LIMIT


def test_every_mistake_is_shown_at_once_in_plain_words(client_as, person) -> None:  # type: ignore[no-untyped-def]
    html = (
        client_as("alice")
        .post(
            f"/casework/participants/{person.pk}/contacts/",
            contact(duration_minutes="", mode="teleport", whom=[], purposes=["nonsense"], time=""),
        )
        .content.decode()
    )
    summary = html.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    for message in (
        "Enter how long it took, in minutes",
        "Select how from the options shown",
        "Select who the contact was with",
        "Select what it was for from the options shown",
        "Enter time",
    ):
        assert message in summary, message
    assert not any(words in html for words in DJANGO_WORDING)
    assert not Contact.objects.exists()


def test_the_profile_keeps_every_job_type(client_as, person) -> None:  # type: ignore[no-untyped-def]
    response = client_as("alice").post(
        f"/casework/participants/{person.pk}/profile/change/",
        {"job_goals": "Outdoor work", "job_types": ["9", "6", "51"], "travel_areas": "Leeds"},
    )
    assert response.status_code == 302
    assert sorted(ProfileVersion.objects.get(participant=person).job_types) == ["51", "6", "9"]
