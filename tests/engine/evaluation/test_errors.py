"""Bad input gets a named error that says what is wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from placewell.engine.evaluation import (
    CollinearityError,
    InvalidValueError,
    MissingColumnError,
    NoVarianceError,
    TooFewObservationsError,
    estimate_cace,
    estimate_itt,
)


def test_missing_column(data: pd.DataFrame) -> None:
    with pytest.raises(MissingColumnError, match="nope"):
        estimate_itt(data, "y", "t", ["nope"])


def _statsmodels_hc2(df: pd.DataFrame, columns: list[str]) -> tuple[float, float]:
    """Reference: statsmodels OLS with HC2 on the identifiable columns only."""
    ref = sm.OLS(df["y"], sm.add_constant(df[["t", *columns]].astype(float))).fit(cov_type="HC2")
    return float(ref.params["t"]), float(ref.bse["t"])


def test_constant_covariate_is_dropped_with_a_note(data: pd.DataFrame) -> None:
    est = estimate_itt(data.assign(flat=3.0), "y", "t", ["age", "flat"])
    assert est.dropped == ("flat",)
    assert np.isnan(est.coefficients["flat"])
    effect, se = _statsmodels_hc2(data, ["age"])
    assert est.effect == pytest.approx(effect, rel=1e-9) and est.se == pytest.approx(se, rel=1e-9)


def test_collinear_covariates_are_dropped_and_the_rest_estimated(data: pd.DataFrame) -> None:
    est = estimate_itt(data.assign(age_twice=2 * data["age"]), "y", "t", ["age", "age_twice", "income"])
    assert est.dropped == ("age_twice",)
    effect, se = _statsmodels_hc2(data, ["age", "income"])
    assert est.effect == pytest.approx(effect, rel=1e-9) and est.se == pytest.approx(se, rel=1e-9)
    assert est.df_resid == len(data) - 4


def test_covariate_collinear_with_strata_is_dropped(data: pd.DataFrame) -> None:
    est = estimate_itt(
        data.assign(is_a=(data["stratum"] == "a").astype(float)), "y", "t", ["is_a"], strata="stratum"
    )
    assert len(est.dropped) == 1
    dummies = pd.get_dummies(data["stratum"], prefix="s", drop_first=True).astype(float)
    ref = sm.OLS(data["y"], sm.add_constant(pd.concat([data[["t"]], dummies], axis=1))).fit(cov_type="HC2")
    assert est.effect == pytest.approx(ref.params["t"], rel=1e-9)
    assert est.se == pytest.approx(ref.bse["t"], rel=1e-9)


def test_treatment_collinear_with_a_covariate_still_refused(data: pd.DataFrame) -> None:
    with pytest.raises(CollinearityError, match="t cannot be separated"):
        estimate_itt(data.assign(t_copy=data["t"]), "y", "t", ["t_copy"])


def test_one_arm_only(data: pd.DataFrame) -> None:
    with pytest.raises(NoVarianceError, match="treatment arm"):
        estimate_itt(data.assign(t=1), "y", "t")


def test_constant_outcome(data: pd.DataFrame) -> None:
    with pytest.raises(NoVarianceError, match="single value"):
        estimate_itt(data.assign(y=1.0), "y", "t")


def test_too_few_observations(data: pd.DataFrame) -> None:
    with pytest.raises(TooFewObservationsError):
        estimate_itt(pd.concat([data[data["t"] == 0].head(2), data[data["t"] == 1].head(1)]), "y", "t")
    small = data.groupby("t").head(3)
    with pytest.raises(TooFewObservationsError, match="coefficients"):
        estimate_itt(small, "y", "t", ["age", "income", "w", "specialist"], strata="stratum")


def test_treatment_not_binary(data: pd.DataFrame) -> None:
    doubled = data.assign(t=data["t"] * 2)
    first = int(doubled.index[doubled["t"] == 2][0])
    with pytest.raises(InvalidValueError, match=rf"holds 2.0 in row {first} .*1 for the treatment arm"):
        estimate_itt(doubled, "y", "t")
    with pytest.raises(InvalidValueError, match=r"column .t. has 4 missing values, first in row 0 "):
        estimate_itt(data.assign(t=data["t"].where(data.index > 3)), "y", "t")


def test_bad_weights(data: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="negative"):
        estimate_itt(data.assign(w=-data["w"]), "y", "t", weights="w")


def test_bad_se_requests(data: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="unknown standard-error"):
        estimate_itt(data, "y", "t", se="HC9")
    with pytest.raises(InvalidValueError, match="cluster"):
        estimate_itt(data, "y", "t", se="cluster")
    with pytest.raises(InvalidValueError, match="HC0, HC1 or cluster"):
        estimate_cace(data.assign(m=data["t"]), "y", "t", "m", se="HC2")


def test_nobody_received(data: pd.DataFrame) -> None:
    with pytest.raises(NoVarianceError, match="receipt"):
        estimate_cace(data.assign(m=np.zeros(len(data))), "y", "t", "m")
