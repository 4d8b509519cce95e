"""The registry, the fixed item keys, and named refusals."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from placewell.engine.measures import (
    INSTRUMENTS,
    InvalidOptionError,
    MeasureError,
    MissingColumnError,
    MissingOptionError,
    OutOfRangeError,
    UnknownInstrumentError,
    UnknownItemError,
    get_instrument,
    score,
    score_many,
)

ISSUE_ITEM_KEYS = {
    "swemwbs": [f"item{n}" for n in range(1, 8)],
    "eq5d5l": ["mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression", "vas"],
    "phq8": [f"item{n}" for n in range(1, 9)],
    "gad7": [f"item{n}" for n in range(1, 8)],
    "gse": [f"item{n}" for n in range(1, 11)],
    "ons4": ["life_satisfaction", "worthwhile", "happiness", "anxiety"],
    "mskhq": [f"item{n}" for n in range(1, 15)],
}


def test_registry_holds_every_instrument_with_the_issue_s_item_keys() -> None:
    assert set(INSTRUMENTS) == {*ISSUE_ITEM_KEYS, "job_search_self_efficacy", "client_experience"}
    for instrument_id, keys in ISSUE_ITEM_KEYS.items():
        assert list(get_instrument(instrument_id).item_keys[: len(keys)]) == keys
    assert len(set(INSTRUMENTS.values())) == len(INSTRUMENTS)  # hashable, e.g. as cache keys
    for instrument in INSTRUMENTS.values():
        assert instrument.version and instrument.source and instrument.licence
        for item in instrument.items:
            assert item.options and item.minimum < item.maximum and item.wording


def test_licensed_instruments_ship_stand_ins_only() -> None:
    for instrument_id in ("eq5d5l", "swemwbs", "mskhq"):
        assert get_instrument(instrument_id).wording_status == "stand_in"
        assert "stand-in" in get_instrument(instrument_id).stem.lower()


def test_unknown_instrument_is_refused_naming_it() -> None:
    with pytest.raises(UnknownInstrumentError, match="'wemwbs'"):
        score("wemwbs", {})
    with pytest.raises(UnknownInstrumentError, match="'wemwbs'"):
        score_many("wemwbs", pd.DataFrame({"item1": [1]}))


def test_unknown_item_is_refused_naming_it() -> None:
    with pytest.raises(UnknownItemError, match="'item8'"):
        score("swemwbs", {"item1": 3, "item8": 3})


@pytest.mark.parametrize("bad", [6, 0, 2.5, "3", True, float("inf"), [3]])
def test_out_of_range_value_is_refused_naming_item_and_value(bad: object) -> None:
    with pytest.raises(OutOfRangeError, match="item2") as caught:
        score("swemwbs", {"item1": 3, "item2": bad})
    assert caught.value.item == "item2"
    assert repr(bad) in str(caught.value)


@pytest.mark.parametrize(
    "column", [[3, 6, 7], [3.0, 2.5, 9.0], ["3", "x", None], [True, False, True], [3, "4", 2]]
)
def test_score_many_refuses_the_frame_listing_the_bad_rows(column: list[object]) -> None:
    frame = pd.DataFrame({"item1": column, "item2": [3, 3, 3]}, index=["a", "b", "c"])
    with pytest.raises(OutOfRangeError, match="item1") as caught:
        score_many("swemwbs", frame)
    assert caught.value.rows
    assert set(caught.value.rows) <= {"a", "b", "c"}


def test_score_many_ignores_other_columns_but_needs_some_items() -> None:
    frame = pd.DataFrame({"participant": ["p1"], **{f"item{n}": [3] for n in range(1, 8)}})
    assert score_many("swemwbs", frame)["value"].iloc[0] == 19.25
    with pytest.raises(MissingColumnError, match="item1"):
        score_many("swemwbs", pd.DataFrame({"Item 1": [3]}))


def test_unknown_option_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match="value_set"):
        score("swemwbs", {}, value_set="england_2018")


def test_every_refusal_is_a_measure_error() -> None:
    for error in (
        UnknownInstrumentError,
        UnknownItemError,
        OutOfRangeError,
        MissingOptionError,
        InvalidOptionError,
        MissingColumnError,
    ):
        assert issubclass(error, MeasureError)
    assert issubclass(MeasureError, ValueError)


def test_result_frame_keeps_the_index_and_names_the_version() -> None:
    frame = pd.DataFrame({f"item{n}": [1, 2] for n in range(1, 9)}, index=[10, 20])
    result = score_many("phq8", frame)
    assert list(result.index) == [10, 20]
    assert result.attrs == {"instrument": "phq8", "version": "1.0"}
    assert list(result.columns) == ["raw", "value", "band", "complete", "reasons"]


def test_the_library_imports_without_django() -> None:
    code = (
        "import sys, placewell.engine.measures as m; m.score('phq8', {}); assert 'django' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
