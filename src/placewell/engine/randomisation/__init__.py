"""Randomisation: stratified permuted blocks, ratio schedules, minimisation and uploaded lists.

Pure and Django-free. Each method is a pure step ``(state, stratum, ...) -> (Allocation,
new_state)`` over a small JSON-serialisable state per stratum, so the web layer keeps one row per
stratum, locks it (``SELECT ... FOR UPDATE``), calls the step, and saves the new state and the
allocation in the same transaction. See docs/explanation/randomisation.md.

>>> design = PermutedBlockDesign(("treatment", "control"), (1, 1), (1, 2, 3), seed=20170601)
>>> allocation, state = allocate(None, "SCR-IW", design)
>>> allocation.arm == design.sequence("SCR-IW", 1)[0], allocation.probability_of_treatment
(True, 0.5)
"""

from ._random import Stratum, stratum_key
from .allocation import Allocation, Method
from .allocation_list import AllocationList, ListState, allocate_from_list, parse_allocation_list
from .blocks import PermutedBlockDesign, StratumState, allocate, new_seed
from .errors import (
    AllocationListError,
    AllocationListExhaustedError,
    DesignError,
    ListProblem,
    MinimisationError,
    RandomisationError,
    ScheduleError,
    StateError,
    UnknownStratumError,
)
from .minimisation import Factor, MinimisationDesign, MinimisationState, minimise
from .schedule import RatioChange, RatioSchedule

__all__ = [
    "Allocation",
    "AllocationList",
    "AllocationListError",
    "AllocationListExhaustedError",
    "DesignError",
    "Factor",
    "ListProblem",
    "ListState",
    "Method",
    "MinimisationDesign",
    "MinimisationError",
    "MinimisationState",
    "PermutedBlockDesign",
    "RandomisationError",
    "RatioChange",
    "RatioSchedule",
    "ScheduleError",
    "StateError",
    "Stratum",
    "StratumState",
    "UnknownStratumError",
    "allocate",
    "allocate_from_list",
    "minimise",
    "new_seed",
    "parse_allocation_list",
    "stratum_key",
]
