"""Turn a data frame and column names into a validated design matrix.

This is the only place where pandas meets the numerics. It applies the house rules:
rows missing the outcome are dropped and counted; missing covariate values are handled by the
missing-indicator method (fill with the observed mean and add a 0/1 "was missing" column, which keeps
every randomised row and, because covariates are baseline, leaves the treatment estimate unbiased);
text or categorical covariates become dummy columns; strata become fixed effects, and several strata
columns (for example stratum and allocation period) are crossed into one factor.

A covariate is categorical when it is declared so (``categorical=[...]`` in the call or the plan), has a
pandas categorical type, or holds only text. A column that mixes numbers and text (``"unknown"`` among
ages) is refused, naming the column, the row and the value: turning it into one dummy per distinct
value would silently change the model and the impact.

Dummy columns are written straight into the design matrix from integer codes (one scatter per factor)
rather than built one comparison at a time or through ``pandas.get_dummies``; on a million rows that is
the difference between milliseconds and seconds per model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from placewell.engine.evaluation.errors import (
    InvalidValueError,
    MissingColumnError,
    NoVarianceError,
    TooFewObservationsError,
)


@dataclass
class Design:
    """A design matrix (intercept first), its column names and the aligned vectors."""

    X: NDArray[np.float64]
    names: list[str]
    y: NDArray[np.float64]
    weights: NDArray[np.float64] | None
    clusters: NDArray[np.intp] | None
    treated: NDArray[np.bool_]
    n_missing_outcome: int


def as_list(columns: str | Sequence[str] | None) -> list[str]:
    """Normalise a column argument that may be one name, several or none."""
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def require_columns(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`MissingColumnError` listing every requested column the data lacks."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise MissingColumnError(f"column(s) {', '.join(missing)} not found in the data")


def treatment_indicator(frame: pd.DataFrame, treatment: str) -> NDArray[np.bool_]:
    """Validate a 0/1 treatment column and return it as booleans."""
    raw = frame[treatment]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        first = raw.iloc[int(np.flatnonzero(bad)[0])]
        shown = "a blank" if pd.isna(first) else repr(first if isinstance(first, str) else float(first))
        raise InvalidValueError(
            f"treatment column {treatment!r} holds {shown} in {where(frame, bad)}; it must hold 1 for "
            "the treatment arm and 0 for the control arm in every row. Recode the arms as 1 and 0, or "
            "remove rows that were not randomised"
        )
    treated: NDArray[np.bool_] = np.equal(values, 1.0)
    if treated.all() or not treated.any():
        arm = "treatment" if treated.all() else "control"
        raise NoVarianceError(
            f"every row used is in the {arm} arm, so the treatment has no variance; an impact needs both arms"
        )
    return treated


def where(frame: pd.DataFrame, mask: NDArray[np.bool_]) -> str:
    """Plain words for the rows flagged in ``mask``: "row 7", or "row 7 (and 3 other rows)".

    Rows are named by the data frame's index label; the command line labels rows with their line number
    in the file, so the message points at the line to correct.
    """
    hits = np.flatnonzero(mask)
    first = f"row {frame.index[hits[0]]}"
    others = len(hits) - 1
    return first if others == 0 else f"{first} (and {others:,} other row{'s' if others > 1 else ''})"


def levels_of(series: pd.Series) -> tuple[NDArray[np.intp], list[str]]:
    """Integer codes (``-1`` for missing) and the level labels of a text or categorical column."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = np.asarray(series.cat.codes.to_numpy(), dtype=np.intp)
        return codes, [str(c) for c in series.cat.categories]
    codes, uniques = pd.factorize(series, sort=True)
    return np.asarray(codes, dtype=np.intp), [str(u) for u in uniques]


def numericlevels_of(levels: Sequence[str]) -> NDArray[np.float64]:
    """Each level read as a number, NaN where it is text."""
    parsed = pd.to_numeric(pd.Series(list(levels), dtype="object"), errors="coerce")
    return np.asarray(parsed.to_numpy(dtype=float, na_value=np.nan), dtype=np.float64)


def refuse_mixed(frame: pd.DataFrame, name: str, codes: NDArray[np.intp], levels: Sequence[str]) -> None:
    """Raise :class:`InvalidValueError` if a column mixes numbers and text (naming row and value)."""
    numbers = numericlevels_of(levels)
    text = np.isnan(numbers)
    if not text.any() or text.all():
        return
    bad_codes = np.flatnonzero(text)
    mask = np.isin(codes, bad_codes)
    value = levels[int(codes[np.flatnonzero(mask)[0]])]
    raise InvalidValueError(
        f"column {name!r} holds numbers but also the text {value!r} in {where(frame, mask)}. "
        "Correct or blank those cells (a blank counts as missing), or, if the values are categories "
        f"rather than amounts, declare {name!r} categorical"
    )


