"""The ratio schedule: the ratio and probability of treatment recorded at each date.

The Health-led Trials' tool could vary the ratio across subsamples and over time to keep the
flow within specialists' capacity and to steer a 70/30 out-of-work/in-work split (final report,
section 5.1.6; the planned split is in section 1.7).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import numpy as np
import pytest

from placewell.engine.randomisation import (
    Allocation,
    PermutedBlockDesign,
    RatioChange,
    RatioSchedule,
    ScheduleError,
    StratumState,
    allocate,
)

ARMS = ("treatment", "control")
START = date(2018, 6, 1)


def _schedule() -> RatioSchedule:
    return RatioSchedule(
        [
            RatioChange.build(date(2018, 10, 1), (2, 1)),
            RatioChange.build(date(2019, 1, 1), (1, 2), "SCR-IW"),
            RatioChange.build(date(2019, 3, 1), (1, 1)),
            RatioChange.build(date(2019, 3, 1), (1, 3), "SCR-OOW"),
        ]
    )


@pytest.mark.parametrize(
    ("stratum", "day", "ratio", "since"),
    [
        ("SCR-IW", date(2018, 9, 30), (1, 1), None),
        ("SCR-IW", date(2018, 10, 1), (2, 1), date(2018, 10, 1)),
        ("SCR-OOW", date(2018, 12, 31), (2, 1), date(2018, 10, 1)),
        ("SCR-IW", date(2019, 1, 1), (1, 2), date(2019, 1, 1)),
        ("SCR-OOW", date(2019, 2, 28), (2, 1), date(2018, 10, 1)),
        ("SCR-IW", date(2019, 3, 1), (1, 1), date(2019, 3, 1)),
        ("SCR-OOW", date(2019, 3, 1), (1, 3), date(2019, 3, 1)),
        ("WMCA-OOW", date(2020, 1, 1), (1, 1), date(2019, 3, 1)),
    ],
)
def test_the_latest_applicable_change_is_in_force(
    stratum: str, day: date, ratio: tuple[int, int], since: date | None
) -> None:
    """A later trial-wide change overrides an earlier stratum change; on the same day the stratum's wins."""
    assert _schedule().ratio_on(stratum, day, base=(1, 1)) == (ratio, since)


def test_every_allocation_records_the_ratio_in_force_and_its_probability_of_treatment() -> None:
    schedule = _schedule()
    design = PermutedBlockDesign(ARMS, (1, 1), (1, 2, 3), seed=11, schedule=schedule)
    per_day = 7
    for stratum in ("SCR-IW", "SCR-OOW", "WMCA-OOW"):
        state: StratumState | None = None
        made: list[Allocation] = []
        for offset in range(400):
            day = START + timedelta(days=offset)
            for _ in range(per_day):
                allocation, state = allocate(state, stratum, design, on=day)
                ratio, since = schedule.ratio_on(stratum, day, base=(1, 1))
                assert allocation.ratio == ratio
                assert allocation.ratio_effective_from == since
                assert allocation.probability_of_treatment == pytest.approx(ratio[0] / sum(ratio))
                assert allocation.arm_probabilities == pytest.approx(
                    {"treatment": ratio[0] / sum(ratio), "control": ratio[1] / sum(ratio)}
                )
                made.append(allocation)
        assert [a.slot for a in made] == list(range(1, len(made) + 1))
        _check_blocks(made)


def _check_blocks(made: list[Allocation]) -> None:
    """Each block uses one ratio; a ratio change starts a block; complete blocks have the composition."""
    blocks: dict[int, list[Allocation]] = {}
    for previous, allocation in zip([None, *made], made, strict=False):
        if previous is not None and previous.ratio != allocation.ratio:
            assert allocation.block_position == 1
            assert allocation.block == (previous.block or 0) + 1
        blocks.setdefault(allocation.block or 0, []).append(allocation)
    for members in blocks.values():
        ratio = members[0].ratio
        assert {m.ratio for m in members} == {ratio}
        assert [m.block_position for m in members] == list(range(1, len(members) + 1))
        size = members[0].block_size or 0
        if len(members) == size:
            multiple = Fraction(size, sum(ratio))
            counts = Counter(m.arm for m in members)
            assert multiple in (1, 2, 3)
            assert [counts[arm] for arm in ARMS] == [multiple * r for r in ratio]


