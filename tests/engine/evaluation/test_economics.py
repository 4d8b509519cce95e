"""Economic evaluation: parameters carry provenance, Monte Carlo is reproducible and exact at zero error."""

from __future__ import annotations

import numpy as np
import pytest

from placewell.engine.evaluation import (
    GroupInputs,
    Impact,
    load_parameters,
    monte_carlo,
    one_way_sensitivity,
    point_returns,
)
from placewell.engine.evaluation.economics import cost_per_treated_recruit, discount_factor_sum
from placewell.engine.evaluation.errors import ConfigError

PARAMS = load_parameters()


def inputs(se_scale: float = 1.0) -> GroupInputs:
    return GroupInputs(
        group="SCR IW",
        cost=PARAMS["cost_per_treated_recruit.scr_iw"].value,
        employment=Impact(3.0, 1.6 * se_scale),
        earnings=Impact(442.0, 400.0 * se_scale),
        health=Impact(0.025, 0.012 * se_scale),
    )


def test_every_parameter_has_provenance() -> None:
    for p in PARAMS.values():
        assert p.unit and p.source and p.price_year != ""
    # Seed 001, Table 2.2 costs per recruit to the treatment group.
    assert [
        PARAMS[f"cost_per_treated_recruit.{k}"].value
        for k in ("scr_iw", "scr_oow", "all_scr", "wmca", "all_oow")
    ] == [2116, 2416, 2292, 3893, 3162]
    assert not PARAMS["qaly_value"].confirmed


def test_monte_carlo_is_reproducible_for_a_seed() -> None:
    a = monte_carlo(inputs(), PARAMS, seed=7)
    b = monte_carlo(inputs(), PARAMS, seed=7)
    c = monte_carlo(inputs(), PARAMS, seed=8)
    assert len(a["economic"].draws) == 10_000
    np.testing.assert_array_equal(a["economic"].draws, b["economic"].draws)
    assert not np.array_equal(a["economic"].draws, c["economic"].draws)


def test_zero_standard_errors_give_the_point_ratio() -> None:
    exact = inputs(se_scale=0.0)
    point = point_returns(exact, PARAMS)
    dist = monte_carlo(exact, PARAMS, draws=500, seed=1)
    for name, ratio in (("financial", point.financial_return), ("economic", point.economic_return)):
        assert dist[name].percentiles["p5"] == pytest.approx(ratio, rel=1e-12)
        assert dist[name].percentiles["p95"] == pytest.approx(ratio, rel=1e-12)


def test_point_returns_value_only_significant_impacts() -> None:
    r = point_returns(inputs(), PARAMS)
    assert r.valued == {"employment": True, "earnings": False, "health": True, "life_satisfaction": False}
    tax = (
        PARAMS["income_tax_rate"].value + PARAMS["employee_ni_rate"].value + PARAMS["employer_ni_rate"].value
    )
    assert r.components["tax_and_ni"] == 0.0 and tax > 0
    assert r.components["health_qalys"] == pytest.approx(0.025 * PARAMS["qaly_value"].value)
    assert r.economic_return == pytest.approx(r.components["economic"] / 2116)
    assert "qaly_value" in r.unconfirmed


def test_discounting_and_costs() -> None:
    assert discount_factor_sum(1.0, PARAMS) == 1.0
    assert discount_factor_sum(2.0, PARAMS) == pytest.approx(1 + 1 / 1.035)
    assert cost_per_treated_recruit(10, 30_000, 100, PARAMS, other_costs=1000) == pytest.approx(
        (10 * 30_000 * 1.30 * 1.20 + 1000) / 100
    )
    with pytest.raises(ConfigError):
        cost_per_treated_recruit(1, 1, 0, PARAMS)


def test_one_way_sensitivity_moves_with_qaly_value() -> None:
    table = one_way_sensitivity(inputs(), PARAMS)
    row = table.set_index("parameter").loc["qaly_value"]
    assert row["economic_low"] < row["economic_base"] < row["economic_high"]
