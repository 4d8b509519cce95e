"""Non-response weights and subgroup analysis.

References: statsmodels ``Logit`` for the response model; statsmodels ``OLS(...).fit(cov_type="HC2")``
with ``f_test`` for the joint interaction test; ``multipletests(method="holm")`` for Holm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

from placewell.engine.evaluation import estimate_subgroup, nonresponse_weights
from placewell.engine.evaluation._inference import holm
from placewell.engine.evaluation.weights import assignment_weights


def with_response(data: pd.DataFrame, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    p = 1 / (1 + np.exp(-(-0.3 + 0.05 * (data["age"] - 42) + 0.3 * data["t"])))
    return data.assign(resp=(rng.uniform(size=len(data)) < p).astype(int))


def test_response_model_matches_statsmodels_logit(data: pd.DataFrame) -> None:
    df = with_response(data)
    nr = nonresponse_weights(df, "resp", "t", ["age"], trim_ratio=50)
    for arm in (0, 1):
        sub = df[df["t"] == arm]
        p = pd.Series(
            sm.Logit(sub["resp"], sm.add_constant(sub[["age"]])).fit(disp=0).predict(), index=sub.index
        )
        raw = 1 / p[sub["resp"] == 1]
        expected = raw * len(sub) / raw.sum()
        got = nr.weights[sub.index][sub["resp"] == 1]
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-7)
    assert (nr.weights[df["resp"] == 0] == 0).all()


def test_weights_restore_balance_and_report_diagnostics(data: pd.DataFrame) -> None:
    nr = nonresponse_weights(with_response(data), "resp", "t", ["age", "stratum"])
    age = nr.balance[nr.balance["covariate"] == "age"]
    assert (age["smd_after"].abs() < age["smd_before"].abs()).all()
    assert set(nr.summary["arm"]) == {"treatment", "control"}
    assert (nr.summary["effective_sample_size"] <= nr.summary["n_responded"]).all()


def test_trimming_caps_weights(data: pd.DataFrame) -> None:
    nr = nonresponse_weights(with_response(data), "resp", "t", ["age"], trim_ratio=1.5)
    for arm, frame in nr.summary.groupby("arm"):
        assert frame["n_trimmed"].iloc[0] > 0, arm
        w = nr.weights[nr.weights > 0]
        assert w.max() <= 1.5 * w.mean() * 1.5


def test_assignment_weights() -> None:
    df = pd.DataFrame({"t": [1, 0, 1, 0], "p": [0.5, 0.5, 0.75, 0.75]})
    assert assignment_weights(df, "t", "p").tolist() == [2.0, 2.0, 1 / 0.75, 4.0]


def test_subgroup_effects_and_joint_test_match_statsmodels(data: pd.DataFrame) -> None:
    res = estimate_subgroup(data, "y", "t", "stratum", ["age"])
    levels = sorted(data["stratum"].unique())
    cols = {f"t_{lv}": data["t"] * (data["stratum"] == lv) for lv in levels}
    cols |= {f"d_{lv}": (data["stratum"] == lv).astype(float) for lv in levels[1:]}
    X = sm.add_constant(pd.DataFrame(cols).astype(float).assign(age=data["age"]))
    ref = sm.OLS(data["y"], X).fit(cov_type="HC2", use_t=True)
    for effect, lv in zip(res.effects, levels, strict=True):
        assert effect.effect == pytest.approx(ref.params[f"t_{lv}"], rel=1e-8)
        assert effect.se == pytest.approx(ref.bse[f"t_{lv}"], rel=1e-8)
    R = np.zeros((len(levels) - 1, len(ref.params)))
    for i in range(1, len(levels)):
        R[i - 1, 1] = -1.0
        R[i - 1, 1 + i] = 1.0
    f = ref.f_test(R)
    assert res.f_stat == pytest.approx(float(np.squeeze(f.fvalue)), rel=1e-8)
    assert res.p_interaction == pytest.approx(float(f.pvalue), rel=1e-6)


def test_holm_matches_statsmodels() -> None:
    p = [0.01, 0.04, 0.03, 0.2, 0.005]
    np.testing.assert_allclose(holm(p), multipletests(p, method="holm")[1], rtol=1e-12)
