"""Regression tests for input faults that used to change an estimate without a word.

Each test here failed on the earlier code: text in a numeric covariate became one dummy per distinct
value; text in an outcome was reported without its row or value. Reference values come from statsmodels
``OLS(...).fit(cov_type="HC2")`` on columns built independently here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from placewell.engine.evaluation import InvalidValueError, estimate_cace, estimate_itt, estimate_subgroup


def test_text_in_a_numeric_covariate_is_refused_with_row_and_value(data: pd.DataFrame) -> None:
    bad = data.assign(age=data["age"].astype(object))
    bad.loc[17, "age"] = "unknown"
    bad.loc[40, "age"] = "unknown"
    with pytest.raises(
        InvalidValueError,
        match=r"'age' holds numbers but also the text 'unknown' in row 17 \(and 1 other row\)",
    ):
        estimate_itt(bad, "y", "t", ["age"])
    with pytest.raises(InvalidValueError, match="declare 'age' categorical"):
        estimate_subgroup(bad.assign(g=bad["stratum"]), "y", "t", "g", ["age"])
    with pytest.raises(InvalidValueError, match="row 17"):
        estimate_cace(bad.assign(m=bad["t"] * 3), "y", "t", "m", ["age"])


def test_numbers_stored_as_text_are_read_as_numbers(data: pd.DataFrame) -> None:
    as_text = data.assign(age=data["age"].map(repr))
    ours = estimate_itt(as_text, "y", "t", ["age"])
    ref = sm.OLS(data["y"], sm.add_constant(data[["t", "age"]].astype(float))).fit(cov_type="HC2")
    assert ours.effect == pytest.approx(ref.params["t"], rel=1e-9)
    assert ours.se == pytest.approx(ref.bse["t"], rel=1e-9)


def test_a_declared_categorical_covariate_becomes_dummies(data: pd.DataFrame) -> None:
    coded = data.assign(band=(data["age"] // 10).clip(2, 6).astype(int))
    ours = estimate_itt(coded, "y", "t", ["band"], categorical=["band"])
    dummies = pd.get_dummies(coded["band"], prefix="b", drop_first=True).astype(float)
    X = sm.add_constant(pd.concat([coded[["t"]].astype(float), dummies], axis=1))
    ref = sm.OLS(coded["y"], X).fit(cov_type="HC2")
    assert ours.effect == pytest.approx(ref.params["t"], rel=1e-9)
    assert ours.se == pytest.approx(ref.bse["t"], rel=1e-9)
    as_number = estimate_itt(coded, "y", "t", ["band"])
    assert as_number.effect != pytest.approx(ours.effect, rel=1e-6)


def test_text_covariates_stay_categorical(data: pd.DataFrame) -> None:
    ours = estimate_itt(data, "y", "t", ["stratum"])
    dummies = pd.get_dummies(data["stratum"], prefix="s", drop_first=True).astype(float)
    ref = sm.OLS(data["y"], sm.add_constant(pd.concat([data[["t"]], dummies], axis=1).astype(float))).fit(
        cov_type="HC2"
    )
    assert ours.effect == pytest.approx(ref.params["t"], rel=1e-9)
    assert ours.se == pytest.approx(ref.bse["t"], rel=1e-9)


def test_money_text_in_an_outcome_names_row_and_value(data: pd.DataFrame) -> None:
    bad = data.assign(y=data["y"].astype(object))
    bad.loc[5, "y"] = "£1,234.00"
    with pytest.raises(InvalidValueError, match=r"'y' holds the text '£1,234.00' in row 5, .*1234.00"):
        estimate_itt(bad, "y", "t")


def test_blank_outcomes_are_counted(data: pd.DataFrame) -> None:
    gaps = data.assign(y=data["y"].where(data.index % 10 != 0))
    est = estimate_itt(gaps, "y", "t")
    assert est.n_missing_outcome == int(np.ceil(len(data) / 10))
    assert est.n == len(data) - est.n_missing_outcome
