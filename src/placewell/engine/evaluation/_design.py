"""Turn a data frame and column names into a validated design matrix.

This is the only place where pandas meets the numerics. It applies the house rules:
rows missing the outcome are dropped and counted; missing covariate values are handled by the
missing-indicator method (fill with the observed mean and add a 0/1 "was missing" column, which keeps
every randomised row and, because covariates are baseline, leaves the treatment estimate unbiased);
text or categorical covariates become dummy columns; strata become fixed effects, and several strata
columns (for example stratum and allocation period) are crossed into one factor.
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
    values = pd.to_numeric(frame[treatment], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        raise InvalidValueError(
            f"treatment column {treatment!r} has {int(np.isnan(values).sum())} missing or non-numeric values"
        )
    if not np.isin(values, (0.0, 1.0)).all():
        raise InvalidValueError(
            f"treatment column {treatment!r} must hold only 0 (control) and 1 (treatment)"
        )
    treated: NDArray[np.bool_] = np.equal(values, 1.0)
    if treated.all() or not treated.any():
        arm = "treatment" if treated.all() else "control"
        raise NoVarianceError(
            f"every row used is in the {arm} arm, so the treatment has no variance; an impact needs both arms"
        )
    return treated


def covariate_columns(frame: pd.DataFrame, name: str) -> list[tuple[str, NDArray[np.float64]]]:
    """One or more numeric columns for a covariate, with the missing-indicator method applied."""
    series = frame[name]
    if series.dtype == bool or pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        gaps = np.isnan(values)
        if not gaps.any():
            return [(name, values)]
        if gaps.all():
            return [(name, np.zeros(len(values)))]  # constant: reported as such by the rank check
        filled = np.where(gaps, np.nanmean(values), values)
        return [(name, filled), (f"{name} (missing)", gaps.astype(float))]
    labels = series.astype("string").fillna("(missing)")
    codes, levels = pd.factorize(labels, sort=True)
    return [(f"{name}[{level}]", (codes == j).astype(float)) for j, level in enumerate(levels) if j > 0]


def factor_codes(frame: pd.DataFrame, columns: Sequence[str]) -> NDArray[np.intp]:
    """Integer codes ``0..L-1`` of the crossing of one or more columns."""
    if len(columns) == 1:
        codes, _ = pd.factorize(frame[columns[0]], sort=True)
    else:
        key = frame[list(columns)].astype("string").agg("|".join, axis=1)
        codes, _ = pd.factorize(key, sort=True)
    return np.asarray(codes, dtype=np.intp)


def select_rows(
    data: pd.DataFrame, outcome: str, required: Sequence[str], weights: str | None
) -> tuple[pd.DataFrame, int]:
    """Rows with an observed outcome (and a positive weight); check the other required columns."""
    require_columns(data, [outcome, *required, *([weights] if weights else [])])
    y = pd.to_numeric(data[outcome], errors="coerce")
    if data[outcome].notna().sum() != y.notna().sum():
        raise InvalidValueError(f"outcome column {outcome!r} holds non-numeric values")
    keep = y.notna().to_numpy().copy()
    n_missing = int((~keep).sum())
    if weights:
        w = pd.to_numeric(data[weights], errors="coerce").to_numpy(dtype=float)
        bad = keep & ~(np.isfinite(w) & (w >= 0))
        if bad.any():
            raise InvalidValueError(
                f"weight column {weights!r} has {int(bad.sum())} missing, negative or infinite values "
                "among rows with an observed outcome"
            )
        keep &= w > 0
    frame = data if keep.all() else data.loc[keep]  # no copy of a large frame when nothing is dropped
    for column in required:
        if frame[column].isna().any():
            raise InvalidValueError(
                f"column {column!r} has {int(frame[column].isna().sum())} missing values; "
                "treatment, strata and cluster columns must be complete"
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
) -> Design:
    """Assemble ``[intercept, leading..., covariates..., strata dummies...]`` for the kept rows."""
    require_columns(frame, covariates)
    columns: list[tuple[str, NDArray[np.float64]]] = list(leading)
    for name in covariates:
        columns.extend(covariate_columns(frame, name))
    if strata:
        codes = factor_codes(frame, strata)
        label = " x ".join(strata)
        columns.extend((f"{label}[{j}]", (codes == j).astype(float)) for j in range(1, int(codes.max()) + 1))
    n = len(frame)
    if n < 4:
        raise TooFewObservationsError(f"only {n} rows have an observed outcome; at least 4 are needed")
    X = np.empty((n, len(columns) + 1), order="F")
    X[:, 0] = 1.0
    for j, (_, values) in enumerate(columns, start=1):
        X[:, j] = values
    y = frame[outcome].to_numpy(dtype=float)
    if np.ptp(y) == 0:
        raise NoVarianceError(f"outcome {outcome!r} takes the single value {y[0]:g} in every row used")
    w = frame[weights].to_numpy(dtype=float) if weights else None
    clusters = factor_codes(frame, [cluster]) if cluster else None
    return Design(
        X=X,
        names=["Intercept", *(name for name, _ in columns)],
        y=y,
        weights=w,
        clusters=clusters,
        treated=treated,
        n_missing_outcome=n_missing_outcome,
    )
