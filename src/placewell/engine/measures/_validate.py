"""Checking responses before they are scored: one response set, or every row of a frame at once.

The rule is the same on both paths: an answer is a whole number within the item's range (an integer, or a
float with no fractional part such as pandas gives for a column with gaps); ``None``, NaN and ``pd.NA`` mean
unanswered; anything else (text, booleans, fractions, infinities) is refused with an
:class:`OutOfRangeError` naming the item and the value. An unknown item is refused with an
:class:`UnknownItemError`. A frame is checked whole before anything is scored, and the error lists every
offending row.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from placewell.engine.measures.errors import (
    InvalidOptionError,
    MissingColumnError,
    OutOfRangeError,
    UnknownItemError,
)
from placewell.engine.measures.model import Instrument, Item


def is_missing(value: object) -> bool:
    """Whether a value stands for no answer: ``None``, NaN or ``pd.NA``."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and bool(np.isnan(value))


def whole_number(value: object) -> int | None:
    """The value as an ``int`` if it is a whole number (not a boolean), else ``None``."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    return None


def check_responses(instrument: Instrument, responses: Mapping[str, object]) -> dict[str, int | None]:
    """Validated answers keyed by item; absent items are unanswered."""
    known = instrument.item_keys
    for key in responses:
        if key not in known:
            raise UnknownItemError(instrument.id, key, known)
    checked: dict[str, int | None] = {}
    for item in instrument.items:
        value = responses.get(item.key)
        if is_missing(value):
            checked[item.key] = None
            continue
        number = whole_number(value)
        if number is None or not item.minimum <= number <= item.maximum:
            raise OutOfRangeError(instrument.id, item.key, value, item.allowed)
        checked[item.key] = number
    return checked


def check_options(instrument: Instrument, options: Mapping[str, Any]) -> None:
    """Refuse an option the instrument's scorer does not take."""
    accepted = instrument.scorer.options
    for name, value in options.items():
        if name not in accepted:
            allowed = (
                f"one of {', '.join(sorted(accepted))}" if accepted else "no options for this instrument"
            )
            raise InvalidOptionError(instrument.id, name, value, allowed)


def numeric_column(
    instrument_id: str, name: str, column: pd.Series[Any], allowed: str
) -> NDArray[np.float64]:
    """A column as float64 with NaN for unanswered, refusing text and booleans as ``score`` does.

    Numeric columns (including pandas' nullable integers) take the fast path; an object column is checked
    value by value, as its values may be of any type.
    """
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) or not (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_object_dtype(dtype)
    ):
        present = column[column.notna()]
        if len(present):
            raise OutOfRangeError(instrument_id, name, present.iloc[0], allowed, list(present.index))
        return np.full(len(column), np.nan)
    if pd.api.types.is_object_dtype(dtype):
        bad = [
            (label, value)
            for label, value in column.items()
            if not is_missing(value) and (isinstance(value, bool | np.bool_) or not _is_number(value))
        ]
        if bad:
            raise OutOfRangeError(instrument_id, name, bad[0][1], allowed, [label for label, _ in bad])
        return np.array([np.nan if is_missing(v) else float(v) for v in column], dtype=np.float64)
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating)


def _refuse_rows(instrument: Instrument, item: Item, array: NDArray[np.float64], index: pd.Index) -> None:
    answered = ~np.isnan(array)
    with np.errstate(invalid="ignore"):
        bad = answered & (
            ~np.isfinite(array) | (array != np.floor(array)) | (array < item.minimum) | (array > item.maximum)
        )
    if bad.any():
        positions = np.flatnonzero(bad)
        first = float(array[positions[0]])
        shown: object = int(first) if first.is_integer() else first
        rows: list[Hashable] = list(index[positions])
        raise OutOfRangeError(instrument.id, item.key, shown, item.allowed, rows)


def frame_values(instrument: Instrument, frame: pd.DataFrame) -> dict[str, NDArray[np.float64]]:
    """Every item as a validated float64 column (all NaN for an item the frame lacks).

    Columns that are not items (identifiers, dates, age and sex) are left alone; a frame with none of the
    items is refused, as that is almost always a naming mistake.
    """
    present = [key for key in instrument.item_keys if key in frame.columns]
    if not present:
        raise MissingColumnError(instrument.id, instrument.item_keys)
    values: dict[str, NDArray[np.float64]] = {}
    for item in instrument.items:
        if item.key not in frame.columns:
            values[item.key] = np.full(len(frame), np.nan)
            continue
        array = numeric_column(instrument.id, item.key, frame[item.key], item.allowed)
        _refuse_rows(instrument, item, array, frame.index)
        values[item.key] = array
    return values
