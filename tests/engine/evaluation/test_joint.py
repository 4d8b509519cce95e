"""Joint inference across outcomes and Monte Carlo draws from the joint sampling distribution.

References: statsmodels ``WLS``/``OLS`` on the stacked (long) data set with a block-diagonal design, one
block per outcome, and the cluster-by-person covariance without small-sample factor
(``cov_type="cluster", use_correction=False``), which is the stacked-regression (SUR with identical
regressors) sandwich; the diagonal of the HC2 version is checked against :func:`estimate_itt`. Joint draws
are checked against the covariance they are built from, within four standard errors of a sample
covariance (for normal draws ``Var(s_jk) = (s_jj s_kk + s_jk^2) / N``), and a ratio that is linear in the
impacts against its variance in closed form.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from placewell.engine.evaluation import GroupInputs, Impact, estimate_itt, load_parameters, monte_carlo
from placewell.engine.evaluation.economics import draw_impacts
from placewell.engine.evaluation.joint import joint_impacts

OUTCOMES = ["employed", "y", "earn"]


@pytest.fixture
def frame(data: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(9)
    df = data.copy()
    df["earn"] = df["employed"] * rng.lognormal(8, 0.6, len(df)) + 300 * df["t"] * df["employed"]
    df.loc[rng.uniform(size=len(df)) < 0.3, "y"] = np.nan  # a survey outcome with non-response
    df.index = rng.permutation(len(df)) * 7  # an index that is not 0..n-1
    return df


def stacked_reference(df: pd.DataFrame, weights: str | dict | None, strata: bool) -> np.ndarray:
    blocks = []
    for outcome in OUTCOMES:
        part = df[df[outcome].notna()]
        cols = part[["t", "age"]].astype(float)
        if strata:
            cols = pd.concat(
                [cols, pd.get_dummies(part["stratum"], prefix="s", drop_first=True).astype(float)], axis=1
            )
        cols = sm.add_constant(cols, has_constant="add")
        design = pd.DataFrame(
            0.0, index=range(len(part)), columns=[f"{c}@{o}" for o in OUTCOMES for c in cols]
        )
        for c in cols:
            design[f"{c}@{outcome}"] = cols[c].to_numpy()
        design["__y"] = part[outcome].to_numpy() * (100.0 if outcome == "employed" else 1.0)
        design["__person"] = part.index.to_numpy()
        w_col = weights.get(outcome) if isinstance(weights, dict) else weights
        design["__w"] = part[w_col].to_numpy() if w_col else 1.0
        blocks.append(design)
    long = pd.concat(blocks, ignore_index=True)
    X = long.drop(columns=["__y", "__person", "__w"])
    fit = sm.WLS(long["__y"], X, weights=long["__w"]).fit(
        cov_type="cluster", cov_kwds={"groups": long["__person"].to_numpy(), "use_correction": False}
    )
    names = [f"t@{o}" for o in OUTCOMES]
    return fit.params[names].to_numpy(), fit.cov_params().loc[names, names].to_numpy()


@pytest.mark.parametrize("weights", [None, "w", {"y": "w"}])  # the last: only the survey outcome weighted
@pytest.mark.parametrize("strata", [False, True])
def test_hc0_joint_covariance_equals_the_stacked_regression(
    frame: pd.DataFrame, weights: str | None, strata: bool
) -> None:
    params, vcov = stacked_reference(frame, weights, strata)
    joint = joint_impacts(frame, OUTCOMES, "t", ["age"], weights, "stratum" if strata else None, se="HC0")
    np.testing.assert_allclose(joint.effects, params, rtol=1e-9)
    np.testing.assert_allclose(joint.vcov, vcov, rtol=1e-8)
    assert joint.units == ("ppt", "natural", "natural")


@pytest.mark.parametrize("weights", [None, "w"])
def test_hc2_joint_diagonal_equals_estimate_itt(frame: pd.DataFrame, weights: str | None) -> None:
    joint = joint_impacts(frame, OUTCOMES, "t", ["age"], weights, "stratum")
    for j, outcome in enumerate(OUTCOMES):
        est = estimate_itt(frame, outcome, "t", ["age"], weights=weights, strata="stratum")
        assert joint.effects[j] == pytest.approx(est.effect, rel=1e-9)
        assert joint.se[j] == pytest.approx(est.se, rel=1e-8)
    corr = joint.correlation
    assert corr[0, 2] > 0.3  # employment and earnings move together in these data
    roles = joint.role_correlations({"employment": "employed", "earnings": "earn"})
    assert roles == (("employment", "earnings", pytest.approx(corr[0, 2])),)


def inputs(correlations: tuple[tuple[str, str, float], ...]) -> GroupInputs:
    return GroupInputs(
        group="g",
        cost=2000.0,
        employment=Impact(3.0, 1.5),
        earnings=Impact(400.0, 250.0),
        health=Impact(0.03, 0.012),
        correlations=correlations,
    )


CORR = (("employment", "earnings", 0.6), ("earnings", "health", -0.2), ("employment", "health", 0.1))


def test_joint_draws_reproduce_the_covariance() -> None:
    n = 200_000
    sampled = draw_impacts(inputs(CORR), n, np.random.default_rng(1))
    draws = np.column_stack([sampled["employment"], sampled["earnings"], sampled["health"]])
    se = np.array([1.5, 250.0, 0.012])
    corr = np.eye(3)
    corr[0, 1] = corr[1, 0] = 0.6
    corr[1, 2] = corr[2, 1] = -0.2
    corr[0, 2] = corr[2, 0] = 0.1
    target = corr * np.outer(se, se)
    sample = np.cov(draws, rowvar=False)
    tolerance = 4 * np.sqrt((np.outer(np.diag(target), np.diag(target)) + target**2) / n)
    assert (np.abs(sample - target) < tolerance).all()
    np.testing.assert_allclose(draws.mean(axis=0), [3.0, 400.0, 0.03], atol=4 * se.max() / np.sqrt(n))
    assert (sampled["life_satisfaction"] == 0).all()


def test_financial_ratio_carries_the_correlation() -> None:
    params = load_parameters()
    tax = sum(params[k].value for k in ("income_tax_rate", "employee_ni_rate", "employer_ni_rate"))
    saving = params["benefit_saving_per_job"].value / 100
    # financial = tax * earnings + saving * employment (points), divided by the cost
    for rho in (0.6, -0.6):
        corr = (("employment", "earnings", rho),)
        joint = monte_carlo(inputs(corr), params, draws=200_000, seed=2)["financial"].draws
        var = (tax * 250.0) ** 2 + (saving * 1.5) ** 2 + 2 * rho * tax * 250.0 * saving * 1.5
        assert np.var(joint) * 2000.0**2 == pytest.approx(var, rel=0.02)
    independent = monte_carlo(inputs(CORR), params, draws=5_000, seed=3, independent=True)
    no_corr = monte_carlo(inputs(()), params, draws=5_000, seed=3)
    np.testing.assert_array_equal(independent["economic"].draws, no_corr["economic"].draws)


def test_categorical_covariates_are_treated_as_in_estimate_itt(frame: pd.DataFrame) -> None:
    from placewell.engine.evaluation import randomisation_inference

    df = frame.assign(band=np.digitize(frame["age"], [30, 45, 60]))  # codes 0-3 that are categories
    joint = joint_impacts(df, ["employed", "earn"], "t", ["band"], categorical=["band"])
    for j, outcome in enumerate(["employed", "earn"]):
        est = estimate_itt(df, outcome, "t", ["band"], categorical=["band"])
        assert joint.se[j] == pytest.approx(est.se, rel=1e-8)
        numeric = estimate_itt(df, outcome, "t", ["band"])
        assert abs(est.effect - numeric.effect) > 1e-9  # the choice matters
    ri = randomisation_inference(df, "earn", "t", ["band"], categorical=["band"], permutations=99)
    assert ri.estimate == pytest.approx(estimate_itt(df, "earn", "t", ["band"], categorical=["band"]).effect)
