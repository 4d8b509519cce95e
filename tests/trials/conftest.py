"""The trials tests test the trials app on its own: the surveys app's baseline step (registered when both
apps are installed) is taken out for each test, except where a test asks for it with the ``survey_baseline``
fixture (``test_survey_link.py``, which tests the two apps together)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _trials_on_their_own(request: pytest.FixtureRequest) -> Iterator[None]:
    from tests.trials.helpers import without_survey_baseline_step

    if "survey_baseline" in request.fixturenames:
        yield
        return
    with without_survey_baseline_step():
        yield


@pytest.fixture
def survey_baseline() -> object:
    """The surveys app's baseline step, as registered by the trials app when both are installed."""
    from placewell.trials import baseline
    from placewell.trials.survey_link import STEP_KEY

    return next(s for s in baseline.baseline_steps() if s.key == STEP_KEY)