def test_a_period_at_two_to_one_gives_two_thirds_treatment_within_binomial_tolerance() -> None:
    """4 sd binomial tolerance, as in test_block_statistics."""
    design = PermutedBlockDesign(ARMS, (1, 1), (1, 2), seed=3, schedule=_schedule())
    state = None
    arms = []
    for _ in range(6_000):
        allocation, state = allocate(state, "WMCA-OOW", design, on=date(2018, 11, 1))
        arms.append(allocation.arm)
    p = 2 / 3
    assert abs(arms.count("treatment") - 6_000 * p) <= 4 * math.sqrt(6_000 * p * (1 - p))


def test_steering_the_treated_mix_towards_seventy_thirty() -> None:
    """Recruits arrive 60% out of work and 40% in work. At 1:1 in both strata the treatment group
    is about 60/40; putting the in-work stratum at 1:2 makes the treated mix
    0.6 * 1/2 / (0.6 * 1/2 + 0.4 * 1/3) = 69.2% out of work, close to the planned 70/30.
    Blocks make each stratum's treated share nearly exact, so the spread comes from the arrivals,
    Binomial(5000, 0.6): sd of the arrival share sqrt(0.24 / 5000) = 0.69 points, times the
    slope of the treated mix in that share (1 at 1:1, 0.89 with in-work at 1:2), so at most 0.69
    points; the tolerance of 2.8 points is 4 of those standard deviations.
    """
    rng = np.random.default_rng(1970)
    arrivals = np.where(rng.random(5_000) < 0.6, "SCR-OOW", "SCR-IW")
    steer = RatioSchedule([RatioChange.build(START, (1, 2), "SCR-IW")])
    for schedule, expected in ((None, 0.6), (steer, 0.3 / (0.3 + 0.4 / 3))):
        design = PermutedBlockDesign(ARMS, (1, 1), (1, 2, 3), seed=8, schedule=schedule)
        states: dict[str, StratumState] = {}
        treated: Counter[str] = Counter()
        for stratum in arrivals:
            allocation, states[stratum] = allocate(states.get(stratum), stratum, design, on=START)
            if allocation.arm == "treatment":
                treated[stratum] += 1
        assert treated["SCR-OOW"] / treated.total() == pytest.approx(expected, abs=0.028)


def test_a_design_with_a_schedule_needs_a_calendar_date() -> None:
    design = PermutedBlockDesign(ARMS, (1, 1), (1, 2), seed=1, schedule=_schedule())
    with pytest.raises(ScheduleError, match="give the allocation date"):
        allocate(None, "SCR-IW", design)
    with pytest.raises(ScheduleError, match="calendar date"):
        allocate(None, "SCR-IW", design, on=datetime(2019, 1, 1, tzinfo=UTC))


def test_invalid_schedules_are_refused_with_what_to_do() -> None:
    with pytest.raises(ScheduleError, match="keep one of them"):
        RatioSchedule([RatioChange.build(START, (1, 1)), RatioChange.build(START, (2, 1))])
    with pytest.raises(ScheduleError, match="one weight per arm"):
        PermutedBlockDesign(
            ARMS, (1, 1), (1,), seed=1, schedule=RatioSchedule([RatioChange.build(START, (1, 1, 1))])
        )
    with pytest.raises(ScheduleError, match="strata the trial does not have"):
        PermutedBlockDesign(
            ARMS,
            (1, 1),
            (1,),
            seed=1,
            strata=["SCR-IW"],
            schedule=RatioSchedule([RatioChange.build(START, (1, 2), "SCR-XX")]),
        )
    with pytest.raises(ScheduleError, match="at least 1"):
        RatioSchedule([RatioChange.build(START, (0, 1))])
    with pytest.raises(ScheduleError, match="calendar date"):
        RatioSchedule([RatioChange(datetime(2019, 1, 1, tzinfo=UTC), (1, 1))])
