"""The record of one allocation, common to permuted blocks, minimisation and uploaded lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from .schedule import shares

__all__ = ["Allocation", "Method"]

Method = Literal["permuted_blocks", "minimisation", "allocation_list"]


@dataclass(frozen=True)
class Allocation:
    """One participant's allocation and what the analysis needs to know about it.

    ``probability_of_treatment`` is the treatment arm's share under the ratio in force, the
    probability of treatment the design targets for this person before the draw. When the ratio
    varies between strata or over time, the analysis must weight by (or condition on) it; see
    docs/explanation/randomisation.md.

    ``block``, ``block_size`` and ``block_position`` (permuted blocks only) and
    ``assignment_probabilities`` (minimisation only) describe the mechanism; recruiting staff must
    not see them while the trial recruits, because with the arms already allocated they reveal
    what comes next.
    """

    stratum: str
    slot: int
    arm: str
    method: Method
    arms: tuple[str, ...]
    ratio: tuple[int, ...]
    treatment_arm: str
    probability_of_treatment: float
    ratio_effective_from: date | None = None
    block: int | None = None
    block_size: int | None = None
    block_position: int | None = None
    assignment_probabilities: Mapping[str, float] | None = None

    @property
    def arm_probabilities(self) -> dict[str, float]:
        """Each arm's share under the ratio in force."""
        return {arm: float(share) for arm, share in zip(self.arms, shares(self.ratio), strict=True)}

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict for the allocation log."""
        return {
            "stratum": self.stratum,
            "slot": self.slot,
            "arm": self.arm,
            "method": self.method,
            "arms": list(self.arms),
            "ratio": list(self.ratio),
            "treatment_arm": self.treatment_arm,
            "probability_of_treatment": self.probability_of_treatment,
            "ratio_effective_from": None
            if self.ratio_effective_from is None
            else self.ratio_effective_from.isoformat(),
            "block": self.block,
            "block_size": self.block_size,
            "block_position": self.block_position,
            "assignment_probabilities": None
            if self.assignment_probabilities is None
            else dict(self.assignment_probabilities),
        }


def treatment_share(arms: tuple[str, ...], ratio: tuple[int, ...], treatment_arm: str) -> float:
    """The treatment arm's share of the ratio as a float."""
    return float(shares(ratio)[arms.index(treatment_arm)])


def choose_treatment_arm(arms: tuple[str, ...], treatment_arm: str | None, error: type[Exception]) -> str:
    """``treatment_arm`` if it is one of ``arms``; the first arm if it is ``None``."""
    if treatment_arm is None:
        return arms[0]
    if treatment_arm not in arms:
        raise error(
            f"The treatment arm {treatment_arm!r} is not one of the arms {list(arms)!r}; name one of them."
        )
    return treatment_arm


def check_arms(arms: object, error: type[Exception]) -> tuple[str, ...]:
    """Return the arms as a tuple if there are at least two distinct, non-blank names."""
    if isinstance(arms, str) or not isinstance(arms, Sequence):
        raise error("Give the arms as a list of names, e.g. ('treatment', 'control').")
    names = tuple(arms)
    if len(names) < 2 or not all(isinstance(n, str) and n.strip() for n in names):
        raise error(
            "A trial needs at least two arms, each with a non-blank name, e.g. ('treatment', 'control')."
        )
    if len(set(names)) != len(names):
        raise error(f"The arm names {list(names)!r} repeat a name; give each arm a different name.")
    if any(n != n.strip() for n in names):
        raise error("Arm names must not start or end with spaces; remove the spaces.")
    return names
