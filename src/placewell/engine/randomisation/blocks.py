"""Stratified permuted-block randomisation with random block sizes and a scheduled ratio.

Within each stratum, allocations come in blocks; each block holds every arm in proportion to the
ratio, ``multiple * ratio[i]`` times for arm ``i``, in a random order, and ``multiple`` is drawn
at random for each block from ``block_multiples``. So the arms stay close to the ratio at every
point of recruitment in every stratum, and varying the block size makes the end of a block hard
to predict (Rosenberger and Lachin, *Randomization in Clinical Trials*, 2nd ed., Wiley 2016,
sections 3.6 and 3.9; Matts and Lachin, "Properties of permuted-block randomization in clinical
trials", Controlled Clinical Trials 1988;9:327-344). The Health-led Trials used a permuted-block
design (final report, sections 1.6 and 5.1.6).

Block ``b`` of a stratum is generated from the seed, the stratum and ``b`` alone, so the state the
web layer stores per stratum is a handful of numbers (:class:`StratumState`) and holds nothing
that predicts the next allocation without the seed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from ._random import PURPOSE_BLOCK, Draws, Stratum, check_seed, stratum_key
from .allocation import Allocation, check_arms, choose_treatment_arm, treatment_share
from .errors import DesignError, ScheduleError, StateError, UnknownStratumError
from .schedule import RatioSchedule, check_day, check_ratio

__all__ = ["PermutedBlockDesign", "StratumState", "allocate", "new_seed"]


def new_seed() -> int:
    """A fresh 128-bit seed from the operating system's secure source. Keep it secret."""
    return secrets.randbits(128)


