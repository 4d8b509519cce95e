"""Allocation ratios and the schedule of ratio changes by date and stratum.

The Health-led Trials' randomisation tool let the ratio "vary across subsamples within the trial
populations and over the course of the trials", as "the means of controlling the flow into the
trials and ensuring staff capacity to deliver IPS was not exceeded" and to "achieve a 70/30
unemployed/employed split" (Health-led Employment Trials evaluation, final report, section 5.1.6).

A schedule is a list of instructions, each "from this date, use this ratio", for the whole trial
or for one stratum. On any date a stratum uses the latest instruction that applies to it; an
instruction for the stratum itself beats a trial-wide one of the same date. Before the first
instruction the design's base ratio applies. A change takes effect from the start of its date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from ._random import Stratum, stratum_key
from .errors import ScheduleError

__all__ = ["RatioChange", "RatioSchedule", "check_ratio", "shares"]


def check_ratio(
    ratio: Sequence[int], arm_count: int, error: type[Exception], what: str = "ratio"
) -> tuple[int, ...]:
    """Return ``ratio`` as a tuple if it gives one whole-number weight of at least 1 per arm."""
    values = tuple(ratio)
    if len(values) != arm_count or not all(
        isinstance(value, int) and not isinstance(value, bool) and value >= 1 for value in values
    ):
        raise error(
            f"The {what} {values!r} must give one whole-number weight of at least 1 for each of the "
            f"{arm_count} arms, in the order the arms are listed, e.g. (1, 1) or (2, 1)."
        )
    return values


def shares(ratio: Sequence[int]) -> tuple[Fraction, ...]:
    """Each arm's share of allocations implied by the ratio, exactly: weight / sum of weights."""
    total = sum(ratio)
    return tuple(Fraction(weight, total) for weight in ratio)


def check_day(on: object) -> date:
    """Return ``on`` if it is a calendar date (not a datetime), else raise ScheduleError."""
    if isinstance(on, datetime) or not isinstance(on, date):
        raise ScheduleError(
            "Give the allocation date as a calendar date (datetime.date) in the trial's time zone, "
            "not a datetime or text: ratio changes take effect from the start of a day."
        )
    return on


@dataclass(frozen=True)
class RatioChange:
    """From ``effective_from`` (inclusive), use ``ratio`` in ``stratum``, or in every stratum if ``None``."""

    effective_from: date
    ratio: tuple[int, ...]
    stratum: str | None = None

    @classmethod
    def build(cls, effective_from: date, ratio: Sequence[int], stratum: Stratum | None = None) -> RatioChange:
        """Make a change, accepting a stratum in any form ``stratum_key`` accepts."""
        return cls(check_day(effective_from), tuple(ratio), None if stratum is None else stratum_key(stratum))


class RatioSchedule:
    """Ratio changes over time, trial-wide or per stratum.

    >>> from datetime import date
    >>> schedule = RatioSchedule([RatioChange.build(date(2018, 10, 1), (1, 2), "SCR-IW")])
    >>> schedule.ratio_on("SCR-IW", date(2018, 10, 1), base=(1, 1))
    ((1, 2), datetime.date(2018, 10, 1))
    >>> schedule.ratio_on("SCR-OOW", date(2018, 10, 1), base=(1, 1))
    ((1, 1), None)
    """

    __slots__ = ("_changes",)

    def __init__(self, changes: Iterable[RatioChange]) -> None:
        checked: list[RatioChange] = []
        seen: set[tuple[date, str | None]] = set()
        for change in changes:
            if not isinstance(change, RatioChange):
                raise ScheduleError(
                    "A ratio schedule is a list of RatioChange; build each with RatioChange.build()."
                )
            check_day(change.effective_from)
            if change.stratum is not None:
                stratum_key(change.stratum)
            if not change.ratio or not all(
                isinstance(w, int) and not isinstance(w, bool) and w >= 1 for w in change.ratio
            ):
                raise ScheduleError(
                    f"The ratio {change.ratio!r} from {change.effective_from.isoformat()} must be whole-number "
                    "weights of at least 1, one per arm."
                )
            scope = (change.effective_from, change.stratum)
            if scope in seen:
                where = "every stratum" if change.stratum is None else f"stratum {change.stratum!r}"
                raise ScheduleError(
                    f"Two ratio changes for {where} take effect on {change.effective_from.isoformat()}; "
                    "keep one of them."
                )
            seen.add(scope)
            checked.append(change)
        checked.sort(key=lambda c: (c.effective_from, c.stratum is not None, c.stratum or ""))
        self._changes = tuple(checked)

    @property
    def changes(self) -> tuple[RatioChange, ...]:
        """The changes in date order."""
        return self._changes

    def strata(self) -> frozenset[str]:
        """The strata named by stratum-specific changes."""
        return frozenset(c.stratum for c in self._changes if c.stratum is not None)

    def check_arms(self, arm_count: int) -> None:
        """Raise ScheduleError unless every ratio has one weight per arm."""
        for change in self._changes:
            if len(change.ratio) != arm_count:
                raise ScheduleError(
                    f"The ratio {change.ratio!r} from {change.effective_from.isoformat()} has "
                    f"{len(change.ratio)} weights but the trial has {arm_count} arms; give one weight per arm."
                )

    def ratio_on(self, stratum: str, on: date, base: tuple[int, ...]) -> tuple[tuple[int, ...], date | None]:
        """The ratio in force for ``stratum`` on ``on`` and the date it took effect (``None`` for ``base``)."""
        check_day(on)
        in_force: RatioChange | None = None
        for change in self._changes:
            if change.effective_from > on:
                break
            if change.stratum is None or change.stratum == stratum:
                in_force = change
        if in_force is None:
            return base, None
        return in_force.ratio, in_force.effective_from
