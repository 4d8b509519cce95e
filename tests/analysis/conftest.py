"""Fixtures for the analysis tests: the research key, randomisation without the baseline survey step (tested
in the trials app), analyses run in the request (``PLACEWELL_ANALYSIS_SYNC``), and helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

KEY = "analysis-test-research-key-0123456789-abcdefgh"


@pytest.fixture(autouse=True)
def _no_survey_baseline_step() -> Iterator[None]:
    from tests.trials.helpers import without_survey_baseline_step

    with without_survey_baseline_step():
        yield


@pytest.fixture(autouse=True)
def research_key(monkeypatch: pytest.MonkeyPatch) -> str:
    from placewell.governance.pseudonyms import KEY_ENV, KEY_FILE_ENV

    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return KEY


@pytest.fixture(autouse=True)
def _analyses_in_the_request(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_ANALYSIS_SYNC = True
