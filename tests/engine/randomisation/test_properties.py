"""Property tests over any valid design, schedule, minimisation and allocation list."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from placewell.engine.randomisation import (
    Allocation,
    AllocationList,
    Factor,
    MinimisationDesign,
    MinimisationState,
    PermutedBlockDesign,
    RatioChange,
    RatioSchedule,
    StratumState,
    allocate,
    minimise,
    parse_allocation_list,
)

PROPERTY = settings(deadline=None, max_examples=60)
START = date(2019, 1, 1)
STRATA = ("SCR-IW", "SCR-OOW")


@st.composite
def designs(draw: st.DrawFn) -> PermutedBlockDesign:
    arm_count = draw(st.integers(2, 4))
    arms = tuple(f"arm{k}" for k in range(arm_count))
    ratio = tuple(draw(st.lists(st.integers(1, 4), min_size=arm_count, max_size=arm_count)))
    multiples = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True)))
    seed = draw(st.integers(0, 2**256 - 1))
    return PermutedBlockDesign(arms, ratio, multiples, seed)


printable = st.characters(exclude_categories=("Cc", "Cs"))
strata = st.one_of(
    st.text(printable, min_size=1, max_size=12).filter(str.strip),
    st.dictionaries(st.sampled_from(["site", "employment"]), st.text(printable, max_size=5), min_size=1),
)


def _walk(design: PermutedBlockDesign, stratum: object, days: list[date | None]) -> list[Allocation]:
    """Allocate step by step, storing the state as JSON text between steps, as the web layer would."""
    row: str | None = None
    made = []
    for day in days:
        state = None if row is None else StratumState.from_json(json.loads(row))
        allocation, new_state = allocate(state, stratum, design, on=day)  # type: ignore[arg-type]
        row = json.dumps(new_state.to_json())
        made.append(allocation)
    return made


def _check_blocks(design: PermutedBlockDesign, made: list[Allocation]) -> None:
    """Every complete block has exactly the ratio's composition times an allowed multiple; the
    last, incomplete block never exceeds it; each block uses one ratio."""
    blocks: dict[int, list[Allocation]] = {}
    for allocation in made:
        blocks.setdefault(allocation.block or 0, []).append(allocation)
    for members in blocks.values():
        ratio = members[0].ratio
        size = members[0].block_size or 0
        multiple = Fraction(size, sum(ratio))
        assert multiple in design.block_multiples
        assert {m.ratio for m in members} == {ratio}
        counts = Counter(m.arm for m in members)
        composition = [multiple * r for r in ratio]
        if len(members) == size:
            assert [counts[a] for a in design.arms] == composition
        else:
            assert all(counts[a] <= c for a, c in zip(design.arms, composition, strict=True))


@PROPERTY
@given(designs(), strata, st.integers(0, 120))
def test_allocate_step_by_step_equals_sequence(design: PermutedBlockDesign, stratum: object, n: int) -> None:
    made = _walk(design, stratum, [None] * n)
    assert [a.arm for a in made] == design.sequence(stratum, n)  # type: ignore[arg-type]
    assert [a.slot for a in made] == list(range(1, n + 1))


@PROPERTY
@given(designs(), strata, st.integers(1, 120))
def test_every_complete_block_has_exactly_the_ratio_composition(
    design: PermutedBlockDesign, stratum: object, n: int
) -> None:
    made = _walk(design, stratum, [None] * n)
    _check_blocks(design, made)
    total = sum(design.ratio)
    bound = design.imbalance_bound()
    counts: Counter[str] = Counter()
    for t, allocation in enumerate(made, start=1):
        counts[allocation.arm] += 1
        for arm, weight in zip(design.arms, design.ratio, strict=True):
            assert abs(counts[arm] - Fraction(t * weight, total)) <= bound[arm]


@st.composite
def scheduled_designs(draw: st.DrawFn) -> PermutedBlockDesign:
    base = draw(designs())
    arm_count = len(base.arms)
    changes = draw(
        st.lists(
            st.builds(
                RatioChange.build,
                st.integers(0, 40).map(lambda d: START + timedelta(days=d)),
                st.lists(st.integers(1, 3), min_size=arm_count, max_size=arm_count).map(tuple),
                st.sampled_from([None, *STRATA]),
            ),
            max_size=5,
            unique_by=lambda c: (c.effective_from, c.stratum),
        )
    )
    return PermutedBlockDesign(
        base.arms,
        base.ratio,
        base.block_multiples,
        seed=draw(st.integers(0, 2**64)),
        schedule=RatioSchedule(changes),
        strata=STRATA,
    )


@PROPERTY
@given(scheduled_designs(), st.sampled_from(STRATA), st.lists(st.integers(0, 3), min_size=1, max_size=60))
def test_schedules_record_the_ratio_in_force_and_restart_blocks_at_a_change(
    design: PermutedBlockDesign, stratum: str, gaps: list[int]
) -> None:
    days = [START + timedelta(days=sum(gaps[: k + 1])) for k in range(len(gaps))]
    made = _walk(design, stratum, list(days))
    assert design.schedule is not None
    for previous, allocation, day in zip([None, *made], made, days, strict=False):
        ratio, since = design.schedule.ratio_on(stratum, day, design.ratio)
        assert (allocation.ratio, allocation.ratio_effective_from) == (ratio, since)
        share = ratio[design.arms.index(design.treatment_arm)] / sum(ratio)
        assert allocation.probability_of_treatment == share
        if previous is not None and previous.ratio != allocation.ratio:
            assert allocation.block_position == 1
    _check_blocks(design, made)


@PROPERTY
@given(
    st.lists(st.integers(1, 3), min_size=2, max_size=3),
    st.fractions(Fraction(1, 2), 1),
    st.sampled_from(["range", "variance"]),
    st.lists(st.tuples(st.sampled_from(["SCR", "WMCA"]), st.sampled_from(["OOW", "IW"])), max_size=40),
)
def test_minimisation_probabilities_are_a_distribution_favouring_the_preferred_arms(
    ratio: list[int], p: Fraction, measure: Literal["range", "variance"], recruits: list[tuple[str, str]]
) -> None:
    arms = tuple(f"arm{k}" for k in range(len(ratio)))
    factors = (Factor("site", ("SCR", "WMCA")), Factor("employment", ("OOW", "IW")))
    design = MinimisationDesign(
        arms, factors, seed=1, ratio=ratio, p_preferred=max(p, Fraction(1, len(arms))), imbalance=measure
    )
    state: MinimisationState | None = None
    for site, status in recruits:
        levels = {"site": site, "employment": status}
        current = state or MinimisationState.initial(design)
        probabilities = design.probabilities(current, levels)
        assert sum(probabilities.values()) == 1 and min(probabilities.values()) >= 0
        allocation, state = minimise(state, levels, design)
        assert probabilities[allocation.arm] > 0
    if state is not None:
        assert state.allocated == len(recruits)
        for factor in factors:
            assert sum(sum(arms_.values()) for arms_ in state.counts[factor.name].values()) == len(recruits)


@PROPERTY
@given(
    st.dictionaries(
        st.text(printable, min_size=1, max_size=8).filter(lambda s: s == s.strip() and bool(s)),
        st.lists(st.sampled_from(["treatment", "control"]), min_size=1, max_size=20),
        min_size=1,
        max_size=4,
    )
)
def test_allocation_lists_round_trip_through_their_canonical_csv(entries: dict[str, list[str]]) -> None:
    arms = ("treatment", "control")
    rows = [(s, k, arm) for s, listed in entries.items() for k, arm in enumerate(listed, start=1)]
    built = AllocationList.from_rows(rows, arms)
    parsed = parse_allocation_list(built.to_csv(), arms)
    assert parsed.entries == {s: tuple(listed) for s, listed in entries.items()}
    assert parsed.file_sha256 == built.checksum == parsed.checksum
    parsed.verify(built.checksum)
