"""The public scoring functions: one response set, or a whole frame of them.

``score(instrument, responses, **options)`` checks and scores one response set; ``score_many(instrument,
frame, **options)`` does the same for every row of a pandas DataFrame with numpy, giving the same results as
``score`` row by row. ``instrument`` is a registered id (``"swemwbs"``) or an :class:`Instrument` (such as a
service's configured variant). Options are instrument-specific (for EQ-5D-5L: ``value_set``, ``age``, ``sex``)
and any other option is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from placewell.engine.measures._validate import check_options, check_responses, frame_values
from placewell.engine.measures.model import Instrument, MeasureScore
from placewell.engine.measures.registry import get_instrument

SCORE_COLUMNS = ("raw", "value", "band", "complete", "reasons")
"""The columns every ``score_many`` result has, before any instrument-specific ones."""


def score(instrument: str | Instrument, responses: Mapping[str, object], **options: Any) -> MeasureScore:
    """Score one response set.

    ``responses`` maps item keys to whole numbers, with ``None`` (or NaN) for an unanswered item; an absent
    item counts as unanswered. Raises :class:`UnknownInstrumentError`, :class:`UnknownItemError`,
    :class:`OutOfRangeError`, :class:`MissingOptionError` or :class:`InvalidOptionError`, each naming the
    instrument and the item, option or value at fault.
    """
    chosen = get_instrument(instrument)
    check_options(chosen, options)
    values = check_responses(chosen, responses)
    return chosen.scorer.score_one(chosen, values, options)


def score_many(instrument: str | Instrument, frame: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Score every row of ``frame``, vectorised; the result has the frame's index.

    Item columns are named by item key; other columns are ignored, except ``age`` and ``sex``, which the
    EQ-5D-5L NICE DSU mapping reads when those options are not given (an option may also be one value for
    all rows or one value per row). Columns: ``raw`` and ``value`` (float, NaN when none), ``band`` (ordered
    categorical), ``complete`` (bool), ``reasons`` (the row's reasons joined by ``"; "``, empty when none),
    then the instrument's extra columns, named as the keys of ``MeasureScore.details``. The whole frame is
    checked first: an invalid value anywhere raises the same error as ``score`` would, listing every
    offending row. ``result.attrs`` names the instrument and its version.
    """
    chosen = get_instrument(instrument)
    check_options(chosen, options)
    values = frame_values(chosen, frame)
    columns = chosen.scorer.score_frame(chosen, values, frame, options)
    result = pd.DataFrame(columns, index=frame.index)
    result.attrs["instrument"] = chosen.id
    result.attrs["version"] = chosen.version
    return result
