"""Scoring shared by the instruments: reasons, bands and the summed (or mean) scale.

Each scorer has a scalar path (plain Python, used by ``score``) and a vectorised path (numpy, used by
``score_many``). The two are written separately and must agree exactly; the arithmetic is chosen so that they
do (sums of small whole numbers are exact in float64, and ``a / b`` is correctly rounded in both Python and
numpy). Reason texts are made by one function from the pattern of unanswered items, so both paths give the
same words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from placewell.engine.measures.model import Band, Instrument, MeasureScore, ResponseOption

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

REASON_SEPARATOR = "; "
"""How ``score_many`` joins a row's reasons into one text (an empty text when there are none)."""


def not_answered(missing: Sequence[str]) -> tuple[str, ...]:
    """The reason listing unanswered items, in questionnaire order."""
    return (f"not answered: {', '.join(missing)}",) if missing else ()


def band_codes(values: FloatArray, bands: Sequence[Band]) -> IntArray:
    """The index of each value's band (the first matching band, as ``Instrument.band_for``), -1 if none."""
    codes = np.full(values.shape, -1, dtype=np.int64)
    for j in range(len(bands) - 1, -1, -1):
        band = bands[j]
        codes[(values >= band.low) & (values <= band.high)] = j
    return codes


def categorical(codes: IntArray, labels: Sequence[str], ordered: bool = False) -> pd.Categorical[str]:
    """A categorical column from codes into labels (-1 for none)."""
    dtype: pd.CategoricalDtype[str] = pd.CategoricalDtype(list(labels), ordered=ordered)
    return pd.Categorical.from_codes(codes, dtype=dtype)


def ordered_categorical(codes: IntArray, labels: Sequence[str]) -> pd.Categorical[str]:
    """An ordered categorical column from codes into labels (-1 for none), such as bands."""
    return categorical(codes, labels, ordered=True)


def missing_bitmask(values: Mapping[str, FloatArray], keys: Sequence[str], n: int) -> IntArray:
    """One integer per row whose bit ``j`` says item ``keys[j]`` is unanswered."""
    mask = np.zeros(n, dtype=np.int64)
    for j, key in enumerate(keys):
        mask |= np.isnan(values[key]).astype(np.int64) << j
    return mask


def reasons_column(
    mask: IntArray, keys: Sequence[str], reasons_of: Callable[[tuple[str, ...]], tuple[str, ...]]
) -> pd.Categorical[str]:
    """The joined reasons of each row, computed once per distinct pattern of unanswered items."""
    if len(keys) <= 16:
        counts = np.bincount(mask, minlength=1 << len(keys))
        present = np.flatnonzero(counts)
        lookup = np.full(1 << len(keys), -1, dtype=np.int64)
        lookup[present] = np.arange(present.size)
        pattern_codes = lookup[mask]
    else:
        present, pattern_codes = np.unique(mask, return_inverse=True)
    texts: list[str] = []
    index: dict[str, int] = {}
    remap = np.empty(present.size, dtype=np.int64)
    for p, pattern in enumerate(present.tolist()):
        missing = tuple(key for j, key in enumerate(keys) if pattern >> j & 1)
        text = REASON_SEPARATOR.join(reasons_of(missing))
        remap[p] = index.setdefault(text, len(texts))
        if remap[p] == len(texts):
            texts.append(text)
    return categorical(remap[pattern_codes], texts)


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


@dataclass(frozen=True)
class SummedScale:
    """A scale scored by summing its items: the reported value is the total, its conversion, or the mean.

    Unanswered items follow the instrument's :class:`MissingRule`: with up to ``max_missing`` unanswered, the
    raw total is pro-rated as the mean of the answered items times the number of items, rounded half up to a
    whole number (so a conversion table or bands still apply); otherwise there is no score. The mean method
    reports the mean of the answered items.
    """

    method: Literal["sum", "mean"] = "sum"
    conversion: Mapping[int, float] | None = None
    options: frozenset[str] = frozenset()

    def _reasons(self, instrument: Instrument, missing: tuple[str, ...]) -> tuple[str, ...]:
        scored = instrument.scored_items
        scored_keys = {item.key for item in scored}
        gaps = sum(1 for key in missing if key in scored_keys)
        if gaps == 0:
            return not_answered(missing)
        if gaps > instrument.missing_rule.max_missing or gaps == len(scored):
            rule = instrument.missing_rule.description
            return (*not_answered(missing), f"no score: {instrument.title} is {rule}")
        answered = len(scored) - gaps
        return (*not_answered(missing), f"raw total pro-rated from {answered} of {len(scored)} items")

    def _value(self, raw: int, total: int, answered: int) -> float:
        if self.conversion is not None:
            return self.conversion[raw]
        return raw if self.method == "sum" else total / answered

    def score_one(
        self, instrument: Instrument, values: Mapping[str, int | None], options: Mapping[str, Any]
    ) -> MeasureScore:
        """Sum (or average) the answered items, pro-rating where the missing-item rule allows."""
        missing = tuple(item.key for item in instrument.items if values.get(item.key) is None)
        answers = [values.get(item.key) for item in instrument.scored_items]
        given = [v for v in answers if v is not None]
        k, answered = len(answers), len(given)
        reasons = self._reasons(instrument, missing)
        if answered == 0 or k - answered > instrument.missing_rule.max_missing:
            return MeasureScore(instrument.id, instrument.version, None, None, None, False, reasons)
        total = sum(given)
        raw = total if answered == k else _round_half_up(total * k / answered)
        value = self._value(raw, total, answered)
        band = instrument.band_for(value)
        return MeasureScore(instrument.id, instrument.version, raw, value, band, not missing, reasons)

    def score_frame(
        self,
        instrument: Instrument,
        values: Mapping[str, FloatArray],
        frame: pd.DataFrame,
        options: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The vectorised twin of :meth:`score_one`."""
        n = len(frame)
        total = np.zeros(n)
        gaps = np.zeros(n, dtype=np.int64)
        scored = instrument.scored_items
        for item in scored:
            column = values[item.key]
            unanswered = np.isnan(column)
            total += np.where(unanswered, 0.0, column)
            gaps += unanswered
        k = len(scored)
        answered = k - gaps
        ok = (answered > 0) & (gaps <= instrument.missing_rule.max_missing)
        safe = np.maximum(answered, 1)
        raw = np.where(gaps == 0, total, np.floor(total * k / safe + 0.5))
        raw = np.where(ok, raw, np.nan)
        if self.conversion is not None:
            top = max(self.conversion)
            lookup = np.full(top + 1, np.nan)
            for r, v in self.conversion.items():
                lookup[r] = v
            value = np.where(ok, lookup[np.where(ok, raw, 0).astype(np.int64)], np.nan)
        elif self.method == "sum":
            value = raw
        else:
            value = np.where(ok, total / safe, np.nan)
        keys = instrument.item_keys
        mask = missing_bitmask(values, keys, n)
        return {
            "raw": raw,
            "value": value,
            "band": ordered_categorical(
                band_codes(value, instrument.bands), [b.label for b in instrument.bands]
            ),
            "complete": mask == 0,
            "reasons": reasons_column(mask, keys, lambda missing: self._reasons(instrument, missing)),
        }


def read_data(name: str) -> str:
    """The text of a data file shipped beside these modules."""
    return resources.files("placewell.engine.measures").joinpath(name).read_text(encoding="utf-8")


def labelled(pairs: Sequence[tuple[int, str]]) -> tuple[ResponseOption, ...]:
    """Response options from (value, label) pairs."""
    return tuple(ResponseOption(value, label) for value, label in pairs)