def covariate_columns(
    frame: pd.DataFrame, name: str, categorical: bool = False
) -> list[tuple[str, NDArray[np.float64]]]:
    """One or more numeric columns for a covariate, with the missing-indicator method applied."""
    return _expand(_covariate_block(frame, name, categorical), len(frame))


@dataclass
class _Factor:
    """Dummy columns for the levels of a factor: row ``i`` has a 1 in column ``codes[i]`` (none if -1)."""

    names: list[str]
    codes: NDArray[np.intp]


_Block = list[tuple[str, NDArray[np.float64]]] | _Factor


def _expand(block: _Block, n: int) -> list[tuple[str, NDArray[np.float64]]]:
    if isinstance(block, list):
        return block
    return [(nm, (block.codes == j).astype(float)) for j, nm in enumerate(block.names)]


def _numeric(name: str, values: NDArray[np.float64]) -> list[tuple[str, NDArray[np.float64]]]:
    gaps = np.isnan(values)
    if not gaps.any():
        return [(name, values)]
    if gaps.all():
        return [(name, np.zeros(len(values)))]  # constant: dropped and noted by the fit
    filled = np.where(gaps, np.nanmean(values), values)
    return [(name, filled), (f"{name} (missing)", gaps.astype(float))]


def _factor(label: str, codes: NDArray[np.intp], levels: Sequence[str]) -> _Factor:
    """Dummies for the levels present in these rows, the first present level being the reference."""
    n_levels = len(levels)
    shifted = np.where(codes < 0, n_levels, codes)  # missing becomes its own level, "(missing)"
    present = np.flatnonzero(np.bincount(shifted, minlength=n_levels + 1))
    names = [*levels, "(missing)"]
    remap = np.full(n_levels + 1, -1, dtype=np.intp)
    remap[present[1:]] = np.arange(len(present) - 1)
    return _Factor([f"{label}[{names[j]}]" for j in present[1:]], remap[shifted])


def _covariate_block(frame: pd.DataFrame, name: str, categorical: bool) -> _Block:
    series = frame[name]
    if not categorical and (series.dtype == bool or pd.api.types.is_numeric_dtype(series)):
        return _numeric(name, series.to_numpy(dtype=float, na_value=np.nan))
    codes, levels = levels_of(series)
    if not categorical and not isinstance(series.dtype, pd.CategoricalDtype):
        refuse_mixed(frame, name, codes, levels)
        numbers = numericlevels_of(levels)
        if not np.isnan(numbers).any() and len(levels):  # numbers stored as text: read as numbers
            values = np.where(codes < 0, np.nan, numbers[np.maximum(codes, 0)])
            return _numeric(name, values)
    return _factor(name, codes, levels)


def prepare_covariates(
    data: pd.DataFrame, covariates: Sequence[str], categorical: Sequence[str] = ()
) -> pd.DataFrame:
    """Check every covariate once and store text as pandas categories, for a whole evaluation run.

    A column mixing numbers and text is refused here, before any model is fitted; numbers stored as
    text become floats; text and declared categorical columns become ``category`` columns, whose
    integer codes every later model reads without factorising the text again.
    """
    require_columns(data, covariates)
    changed: dict[str, pd.Series] = {}
    for name in covariates:
        series = data[name]
        declared = name in categorical
        if isinstance(series.dtype, pd.CategoricalDtype):
            continue
        if not declared and (series.dtype == bool or pd.api.types.is_numeric_dtype(series)):
            continue
        if declared:
            changed[name] = series.astype("category")
            continue
        codes, levels = levels_of(series)
        refuse_mixed(data, name, codes, levels)
        numbers = numericlevels_of(levels)
        if len(levels) and not np.isnan(numbers).any():
            changed[name] = pd.Series(
                np.where(codes < 0, np.nan, numbers[np.maximum(codes, 0)]), index=data.index, name=name
            )
        else:
            changed[name] = pd.Series(
                pd.Categorical.from_codes(codes, categories=pd.Index(levels)), index=data.index, name=name
            )
    return data.assign(**changed) if changed else data


