"""CR2 cluster-robust errors and Lin's interacted adjustment against independent computations.

References:
* CR2 (Bell and McCaffrey 2002) and its degrees of freedom (Imbens and Kolesar 2016, Bell-McCaffrey
  Satterthwaite df): the published formulas written out here in plain numpy with the full ``n x n`` hat
  matrix, the matrix square root by ``scipy.linalg.sqrtm`` and the df from the eigenvalues of ``G'G``;
* CR1: statsmodels ``OLS(...).fit(cov_type="cluster")``;
* CR2 with one row per cluster is HC2: statsmodels ``cov_type="HC2"``;
* Lin (2013): statsmodels ``OLS``/``WLS`` on an interacted design built by hand with pandas, HC2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.linalg
import statsmodels.api as sm

from placewell.engine.evaluation import InvalidValueError, estimate_itt

REL = 1e-8


def design_matrix(df: pd.DataFrame, strata: bool) -> pd.DataFrame:
    cols = df[["t", "age", "income"]].astype(float)
    if strata:
        cols = pd.concat(
            [cols, pd.get_dummies(df["stratum"], prefix="s", drop_first=True).astype(float)], axis=1
        )
    return sm.add_constant(cols)


def cr2_reference(X: np.ndarray, y: np.ndarray, groups: np.ndarray, w: np.ndarray | None, j: int):
    """Bell-McCaffrey CR2 variance and df of coefficient ``j`` straight from the published formulas."""
    if w is not None:
        X = X * np.sqrt(w)[:, None]
        y = y * np.sqrt(w)
    n, k = X.shape
    bread = np.linalg.inv(X.T @ X)
    H = X @ bread @ X.T
    e = y - H @ y
    c = np.zeros(k)
    c[j] = 1.0
    meat = np.zeros((k, k))
    G_cols = []
    I_H = np.eye(n) - H
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        A = np.real(scipy.linalg.sqrtm(np.linalg.inv(I_H[np.ix_(idx, idx)])))
        s = X[idx].T @ A @ e[idx]
        meat += np.outer(s, s)
        G_cols.append(I_H[idx].T @ A @ X[idx] @ bread @ c)
    V = bread @ meat @ bread
    G = np.column_stack(G_cols)
    lam = np.linalg.eigvalsh(G.T @ G)
    return V[j, j], lam.sum() ** 2 / (lam**2).sum()


@pytest.fixture
def small(data: pd.DataFrame) -> pd.DataFrame:
    # 300 rows in 12 clusters of unequal size keep the n x n reference cheap.
    df = data.iloc[:300].copy()
    df["site"] = np.random.default_rng(3).choice(12, size=300, p=np.linspace(1, 3, 12) / 24)
    return df


@pytest.mark.parametrize("weights", [None, "w"])
@pytest.mark.parametrize("strata", [False, True])
def test_cr2_matches_the_published_formula(small: pd.DataFrame, weights: str | None, strata: bool) -> None:
    X = design_matrix(small, strata)
    w = small[weights].to_numpy() if weights else None
    var, df = cr2_reference(X.to_numpy(), small["y"].to_numpy(), small["site"].to_numpy(), w, 1)
    est = estimate_itt(
        small,
        "y",
        "t",
        ["age", "income"],
        weights=weights,
        strata="stratum" if strata else None,
        se="CR2",
        cluster="site",
    )
    assert est.se == pytest.approx(np.sqrt(var), rel=REL)
    assert est.df == pytest.approx(df, rel=1e-7)
    assert est.se_type == "CR2" and est.n_clusters == 12
    # The interval uses the small-sample df, not G - 1.
    from scipy import stats

    q = stats.t.ppf(0.975, df)
    assert est.ci(95) == pytest.approx((est.effect - q * est.se, est.effect + q * est.se), rel=1e-9)
    ref = sm.WLS(small["y"], X, weights=w).fit() if w is not None else sm.OLS(small["y"], X).fit()
    assert est.effect == pytest.approx(ref.params["t"], rel=REL)


def test_cr2_with_cluster_fixed_effects_uses_the_pseudo_inverse(small: pd.DataFrame) -> None:
    # Strata equal to the clusters make each I - H_gg singular; Bell and McCaffrey's adjustment then uses
    # the Moore-Penrose inverse square root, written out here from a full eigendecomposition.
    X = pd.concat(
        [
            sm.add_constant(small[["t", "age"]].astype(float)),
            pd.get_dummies(small["site"], prefix="g", drop_first=True).astype(float),
        ],
        axis=1,
    ).to_numpy()
    y = small["y"].to_numpy()
    groups = small["site"].to_numpy()
    bread = np.linalg.inv(X.T @ X)
    H = X @ bread @ X.T
    e = y - H @ y
    meat = np.zeros((X.shape[1], X.shape[1]))
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        vals, vecs = np.linalg.eigh(np.eye(len(idx)) - H[np.ix_(idx, idx)])
        inv_root = np.where(vals > 1e-10, 1 / np.sqrt(np.clip(vals, 1e-10, None)), 0.0)
        s = X[idx].T @ (vecs * inv_root) @ vecs.T @ e[idx]
        meat += np.outer(s, s)
    var = (bread @ meat @ bread)[1, 1]
    est = estimate_itt(small, "y", "t", ["age"], strata="site", se="CR2", cluster="site")
    assert est.se == pytest.approx(np.sqrt(var), rel=1e-7)


def test_cr2_with_one_row_per_cluster_is_hc2(data: pd.DataFrame) -> None:
    df = data.assign(row=np.arange(len(data)))
    est = estimate_itt(df, "y", "t", ["age", "income"], se="CR2", cluster="row")
    ref = sm.OLS(df["y"], design_matrix(df, False)).fit(cov_type="HC2")
    assert est.se == pytest.approx(ref.bse["t"], rel=REL)


@pytest.mark.parametrize("se", ["CR1", "cluster"])
def test_cr1_matches_statsmodels_cluster(data: pd.DataFrame, se: str) -> None:
    ref = sm.OLS(data["y"], design_matrix(data, True)).fit(
        cov_type="cluster", cov_kwds={"groups": data["specialist"]}, use_t=True
    )
    est = estimate_itt(data, "y", "t", ["age", "income"], strata="stratum", se=se, cluster="specialist")
    assert est.se == pytest.approx(ref.bse["t"], rel=REL)
    assert est.df_resid == 34
    assert est.p_value == pytest.approx(ref.pvalues["t"], rel=1e-6)


def test_cr2_drops_a_term_the_data_cannot_identify(small: pd.DataFrame) -> None:
    df = small.assign(flat=3.0, age_twice=2 * small["age"])
    est = estimate_itt(df, "y", "t", ["age", "flat", "age_twice", "income"], se="CR2", cluster="site")
    plain = estimate_itt(df, "y", "t", ["age", "income"], se="CR2", cluster="site")
    assert set(est.dropped) == {"flat", "age_twice"}
    assert np.isnan(est.coefficients["flat"])
    assert est.se == pytest.approx(plain.se, rel=1e-9) and est.df == pytest.approx(plain.df, rel=1e-9)
    hc2 = estimate_itt(df, "y", "t", ["age", "flat", "age_twice", "income"])
    assert set(hc2.dropped) == set(est.dropped)


def test_cr2_needs_a_cluster_column(data: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="cluster column"):
        estimate_itt(data, "y", "t", se="CR2")


def lin_reference(df: pd.DataFrame, weights: str | None, strata: bool):
    w = df[weights] if weights else None
    cov = pd.concat(
        [df[["age", "income"]], pd.get_dummies(df["band"], prefix="band", drop_first=True).astype(float)],
        axis=1,
    )
    means = cov.mean() if w is None else cov.mul(w, axis=0).sum() / w.sum()
    centred = cov - means
    parts = [df[["t"]].astype(float), centred, centred.mul(df["t"], axis=0).add_prefix("t:")]
    if strata:
        parts.append(pd.get_dummies(df["stratum"], prefix="s", drop_first=True).astype(float))
    X = sm.add_constant(pd.concat(parts, axis=1))
    model = sm.WLS(df["y"], X, weights=w) if w is not None else sm.OLS(df["y"], X)
    return model.fit(cov_type="HC2", use_t=True)


@pytest.mark.parametrize("weights", [None, "w"])
@pytest.mark.parametrize("strata", [False, True])
def test_lin_matches_statsmodels_on_the_interacted_design(
    data: pd.DataFrame, weights: str | None, strata: bool
) -> None:
    df = data.assign(band=np.where(data["age"] > 50, "older", np.where(data["age"] < 30, "young", "mid")))
    ref = lin_reference(df, weights, strata)
    est = estimate_itt(
        df,
        "y",
        "t",
        ["age", "income", "band"],
        weights=weights,
        strata="stratum" if strata else None,
        adjustment="lin",
    )
    assert est.effect == pytest.approx(ref.params["t"], rel=REL)
    assert est.se == pytest.approx(ref.bse["t"], rel=REL)
    assert est.df_resid == ref.df_resid
    assert est.adjustment == "lin"
    assert est.coefficients["t:age"] == pytest.approx(ref.params["t:age"], rel=1e-7)


def test_lin_differs_from_standard_adjustment_when_effects_vary(data: pd.DataFrame) -> None:
    df = data.assign(y=data["y"] + 0.05 * data["t"] * (data["age"] - 30))
    lin = estimate_itt(df, "y", "t", ["age"], adjustment="lin")
    standard = estimate_itt(df, "y", "t", ["age"])
    assert abs(lin.effect - standard.effect) > 1e-6


def test_unknown_adjustment_is_refused(data: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="unknown adjustment"):
        estimate_itt(data, "y", "t", ["age"], adjustment="ancova")  # type: ignore[arg-type]