class PermutedBlockDesign:
    """A stratified permuted-block design.

    ``arms`` are the arm names; ``ratio`` their whole-number weights, e.g. ``(1, 1)`` or ``(2, 1)``;
    ``block_multiples`` the allowed block sizes as multiples of ``sum(ratio)``, e.g. ``(1, 2, 3)``,
    one chosen with equal probability for each block; ``seed`` a secret whole number below 2**256.

    Keyword options: ``schedule`` changes the ratio by date and stratum (``ratio`` applies until
    the first change); ``strata`` lists the strata the trial was set up with, so that any other is
    refused; ``treatment_arm`` names the arm whose probability each allocation records (the first
    arm unless given).
    """

    __slots__ = ("_seed", "arms", "block_multiples", "ratio", "schedule", "strata", "treatment_arm")

    def __init__(
        self,
        arms: Sequence[str],
        ratio: Sequence[int],
        block_multiples: Sequence[int],
        seed: int,
        *,
        schedule: RatioSchedule | None = None,
        strata: Iterable[Stratum] | None = None,
        treatment_arm: str | None = None,
    ) -> None:
        self.arms: tuple[str, ...] = check_arms(arms, DesignError)
        self.ratio: tuple[int, ...] = check_ratio(ratio, len(self.arms), DesignError)
        multiples = tuple(block_multiples)
        if not multiples or not all(
            isinstance(m, int) and not isinstance(m, bool) and m >= 1 for m in multiples
        ):
            raise DesignError(
                f"The block multiples {multiples!r} must be whole numbers of at least 1, e.g. (1, 2, 3) for "
                "blocks of one, two or three times the ratio's total."
            )
        if len(set(multiples)) != len(multiples):
            raise DesignError(f"The block multiples {multiples!r} repeat a value; list each multiple once.")
        self.block_multiples: tuple[int, ...] = multiples
        self._seed = check_seed(seed)
        self.treatment_arm: str = choose_treatment_arm(self.arms, treatment_arm, DesignError)
        self.strata: frozenset[str] | None = (
            None if strata is None else frozenset(stratum_key(s) for s in strata)
        )
        if self.strata is not None and not self.strata:
            raise DesignError("The list of strata is empty; give at least one stratum, or None to allow any.")
        if schedule is not None:
            schedule.check_arms(len(self.arms))
            unknown = schedule.strata() - self.strata if self.strata is not None else frozenset()
            if unknown:
                raise ScheduleError(
                    f"The schedule changes the ratio for strata the trial does not have: {sorted(unknown)!r}; "
                    "add them to the trial's strata or correct the schedule."
                )
        self.schedule: RatioSchedule | None = schedule

    def __repr__(self) -> str:
        return (
            f"PermutedBlockDesign(arms={self.arms!r}, ratio={self.ratio!r}, "
            f"block_multiples={self.block_multiples!r}, seed=<concealed>)"
        )

    def key(self, stratum: Stratum) -> str:
        """The stratum's canonical key, refused if the design lists its strata and this is not one."""
        key = stratum_key(stratum)
        if self.strata is not None and key not in self.strata:
            raise UnknownStratumError(
                f"The stratum {key!r} is not one this trial was set up with; check the participant's "
                "stratum fields, or add the stratum to the trial before it is locked."
            )
        return key

    def ratio_in_force(self, stratum: Stratum, on: date | None = None) -> tuple[tuple[int, ...], date | None]:
        """The ratio for the stratum on the date, and the date it took effect (``None``: the base ratio)."""
        key = self.key(stratum)
        if self.schedule is None:
            if on is not None:
                check_day(on)
            return self.ratio, None
        if on is None:
            raise ScheduleError(
                "This design's ratio changes over time, so give the allocation date (the trial's local date)."
            )
        return self.schedule.ratio_on(key, on, self.ratio)

    def block_sizes(self, ratio: Sequence[int] | None = None) -> tuple[int, ...]:
        """The possible block sizes under the ratio (the base ratio unless given)."""
        total = sum(self.ratio if ratio is None else ratio)
        return tuple(sorted(m * total for m in self.block_multiples))

    def imbalance_bound(self, ratio: Sequence[int] | None = None) -> dict[str, Fraction]:
        """The most any arm's count can ever differ from its expected count within one ratio period.

        Completed blocks match the ratio exactly, so the difference comes from the current block
        alone. In a block of multiple ``m`` arm ``i`` appears ``m * r_i`` times among ``m * R``
        places (``R = sum(ratio)``); after ``j`` places its count ``c`` lies between
        ``max(0, j - m(R - r_i))`` and ``min(j, m r_i)``, so ``|c - j r_i / R|`` is largest at
        ``j = m r_i`` or ``j = m(R - r_i)``, where it equals ``m r_i (R - r_i) / R``. For two arms
        at 1:1 this is half the largest block size, the classic bound (Rosenberger and Lachin 2016,
        section 3.9).
        """
        weights = self.ratio if ratio is None else tuple(ratio)
        total = sum(weights)
        largest = max(self.block_multiples)
        return {
            arm: Fraction(largest * w * (total - w), total) for arm, w in zip(self.arms, weights, strict=True)
        }

    def block(self, stratum: Stratum, number: int, ratio: Sequence[int] | None = None) -> tuple[str, ...]:
        """Block ``number`` (from 1) of the stratum under the ratio (the base ratio unless given)."""
        key = self.key(stratum)
        weights = self.ratio if ratio is None else check_ratio(ratio, len(self.arms), DesignError)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise DesignError("Block numbers start at 1.")
        draws = Draws(self._seed, key, PURPOSE_BLOCK, number)
        multiple = self.block_multiples[draws.below(len(self.block_multiples))]
        places = [
            arm for arm, weight in zip(self.arms, weights, strict=True) for _ in range(weight * multiple)
        ]
        draws.shuffle(places)
        return tuple(places)

    def sequence(self, stratum: Stratum, n: int) -> list[str]:
        """The first ``n`` allocations of the stratum under the base ratio.

        Deterministic for a seed and stratum; strata are independent. With a schedule, allocations
        made while the base ratio is in force follow this sequence; use :func:`allocate` with dates
        for the rest.
        """
        key = self.key(stratum)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise DesignError("The number of allocations must be a whole number of at least 0.")
        arms: list[str] = []
        number = 0
        while len(arms) < n:
            number += 1
            arms.extend(self.block(key, number))
        return arms[:n]


