"""Design validation, per-stratum state for the web layer, concealment and clear refusals."""

from __future__ import annotations

import ast
import doctest
import json
from pathlib import Path

import pytest

import placewell.engine.randomisation as randomisation
from placewell.engine.randomisation import (
    DesignError,
    PermutedBlockDesign,
    RandomisationError,
    StateError,
    StratumState,
    UnknownStratumError,
    allocate,
    new_seed,
)

ARMS = ("treatment", "control")
SECRET = 271828182845904523536028747135266249775


def _design(**options: object) -> PermutedBlockDesign:
    return PermutedBlockDesign(ARMS, (1, 1), (1, 2, 3), SECRET, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arms", "ratio", "multiples", "seed", "message"),
    [
        (("treatment",), (1,), (1,), 1, "at least two arms"),
        (("a", "a"), (1, 1), (1,), 1, "repeat a name"),
        ("ab", (1, 1), (1,), 1, "list of names"),
        (ARMS, (1,), (1,), 1, "one whole-number weight of at least 1 for each of the 2 arms"),
        (ARMS, (1, 0), (1,), 1, "at least 1"),
        (ARMS, (1.5, 1), (1,), 1, "whole-number"),
        (ARMS, (1, 1), (), 1, "block multiples"),
        (ARMS, (1, 1), (2, 2), 1, "repeat a value"),
        (ARMS, (1, 1), (0,), 1, "at least 1"),
        (ARMS, (1, 1), (1,), -1, "new_seed"),
        (ARMS, (1, 1), (1,), 2**256, "new_seed"),
        (ARMS, (1, 1), (1,), "42", "new_seed"),
    ],
)
def test_invalid_designs_are_refused_with_what_to_do(
    arms: object, ratio: object, multiples: object, seed: object, message: str
) -> None:
    with pytest.raises(DesignError, match=message):
        PermutedBlockDesign(arms, ratio, multiples, seed)  # type: ignore[arg-type]


def test_an_unconfigured_stratum_is_refused_and_nothing_is_allocated() -> None:
    design = _design(strata=["SCR-IW", {"site": "WMCA", "employment": "OOW"}])
    allocate(None, {"employment": "OOW", "site": "WMCA"}, design)
    with pytest.raises(UnknownStratumError, match="not one this trial was set up with"):
        allocate(None, "WMCA-IW", design)
    with pytest.raises(UnknownStratumError):
        design.sequence("WMCA-IW", 3)
    with pytest.raises(DesignError, match="control characters"):
        allocate(None, "SCR\nIW", _design())


def test_the_state_is_small_json_and_rejects_the_wrong_row_or_design() -> None:
    design = _design()
    allocation, state = allocate(None, "SCR-IW", design)
    row = json.loads(json.dumps(state.to_json()))
    assert set(row) == {"stratum", "slots_used", "block", "block_size", "block_position", "ratio"}
    assert StratumState.from_json(row) == state
    assert allocation.slot == 1 and allocation.block == 1 and allocation.block_position == 1
    with pytest.raises(StateError, match="load the row for this stratum"):
        allocate(state, "SCR-OOW", design)
    other = PermutedBlockDesign(ARMS, (1, 1), (5, 6, 7), seed=SECRET)
    with pytest.raises(StateError, match="does not match this design"):
        allocate(state, "SCR-IW", other)
    for broken in ({"stratum": "SCR-IW"}, {**row, "block_position": 99}, {**row, "slots_used": True}, None):
        with pytest.raises(StateError):
            StratumState.from_json(broken)  # type: ignore[arg-type]


def test_the_initial_state_and_none_are_the_same_start() -> None:
    design = _design()
    assert allocate(None, "SCR-IW", design) == allocate(StratumState.initial("SCR-IW"), "SCR-IW", design)


def test_nothing_printable_reveals_the_seed() -> None:
    design = _design()
    allocation, state = allocate(None, "SCR-IW", design)
    printed = [
        repr(design),
        repr(allocation),
        repr(state),
        json.dumps(allocation.to_json()),
        json.dumps(state.to_json()),
    ]
    for bad_call in (lambda: allocate(None, "", design), lambda: design.block("SCR-IW", 0)):
        with pytest.raises(RandomisationError) as caught:
            bad_call()
        printed.append(str(caught.value))
    assert not any(str(SECRET) in text or hex(SECRET)[2:] in text for text in printed)
    assert "concealed" in repr(design)


def test_the_treatment_arm_sets_the_recorded_probability() -> None:
    design = PermutedBlockDesign(("control", "treatment"), (1, 2), (1,), seed=1, treatment_arm="treatment")
    allocation, _ = allocate(None, "A", design)
    assert allocation.probability_of_treatment == pytest.approx(2 / 3)
    assert allocation.to_json()["probability_of_treatment"] == pytest.approx(2 / 3)
    with pytest.raises(DesignError, match="not one of the arms"):
        PermutedBlockDesign(ARMS, (1, 1), (1,), seed=1, treatment_arm="placebo")


def test_new_seeds_are_fresh_128_bit_numbers() -> None:
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20 and all(0 <= s < 2**128 for s in seeds)


def test_docstring_examples_run() -> None:
    for module in (randomisation, randomisation.schedule):
        assert doctest.testmod(module).failed == 0


def test_the_engine_imports_no_django() -> None:
    package = Path(randomisation.__file__).parent
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(name.split(".")[0] == "django" for name in names), source.name
