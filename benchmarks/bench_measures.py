"""Scoring many response sets: ``score_many`` against a row-by-row Python loop over ``score``.

Two workloads, each 1,000,000 response sets (100,000 with ``--quick``): SWEMWBS (raw total and Warwick metric
conversion) and EQ-5D-5L with the NICE DSU mapping (lookup by health state, age band and sex). About 2% of
answers are left blank so that the reasons and the missing-item rule are exercised. The baseline loops over
``score`` for a sample of rows (responses already converted to dicts, outside the timing) and is scaled
linearly to the full size, as the loop's cost per row does not depend on the number of rows. The sampled
rows' results are checked to be identical to the corresponding rows of ``score_many``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.harness import Result, best_of
from placewell.engine.measures import MeasureScore, get_instrument, score, score_many

SAMPLE = 20_000
BLANK_SHARE = 0.02


def _responses(instrument_id: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
    instrument = get_instrument(instrument_id)
    columns: dict[str, Any] = {}
    for item in instrument.items:
        answers = rng.integers(item.minimum, item.maximum + 1, size=n).astype(np.float64)
        answers[rng.random(n) < BLANK_SHARE] = np.nan
        columns[item.key] = answers
    return pd.DataFrame(columns)


def _same(a: object, b: object) -> bool:
    missing_a = a is None or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or (isinstance(b, float) and math.isnan(b))
    return missing_a and missing_b if missing_a or missing_b else a == b


def _check(singles: list[MeasureScore], rows: pd.DataFrame) -> None:
    """Fail loudly if any sampled row differs from ``score``."""
    records = rows.to_dict("records")
    for single, row in zip(singles, records, strict=True):
        fields = {
            "raw": single.raw,
            "value": single.value,
            "band": single.band,
            "complete": single.complete,
            "reasons": "; ".join(single.reasons),
            **single.details,
        }
        for name, expected in fields.items():
            if not _same(expected, row[name]):
                raise AssertionError(
                    f"score_many differs from score in {name}: {row[name]!r} != {expected!r}"
                )


def _bench(
    name: str, instrument_id: str, frame: pd.DataFrame, option_columns: tuple[str, ...], **options: Any
) -> Result:
    n = len(frame)
    seconds, result = best_of(lambda: score_many(instrument_id, frame, **options), repeat=3)
    assert isinstance(result, pd.DataFrame)
    sample = frame.iloc[:SAMPLE]
    item_keys = get_instrument(instrument_id).item_keys
    records = [
        {key: None if math.isnan(value) else int(value) for key, value in row.items()}
        for row in sample[list(item_keys)].to_dict("records")
    ]
    extras = sample[list(option_columns)].to_dict("records") if option_columns else [{}] * len(records)

    def loop() -> list[MeasureScore]:
        return [score(instrument_id, r, **options, **e) for r, e in zip(records, extras, strict=True)]

    loop_seconds, singles = best_of(loop, repeat=2)
    assert isinstance(singles, list)
    _check(singles, result.iloc[:SAMPLE])
    scaled = loop_seconds * n / len(records)
    scored = int(result["value"].notna().sum())
    return Result(
        name=name,
        baseline=f"Python loop over score(), timed on {len(records):,} rows and scaled linearly to {n:,}",
        seconds=seconds,
        baseline_seconds=scaled,
        figures={
            "rows": f"{n:,} ({scored:,} scored; {BLANK_SHARE:.0%} of answers blank)",
            "per row": f"{seconds / n * 1e9:.0f} ns vectorised, {loop_seconds / len(records) * 1e6:.2f} us looped",
            "checked": f"{len(records):,} sampled rows identical to score() in every field",
        },
        aim="at least 50x faster than the baseline",
    )


def run(quick: bool) -> list[Result]:
    """SWEMWBS and EQ-5D-5L (NICE DSU) at 1,000,000 response sets each (100,000 if quick)."""
    n = 100_000 if quick else 1_000_000
    rng = np.random.default_rng(20240603)
    swemwbs = _responses("swemwbs", n, rng)
    eq5d = _responses("eq5d5l", n, rng)
    eq5d["age"] = rng.integers(18, 95, size=n)
    eq5d["sex"] = pd.Series(rng.choice(np.array(["male", "female"]), size=n), dtype="str")
    score_many("eq5d5l", eq5d.iloc[:10], value_set="nice_dsu_3l")  # load the lookup tables before timing
    return [
        _bench(f"SWEMWBS score_many, {n:,} response sets", "swemwbs", swemwbs, ()),
        _bench(
            f"EQ-5D-5L NICE DSU score_many, {n:,} response sets",
            "eq5d5l",
            eq5d,
            ("age", "sex"),
            value_set="nice_dsu_3l",
        ),
    ]
