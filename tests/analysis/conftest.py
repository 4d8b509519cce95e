"""Fixtures for the analysis tests: the research key, randomisation without the baseline survey step (tested
in the trials app) and helpers. Analyses run as jobs in django-q2's sync mode, inside the request (tests/conftest.py)."""

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
