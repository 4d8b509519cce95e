"""Words people should never see: source-file numbering instead of a published report's name, and
questionnaires by their internal ids ("gad7", "ons4") instead of their names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import placewell
from tests.surveys.conftest import SWEMWBS_ALL_FOURS, agree, baseline_invitation

SRC = Path(placewell.__file__).resolve().parent
NUMBERING = re.compile(r"\bseeds? ?\d{3}\b|\bthe seed's\b|\bseeds? (?:file|document)s?\b", re.IGNORECASE)
TEXT_FILES = {".py", ".html", ".txt", ".md", ".toml", ".json", ".csv", ".j2", ".jinja"}


def test_no_source_file_numbering_anywhere_in_the_product() -> None:
    """Pages, reports, exports, docstrings and comments cite the published report by its title (for example
    "DWP research report 1025, Table 2.1"), never the number of a file in the project's source folder."""
    offenders = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in TEXT_FILES or "node_modules" in path.parts or "static" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if NUMBERING.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()[:100]}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    "text", ["(seed 001, section 3.3)", "the layout of seed 001, Table 2.1", "seeds 000"]
)
def test_the_numbering_check_catches_what_was_seen(text: str) -> None:
    assert NUMBERING.search(text)


@pytest.mark.parametrize("text", ["seed = 20190101", "the random seed", "a secret seed"])
def test_the_numbering_check_leaves_random_seeds_alone(text: str) -> None:
    assert not NUMBERING.search(text)


@pytest.fixture
def agreed(world):  # type: ignore[no-untyped-def]
    return agree(world)


def test_the_surveys_page_names_each_questionnaire(client_as, world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts.models import AuditEvent
    from placewell.surveys import services

    response = services.record_response(
        by=world.alice,
        participant=agreed,
        instrument_id="swemwbs",
        answers=SWEMWBS_ALL_FOURS,
        mode="phone",
        invitation=baseline_invitation(agreed),
    )
    html = client_as("alice").get(f"/surveys/participants/{agreed.pk}/").content.decode()
    assert ">SWEMWBS</a>" in html
    assert ">swemwbs<" not in html
    client_as("alice").get(f"/surveys/responses/{response.pk}/")
    event = AuditEvent.objects.filter(record_type="survey_response", action="view").latest("id")
    assert event.summary == "Viewed SWEMWBS response"
