"""The evaluation pipeline's Monte Carlo draws carry the correlation between the impact estimates.

Reference: :func:`placewell.engine.evaluation.joint.joint_impacts` (itself checked against the stacked
statsmodels regression in ``test_joint.py``) run directly on the same rows, with the survey outcome's
non-response weights from :func:`nonresponse_weights`. The draws' sample correlation must equal its
correlation within Monte Carlo error; ``independent_draws = true`` must give the draws made before joint
draws existed, exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from placewell.engine.evaluation import GroupInputs, Impact, load_parameters, monte_carlo, run_evaluation
from placewell.engine.evaluation.config import parse_config
from placewell.engine.evaluation.joint import joint_impacts
from placewell.engine.evaluation.report import render_html
from placewell.engine.evaluation.weights import nonresponse_weights

DRAWS = 20_000


def correlated_trial(seed: int = 17, n: int = 3000) -> pd.DataFrame:
    """Employment, earnings only for those in work, and health that improves with work: correlated."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 2, n)
    age = rng.normal(40, 10, n)
    stratum = rng.choice(["north", "south"], n)
    employed = (rng.uniform(size=n) < 0.25 + 0.10 * t).astype(float)
    earnings = employed * rng.lognormal(9.0, 0.6, n)
    health = 0.6 + 0.08 * employed + 0.01 * t + rng.normal(0, 0.15, n)
    responded = rng.uniform(size=n) < 0.55 + 0.1 * t + 0.004 * (age - 40)
    return pd.DataFrame(
        {
            "t": t,
            "age": age,
            "stratum": stratum,
            "employed": employed,
            "earnings": earnings,
            "health": np.where(responded, health, np.nan),
            "responded": responded.astype(int),
        }
    )


def plan(**economics: object) -> dict[str, object]:
    return {
        "treatment": "t",
        "covariates": ["age"],
        "strata": ["stratum"],
        "cost_key": "scr_iw",
        "outcomes": [
            {"column": "employed", "label": "Employment", "role": "employment"},
            {"column": "earnings", "label": "Earnings", "role": "earnings", "unit": "£"},
            {"column": "health", "label": "Health", "role": "health", "survey": True},
        ],
        "nonresponse": {"response": "responded", "covariates": ["age"]},
        "economics": {"draws": DRAWS, "seed": 5, **economics},
    }


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return correlated_trial()


@pytest.fixture(scope="module")
def joint_run(data: pd.DataFrame):  # type: ignore[no-untyped-def]
    return run_evaluation(data, parse_config(plan()))


def test_correlations_are_those_of_joint_impacts(data: pd.DataFrame, joint_run) -> None:  # type: ignore[no-untyped-def]
    nr = nonresponse_weights(data, "responded", "t", ["age"], trim_ratio=5.0)
    weighted = data.assign(w=nr.weights)
    joint = joint_impacts(
        weighted, ["employed", "earnings", "health"], "t", ["age"],
        {"employed": None, "earnings": None, "health": "w"}, ["stratum"],
    )  # fmt: skip
    expected = joint.role_correlations({"employment": "employed", "earnings": "earnings", "health": "health"})
    econ = joint_run.economics["All participants"]
    assert [(a, b) for a, b, _ in econ.correlations] == [(a, b) for a, b, _ in expected]
    np.testing.assert_allclose([r for *_, r in econ.correlations], [r for *_, r in expected], rtol=1e-9)
    # the simulated outcomes are correlated, so this test could not pass with independent draws
    assert {(a, b): r for a, b, r in expected}[("employment", "earnings")] > 0.5


def test_draws_reproduce_the_joint_covariance(joint_run) -> None:  # type: ignore[no-untyped-def]
    econ = joint_run.economics["All participants"]
    impacts = joint_run.impacts["All participants"]
    roles = ["employment", "earnings", "health"]
    columns = {"employment": "employed", "earnings": "earnings", "health": "health"}
    drawn = np.column_stack([econ.impact_draws[r] for r in roles])
    sample = np.corrcoef(drawn, rowvar=False)
    for a, b, rho in econ.correlations:
        i, j = roles.index(a), roles.index(b)
        # standard error of a sample correlation from normal draws: (1 - rho^2) / sqrt(N)
        assert abs(sample[i, j] - rho) < 4 * (1 - rho**2) / math.sqrt(DRAWS)
    for k, role in enumerate(roles):
        se = impacts[columns[role]].se
        assert abs(drawn[:, k].std(ddof=1) / se - 1) < 4 / math.sqrt(2 * DRAWS)
        assert abs(drawn[:, k].mean() - impacts[columns[role]].effect) < 4 * se / math.sqrt(DRAWS)


def test_the_ratios_are_made_from_those_draws(joint_run) -> None:  # type: ignore[no-untyped-def]
    econ = joint_run.economics["All participants"]
    p = load_parameters()
    tax = p["income_tax_rate"].value + p["employee_ni_rate"].value + p["employer_ni_rate"].value
    financial = (
        tax * econ.impact_draws["earnings"]
        + econ.impact_draws["employment"] / 100 * p["benefit_saving_per_job"].value
    ) / econ.returns.cost
    np.testing.assert_allclose(econ.distributions["financial"].draws, financial, rtol=1e-12)


def test_independent_draws_are_the_old_draws_exactly(data: pd.DataFrame, joint_run) -> None:  # type: ignore[no-untyped-def]
    run = run_evaluation(data, parse_config(plan(independent_draws=True)))
    econ = run.economics["All participants"]
    assert econ.correlations == ()
    impacts = run.impacts["All participants"]
    old = GroupInputs(
        group="All participants",
        cost=load_parameters()["cost_per_treated_recruit.scr_iw"].value,
        employment=Impact(impacts["employed"].effect, impacts["employed"].se, impacts["employed"].df_resid),
        earnings=Impact(impacts["earnings"].effect, impacts["earnings"].se, impacts["earnings"].df_resid),
        health=Impact(impacts["health"].effect, impacts["health"].se, impacts["health"].df_resid),
    )
    expected = monte_carlo(old, load_parameters(), draws=DRAWS, seed=5)
    for name in ("financial", "economic"):
        np.testing.assert_array_equal(econ.distributions[name].draws, expected[name].draws)
    joint = joint_run.economics["All participants"].distributions["financial"].draws
    assert not np.array_equal(joint, expected["financial"].draws)


def test_the_report_says_how_the_draws_were_made(data: pd.DataFrame, joint_run) -> None:  # type: ignore[no-untyped-def]
    html = render_html(joint_run)
    assert "carrying the estimated correlation" in html
    rho = {(a, b): r for a, b, r in joint_run.economics["All participants"].correlations}
    assert f"employment and earnings {rho[('employment', 'earnings')]:.2f}" in html
    independent = render_html(run_evaluation(data, parse_config(plan(independent_draws=True))))
    assert "take each impact independently" in independent