@dataclass(frozen=True)
class StratumState:
    """Where a stratum has got to: the small value the web layer stores in the stratum's row.

    ``slots_used`` allocations made; current ``block`` number (0 before the first), its
    ``block_size``, how many of its places are used (``block_position``) and the ``ratio`` it was
    built with. It does not reveal the next arm without the seed, but with the arms already
    allocated it shows how much of the block is left, so keep it from recruiting staff.
    """

    stratum: str
    slots_used: int = 0
    block: int = 0
    block_size: int = 0
    block_position: int = 0
    ratio: tuple[int, ...] = ()

    @classmethod
    def initial(cls, stratum: Stratum) -> StratumState:
        """The state of a stratum with no allocations yet."""
        return cls(stratum=stratum_key(stratum))

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict for one database row."""
        return {
            "stratum": self.stratum,
            "slots_used": self.slots_used,
            "block": self.block,
            "block_size": self.block_size,
            "block_position": self.block_position,
            "ratio": list(self.ratio),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StratumState:
        """Rebuild a state from :meth:`to_json`'s output, refusing anything malformed."""
        try:
            stratum = data["stratum"]
            numbers = [data[name] for name in ("slots_used", "block", "block_size", "block_position")]
            ratio = tuple(data["ratio"])
        except (KeyError, TypeError) as exc:
            raise StateError(
                "The stored stratum state is incomplete; it must come from StratumState.to_json()."
            ) from exc
        whole = [*numbers, *ratio]
        if not isinstance(stratum, str) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in whole
        ):
            raise StateError(
                "The stored stratum state has values of the wrong type; restore it from the audit log."
            )
        slots_used, block, block_size, block_position = numbers
        if min(whole, default=0) < 0 or block_position > block_size or (block == 0) != (block_size == 0):
            raise StateError("The stored stratum state is inconsistent; restore it from the audit log.")
        return cls(stratum, slots_used, block, block_size, block_position, ratio)


def allocate(
    state: StratumState | None, stratum: Stratum, design: PermutedBlockDesign, *, on: date | None = None
) -> tuple[Allocation, StratumState]:
    """Allocate the stratum's next slot: a pure step from one stored state to the next.

    ``state`` is the stratum's stored state (``None`` for a stratum with none yet); ``on`` the
    allocation date, needed when the design has a schedule. A new block starts when the current
    one is used up or when the ratio in force differs from the one the block was built with, so a
    ratio change takes effect at once and every complete block has the ratio's composition.

    Step by step from ``None`` with one ratio, the arms equal ``design.sequence(stratum, n)``.
    """
    key = design.key(stratum)
    current = StratumState.initial(key) if state is None else state
    if current.stratum != key:
        raise StateError(
            f"The stored state belongs to stratum {current.stratum!r}, not {key!r}; load the row for this stratum."
        )
    ratio, effective_from = design.ratio_in_force(key, on)
    if current.block == 0 or current.block_position >= current.block_size or current.ratio != ratio:
        number, position = current.block + 1, 0
    else:
        number, position = current.block, current.block_position
    places = design.block(key, number, ratio)
    if number == current.block and len(places) != current.block_size:
        raise StateError(
            "The stored state does not match this design (different seed, arms or block sizes); "
            "use the design the stratum was started with."
        )
    allocation = Allocation(
        stratum=key,
        slot=current.slots_used + 1,
        arm=places[position],
        method="permuted_blocks",
        arms=design.arms,
        ratio=ratio,
        treatment_arm=design.treatment_arm,
        probability_of_treatment=treatment_share(design.arms, ratio, design.treatment_arm),
        ratio_effective_from=effective_from,
        block=number,
        block_size=len(places),
        block_position=position + 1,
    )
    new_state = StratumState(key, current.slots_used + 1, number, len(places), position + 1, ratio)
    return allocation, new_state
