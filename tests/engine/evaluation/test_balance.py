"""Standardised mean differences (``engine.evaluation.balance``) against independent computations.

References, each named where it is used:
- a hand computation in exact arithmetic (``fractions``) of Austin's formulas (Statistics in Medicine
  2009;28:3083-3107): continuous, the difference in means over sqrt((s1^2 + s0^2) / 2) with sample
  variances; binary, the difference in proportions over sqrt((p1(1 - p1) + p0(1 - p0)) / 2);
- Python's ``statistics`` module (``fmean``, ``variance``, ``pvariance``), written independently of numpy:
  the binary variance p(1 - p) is the population variance of the 0/1 values;
- statsmodels' ``DescrStatsW`` for weighted means.
"""

from __future__ import annotations

import math
import statistics
from fractions import Fraction

import numpy as np
import pytest
from statsmodels.stats.weightstats import DescrStatsW

from placewell.engine.evaluation.balance import (
    SMD_FLAG,
    is_flagged,
    moments,
    smd,
    smd_of_moments,
    standardised_mean_difference,
    weighted_mean_differences,
)


def test_continuous_hand_computation() -> None:
    # Group 1 = 1, 2, 3, 4; group 0 = 2, 4, 6, 8. Means 5/2 and 5; sample variances 5/3 and 20/3; pooled
    # variance (5/3 + 20/3) / 2 = 25/6; SMD = (5/2 - 5) / sqrt(25/6) = -sqrt(6)/2 exactly.
    pooled_var = (Fraction(5, 3) + Fraction(20, 3)) / 2
    expected = float(Fraction(-5, 2)) / math.sqrt(pooled_var)
    assert expected == pytest.approx(-math.sqrt(6) / 2, rel=1e-15)
    got = standardised_mean_difference([1, 2, 3, 4], [2, 4, 6, 8], "mean")
    assert got == pytest.approx(expected, rel=1e-12)
    # The plain-Python path (lists) and the numpy path give the same figure.
    m1, m0 = moments([1.0, 2.0, 3.0, 4.0], "mean"), moments([2.0, 4.0, 6.0, 8.0], "mean")
    assert smd_of_moments(m1, m0) == pytest.approx(expected, rel=1e-12)


def test_binary_hand_computation() -> None:
    # p1 = 1/2 (2 of 4), p0 = 1/5 (1 of 5): SMD = (1/2 - 1/5) / sqrt((1/4 + 4/25) / 2) = 0.3 / sqrt(0.205).
    expected = 0.3 / math.sqrt(float((Fraction(1, 4) + Fraction(4, 25)) / 2))
    got = standardised_mean_difference([1, 0, 1, 0], [1, 0, 0, 0, 0], "proportion")
    assert got == pytest.approx(expected, rel=1e-12)
    assert got == pytest.approx(0.662589, abs=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_against_the_statistics_module(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x1, x0 = rng.normal(42, 11, 57), rng.normal(40, 13, 61)
    reference = (statistics.fmean(x1) - statistics.fmean(x0)) / math.sqrt(
        (statistics.variance(x1) + statistics.variance(x0)) / 2
    )
    assert standardised_mean_difference(x1, x0, "mean") == pytest.approx(reference, rel=1e-10)
    assert smd_of_moments(moments(list(x1), "mean"), moments(list(x0), "mean")) == pytest.approx(
        reference, rel=1e-10
    )
    b1, b0 = (rng.uniform(size=80) < 0.4).astype(float), (rng.uniform(size=90) < 0.3).astype(float)
    reference_b = (statistics.fmean(b1) - statistics.fmean(b0)) / math.sqrt(
        (statistics.pvariance(b1) + statistics.pvariance(b0)) / 2
    )
    assert standardised_mean_difference(b1, b0, "proportion") == pytest.approx(reference_b, rel=1e-10)


def test_missing_values_are_dropped_and_empty_groups_give_none() -> None:
    with_gap = standardised_mean_difference([1, 2, np.nan, 3, 4], [2, 4, 6, np.nan, 8], "mean")
    assert with_gap == pytest.approx(-math.sqrt(6) / 2, rel=1e-12)
    assert standardised_mean_difference([], [1.0, 2.0], "mean") is None
    assert moments([], "proportion") == (0, None, None)


def test_no_spread() -> None:
    # Both groups constant: no difference is 0, a difference cannot be standardised.
    assert smd(3.0, 0.0, 3.0, 0.0) == 0.0
    assert smd(3.0, 0.0, 4.0, 0.0) is None
    assert moments([7.0], "mean") == (1, 7.0, 0.0)


def test_flag_threshold() -> None:
    # Austin 2009: an absolute standardised difference over 0.1 is meaningful imbalance.
    assert SMD_FLAG == 0.1
    assert is_flagged(-0.11) and is_flagged(0.1000001)
    assert not is_flagged(0.1) and not is_flagged(-0.05) and not is_flagged(None)


def test_weighted_differences_against_statsmodels() -> None:
    rng = np.random.default_rng(11)
    reference = rng.normal(size=(200, 3)) * [1.0, 4.0, 0.5] + [0.0, 10.0, -1.0]
    sample = reference[:70]
    w = rng.uniform(0.5, 3.0, size=70)
    scale = reference.std(axis=0)  # the whole sample's SD, fixed before and after weighting
    expected_after = (DescrStatsW(sample, weights=w).mean - reference.mean(axis=0)) / scale
    expected_before = (DescrStatsW(sample).mean - reference.mean(axis=0)) / scale
    got_after = weighted_mean_differences(sample, reference, weights=w, scale=scale)
    got_before = weighted_mean_differences(sample, reference, scale=scale)
    np.testing.assert_allclose(got_after, expected_after, rtol=1e-12)
    np.testing.assert_allclose(got_before, expected_before, rtol=1e-12)
    # Equal weights are the unweighted difference.
    np.testing.assert_allclose(
        weighted_mean_differences(sample, reference, weights=np.ones(70), scale=scale), got_before, rtol=1e-12
    )
