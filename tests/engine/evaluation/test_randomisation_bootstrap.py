"""Randomisation inference against exact enumeration, and the wild cluster bootstrap against a loop.

References:
* randomisation inference: every assignment a small stratified design allows, enumerated here with
  ``itertools``, each re-analysed by least squares (``numpy.linalg.lstsq``) on the adjusted outcomes
  ``y - tau0 t`` with stratum fixed effects (Imbens and Rubin 2015, chapter 5);
* wild cluster bootstrap: a straightforward loop over bootstrap samples (Cameron, Gelbach and Miller 2008):
  form ``y*`` from the restricted fit and cluster-weighted residuals, refit by ``lstsq``, compute the CR1
  variance cluster by cluster; and statsmodels' cluster covariance for the observed t statistic.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from placewell.engine.evaluation.bootstrap import bootstrap_weights, wcr_t_stats, wild_cluster_bootstrap
from placewell.engine.evaluation.errors import InvalidValueError
from placewell.engine.evaluation.randomisation_inference import (
    all_assignments,
    permutation_distribution,
    permuted_assignments,
    randomisation_inference,
)


@pytest.fixture
def tiny() -> pd.DataFrame:
    """Two strata (7 and 6 people; 3 and 2 treated): 35 x 15 = 525 possible assignments."""
    rng = np.random.default_rng(5)
    stratum = np.array([0] * 7 + [1] * 6)
    t = np.array([1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0])
    y = np.round(rng.exponential(300, 13) * (rng.uniform(size=13) < 0.6), 2) + 150 * t + 80 * stratum
    return pd.DataFrame({"y": y, "t": t, "stratum": stratum, "age": rng.normal(40, 10, 13)})


def enumerated_p(df: pd.DataFrame, tau0: float, covariate: bool = False) -> float:
    """Exact p-value by enumeration: the stratified regression estimate for every allowed assignment."""
    y0 = df["y"].to_numpy() - tau0 * df["t"].to_numpy()
    s = df["stratum"].to_numpy()
    base = [np.ones(len(df)), (s == 1).astype(float)] + ([df["age"].to_numpy()] if covariate else [])
    Z = np.column_stack(base)
    ytil = y0 - Z @ np.linalg.lstsq(Z, y0, rcond=None)[0]

    def stat(d: np.ndarray) -> float:
        if covariate:  # the residualised statistic d' M_Z z
            return float(d @ ytil)
        X = np.column_stack([np.ones(len(d)), d, (s == 1).astype(float)])
        return float(np.linalg.lstsq(X, y0, rcond=None)[0][1])

    observed = abs(stat(df["t"].to_numpy().astype(float)))
    idx0, idx1 = np.flatnonzero(s == 0), np.flatnonzero(s == 1)
    n0, n1 = int(df["t"][s == 0].sum()), int(df["t"][s == 1].sum())
    hits = total = 0
    for c0 in itertools.combinations(idx0, n0):
        for c1 in itertools.combinations(idx1, n1):
            d = np.zeros(len(df))
            d[list(c0) + list(c1)] = 1.0
            total += 1
            hits += abs(stat(d)) >= observed - 1e-9 * (observed + 1)
    assert total == 525
    return hits / total


@pytest.mark.parametrize("tau0", [0.0, 100.0, 150.0, -50.0, 400.0])
def test_exact_p_values_equal_enumeration(tiny: pd.DataFrame, tau0: float) -> None:
    y, t = tiny["y"].to_numpy(), tiny["t"].to_numpy().astype(bool)
    s = tiny["stratum"].to_numpy().astype(np.intp)
    Z = np.column_stack([np.ones(13), (s == 1).astype(float)])
    dist = permutation_distribution(y, t, Z, s, exact=True)
    assert len(dist.a) == 525
    assert dist.p_value(tau0) == pytest.approx(enumerated_p(tiny, tau0), abs=1e-12)


def test_exact_p_value_with_a_covariate_equals_enumeration(tiny: pd.DataFrame) -> None:
    res = randomisation_inference(tiny, "y", "t", ["age"], strata="stratum", exact=True)
    assert res.permutations == 525
    assert res.p_value == pytest.approx(enumerated_p(tiny, 0.0, covariate=True), abs=1e-12)


def test_exact_interval_ends_are_where_enumeration_starts_to_reject(tiny: pd.DataFrame) -> None:
    res = randomisation_inference(tiny, "y", "t", strata="stratum", exact=True, level=90)
    ols = sm.OLS(tiny["y"], sm.add_constant(tiny[["t", "stratum"]].astype(float))).fit()
    assert res.estimate == pytest.approx(ols.params["t"], rel=1e-10)
    assert res.ci_low < res.estimate < res.ci_high
    eps = 1e-6 * (res.ci_high - res.ci_low)
    for end, outward in ((res.ci_low, -eps), (res.ci_high, eps)):
        assert enumerated_p(tiny, end - outward) > 0.10  # just inside: not rejected
        assert enumerated_p(tiny, end + outward) <= 0.10  # just outside: rejected


def test_random_permutations_approach_the_exact_p_value(tiny: pd.DataFrame) -> None:
    exact = enumerated_p(tiny, 0.0)
    res = randomisation_inference(tiny, "y", "t", strata="stratum", permutations=40_000, seed=3)
    sd = np.sqrt(exact * (1 - exact) / 40_000)
    assert abs(res.p_value - exact) < 4 * sd + 1 / 40_000


@pytest.mark.parametrize("n_cells", [3, 200])  # the cell-by-cell and the sorted-keys shuffles
def test_re_randomisation_keeps_the_number_treated_in_every_cell(n_cells: int) -> None:
    rng = np.random.default_rng(1)
    codes = rng.integers(0, n_cells, 1200).astype(np.intp)
    treated = rng.uniform(size=1200) < np.where(codes % 2 == 0, 0.3, 0.6)  # ratio varies by cell
    rows = np.concatenate(list(permuted_assignments(codes, treated, 500, np.random.default_rng(2))))
    assert rows.shape == (500, 1200)
    for code in range(n_cells):
        cell = codes == code
        assert (rows[:, cell].sum(axis=1) == treated[cell].sum()).all()
    # Each unit is treated in about its cell's share of re-randomisations (uniform within the cell).
    share = rows.mean(axis=0)
    expected = np.array([treated[codes == c].mean() for c in codes])
    assert np.abs(share - expected).max() < 0.12
    assert not (rows == rows[0]).all()


def test_blocks_and_periods_are_crossed_with_strata() -> None:
    rng = np.random.default_rng(4)
    n = 400
    df = pd.DataFrame({"stratum": rng.integers(0, 2, n), "period": rng.integers(0, 3, n)})
    df["t"] = (rng.uniform(size=n) < np.where(df["period"] == 2, 0.25, 0.5)).astype(int)
    df["y"] = rng.normal(size=n) + 0.3 * df["t"] + df["period"]
    res = randomisation_inference(df, "y", "t", strata="stratum", blocks="period", permutations=999)
    assert res.cells == 6
    assert res.ci_low < res.estimate < res.ci_high
    assert 0 < res.p_value <= 1


def test_too_large_a_design_to_enumerate_is_refused() -> None:
    codes = np.zeros(60, dtype=np.intp)
    treated = np.arange(60) < 30
    with pytest.raises(InvalidValueError, match="enumerated"):
        all_assignments(codes, treated)


def loop_wcr(X: np.ndarray, y: np.ndarray, clusters: np.ndarray, j: int, V: np.ndarray) -> np.ndarray:
    """The restricted wild cluster bootstrap written as a loop over samples."""
    n, k = X.shape
    G = clusters.max() + 1
    Xr = np.delete(X, j, axis=1)
    beta_r = np.linalg.lstsq(Xr, y, rcond=None)[0]
    fitted_r = Xr @ beta_r
    resid_r = y - fitted_r
    bread = np.linalg.inv(X.T @ X)
    out = np.empty(V.shape[1])
    for b in range(V.shape[1]):
        y_star = fitted_r + V[clusters, b] * resid_r
        beta = np.linalg.lstsq(X, y_star, rcond=None)[0]
        e = y_star - X @ beta
        meat = np.zeros((k, k))
        for g in range(G):
            s = X[clusters == g].T @ e[clusters == g]
            meat += np.outer(s, s)
        vcov = G / (G - 1) * (n - 1) / (n - k) * bread @ meat @ bread
        out[b] = beta[j] / np.sqrt(vcov[j, j])
    return out


@pytest.mark.parametrize("weight_type", ["rademacher", "webb"])
def test_wild_cluster_bootstrap_equals_a_loop(data: pd.DataFrame, weight_type: str) -> None:
    df = data.iloc[:400]
    clusters = (df["specialist"].to_numpy() % 9).astype(np.intp)
    X = sm.add_constant(df[["t", "age"]].astype(float)).to_numpy()
    y = df["y"].to_numpy()
    V, _ = bootstrap_weights(9, 300, weight_type, np.random.default_rng(8))  # type: ignore[arg-type]
    t_obs, t_star = wcr_t_stats(X, y, clusters, 1, V)
    np.testing.assert_allclose(t_star, loop_wcr(X, y, clusters, 1, V), rtol=1e-8)
    ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": clusters})
    assert t_obs == pytest.approx(ref.tvalues[1], rel=1e-8)


@pytest.mark.parametrize("tau0", [0.3, -1.0])
def test_wild_cluster_bootstrap_under_another_null_equals_a_loop(data: pd.DataFrame, tau0: float) -> None:
    # Imposing coef = tau0 is the same as imposing 0 on y - tau0 * t (the loop's way).
    df = data.iloc[:300]
    clusters = (df["specialist"].to_numpy() % 7).astype(np.intp)
    X = sm.add_constant(df[["t", "age"]].astype(float)).to_numpy()
    y = df["y"].to_numpy()
    V, _ = bootstrap_weights(7, 200, "webb", np.random.default_rng(4))
    t_obs, t_star = wcr_t_stats(X, y, clusters, 1, V, tau0)
    np.testing.assert_allclose(t_star, loop_wcr(X, y - tau0 * X[:, 1], clusters, 1, V), rtol=1e-8)
    ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": clusters})
    assert t_obs == pytest.approx((ref.params[1] - tau0) / ref.bse[1], rel=1e-8)


def test_wild_cluster_bootstrap_result(data: pd.DataFrame) -> None:
    df = data.assign(site=data["specialist"] % 8)
    res = wild_cluster_bootstrap(df, "y", "t", "site", ["age"], weight_type="rademacher", draws=999)
    assert res.enumerated and res.draws == 256 and res.n_clusters == 8
    X = sm.add_constant(df[["t", "age"]].astype(float)).to_numpy()
    V, _ = bootstrap_weights(8, 999, "rademacher", np.random.default_rng(0))
    t_obs, t_star = wcr_t_stats(X, df["y"].to_numpy(), df["site"].to_numpy().astype(np.intp), 1, V)
    assert res.p_value == pytest.approx(np.mean(np.abs(t_star) >= abs(t_obs) * (1 - 1e-12)))
    assert res.ci_low < res.estimate < res.ci_high
    assert res.level == pytest.approx(95)
    # At the interval's ends the bootstrap p-value is the test's size.
    for end in (res.ci_low, res.ci_high):
        _, t_in = wcr_t_stats(X, df["y"].to_numpy(), df["site"].to_numpy().astype(np.intp), 1, V, end)
        t_end = (res.estimate - end) / res.se_cr1
        assert np.mean(np.abs(t_in) >= abs(t_end) * (1 - 1e-12)) > 0.05 - 1 / 256
