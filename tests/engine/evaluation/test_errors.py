"""Bad input gets a named error that says what is wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


def test_constant_covariate(data: pd.DataFrame) -> None:
    with pytest.raises(CollinearityError, match="flat"):
        estimate_itt(data.assign(flat=3.0), "y", "t", ["flat"])


def test_collinear_covariates(data: pd.DataFrame) -> None:
    with pytest.raises(CollinearityError, match="age, age_twice"):
        estimate_itt(data.assign(age_twice=2 * data["age"]), "y", "t", ["age", "age_twice"])


def test_covariate_collinear_with_strata(data: pd.DataFrame) -> None:
    with pytest.raises(CollinearityError, match="collinear"):
        estimate_itt(
            data.assign(is_a=(data["stratum"] == "a").astype(float)), "y", "t", ["is_a"], strata="stratum"
        )


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
    with pytest.raises(InvalidValueError, match="only 0"):
        estimate_itt(data.assign(t=data["t"] * 2), "y", "t")
    with pytest.raises(InvalidValueError, match="missing"):
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
