"""The small-sample guard in the evaluation run and its report.

A small trial with skewed earnings (about 60% zeros, 30% treated, as in the conditions where 95% HC2
intervals were found to under-cover) is flagged by Cochran's rule (W. G. Cochran, *Sampling
Techniques*, section 2.15) and gets randomisation inference within its strata, shown beside the HC2
interval in the results and the HTML. A large trial with a symmetric outcome is not flagged.

References: :func:`randomisation_inference` run directly on the same rows, strata and seed (itself checked
against exact enumeration in ``test_randomisation_bootstrap.py``); the randomisation statistic for the
observed assignment equals the regression estimate (Frisch-Waugh-Lovell), so it must equal the HC2 run's
effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placewell.engine.evaluation import randomisation_inference, run_evaluation
from placewell.engine.evaluation.config import parse_config
from placewell.engine.evaluation.report import render_html
from placewell.engine.evaluation.report_format import interval, p_value
from placewell.engine.evaluation.tables import results_to_dict

SEED = 4242


def skewed_trial(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.choice(["north", "south"], n)
    t = (rng.uniform(size=n) < 0.3).astype(int)
    works = rng.uniform(size=n) < 0.38 + 0.1 * t
    return pd.DataFrame(
        {
            "t": t,
            "stratum": stratum,
            "age": rng.normal(40, 10, n),
            "earnings": np.where(works, rng.lognormal(8.5, 1.0, n), 0.0),
            "employed": works.astype(float),
            "sustained_job": (rng.uniform(size=n) < 0.06 + 0.04 * t).astype(float),
            "score": rng.normal(50, 10, n) + 2 * t,
        }
    )


def plan(outcomes: list[dict[str, str]]) -> dict[str, object]:
    return {
        "treatment": "t",
        "covariates": ["age"],
        "strata": ["stratum"],
        "outcomes": outcomes,
        "economics": {"seed": SEED},
    }


EARNINGS = {"column": "earnings", "label": "Earnings", "unit": "£"}
EMPLOYED = {"column": "employed", "label": "Employment"}
RARE_JOB = {"column": "sustained_job", "label": "Sustained job"}


@pytest.fixture(scope="module")
def small() -> tuple[pd.DataFrame, object]:
    data = skewed_trial(90, seed=8)
    return data, run_evaluation(data, parse_config(plan([EARNINGS, EMPLOYED, RARE_JOB])))


def test_small_skewed_trial_gets_randomisation_inference(small) -> None:  # type: ignore[no-untyped-def]
    data, results = small
    check = results.small_sample["All participants"]["earnings"]
    assert any(f.cell == "all" and f.arm == "treatment" for f in check.flags)
    direct = randomisation_inference(
        data, "earnings", "t", ["age"], ["stratum"], permutations=2_000, seed=SEED
    )
    assert check.result == direct
    est = results.impacts["All participants"]["earnings"]
    assert check.result.estimate == pytest.approx(est.effect, rel=1e-9)
    assert check.result.ci_low < est.effect < check.result.ci_high
    assert check.result.cells == 2  # re-randomised within the two strata


def test_a_rare_yes_no_outcome_is_checked_in_percentage_points(small) -> None:  # type: ignore[no-untyped-def]
    data, results = small
    est = results.impacts["All participants"]["sustained_job"]
    check = results.small_sample["All participants"]["sustained_job"]  # about 7% in work: very skewed
    direct = randomisation_inference(
        data, "sustained_job", "t", ["age"], ["stratum"], permutations=2_000, seed=SEED
    )
    assert check.result.estimate == pytest.approx(100 * direct.estimate, rel=1e-9)
    assert check.result.estimate == pytest.approx(est.effect, rel=1e-9)
    assert check.result.ci_low == pytest.approx(100 * direct.ci_low, rel=1e-9)
    assert check.result.p_value == direct.p_value


def test_the_report_shows_both_intervals_and_says_why(small) -> None:  # type: ignore[no-untyped-def]
    _, results = small
    html = render_html(results)
    check = results.small_sample["All participants"]["earnings"]
    est = results.impacts["All participants"]["earnings"]
    assert "Small groups with skewed outcomes" in html
    assert "Cochran&#39;s rule" in html or "Cochran's rule" in html
    ri = check.result
    assert interval(ri.ci_low, ri.ci_high, "£", "natural") in html
    assert p_value(ri.p_value) in html
    low, high = est.ci(95)
    assert interval(low, high, "£", "natural") in html
    record = next(r for r in results_to_dict(results)["small_sample"] if r["outcome"] == "earnings")
    assert record["ri_ci_low"] == ri.ci_low and record["reasons"]


def test_a_large_benign_trial_is_not_flagged() -> None:
    data = skewed_trial(3000, seed=9)
    results = run_evaluation(data, parse_config(plan([{"column": "score", "label": "Score"}])))
    assert results.small_sample == {}
    html = render_html(results)
    assert "Small groups with skewed outcomes" not in html
    assert results_to_dict(results)["small_sample"] == []
