"""Reference values for the instrument tests, each with its source, and helpers to compare scores.

Tables here are typed in from the published sources (via Placewell's reference INSTRUMENTS.md, marks [V] or
[X]); the EQ-5D-5L lookup CSVs are read with the csv module, independently of the library's own loader, and
pinned by their SHA-256 to the extract taken from the R package eq5d (Fraser Morton, MIT licence).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from importlib import resources
from typing import Any

import pandas as pd

from placewell.engine.measures import MeasureScore

PACKAGE = "placewell.engine.measures"

# Warwick Medical School SWEMWBS raw-to-metric conversion table (INSTRUMENTS.md [V]). Tolerance: exact.
SWEMWBS_METRIC = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32, 15: 15.84,
    16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98, 23: 20.73, 24: 21.54,
    25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03, 31: 28.13, 32: 29.31, 33: 30.70,
    34: 32.55, 35: 35.00,
}  # fmt: skip

# EQ-5D-5L England value set decrements, levels 2-5 (Devlin et al. 2018, Health Econ 27(1):7-22,
# doi:10.1002/hec.3564; INSTRUMENTS.md [X]). Index = 1 + sum, rounded to 3 decimals.
ENGLAND_DECREMENTS = {
    "mobility": (-0.058, -0.076, -0.207, -0.274),
    "self_care": (-0.050, -0.080, -0.164, -0.203),
    "usual_activities": (-0.050, -0.063, -0.162, -0.184),
    "pain_discomfort": (-0.063, -0.084, -0.276, -0.335),
    "anxiety_depression": (-0.078, -0.104, -0.285, -0.289),
}
DIMENSIONS = tuple(ENGLAND_DECREMENTS)

# SHA-256 of the lookup extracts from the R package eq5d as supplied in Placewell's reference folder.
CSV_SHA256 = {
    "eq5d5l_crosswalk_uk.csv": "59d39518740ab5b75cf6cc9c30871a96ae8de9e8943c88ff9ca1ecf18f6fcdd0",
    "eq5d5l_nice_dsu_mapping_uk.csv": "e173813bf4485568a5dc14eb753f816e449f3636784cbbf97f9c5f462e77df5f",
}


def data_bytes(name: str) -> bytes:
    """A data file shipped with the library."""
    return resources.files(PACKAGE).joinpath(name).read_bytes()


def sha256(name: str) -> str:
    return hashlib.sha256(data_bytes(name)).hexdigest()


def csv_rows(name: str) -> list[dict[str, str]]:
    """The rows of a shipped CSV, skipping its '#' header comments."""
    text = data_bytes(name).decode("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def levels_of(state: str) -> dict[str, int]:
    """Responses for a five-digit health state."""
    return {dim: int(level) for dim, level in zip(DIMENSIONS, state, strict=True)}


def england_expected(state: str) -> float:
    """Devlin et al. (2018) computed here from the typed-in decrements."""
    total = 1.0
    for dim, level in zip(DIMENSIONS, state, strict=True):
        if level != "1":
            total += ENGLAND_DECREMENTS[dim][int(level) - 2]
    return round(total, 3)


def _same(a: Any, b: Any) -> bool:
    a_missing = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA
    b_missing = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if a_missing or b_missing:
        return a_missing and b_missing
    return bool(a == b)


def assert_row_matches(result: MeasureScore, row: pd.Series[Any], label: object = None) -> None:
    """A ``score_many`` row equals the ``score`` of the same responses, field by field, exactly."""
    assert _same(result.raw, row["raw"]), (label, result.raw, row["raw"])
    assert _same(result.value, row["value"]), (label, result.value, row["value"])
    assert _same(result.band, row["band"]), (label, result.band, row["band"])
    assert result.complete == bool(row["complete"]), (label, result.complete, row["complete"])
    assert "; ".join(result.reasons) == row["reasons"], (label, result.reasons, row["reasons"])
    for key, detail in result.details.items():
        assert _same(detail, row[key]), (label, key, detail, row[key])


def assert_frame_matches_rows(frame_result: pd.DataFrame, singles: list[MeasureScore]) -> None:
    assert len(frame_result) == len(singles)
    for position, single in enumerate(singles):
        assert_row_matches(single, frame_result.iloc[position], position)