def factor_codes(frame: pd.DataFrame, columns: Sequence[str]) -> NDArray[np.intp]:
    """Integer codes ``0..L-1`` of the crossing of one or more columns (sorted, as ``pd.factorize``)."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(frame[column], sort=True)
        combined = combined * (len(uniques) + 1) + np.asarray(codes, dtype=np.int64)
    if len(columns) == 1:
        return np.asarray(combined, dtype=np.intp)
    _, inverse = np.unique(combined, return_inverse=True)
    return np.asarray(inverse.reshape(-1), dtype=np.intp)


def strata_factor(frame: pd.DataFrame, strata: Sequence[str]) -> _Factor:
    """Fixed-effect dummies for the crossing of the strata columns, named by their levels."""
    if len(strata) == 1:
        codes, levels = levels_of(frame[strata[0]])
        return _factor(strata[0], codes, levels)
    combined = factor_codes(frame, strata)
    first = np.zeros(int(combined.max()) + 1, dtype=np.intp)
    first[combined[::-1]] = np.arange(len(combined))[::-1]  # a row of each cell, to read its labels
    sample = frame[list(strata)].iloc[first]
    levels = ["|".join(str(v) for v in row) for row in sample.itertuples(index=False)]
    return _factor(" x ".join(strata), combined, levels)


def select_rows(
    data: pd.DataFrame, outcome: str, required: Sequence[str], weights: str | None
) -> tuple[pd.DataFrame, int]:
    """Rows with an observed outcome (and a positive weight); check the other required columns."""
    require_columns(data, [outcome, *required, *([weights] if weights else [])])
    raw = data[outcome]
    if pd.api.types.is_numeric_dtype(raw) or raw.dtype == bool:
        keep = raw.notna().to_numpy().copy()
    else:
        y = pd.to_numeric(raw, errors="coerce")
        text = (raw.notna() & y.isna()).to_numpy()
        if text.any():
            value = raw.iloc[int(np.flatnonzero(text)[0])]
            raise InvalidValueError(
                f"outcome column {outcome!r} holds the text {value!r} in {where(data, text)}, where a "
                "number is expected. Write amounts as plain numbers (1234.00, not £1,234.00), or leave "
                "the cell blank if the outcome is not known (blank outcomes are left out and counted)"
            )
        keep = y.notna().to_numpy().copy()
    n_missing = int((~keep).sum())
    if weights:
        w = pd.to_numeric(data[weights], errors="coerce").to_numpy(dtype=float)
        bad = keep & ~(np.isfinite(w) & (w >= 0))
        if bad.any():
            raise InvalidValueError(
                f"weight column {weights!r} has {int(bad.sum())} missing, negative or infinite values "
                f"among rows with an observed outcome, first in {where(data, bad)}; weights must be "
                "zero or more"
            )
        keep &= w > 0
    frame = data if keep.all() else data.loc[keep]  # no copy of a large frame when nothing is dropped
    for column in required:
        gaps = frame[column].isna().to_numpy()
        if gaps.any():
            raise InvalidValueError(
                f"column {column!r} has {int(gaps.sum())} missing values, first in {where(frame, gaps)}; "
                "treatment, strata and cluster columns must be complete: fill them in, or remove those "
                "rows"
            )
    return frame, n_missing


def build_design(
    frame: pd.DataFrame,
    outcome: str,
    treated: NDArray[np.bool_],
    leading: Sequence[tuple[str, NDArray[np.float64]]],
    covariates: Sequence[str],
    *,
    weights: str | None,
    strata: Sequence[str],
    cluster: str | None,
    n_missing_outcome: int,
    categorical: Sequence[str] = (),
) -> Design:
    """Assemble ``[intercept, leading..., covariates..., strata dummies...]`` for the kept rows.

    ``categorical`` names covariates to treat as categories even when their values are numbers.
    """
    require_columns(frame, covariates)
    blocks: list[_Block] = [list(leading)]
    for name in covariates:
        blocks.append(_covariate_block(frame, name, name in categorical))
    if strata:
        blocks.append(strata_factor(frame, strata))
    n = len(frame)
    if n < 4:
        raise TooFewObservationsError(f"only {n} rows have an observed outcome; at least 4 are needed")
    names = ["Intercept"]
    for block in blocks:
        names.extend(block.names if isinstance(block, _Factor) else (nm for nm, _ in block))
    X = np.zeros((n, len(names)), order="F")
    X[:, 0] = 1.0
    flat = X.reshape(-1, order="F")  # a view: column j's rows are flat[j * n : (j + 1) * n]
    j = 1
    rows = np.arange(n)
    for block in blocks:
        if isinstance(block, _Factor):
            hit = block.codes >= 0
            flat[(j + block.codes[hit]) * n + rows[hit]] = 1.0
            j += len(block.names)
        else:
            for _, values in block:
                X[:, j] = values
                j += 1
    y = frame[outcome].to_numpy(dtype=float)
    if np.ptp(y) == 0:
        raise NoVarianceError(f"outcome {outcome!r} takes the single value {y[0]:g} in every row used")
    w = frame[weights].to_numpy(dtype=float) if weights else None
    clusters = factor_codes(frame, [cluster]) if cluster else None
    return Design(
        X=X,
        names=names,
        y=y,
        weights=w,
        clusters=clusters,
        treated=treated,
        n_missing_outcome=n_missing_outcome,
    )
