"""Simulation recovery: intervals cover the simulator's known true effects at their nominal rate."""

from __future__ import annotations

import numpy as np
import pytest

from placewell.engine.evaluation import estimate_itt, load_config, run_evaluation
from placewell.engine.evaluation.tables import impact_table
from placewell.engine.simulate import SimulationConfig, simulate_trial

COVARIATES = ["age_band", "white", "baseline_eq5d", "baseline_swemwbs"]
TRIALS = 250


def test_95_percent_intervals_cover_the_truth_93_to_97_percent() -> None:
    hits = {"employed_13wk": 0, "eq5d_12m": 0}
    for i in range(TRIALS):
        trial = simulate_trial(SimulationConfig(seed=5000 + i, scale=0.1, groups=("WMCA OOW",)))
        for outcome in hits:
            low, high = estimate_itt(trial.data, outcome, "treatment", COVARIATES).ci(95)
            hits[outcome] += low <= trial.truth["WMCA OOW"][outcome] <= high
    for outcome, n in hits.items():
        assert 0.93 <= n / TRIALS <= 0.97, (outcome, n / TRIALS)


@pytest.fixture(scope="module")
def hlt_results():
    trial = simulate_trial(SimulationConfig(seed=2024))
    return trial, run_evaluation(trial.data, load_config())


def test_table_2_1_from_a_simulated_trial_matches_the_true_effects(hlt_results) -> None:
    trial, results = hlt_results
    names = {"WMCA": "WMCA OOW"}
    table = impact_table(results)
    assert list(table["Group"]) == ["SCR IW", "SCR OOW", "All SCR", "WMCA", "All OOW"]
    for group, impacts in results.impacts.items():
        truth = trial.truth[names.get(group, group)]
        for outcome, est in impacts.items():
            low, high = est.ci(99)
            assert low <= truth[outcome] <= high, (group, outcome, est.effect, truth[outcome])


def test_simulated_economics_and_weights_are_reported(hlt_results) -> None:
    _, results = hlt_results
    assert set(results.economics) == {"SCR IW", "SCR OOW", "All SCR", "WMCA", "All OOW"}
    dist = results.economics["SCR IW"].distributions["economic"]
    assert len(dist.draws) == 10_000 and 0.0 <= dist.prob_above_one <= 1.0
    assert np.isfinite(results.economics["WMCA"].returns.financial_return)
    assert results.weights["SCR IW"].summary["n_responded"].sum() > 0
