"""Regression tests for faults that changed or stopped a whole evaluation run without a word.

1. The plan's strata were dropped for a group holding one trial-group value.
3. A term the data could not identify (a subgroup level all in one arm, a subgroup nested in the
   strata, collinear covariates) raised ``CollinearityError`` and no report was written.

Reference values: statsmodels ``OLS(...).fit(cov_type="HC2")`` with dummies built by ``pandas.get_dummies``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from placewell.engine.evaluation import InvalidValueError, run_evaluation, write_report
from placewell.engine.evaluation.config import parse_config


def trial(seed: int = 3, n: int = 1200) -> pd.DataFrame:
    """One trial whose allocation ratio changed between two periods, and whose outcome drifts by period."""
    rng = np.random.default_rng(seed)
    period = rng.integers(0, 2, n)
    t = (rng.uniform(size=n) < np.where(period == 1, 0.8, 0.2)).astype(int)
    age = rng.normal(40, 10, n)
    site = rng.choice(["north", "south", "east"], n)
    t[site == "east"] = 1  # everyone at one site was offered the service
    y = 2.0 + 5.0 * period + 1.0 * t + 0.05 * age + rng.normal(size=n)
    return pd.DataFrame(
        {
            "trial_group": "A",
            "period": period,
            "t": t,
            "age": age,
            "age_doubled": 2 * age,
            "site": site,
            "y": y,
        }
    )


def plan(**extra: object) -> object:
    doc = {
        "treatment": "t",
        "group_column": "trial_group",
        "strata": ["trial_group", "period"],
        "covariates": ["age"],
        "groups": [{"name": "A", "members": ["A"]}],
        "outcomes": [{"column": "y", "label": "Outcome"}],
        **extra,
    }
    return parse_config(doc)


def test_single_trial_group_keeps_the_plans_strata() -> None:
    df = trial()
    result = run_evaluation(df, plan()).impacts["A"]["y"]
    X = sm.add_constant(df[["t", "age"]].assign(p1=df["period"].astype(float)))
    ref = sm.OLS(df["y"], X).fit(cov_type="HC2")
    assert result.effect == pytest.approx(ref.params["t"], rel=1e-9)
    assert result.se == pytest.approx(ref.bse["t"], rel=1e-9)
    unstratified = sm.OLS(df["y"], sm.add_constant(df[["t", "age"]])).fit()
    assert abs(unstratified.params["t"] - ref.params["t"]) > 0.5  # the strata matter here


def test_unidentifiable_terms_are_noted_and_the_run_goes_on(tmp_path) -> None:
    df = trial()
    config = plan(
        covariates=["age", "age_doubled"],
        subgroups={"variables": ["site", "period"], "outcomes": ["y"]},
    )
    results = run_evaluation(df, config)
    notes = " ".join(results.notes)
    assert "age_doubled could not be separated" in notes
    assert "level 'east' was left out: all" in notes and "treatment arm" in notes
    by_variable = {a.subgroup: a for a in results.subgroups["A"]}
    assert [e.level for e in by_variable["site"].effects] == ["north", "south"]
    assert by_variable["period"].notes  # the period main effect is nested in the strata
    # The effect within north and south equals an interacted regression on those rows only.
    rows = df[df["site"] != "east"]
    D = pd.get_dummies(rows["site"], dtype=float)
    X = pd.concat(
        [D["south"].rename("south"), (rows["t"] * D["north"]).rename("t_north"),
         (rows["t"] * D["south"]).rename("t_south"), rows[["age"]], rows["period"].astype(float)],
        axis=1,
    )  # fmt: skip
    ref = sm.OLS(rows["y"], sm.add_constant(X)).fit(cov_type="HC2")
    north = by_variable["site"].effects[0]
    assert north.effect == pytest.approx(ref.params["t_north"], rel=1e-9)
    assert north.se == pytest.approx(ref.bse["t_north"], rel=1e-9)
    paths = write_report(results, tmp_path)
    html = paths["html"].read_text()
    assert "age_doubled could not be separated" in html and "left out" in html


def test_text_in_a_numeric_covariate_stops_the_run_before_any_model() -> None:
    df = trial()
    df["age"] = df["age"].astype(object)
    df.loc[7, "age"] = "unknown"
    with pytest.raises(
        InvalidValueError, match=r"'age' holds numbers but also the text 'unknown' in row 7\."
    ):
        run_evaluation(df, plan())


def test_a_plan_can_declare_number_codes_categorical() -> None:
    df = trial().assign(site_code=lambda f: f["site"].map({"north": 1, "south": 2, "east": 3}))
    est = run_evaluation(df, plan(covariates=["age", "site_code"], categorical=["site_code"])).impacts["A"][
        "y"
    ]
    X = pd.concat(
        [
            df[["t", "age"]],
            df["period"].astype(float),
            pd.get_dummies(df["site_code"], prefix="s", drop_first=True),
        ],
        axis=1,
    ).astype(float)
    ref = sm.OLS(df["y"], sm.add_constant(X)).fit(cov_type="HC2")
    assert est.effect == pytest.approx(ref.params["t"], rel=1e-9)
    assert est.se == pytest.approx(ref.bse["t"], rel=1e-9)
