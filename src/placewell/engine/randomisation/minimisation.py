"""Minimisation: Pocock and Simon's method with a random element and arm weights.

When strata are many, permuted blocks within each stratum leave many blocks part-filled and
balance suffers; minimisation instead balances each baseline factor's margins (Pocock and Simon,
"Sequential treatment assignment with balancing for prognostic factors in the controlled
clinical trial", Biometrics 1975;31:103-115).

For a new participant with level ``l_f`` of each factor ``f``, and for each candidate arm ``k``,
take the counts of earlier participants with level ``l_f`` in each arm, add this participant to
arm ``k``, divide each arm's count by its weight (so unequal ratios are balanced in proportion),
and measure the spread: the range (max - min) or the variance. The total imbalance of ``k`` is
the weighted sum over factors. The arms with the least total imbalance are preferred: together
they get probability ``p_preferred``, shared in proportion to the arm weights, and the others
share the rest likewise; if every arm ties, arms are drawn by their weights. A random element
keeps the next allocation from being certain (Altman and Bland, "Treatment allocation by
minimisation", BMJ 2005;330:843, suggest about 0.8; ICH E9, section 2.3.2, warns against
deterministic schemes).

With unequal weights the unconditional probability of each arm can drift from the ratio along
the sequence (Kuznetsova and Tymofyeyev, Statistics in Medicine 2012;31:701-723), so each
allocation records the probabilities actually used as well as the ratio's target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from ._random import PURPOSE_MINIMISATION, Draws, check_seed, stratum_key
from .allocation import Allocation, check_arms, choose_treatment_arm, treatment_share
from .errors import DesignError, MinimisationError, StateError
from .schedule import check_ratio

__all__ = ["Factor", "MinimisationDesign", "MinimisationState", "minimise"]

Imbalance = Literal["range", "variance"]


@dataclass(frozen=True)
class Factor:
    """A baseline factor to balance: its name, its levels, and its weight in the total imbalance."""

    name: str
    levels: tuple[str, ...]
    weight: int | Fraction = 1

    def __post_init__(self) -> None:
        levels = tuple(self.levels)
        if not self.name or not levels or len(set(levels)) != len(levels):
            raise DesignError(
                f"The factor {self.name!r} needs a name and at least one level, each listed once, "
                "e.g. Factor('site', ('SCR', 'WMCA'))."
            )
        if isinstance(self.weight, bool) or not isinstance(self.weight, (int, Fraction)) or self.weight <= 0:
            raise DesignError(
                f"The weight of factor {self.name!r} must be a positive whole number or Fraction, e.g. 1 or 2."
            )
        object.__setattr__(self, "levels", levels)


class MinimisationDesign:
    """Pocock-Simon minimisation over ``factors``.

    ``ratio`` gives the arm weights (equal unless given); ``p_preferred`` the probability of the
    preferred arms, at least 1/len(arms) and at most 1 (0.8 by default); ``imbalance`` is
    ``"range"`` or ``"variance"``; ``scope`` names the group balanced together (the whole trial,
    or one site), which is the ``stratum`` of each allocation and of the stored state.
    """

    __slots__ = ("_seed", "arms", "factors", "imbalance", "p_preferred", "ratio", "scope", "treatment_arm")

    def __init__(
        self,
        arms: Sequence[str],
        factors: Sequence[Factor],
        seed: int,
        *,
        ratio: Sequence[int] | None = None,
        p_preferred: float | Fraction = Fraction(4, 5),
        imbalance: Imbalance = "range",
        scope: str = "trial",
        treatment_arm: str | None = None,
    ) -> None:
        self.arms: tuple[str, ...] = check_arms(arms, DesignError)
        self.ratio: tuple[int, ...] = (
            (1,) * len(self.arms)
            if ratio is None
            else check_ratio(ratio, len(self.arms), DesignError, "arm weights")
        )
        self.factors: tuple[Factor, ...] = tuple(factors)
        if not self.factors or not all(isinstance(f, Factor) for f in self.factors):
            raise DesignError(
                "Minimisation needs at least one Factor to balance, e.g. Factor('site', ('SCR', 'WMCA'))."
            )
        if len({f.name for f in self.factors}) != len(self.factors):
            raise DesignError("Two factors share a name; give each factor a different name.")
        self._seed = check_seed(seed)
        p = Fraction(p_preferred)
        if not Fraction(1, len(self.arms)) <= p <= 1:
            raise DesignError(
                f"The probability of the preferred arm must be between 1/{len(self.arms)} and 1, e.g. 0.8."
            )
        self.p_preferred = p
        if imbalance not in ("range", "variance"):
            raise DesignError("The imbalance measure must be 'range' or 'variance'.")
        self.imbalance: Imbalance = imbalance
        self.scope = stratum_key(scope)
        self.treatment_arm: str = choose_treatment_arm(self.arms, treatment_arm, DesignError)

    def __repr__(self) -> str:
        names = [f.name for f in self.factors]
        return f"MinimisationDesign(arms={self.arms!r}, factors={names!r}, seed=<concealed>)"

    def check_levels(self, levels: Mapping[str, str]) -> None:
        """Raise MinimisationError unless ``levels`` gives a valid level for every factor, and nothing else."""
        problems = []
        for factor in self.factors:
            if factor.name not in levels:
                problems.append(f"no value for {factor.name!r}")
            elif levels[factor.name] not in factor.levels:
                problems.append(
                    f"{levels[factor.name]!r} is not a level of {factor.name!r} (levels: {list(factor.levels)!r})"
                )
        extra = sorted(set(levels) - {f.name for f in self.factors})
        if extra:
            problems.append(f"unknown factors {extra!r}")
        if problems:
            raise MinimisationError(
                "Cannot allocate by minimisation: " + "; ".join(problems) + ". Record the participant's "
                "baseline answers for each factor, then try again."
            )

    def _spread(self, values: list[Fraction]) -> Fraction:
        if self.imbalance == "range":
            return max(values) - min(values)
        mean = sum(values, Fraction(0)) / len(values)
        return sum(((v - mean) ** 2 for v in values), Fraction(0)) / len(values)

    def probabilities(self, state: MinimisationState, levels: Mapping[str, str]) -> dict[str, Fraction]:
        """The exact probability of each arm for a participant with ``levels``, given ``state``."""
        self.check_levels(levels)
        totals: list[Fraction] = []
        for k in range(len(self.arms)):
            total = Fraction(0)
            for factor in self.factors:
                counts = state.counts[factor.name][levels[factor.name]]
                values = [
                    Fraction(counts[arm] + (1 if j == k else 0), weight)
                    for j, (arm, weight) in enumerate(zip(self.arms, self.ratio, strict=True))
                ]
                total += factor.weight * self._spread(values)
            totals.append(total)
        best = min(totals)
        preferred = [t == best for t in totals]
        if all(preferred):
            groups = [(list(range(len(self.arms))), Fraction(1))]
        else:
            chosen = [i for i, p in enumerate(preferred) if p]
            others = [i for i, p in enumerate(preferred) if not p]
            groups = [(chosen, self.p_preferred), (others, 1 - self.p_preferred)]
        result = dict.fromkeys(self.arms, Fraction(0))
        for members, mass in groups:
            weight = sum(self.ratio[i] for i in members)
            for i in members:
                result[self.arms[i]] = mass * Fraction(self.ratio[i], weight)
        return result


@dataclass(frozen=True)
class MinimisationState:
    """Counts of earlier participants by factor, level and arm: the value the web layer stores."""

    scope: str
    allocated: int
    counts: Mapping[str, Mapping[str, Mapping[str, int]]] = field(repr=False)

    @classmethod
    def initial(cls, design: MinimisationDesign) -> MinimisationState:
        """The state with nobody allocated yet."""
        counts = {
            f.name: {level: dict.fromkeys(design.arms, 0) for level in f.levels} for f in design.factors
        }
        return cls(design.scope, 0, counts)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict for one database row."""
        return {
            "scope": self.scope,
            "allocated": self.allocated,
            "counts": {
                f: {lv: dict(arms) for lv, arms in levels.items()} for f, levels in self.counts.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], design: MinimisationDesign) -> MinimisationState:
        """Rebuild a state from :meth:`to_json`'s output, checking it fits the design."""
        try:
            scope, allocated, raw = data["scope"], data["allocated"], data["counts"]
            counts = {
                f.name: {level: {arm: raw[f.name][level][arm] for arm in design.arms} for level in f.levels}
                for f in design.factors
            }
        except (KeyError, TypeError) as exc:
            raise StateError(
                "The stored minimisation state does not fit this design's factors, levels and arms; "
                "restore it from the audit log."
            ) from exc
        numbers = [n for levels in counts.values() for arms in levels.values() for n in arms.values()]
        if scope != design.scope or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in [allocated, *numbers]
        ):
            raise StateError(
                "The stored minimisation state is malformed or for another scope; restore it from the audit log."
            )
        return cls(scope, allocated, counts)


