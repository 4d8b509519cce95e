"""A browser journey through a trial's analysis: an evaluator starts the default plan, edits it, locks it,
runs it and reads the report, with axe-core (WCAG 2.2 AA) checking every page on the way."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


@pytest.fixture
def analysed_trial(world, settings, monkeypatch):  # type: ignore[no-untyped-def]
    from placewell.governance.pseudonyms import KEY_ENV
    from tests.analysis import simulated

    monkeypatch.setenv(KEY_ENV, "analysis-browser-test-key-0123456789-abcdefgh")
    return simulated.build(world, scale=0.03, seed=11)


def test_plan_lock_run_and_report(page, world, analysed_trial) -> None:  # type: ignore[no-untyped-def]
    trial = analysed_trial.trial
    sign_in(page, "evan", PASSWORD)
    page.goto(f"/trials/{trial.pk}/")
    page.get_by_role("link", name="Analysis", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Analysis: {trial.name}").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Start a new plan from the default").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Edit analysis plan version 1").is_visible()
    assert_accessible(page)
    page.get_by_label("Baseline covariates").fill("shoe_size")
    page.get_by_role("button", name="Save the plan").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        "Covariate 'shoe_size' is not a column of the analysis dataset"
    ).first.is_visible()
    assert_accessible(page)
    page.get_by_label("Baseline covariates").fill("age_band, gender, baseline_eq5d")
    page.get_by_label("Subgroup variables").fill("gender")
    page.get_by_label("Outcomes analysed by subgroup").fill("employed_13wk")
    page.get_by_label("Monte Carlo draws", exact=True).fill("500")
    page.get_by_role("button", name="Save the plan").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("Analysis plan version 1")).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Lock the plan").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Lock the plan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Version 1 is locked").is_visible()
    assert page.get_by_role("link", name="Edit the plan").count() == 0

    page.get_by_role("button", name="Run the analysis").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("Analysis run")).is_visible()
    assert page.get_by_role("heading", name=re.compile("Analysis report")).is_visible()
    assert page.get_by_role(
        "img", name="Flow of participants through the trial (CONSORT diagram)"
    ).is_visible()
    assert page.get_by_text(
        "Primary outcomes (the layout of DWP research report 1025, Table 2.1)"
    ).is_visible()
    assert page.get_by_role("link", name="Download the report (PDF)").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
