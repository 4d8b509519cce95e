"""The trials tests test the trials app on its own: the surveys app's baseline step (registered when both
apps are installed) is taken out for each test, except where a test asks for it with the ``survey_baseline``
fixture (``test_survey_link.py``, which tests the two apps together)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _trials_on_their_own(request: pytest.FixtureRequest) -> Iterator[None]:
    from placewell.trials import baseline

    step = next((s for s in baseline.baseline_steps() if s.key == "survey-baseline"), None)
    if step is None or "survey_baseline" in request.fixturenames:
        yield
        return
    baseline.unregister_baseline_step(step.key)
    try:
        yield
    finally:
        baseline.register_baseline_step(step)


@pytest.fixture
def survey_baseline() -> object:
    """The surveys app's baseline step, as registered by the trials app when both are installed."""
    from placewell.trials import baseline
    from placewell.trials.survey_link import STEP_KEY

    return next(s for s in baseline.baseline_steps() if s.key == STEP_KEY)