def minimise(
    state: MinimisationState | None, levels: Mapping[str, str], design: MinimisationDesign
) -> tuple[Allocation, MinimisationState]:
    """Allocate one participant with the given factor levels by minimisation: a pure step.

    The random draw comes from the design's seed and the allocation's number, so a run is
    reproducible from the seed and the participants' levels in order.
    """
    current = MinimisationState.initial(design) if state is None else state
    if current.scope != design.scope:
        raise StateError(
            f"The stored state is for {current.scope!r}, not {design.scope!r}; load the right row."
        )
    probabilities = design.probabilities(current, levels)
    u = Fraction(Draws(design._seed, design.scope, PURPOSE_MINIMISATION, current.allocated + 1).unit())
    arm = design.arms[-1]
    cumulative = Fraction(0)
    for candidate in design.arms:
        cumulative += probabilities[candidate]
        if probabilities[candidate] > 0 and u < cumulative:
            arm = candidate
            break
    counts = {
        f: {
            lv: {a: n + (1 if (a == arm and levels[f] == lv) else 0) for a, n in arms.items()}
            for lv, arms in lvls.items()
        }
        for f, lvls in current.counts.items()
    }
    allocation = Allocation(
        stratum=design.scope,
        slot=current.allocated + 1,
        arm=arm,
        method="minimisation",
        arms=design.arms,
        ratio=design.ratio,
        treatment_arm=design.treatment_arm,
        probability_of_treatment=treatment_share(design.arms, design.ratio, design.treatment_arm),
        assignment_probabilities={a: float(p) for a, p in probabilities.items()},
    )
    return allocation, MinimisationState(design.scope, current.allocated + 1, counts)
