"""Named exceptions for the instrument library.

Every refusal is a :class:`MeasureError` (itself a ``ValueError``) whose message names the instrument, the item
or option and the offending value, so a form or a bulk import can show it beside the right field or row.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence


class MeasureError(ValueError):
    """Base class: a response set or an option the library refuses to score."""


class UnknownInstrumentError(MeasureError):
    """No instrument with this id is registered."""

    def __init__(self, instrument_id: object, known: Sequence[str]) -> None:
        self.instrument_id = instrument_id
        super().__init__(f"unknown instrument {instrument_id!r}; known instruments: {', '.join(known)}")


class UnknownItemError(MeasureError):
    """A response names an item the instrument does not have."""

    def __init__(self, instrument_id: str, item: object, known: Sequence[str]) -> None:
        self.instrument_id = instrument_id
        self.item = item
        super().__init__(f"{instrument_id}: unknown item {item!r}; its items are {', '.join(known)}")


def _describe_rows(rows: Sequence[Hashable]) -> str:
    shown = ", ".join(repr(r) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f" (row {shown}{more})" if len(rows) == 1 else f" (rows {shown}{more})"


class OutOfRangeError(MeasureError):
    """A response (or a numeric option such as age) is not a whole number within the valid range.

    ``rows`` lists every offending row label when the error comes from :func:`score_many`.
    """

    def __init__(
        self,
        instrument_id: str,
        item: str,
        value: object,
        allowed: str,
        rows: Sequence[Hashable] = (),
    ) -> None:
        self.instrument_id = instrument_id
        self.item = item
        self.value = value
        self.rows = tuple(rows)
        where = _describe_rows(rows) if rows else ""
        super().__init__(f"{instrument_id}: {item} = {value!r} is refused: expected {allowed}{where}")


class MissingOptionError(MeasureError):
    """An option the chosen scoring needs (for example age or sex for the NICE DSU mapping) is missing."""

    def __init__(self, instrument_id: str, option: str, why: str, rows: Sequence[Hashable] = ()) -> None:
        self.instrument_id = instrument_id
        self.option = option
        self.rows = tuple(rows)
        where = _describe_rows(rows) if rows else ""
        super().__init__(f"{instrument_id}: {option} is needed {why}{where}")


class InvalidOptionError(MeasureError):
    """An option is unknown to the instrument, or has a value it does not accept."""

    def __init__(self, instrument_id: str, option: str, value: object, allowed: str) -> None:
        self.instrument_id = instrument_id
        self.option = option
        self.value = value
        super().__init__(f"{instrument_id}: option {option} = {value!r} is refused: expected {allowed}")


class MissingColumnError(MeasureError):
    """A frame given to ``score_many`` has none of the instrument's item columns."""

    def __init__(self, instrument_id: str, expected: Sequence[str]) -> None:
        self.instrument_id = instrument_id
        super().__init__(
            f"{instrument_id}: the frame has none of the item columns {', '.join(expected)}; "
            "rename its columns to the item keys"
        )
