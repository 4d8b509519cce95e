"""Minimisation (Pocock and Simon, Biometrics 1975;31:103-115): hand-worked steps and balance."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import pytest

from placewell.engine.randomisation import (
    DesignError,
    Factor,
    MinimisationDesign,
    MinimisationError,
    MinimisationState,
    StateError,
    minimise,
)

FACTORS = (
    Factor("site", ("SCR", "WMCA", "Other")),
    Factor("employment", ("OOW", "IW")),
    Factor("age", ("18-29", "30-39", "40-49", "50+")),
)
# Level frequencies loosely after the Health-led Trials' recruits (final report, Tables 1.1 and 1.2).
FREQUENCIES = {"site": (0.4, 0.35, 0.25), "employment": (0.7, 0.3), "age": (0.26, 0.20, 0.21, 0.33)}


def _state(
    design: MinimisationDesign, counts: Mapping[str, Mapping[str, tuple[int, ...]]]
) -> MinimisationState:
    state = MinimisationState.initial(design)
    table = {f: {lv: dict(arms) for lv, arms in levels.items()} for f, levels in state.counts.items()}
    for factor, levels in counts.items():
        for level, numbers in levels.items():
            table[factor][level] = dict(zip(design.arms, numbers, strict=True))
    return MinimisationState(design.scope, sum(sum(n) for n in next(iter(counts.values())).values()), table)


def test_factor_weights_decide_between_otherwise_tied_arms() -> None:
    """Site has T 5, C 3 (difference d = 2) and in-work has T 2, C 3 (d = -1) among earlier recruits.

    Range imbalance: T gives |3| + |0| = 3, C gives |1| + |-2| = 3, a tie, so each arm gets 1/2.
    With employment weighted 3: T gives 3 + 0 = 3, C gives 1 + 6 = 7, so T is preferred: 0.8.
    """
    factors = (Factor("site", ("SCR", "WMCA")), Factor("employment", ("OOW", "IW")))
    counts = {"site": {"SCR": (5, 3)}, "employment": {"IW": (2, 3)}}
    person = {"site": "SCR", "employment": "IW"}
    even = MinimisationDesign(("T", "C"), factors, seed=1)
    assert even.probabilities(_state(even, counts), person) == {"T": Fraction(1, 2), "C": Fraction(1, 2)}
    weighted = MinimisationDesign(("T", "C"), (factors[0], Factor("employment", ("OOW", "IW"), 3)), seed=1)
    assert weighted.probabilities(_state(weighted, counts), person) == {
        "T": Fraction(4, 5),
        "C": Fraction(1, 5),
    }


def test_arm_weights_balance_counts_in_proportion() -> None:
    """At 2:1 with T 3, C 2 so far: T gives (4/2, 2/1), range 0; C gives (3/2, 3/1), range 3/2.

    So T is preferred, although unweighted counts (4, 2) versus (3, 3) would prefer C.
    """
    factors = (Factor("site", ("SCR",)),)
    counts = {"site": {"SCR": (3, 2)}}
    weighted = MinimisationDesign(("T", "C"), factors, seed=1, ratio=(2, 1))
    assert weighted.probabilities(_state(weighted, counts), {"site": "SCR"})["T"] == Fraction(4, 5)
    unweighted = MinimisationDesign(("T", "C"), factors, seed=1)
    assert unweighted.probabilities(_state(unweighted, counts), {"site": "SCR"})["C"] == Fraction(4, 5)


@pytest.mark.parametrize("measure", ["range", "variance"])
def test_three_arms_preferred_arms_share_p(measure: str) -> None:
    """Counts (2, 0, 0): A gives (3, 0, 0), range 3, variance 2; B or C give (2, 1, 0), range 2,
    variance 2/3. B and C share 0.8; A gets 0.2."""
    design = MinimisationDesign(("A", "B", "C"), (Factor("site", ("SCR",)),), seed=1, imbalance=measure)  # type: ignore[arg-type]
    probabilities = design.probabilities(_state(design, {"site": {"SCR": (2, 0, 0)}}), {"site": "SCR"})
    assert probabilities == {"A": Fraction(1, 5), "B": Fraction(2, 5), "C": Fraction(2, 5)}


def test_deterministic_minimisation_completes_each_pair() -> None:
    """With p = 1, an odd recruit meets a tie (drawn at random) and the next gets the other arm."""
    design = MinimisationDesign(("T", "C"), (Factor("site", ("SCR",)),), seed=4, p_preferred=1)
    state = None
    arms = []
    for _ in range(10):
        allocation, state = minimise(state, {"site": "SCR"}, design)
        arms.append(allocation.arm)
    assert all(arms[k] != arms[k + 1] for k in range(0, 10, 2))


def _recruits(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    return [
        {f.name: f.levels[int(rng.choice(len(f.levels), p=FREQUENCIES[f.name]))] for f in FACTORS}
        for _ in range(n)
    ]


def _largest_marginal_imbalance(recruits: list[dict[str, str]], arms: list[str]) -> int:
    largest = 0
    for factor in FACTORS:
        for level in factor.levels:
            difference = sum(
                (1 if arm == "T" else -1)
                for person, arm in zip(recruits, arms, strict=True)
                if person[factor.name] == level
            )
            largest = max(largest, abs(difference))
    return largest


def test_minimisation_keeps_marginal_imbalance_far_below_simple_randomisation() -> None:
    """Ten trials of 600 recruits over three factors (nine levels).

    Under simple randomisation the difference in a level with n recruits has sd sqrt(n), about
    15 for the largest level; minimisation with p = 0.8 should keep every margin within a
    handful. We require the mean largest marginal difference to be under a quarter of simple
    randomisation's on the same recruits, and every trial's to be at most 10.
    """
    rng = np.random.default_rng(20170601)
    minimised, simple = [], []
    for trial in range(10):
        recruits = _recruits(rng, 600)
        design = MinimisationDesign(("T", "C"), FACTORS, seed=trial)
        state = None
        arms = []
        for person in recruits:
            allocation, state = minimise(state, person, design)
            arms.append(allocation.arm)
        minimised.append(_largest_marginal_imbalance(recruits, arms))
        simple.append(_largest_marginal_imbalance(recruits, list(np.where(rng.random(600) < 0.5, "T", "C"))))
    assert max(minimised) <= 10
    assert np.mean(minimised) < np.mean(simple) / 4


def test_unequal_weights_give_proportions_near_the_ratio() -> None:
    """At 2:1 over 1,500 recruits the treated share is within 4 binomial sd (4 * 0.0122) of 2/3."""
    rng = np.random.default_rng(7)
    design = MinimisationDesign(("T", "C"), FACTORS, seed=7, ratio=(2, 1))
    state = None
    treated = 0
    for person in _recruits(rng, 1_500):
        allocation, state = minimise(state, person, design)
        treated += allocation.arm == "T"
        assert allocation.probability_of_treatment == pytest.approx(2 / 3)
        assert allocation.assignment_probabilities is not None
        assert sum(allocation.assignment_probabilities.values()) == pytest.approx(1)
    assert abs(treated / 1_500 - 2 / 3) <= 4 * math.sqrt(2 / 9 / 1_500)


def test_minimisation_is_reproducible_and_the_state_survives_json() -> None:
    rng = np.random.default_rng(3)
    recruits = _recruits(rng, 200)
    design = MinimisationDesign(("T", "C"), FACTORS, seed=99, imbalance="variance")
    direct, stored = [], []
    state = None
    for person in recruits:
        allocation, state = minimise(state, person, design)
        direct.append(allocation)
    row: dict[str, object] | None = None
    for person in recruits:
        loaded = None if row is None else MinimisationState.from_json(json.loads(json.dumps(row)), design)
        allocation, new_state = minimise(loaded, person, design)
        row = new_state.to_json()
        stored.append(allocation)
    assert direct == stored
    assert [a.slot for a in direct] == list(range(1, 201))


def test_bad_minimisation_input_is_refused_with_what_to_do() -> None:
    design = MinimisationDesign(("T", "C"), FACTORS, seed=1)
    with pytest.raises(MinimisationError, match="no value for 'age'"):
        minimise(None, {"site": "SCR", "employment": "IW"}, design)
    with pytest.raises(MinimisationError, match="not a level of 'site'"):
        minimise(None, {"site": "Leeds", "employment": "IW", "age": "50+"}, design)
    with pytest.raises(MinimisationError, match="unknown factors"):
        minimise(None, {"site": "SCR", "employment": "IW", "age": "50+", "sex": "F"}, design)
    with pytest.raises(DesignError, match="between 1/2 and 1"):
        MinimisationDesign(("T", "C"), FACTORS, seed=1, p_preferred=0.3)
    with pytest.raises(DesignError, match="at least one Factor"):
        MinimisationDesign(("T", "C"), (), seed=1)
    with pytest.raises(DesignError, match="each listed once"):
        Factor("site", ("SCR", "SCR"))
    with pytest.raises(StateError, match="does not fit"):
        MinimisationState.from_json({"scope": "trial", "allocated": 0, "counts": {}}, design)
    assert "seed" in repr(design) and "concealed" in repr(design)
