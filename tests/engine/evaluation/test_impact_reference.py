"""estimate_itt against statsmodels (OLS/WLS with HC0-HC3 and cluster errors), relative 1e-8.

Reference implementation: statsmodels ``OLS``/``WLS`` ``fit(cov_type=..., use_t=True)``; strata enter
as dummy columns built independently with ``pandas.get_dummies``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from placewell.engine.evaluation import estimate_itt

REL = 1e-8


def reference(df: pd.DataFrame, outcome: str, weights: str | None, strata: bool, **fit_kw: object):
    cols = df[["t", "age", "income"]].astype(float)
    if strata:
        cols = pd.concat(
            [cols, pd.get_dummies(df["stratum"], prefix="s", drop_first=True).astype(float)], axis=1
        )
    X = sm.add_constant(cols)
    model = sm.WLS(df[outcome], X, weights=df[weights]) if weights else sm.OLS(df[outcome], X)
    return model.fit(use_t=True, **fit_kw)


@pytest.mark.parametrize("se", ["HC0", "HC1", "HC2", "HC3"])
@pytest.mark.parametrize("weights", [None, "w"])
@pytest.mark.parametrize("strata", [False, True])
def test_hc_errors_match_statsmodels(data: pd.DataFrame, se: str, weights: str | None, strata: bool) -> None:
    ref = reference(data, "y", weights, strata, cov_type=se)
    est = estimate_itt(
        data, "y", "t", ["age", "income"], weights=weights, strata="stratum" if strata else None, se=se
    )
    assert est.effect == pytest.approx(ref.params["t"], rel=REL)
    assert est.se == pytest.approx(ref.bse["t"], rel=REL)
    assert est.p_value == pytest.approx(ref.pvalues["t"], rel=1e-6)
    assert est.ci(95) == pytest.approx(tuple(ref.conf_int(0.05).loc["t"]), rel=REL)
    assert est.ci(90) == pytest.approx(tuple(ref.conf_int(0.10).loc["t"]), rel=REL)
    assert est.df_resid == ref.df_resid
    ours = np.array([est.coefficients[k] for k in ["Intercept", "t", "age", "income"]])
    theirs = ref.params[["const", "t", "age", "income"]].to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=REL)


@pytest.mark.parametrize("weights", [None, "w"])
def test_cluster_errors_match_statsmodels(data: pd.DataFrame, weights: str | None) -> None:
    ref = reference(data, "y", weights, True, cov_type="cluster", cov_kwds={"groups": data["specialist"]})
    est = estimate_itt(
        data,
        "y",
        "t",
        ["age", "income"],
        weights=weights,
        strata="stratum",
        se="cluster",
        cluster="specialist",
    )
    assert est.se == pytest.approx(ref.bse["t"], rel=REL)
    assert est.p_value == pytest.approx(ref.pvalues["t"], rel=1e-6)
    assert est.ci(99) == pytest.approx(tuple(ref.conf_int(0.01).loc["t"]), rel=REL)
    assert est.n_clusters == data["specialist"].nunique()


def test_binary_outcome_is_reported_in_percentage_points(data: pd.DataFrame) -> None:
    ref = reference(data, "employed", None, False, cov_type="HC2")
    est = estimate_itt(data, "employed", "t", ["age", "income"])
    assert est.unit == "ppt"
    assert est.effect == pytest.approx(100 * ref.params["t"], rel=REL)
    assert est.se == pytest.approx(100 * ref.bse["t"], rel=REL)
    control = data.loc[data["t"] == 0, "employed"]
    assert est.control_mean == pytest.approx(100 * control.mean(), rel=REL)
    assert est.effect_sd == pytest.approx(ref.params["t"] / control.std(ddof=1), rel=REL)


def test_missing_outcomes_are_dropped_and_counted(data: pd.DataFrame) -> None:
    gappy = data.copy()
    gappy.loc[gappy.index[::7], "y"] = np.nan
    est = estimate_itt(gappy, "y", "t", ["age"])
    ref = sm.OLS(gappy["y"], sm.add_constant(gappy[["t", "age"]].astype(float)), missing="drop").fit(
        cov_type="HC2"
    )
    assert est.n_missing_outcome == int(gappy["y"].isna().sum())
    assert est.n == len(data) - est.n_missing_outcome
    assert est.se == pytest.approx(ref.bse["t"], rel=REL)


def test_missing_covariates_use_indicator_method(data: pd.DataFrame) -> None:
    gappy = data.copy()
    gappy.loc[gappy.index[::5], "age"] = np.nan
    est = estimate_itt(gappy, "y", "t", ["age"])
    filled = gappy["age"].fillna(gappy["age"].mean())
    X = sm.add_constant(
        pd.DataFrame({"t": gappy["t"].astype(float), "age": filled, "gap": gappy["age"].isna().astype(float)})
    )
    ref = sm.OLS(gappy["y"], X).fit(cov_type="HC2")
    assert est.n == len(data)
    assert est.se == pytest.approx(ref.bse["t"], rel=REL)
    assert "age (missing)" in est.coefficients


def test_stars_and_tidy(data: pd.DataFrame) -> None:
    est = estimate_itt(data, "y", "t", ["age"])
    expected = (
        "***" if est.p_value < 0.01 else "**" if est.p_value < 0.05 else "*" if est.p_value < 0.1 else ""
    )
    assert est.stars == expected
    row = est.tidy().iloc[0]
    assert row["estimate"] == est.effect
    assert (row["conf_low"], row["conf_high"]) == est.ci(95)
    with pytest.raises(ValueError, match="not one of 90, 95 or 99"):
        est.ci(80)
