"""EQ-5D-5L: five dimensions of health today, each at five levels, and the EQ VAS.

Dimensions (keys) mobility, self_care, usual_activities, pain_discomfort and anxiety_depression, each level 1
(no problems) to 5 (extreme problems or unable); the health state is written as five digits, e.g. 21345. The
EQ VAS (``vas``, 0-100) is the participant's rating of their own health today, reported alongside the index and
not part of it. Three ways to turn a state into an index, chosen with the ``value_set`` option:

- ``england_2018`` (default): the EQ-5D-5L value set for England, index = 1 + the sum of the level decrements
  (no constant), rounded to 3 decimals; range -0.285 to 1 (Devlin et al. 2018, Health Economics 27(1):7-22,
  doi:10.1002/hec.3564). Decrements in ``eq5d5l_england_2018.json``.
- ``nice_dsu_3l``: the NICE Decision Support Unit mapping to the EQ-5D-3L UK value, by age band (18-34, 35-44,
  45-54, 55-64, 65+) and sex, the value NICE asks for in UK reference-case analyses (Hernandez Alava, Pudney,
  Wailoo 2023, PharmacoEconomics, doi:10.1007/s40273-022-01218-7). Needs the ``age`` (completed years, 18 or
  over; ages above 120 are refused as implausible) and ``sex`` (``"male"`` or ``"female"``) options. Lookup in
  ``eq5d5l_nice_dsu_mapping_uk.csv``, reported at the table's full precision.
- ``crosswalk_uk``: the van Hout et al. (2012) crosswalk to the EQ-5D-3L UK value, NICE's older interim method
  (doi:10.1016/j.jval.2012.02.008). Lookup in ``eq5d5l_crosswalk_uk.csv``.

Both CSVs were extracted from the data of the R package eq5d (Fraser Morton, MIT licence) and say so in their
header comments. The index needs all five dimensions; an unanswered VAS leaves the response incomplete but
still gives the index. EuroQol owns the instrument and its wording; organisations register to use it, and
Placewell ships a clearly marked descriptive stand-in until the organisation loads its licensed wording.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from placewell.engine.measures._common import (
    FloatArray,
    IntArray,
    categorical,
    labelled,
    missing_bitmask,
    not_answered,
    ordered_categorical,
    read_data,
    reasons_column,
)
from placewell.engine.measures._validate import is_missing, numeric_column
from placewell.engine.measures.errors import InvalidOptionError, MissingOptionError, OutOfRangeError
from placewell.engine.measures.model import STAND_IN_NOTICE, Detail, Instrument, Item, MeasureScore

DIMENSIONS = ("mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression")
VALUE_SETS = ("england_2018", "nice_dsu_3l", "crosswalk_uk")
DEFAULT_VALUE_SET = "england_2018"
AGE_BANDS = ("18-34", "35-44", "45-54", "55-64", "65+")
"""The NICE DSU mapping's age bands (Hernandez Alava et al. 2023)."""
_BAND_STARTS = (35, 45, 55, 65)
MIN_AGE = 18
"""The mapping's lowest age band starts at 18."""
MAX_AGE = 120
"""A plausibility bound, not from a source: larger ages are almost always a missing-value code."""
SEXES = ("male", "female")
STATES = tuple("".join(map(str, levels)) for levels in product(range(1, 6), repeat=5))
"""All 3,125 health states in index order (11111, 11112, ... 55555)."""
_PLACE = np.array([625, 125, 25, 5, 1], dtype=np.int64)
_ALLOWED_AGE = f"an age in completed years from {MIN_AGE} to {MAX_AGE}"
_NEEDS = "for the nice_dsu_3l value set"


def state_index(levels: Sequence[int]) -> int:
    """The position of a health state (levels 1-5 per dimension) in ``STATES``."""
    return sum((level - 1) * int(place) for level, place in zip(levels, _PLACE, strict=True))


