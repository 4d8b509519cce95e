"""Property tests: valid response sets score within range, ``score_many`` equals ``score`` row by row, and
every invalid response set is refused with a named reason."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placewell.engine.measures import (
    INSTRUMENTS,
    Instrument,
    MeasureError,
    OutOfRangeError,
    UnknownItemError,
    score,
    score_many,
)
from placewell.engine.measures.eq5d5l import VALUE_SETS, value_range

from ._reference import assert_frame_matches_rows

IDS = sorted(INSTRUMENTS)
EXAMPLES = settings(max_examples=40, deadline=None)


def response_sets(instrument: Instrument) -> st.SearchStrategy[dict[str, int | None]]:
    """Any valid response set: each item answered in range, unanswered (None) or absent."""
    return st.fixed_dictionaries(
        {},
        optional={
            item.key: st.one_of(st.none(), st.integers(item.minimum, item.maximum))
            for item in instrument.items
        },
    )


def mostly_answered(instrument: Instrument) -> st.SearchStrategy[dict[str, int | None]]:
    """Valid response sets that are usually complete, so that scores are exercised as well as gaps."""
    complete = st.fixed_dictionaries(
        {item.key: st.integers(item.minimum, item.maximum) for item in instrument.items}
    )
    return st.one_of(complete, complete, response_sets(instrument))


def check_within_range(instrument: Instrument, result: Any, value_set: str | None = None) -> None:
    if result.value is not None:
        low, high = value_range(value_set) if value_set else instrument.value_range
        assert low <= result.value <= high
    if result.raw is not None and instrument.raw_range is not None:
        assert instrument.raw_range[0] <= result.raw <= instrument.raw_range[1]
    if result.band is not None:
        assert result.band in [band.label for band in instrument.bands]
    if not result.complete:
        assert result.reasons


@pytest.mark.parametrize("instrument_id", IDS)
def test_valid_response_sets_score_within_range_and_row_by_row(instrument_id: str) -> None:
    instrument = INSTRUMENTS[instrument_id]

    @EXAMPLES
    @given(st.lists(mostly_answered(instrument), min_size=1, max_size=25))
    def check(rows: list[dict[str, int | None]]) -> None:
        singles = [score(instrument, row) for row in rows]
        for result in singles:
            check_within_range(instrument, result)
            if result.complete and instrument.value_range is not None:
                assert result.value is not None and result.reasons == ()
        frame = pd.DataFrame(rows, columns=list(instrument.item_keys))
        assert_frame_matches_rows(score_many(instrument, frame), singles)

    check()


@EXAMPLES
@given(
    st.lists(
        st.tuples(
            mostly_answered(INSTRUMENTS["eq5d5l"]),
            st.integers(18, 110),
            st.sampled_from(["male", "female"]),
        ),
        min_size=1,
        max_size=25,
    ),
    st.sampled_from(VALUE_SETS),
)
def test_eq5d5l_every_value_set_row_by_row(
    rows: list[tuple[dict[str, int | None], int, str]], value_set: str
) -> None:
    instrument = INSTRUMENTS["eq5d5l"]
    singles = [score(instrument, r, value_set=value_set, age=age, sex=sex) for r, age, sex in rows]
    for result in singles:
        check_within_range(instrument, result, value_set)
    frame = pd.DataFrame([r for r, _, _ in rows], columns=list(instrument.item_keys))
    frame["age"] = [age for _, age, _ in rows]
    frame["sex"] = [sex for _, _, sex in rows]
    assert_frame_matches_rows(score_many(instrument, frame, value_set=value_set), singles)


def invalid_values(minimum: int, maximum: int) -> st.SearchStrategy[object]:
    return st.one_of(
        st.integers(max_value=minimum - 1),
        st.integers(min_value=maximum + 1),
        st.floats(allow_nan=False).filter(lambda x: not x.is_integer()),
        st.sampled_from([float("inf"), float("-inf")]),
        st.booleans(),
        st.text(max_size=3),
    )


@pytest.mark.parametrize("instrument_id", IDS)
def test_invalid_response_sets_are_refused_naming_the_item(instrument_id: str) -> None:
    instrument = INSTRUMENTS[instrument_id]

    @EXAMPLES
    @given(st.data())
    def check(data: st.DataObject) -> None:
        valid = data.draw(response_sets(instrument))
        item = data.draw(st.sampled_from(instrument.items))
        bad = data.draw(invalid_values(item.minimum, item.maximum))
        responses = {**valid, item.key: bad}
        with pytest.raises(OutOfRangeError) as caught:
            score(instrument, responses)
        assert caught.value.item == item.key and item.key in str(caught.value)
        frame = pd.DataFrame([valid, responses], columns=list(instrument.item_keys), index=["ok", "bad"])
        with pytest.raises(OutOfRangeError) as caught_many:
            score_many(instrument, frame)
        assert caught_many.value.item == item.key and caught_many.value.rows == ("bad",)

    check()


@pytest.mark.parametrize("instrument_id", IDS)
def test_unknown_items_are_refused_naming_them(instrument_id: str) -> None:
    instrument = INSTRUMENTS[instrument_id]

    @EXAMPLES
    @given(
        response_sets(instrument),
        st.text(min_size=1, max_size=12).filter(lambda k: k not in instrument.item_keys),
    )
    def check(valid: dict[str, int | None], key: str) -> None:
        with pytest.raises(UnknownItemError) as caught:
            score(instrument, {**valid, key: 1})
        assert repr(key) in str(caught.value)
        assert isinstance(caught.value, MeasureError)

    check()
