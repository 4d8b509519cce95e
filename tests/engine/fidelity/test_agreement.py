"""Agreement between two reviewers: exact and within-one shares, and Cohen's weighted kappa (linear weights).

The kappa is checked against two independent references: a hand computation from the contingency table
written out below, and statsmodels.stats.inter_rater.cohens_kappa(table, wt="linear") (statsmodels 0.14).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from placewell.engine.fidelity import (
    IPS25,
    AgreementError,
    ItemScoreError,
    UnknownItemError,
    inter_rater_agreement,
    linear_weighted_kappa,
)

FIRST = [5, 4, 3, 3, 2, 5, 4, 1, 3, 4]
SECOND = [5, 3, 3, 4, 2, 4, 4, 2, 3, 5]


def hand_kappa() -> Fraction:
    """Linear-weighted kappa for FIRST and SECOND, worked by hand on the 5 x 5 table.

    Row shares (first reviewer, scores 1..5): 1, 1, 3, 3, 2 tenths. Column shares (second): 0, 2, 3, 3, 2
    tenths. Observed disagreement: the differences are 0,1,0,1,0,1,0,1,0,1, so sum |i - j| / 4 over ten
    items = 5/4, divided by 10 = 1/8. Expected disagreement: sum over i, j of row_i col_j |i - j| / 4, where
    the sums of col_j |i - j| are 25, 15, 9, 9 and 15 for i = 1..5, so the double sum is
    1x25 + 1x15 + 3x9 + 3x9 + 2x15 = 124 hundredths of a point, over 4: 124/400 = 0.31.
    """
    row = {1: 1, 2: 1, 3: 3, 4: 3, 5: 2}
    col = {1: 0, 2: 2, 3: 3, 4: 3, 5: 2}
    expected = sum(Fraction(row[i] * col[j] * abs(i - j), 100 * 4) for i in row for j in col)
    observed = Fraction(1, 8)
    return 1 - observed / expected


def test_known_example_shares_and_kappa() -> None:
    keys = IPS25.item_keys[:10]
    result = inter_rater_agreement(dict(zip(keys, FIRST, strict=True)), dict(zip(keys, SECOND, strict=True)))
    assert result.items == 10
    assert result.exact_share == pytest.approx(0.5)  # items 1, 3, 5, 7 and 9 agree
    assert result.within_one_share == pytest.approx(1.0)
    # By hand: kappa = 1 - 0.125 / 0.31 = 37/62 = 0.596774...
    assert hand_kappa() == Fraction(37, 62)
    assert result.weighted_kappa == pytest.approx(float(hand_kappa()), abs=1e-12)
    assert [a.difference for a in result.by_item] == [0, -1, 0, 1, 0, -1, 0, 1, 0, 1]


def test_kappa_matches_statsmodels() -> None:
    table = np.zeros((5, 5))
    for a, b in zip(FIRST, SECOND, strict=True):
        table[a - 1, b - 1] += 1
    reference = cohens_kappa(table, wt="linear").kappa
    assert linear_weighted_kappa(FIRST, SECOND, range(1, 6)) == pytest.approx(reference, abs=1e-12)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ([1, 2, 3, 4, 5, 5, 4, 3], [2, 2, 3, 5, 5, 4, 4, 1]),
        ([3, 3, 3, 4, 4, 2, 5, 1, 1, 2, 3], [3, 4, 2, 4, 5, 2, 5, 2, 1, 3, 3]),
        ([5, 5, 1, 1], [1, 1, 5, 5]),
    ],
)
def test_kappa_matches_statsmodels_on_more_tables(first: list[int], second: list[int]) -> None:
    table = np.zeros((5, 5))
    for a, b in zip(first, second, strict=True):
        table[a - 1, b - 1] += 1
    reference = cohens_kappa(table, wt="linear").kappa
    assert linear_weighted_kappa(first, second, range(1, 6)) == pytest.approx(reference, abs=1e-12)


def test_perfect_agreement_is_one_and_a_single_shared_score_is_undefined() -> None:
    assert linear_weighted_kappa([1, 2, 5], [1, 2, 5], range(1, 6)) == pytest.approx(1.0)
    assert linear_weighted_kappa([3, 3, 3], [3, 3, 3], range(1, 6)) is None


def test_with_a_scale_scores_are_checked_and_items_follow_form_order() -> None:
    first = {"disclosure": 3, "caseload_size": 4}
    second = {"caseload_size": 5, "disclosure": 3}
    result = inter_rater_agreement(first, second, scale="ips25")
    assert [a.item for a in result.by_item] == ["caseload_size", "disclosure"]
    assert result.categories == (1, 2, 3, 4, 5)
    with pytest.raises(ItemScoreError, match="caseload_size"):
        inter_rater_agreement({"caseload_size": 6}, {"caseload_size": 5}, scale="ips25")
    with pytest.raises(UnknownItemError):
        inter_rater_agreement({"caseload": 4}, {"caseload": 5}, scale="ips25")


def test_reviewers_must_score_the_same_items() -> None:
    with pytest.raises(AgreementError, match="only the first scored \\['disclosure'\\]"):
        inter_rater_agreement({"caseload_size": 4, "disclosure": 2}, {"caseload_size": 4})
    with pytest.raises(AgreementError, match="neither"):
        inter_rater_agreement({}, {})
    with pytest.raises(ItemScoreError):
        inter_rater_agreement({"a": 0}, {"a": 1})