def load_england_decrements() -> dict[str, dict[int, float]]:
    """The England 2018 decrements by dimension and level (level 1 is 0), from ``eq5d5l_england_2018.json``."""
    table = json.loads(read_data("eq5d5l_england_2018.json"))["decrements"]
    return {dim: {1: 0.0, **{int(lv): float(d) for lv, d in table[dim].items()}} for dim in DIMENSIONS}


def england_index(levels: Sequence[int], decrements: Mapping[str, Mapping[int, float]]) -> float:
    """Devlin et al. (2018): 1 + the sum of the decrements, rounded to 3 decimals."""
    return round(1 + sum(decrements[dim][level] for dim, level in zip(DIMENSIONS, levels, strict=True)), 3)


def _rows(name: str) -> list[dict[str, str]]:
    lines = [line for line in read_data(name).splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@dataclass(frozen=True)
class Tables:
    """The three value sets as arrays indexed by state (and by age band and sex for the NICE DSU mapping)."""

    england: FloatArray
    nice_dsu: FloatArray
    crosswalk: FloatArray


@cache
def tables() -> Tables:
    """Load the value sets once; every state (and band and sex) must be present exactly once."""
    decrements = load_england_decrements()
    england = np.array([england_index([int(c) for c in state], decrements) for state in STATES])
    nice = np.full((len(AGE_BANDS), len(SEXES), len(STATES)), np.nan)
    for row in _rows("eq5d5l_nice_dsu_mapping_uk.csv"):
        idx = state_index([int(c) for c in row["state"]])
        nice[AGE_BANDS.index(row["age_band"]), SEXES.index(row["sex"]), idx] = float(row["mapped_3l_uk"])
    crosswalk = np.full(len(STATES), np.nan)
    for row in _rows("eq5d5l_crosswalk_uk.csv"):
        crosswalk[state_index([int(c) for c in row["state"]])] = float(row["crosswalk_uk"])
    if np.isnan(nice).any() or np.isnan(crosswalk).any():
        raise RuntimeError("an EQ-5D-5L lookup table is incomplete")
    return Tables(england, nice, crosswalk)


def value_range(value_set: str = DEFAULT_VALUE_SET) -> tuple[float, float]:
    """The lowest and highest index a value set gives."""
    t = tables()
    table = {"england_2018": t.england, "nice_dsu_3l": t.nice_dsu, "crosswalk_uk": t.crosswalk}[value_set]
    return float(table.min()), float(table.max())


def age_band(instrument_id: str, age: object) -> int:
    """The NICE DSU age band (index into ``AGE_BANDS``) of an age in completed years."""
    if is_missing(age):
        raise MissingOptionError(instrument_id, "age", _NEEDS)
    if isinstance(age, bool | np.bool_) or not isinstance(age, int | float | np.integer | np.floating):
        raise OutOfRangeError(instrument_id, "age", age, _ALLOWED_AGE)
    if not math.isfinite(age) or not MIN_AGE <= math.floor(age) <= MAX_AGE:
        raise OutOfRangeError(instrument_id, "age", age, _ALLOWED_AGE)
    return bisect.bisect_right(_BAND_STARTS, math.floor(age))


def sex_code(instrument_id: str, sex: object) -> int:
    """The index into ``SEXES`` of ``"male"`` or ``"female"`` (any case, surrounding spaces ignored)."""
    if is_missing(sex):
        raise MissingOptionError(instrument_id, "sex", _NEEDS)
    if not isinstance(sex, str) or sex.strip().lower() not in SEXES:
        raise InvalidOptionError(instrument_id, "sex", sex, "'male' or 'female'")
    return SEXES.index(sex.strip().lower())


def _value_set(instrument_id: str, options: Mapping[str, Any]) -> str:
    chosen = options.get("value_set", DEFAULT_VALUE_SET)
    if chosen not in VALUE_SETS:
        raise InvalidOptionError(instrument_id, "value_set", chosen, f"one of {', '.join(VALUE_SETS)}")
    return str(chosen)


def _reasons(missing: tuple[str, ...]) -> tuple[str, ...]:
    if any(key in DIMENSIONS for key in missing):
        return (*not_answered(missing), "no index: the EQ-5D-5L index needs all five dimensions answered")
    return not_answered(missing)


@dataclass(frozen=True)
class EQ5D5LScorer:
    """Looks the health state up in the chosen value set."""

    options: frozenset[str] = field(default=frozenset({"value_set", "age", "sex"}))

    def score_one(
        self, instrument: Instrument, values: Mapping[str, int | None], options: Mapping[str, Any]
    ) -> MeasureScore:
        """The index of one response set."""
        value_set = _value_set(instrument.id, options)
        missing = tuple(item.key for item in instrument.items if values.get(item.key) is None)
        levels = [values.get(dim) for dim in DIMENSIONS]
        details: dict[str, Detail] = {"state": None, "vas": values.get("vas")}
        value: float | None = None
        if all(level is not None for level in levels):
            idx = state_index([int(level) for level in levels if level is not None])
            details["state"] = STATES[idx]
            t = tables()
            if value_set == "england_2018":
                value = float(t.england[idx])
            elif value_set == "crosswalk_uk":
                value = float(t.crosswalk[idx])
            else:
                band = age_band(instrument.id, options.get("age"))
                sex = sex_code(instrument.id, options.get("sex"))
                value = float(t.nice_dsu[band, sex, idx])
        return MeasureScore(
            instrument.id, instrument.version, None, value, None, not missing, _reasons(missing), details
        )

    def score_frame(
        self,
        instrument: Instrument,
        values: Mapping[str, FloatArray],
        frame: pd.DataFrame,
        options: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The vectorised twin of :meth:`score_one`."""
        value_set = _value_set(instrument.id, options)
        n = len(frame)
        unanswered = np.zeros(n, dtype=bool)
        idx = np.zeros(n, dtype=np.int64)
        for dim, place in zip(DIMENSIONS, _PLACE, strict=True):
            column = values[dim]
            gap = np.isnan(column)
            unanswered |= gap
            idx += (np.where(gap, 1.0, column).astype(np.int64) - 1) * place
        t = tables()
        if value_set == "england_2018":
            value = t.england[idx]
        elif value_set == "crosswalk_uk":
            value = t.crosswalk[idx]
        else:
            needed = ~unanswered
            bands = self._age_bands(
                instrument.id, self._option(instrument.id, frame, options, "age"), needed, frame.index
            )
            sexes = self._sexes(
                instrument.id, self._option(instrument.id, frame, options, "sex"), needed, frame.index
            )
            value = t.nice_dsu[bands, sexes, idx]
        keys = instrument.item_keys
        mask = missing_bitmask(values, keys, n)
        return {
            "raw": np.full(n, np.nan),
            "value": np.where(unanswered, np.nan, value),
            "band": ordered_categorical(np.full(n, -1, dtype=np.int64), []),
            "complete": mask == 0,
            "reasons": reasons_column(mask, keys, _reasons),
            "state": categorical(np.where(unanswered, -1, idx), STATES),
            "vas": values["vas"],
        }

    @staticmethod
    def _option(
        instrument_id: str, frame: pd.DataFrame, options: Mapping[str, Any], name: str
    ) -> pd.Series[Any] | None:
        """An option as a column: given per row (array-like) or for all rows (scalar), else the frame's column."""
        if name in options:
            given = options[name]
            if isinstance(given, str) or np.ndim(given) == 0:
                return pd.Series(given, index=frame.index)
            series = pd.Series(list(given) if not isinstance(given, pd.Series | np.ndarray) else given)
            if len(series) != len(frame):
                raise InvalidOptionError(
                    instrument_id, name, f"{len(series)} values", f"one per row ({len(frame)})"
                )
            return series.set_axis(frame.index)
        return frame[name] if name in frame.columns else None

    @staticmethod
    def _age_bands(
        instrument_id: str, column: pd.Series[Any] | None, needed: Any, index: pd.Index
    ) -> IntArray:
        if column is None:
            if needed.any():
                raise MissingOptionError(instrument_id, "age", _NEEDS)
            return np.zeros(len(index), dtype=np.int64)
        ages = numeric_column(instrument_id, "age", column, _ALLOWED_AGE)
        gap = needed & np.isnan(ages)
        if gap.any():
            raise MissingOptionError(instrument_id, "age", _NEEDS, list(index[gap]))
        years = np.floor(np.where(needed, ages, MIN_AGE))
        with np.errstate(invalid="ignore"):
            bad = needed & (~np.isfinite(years) | (years < MIN_AGE) | (years > MAX_AGE))
        if bad.any():
            first = column.iloc[int(np.flatnonzero(bad)[0])]
            raise OutOfRangeError(instrument_id, "age", first, _ALLOWED_AGE, list(index[bad]))
        return np.searchsorted(np.array(_BAND_STARTS), years, side="right").astype(np.int64)

    @staticmethod
    def _sexes(instrument_id: str, column: pd.Series[Any] | None, needed: Any, index: pd.Index) -> IntArray:
        if column is None:
            if needed.any():
                raise MissingOptionError(instrument_id, "sex", _NEEDS)
            return np.zeros(len(index), dtype=np.int64)
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        lookup = np.array(
            [
                SEXES.index(u.strip().lower()) if isinstance(u, str) and u.strip().lower() in SEXES else -2
                for u in uniques
            ]
            + [-1],
            dtype=np.int64,
        )
        sexes = lookup[np.where(codes < 0, len(uniques), codes)]
        gap = needed & (sexes == -1)
        if gap.any():
            raise MissingOptionError(instrument_id, "sex", _NEEDS, list(index[gap]))
        bad = needed & (sexes == -2)
        if bad.any():
            first = column.iloc[int(np.flatnonzero(bad)[0])]
            raise InvalidOptionError(instrument_id, "sex", first, "'male' or 'female'")
        return np.where(needed, sexes, 0)


_LEVELS = labelled(
    [
        (1, "1: no problems (stand-in)"),
        (2, "2: slight problems (stand-in)"),
        (3, "3: moderate problems (stand-in)"),
        (4, "4: severe problems (stand-in)"),
        (5, "5: extreme problems or unable (stand-in)"),
    ]
)

_TOPICS = (
    ("mobility", "Stand-in: mobility (walking about)"),
    ("self_care", "Stand-in: self-care (washing and dressing)"),
    ("usual_activities", "Stand-in: usual activities (work, study, housework, family or leisure)"),
    ("pain_discomfort", "Stand-in: pain or discomfort"),
    ("anxiety_depression", "Stand-in: anxiety or depression"),
)

EQ5D5L = Instrument(
    id="eq5d5l",
    version="1.0",
    title="EQ-5D-5L",
    stem=f"{STAND_IN_NOTICE} The participant's health today on each dimension, and on a 0-100 scale.",
    items=(
        *(Item(key, text, 1, 5, _LEVELS) for key, text in _TOPICS),
        Item(
            "vas",
            "Stand-in: health today, from 0 (worst imaginable) to 100 (best imaginable)",
            0,
            100,
            labelled([(0, "0: worst imaginable health"), (100, "100: best imaginable health")]),
            scored=False,
        ),
    ),
    scorer=EQ5D5LScorer(),
    value_range=(-0.285, 1.0),
    source=(
        "Instrument: EuroQol Research Foundation. England value set: Devlin et al. (2018), Health Economics "
        "27(1):7-22, doi:10.1002/hec.3564. NICE DSU mapping: Hernandez Alava, Pudney, Wailoo (2023), "
        "PharmacoEconomics, doi:10.1007/s40273-022-01218-7. Crosswalk: van Hout et al. (2012), Value in "
        "Health 15(5):708-15, doi:10.1016/j.jval.2012.02.008. Lookup tables from the R package eq5d "
        "(Fraser Morton, MIT licence)."
    ),
    licence=(
        "EuroQol owns the instrument; organisations register to use it and load the licensed wording. "
        "Placewell ships the scoring and a descriptive stand-in."
    ),
    wording_status="stand_in",
)
