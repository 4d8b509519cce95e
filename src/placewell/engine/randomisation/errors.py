"""Named exceptions for the randomisation engine.

Every message says what is wrong and what to do about it, and none of them reveals a seed, a
block or the next allocation: messages may reach a page, an API response or a log, and the
allocation sequence must stay concealed (Schulz and Grimes, "Allocation concealment in randomised
trials: defending against deciphering", Lancet 2002;359:614-618).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AllocationListError",
    "AllocationListExhaustedError",
    "DesignError",
    "ListProblem",
    "MinimisationError",
    "RandomisationError",
    "ScheduleError",
    "StateError",
    "UnknownStratumError",
]


class RandomisationError(ValueError):
    """Base class: the allocation was refused and nothing was allocated."""


class DesignError(RandomisationError):
    """The design (arms, ratio, block sizes, seed or factors) is not valid."""


class UnknownStratumError(RandomisationError):
    """The stratum is not one the trial was set up with."""


class ScheduleError(RandomisationError):
    """The ratio schedule is not valid, or no date was given where one is needed."""


class StateError(RandomisationError):
    """A stored per-stratum state is malformed or belongs to another stratum or design."""


class MinimisationError(RandomisationError):
    """A participant's baseline factor levels are missing or not among the design's levels."""


@dataclass(frozen=True)
class ListProblem:
    """One problem found in an uploaded allocation list.

    ``row`` is the line number in the file (the header is row 1), or ``None`` for a problem that
    belongs to a stratum as a whole, such as a missing slot.
    """

    row: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.row is None else f"row {self.row}: {self.message}"


class AllocationListError(RandomisationError):
    """An uploaded allocation list is malformed or does not match its checksum.

    ``problems`` lists every problem found, so the person uploading can fix them all at once.
    """

    def __init__(self, summary: str, problems: tuple[ListProblem, ...] = ()) -> None:
        self.summary = summary
        self.problems = problems
        lines = [summary, *(f"- {problem}" for problem in problems)]
        super().__init__("\n".join(lines))


class AllocationListExhaustedError(AllocationListError):
    """Every slot of the stratum's uploaded list has been used."""
