"""ONS4: the Office for National Statistics personal well-being questions.

Four questions, each answered 0-10: life satisfaction, whether the things one does are worthwhile, happiness
yesterday and anxiety yesterday. There is no composite score; each answer is reported and banded on its own
(Government Statistical Service harmonised standard for personal well-being). Thresholds: life satisfaction,
worthwhile and happiness 0-4 low, 5-6 medium, 7-8 high, 9-10 very high; anxiety 0-1 very low, 2-3 low,
4-5 medium, 6-10 high. The wording is Crown copyright under the Open Government Licence and ships.

A score carries no ``raw``, ``value`` or ``band``; its ``details`` (and the extra columns of ``score_many``)
hold each item's band as ``<item>_band``. An unanswered question leaves its own band empty only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from placewell.engine.measures._common import (
    FloatArray,
    band_codes,
    labelled,
    missing_bitmask,
    not_answered,
    ordered_categorical,
    reasons_column,
)
from placewell.engine.measures.model import Band, Detail, Instrument, Item, MeasureScore

POSITIVE_BANDS = (Band(0, 4, "low"), Band(5, 6, "medium"), Band(7, 8, "high"), Band(9, 10, "very high"))
"""Thresholds for life satisfaction, worthwhile and happiness (ONS personal well-being guidance)."""

ANXIETY_BANDS = (Band(0, 1, "very low"), Band(2, 3, "low"), Band(4, 5, "medium"), Band(6, 10, "high"))
"""Thresholds for anxiety yesterday (ONS personal well-being guidance)."""


def _band(bands: tuple[Band, ...], value: int) -> str | None:
    for band in bands:
        if band.low <= value <= band.high:
            return band.label
    return None


@dataclass(frozen=True)
class ItemBands:
    """Bands each item on its own; no composite score."""

    bands: Mapping[str, tuple[Band, ...]]
    options: frozenset[str] = frozenset()

    def score_one(
        self, instrument: Instrument, values: Mapping[str, int | None], options: Mapping[str, Any]
    ) -> MeasureScore:
        """Each item's band; reasons list any unanswered question."""
        details: dict[str, Detail] = {}
        missing: list[str] = []
        for item in instrument.items:
            value = values.get(item.key)
            if value is None:
                missing.append(item.key)
            details[f"{item.key}_band"] = None if value is None else _band(self.bands[item.key], value)
        return MeasureScore(
            instrument.id, instrument.version, None, None, None, not missing, not_answered(missing), details
        )

    def score_frame(
        self,
        instrument: Instrument,
        values: Mapping[str, FloatArray],
        frame: pd.DataFrame,
        options: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The vectorised twin of :meth:`score_one`."""
        n = len(frame)
        keys = instrument.item_keys
        mask = missing_bitmask(values, keys, n)
        columns: dict[str, Any] = {
            "raw": np.full(n, np.nan),
            "value": np.full(n, np.nan),
            "band": ordered_categorical(np.full(n, -1, dtype=np.int64), []),
            "complete": mask == 0,
            "reasons": reasons_column(mask, keys, not_answered),
        }
        for key in keys:
            bands = self.bands[key]
            columns[f"{key}_band"] = ordered_categorical(
                band_codes(values[key], bands), [b.label for b in bands]
            )
        return columns


_ANCHORS = labelled([(0, "Not at all"), (10, "Completely")])

ONS4 = Instrument(
    id="ons4",
    version="1.0",
    title="ONS personal well-being (ONS4)",
    stem=(
        "Next are four questions about your feelings on aspects of your life. There are no right or wrong "
        "answers. For each question, give an answer on a scale of 0 to 10, where 0 is 'not at all' and 10 is "
        "'completely'."
    ),
    items=(
        Item("life_satisfaction", "Overall, how satisfied are you with your life nowadays?", 0, 10, _ANCHORS),
        Item(
            "worthwhile",
            "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
            0,
            10,
            _ANCHORS,
        ),
        Item("happiness", "Overall, how happy did you feel yesterday?", 0, 10, _ANCHORS),
        Item(
            "anxiety",
            "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', overall, how anxious "
            "did you feel yesterday?",
            0,
            10,
            labelled([(0, "Not at all anxious"), (10, "Completely anxious")]),
        ),
    ),
    scorer=ItemBands(
        {
            "life_satisfaction": POSITIVE_BANDS,
            "worthwhile": POSITIVE_BANDS,
            "happiness": POSITIVE_BANDS,
            "anxiety": ANXIETY_BANDS,
        }
    ),
    value_range=None,
    source="Government Statistical Service harmonised standard: personal well-being (ONS4).",
    licence="Crown copyright, Open Government Licence v3.0; the wording ships.",
    wording_status="open_government_licence",
    higher_is_better=None,
)
