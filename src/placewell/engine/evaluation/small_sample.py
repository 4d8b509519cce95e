"""A small-sample guard: flag arms too small for their outcome's skew to trust a t interval.

Why: an HC2 interval rests on the difference in means being close to normal. For a skewed outcome (for
example earnings, most of them zero) the mean of a small arm is itself skewed and the interval under-covers:
an earlier check found 95% HC2 intervals covering 90.6% with 62% zero earnings, 30% treated and 200 to 400
people, and this product's coverage study (docs/explanation/small-sample-coverage.md) found 93.7-94.2%. Where that can happen the report should
show the randomisation-inference interval (:func:`randomisation_inference`) beside the HC2 one.

The rule is Cochran's (W. G. Cochran, *Sampling Techniques*, 3rd edition 1977, section 2.15): the normal
approximation to a sample mean is adequate when ``n > 25 G1^2``, ``G1`` being the skewness of the values.
It is applied to each arm in the whole trial and, when strata are given, in each stratum (a design cell):
an arm with ``n <= 25 G1^2`` (``G1`` the bias-adjusted sample skewness), or with fewer than
``MIN_ARM`` observed outcomes, is flagged. A 0/1 outcome is judged the same way (its skewness is large when
the rate is near 0 or 1, as for rare job outcomes).

For the report: call :func:`small_sample_flags` for each outcome (and group) with the same treatment and
strata as the impact; when :func:`needs_randomisation_inference` is true, run
:func:`placewell.engine.evaluation.randomisation_inference.randomisation_inference` with the same
covariates and strata and print its interval beside the HC2 one, with the flags' ``reason`` as the note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from placewell.engine.evaluation._design import as_list, factor_codes, select_rows, treatment_indicator

COCHRAN_FACTOR = 25.0
"""Cochran's constant: a mean of ``n`` values is near-normal when ``n > 25 G1^2``."""

MIN_ARM = 10
"""An arm (or an arm within a stratum) with fewer observed outcomes than this is always flagged."""


@dataclass(frozen=True)
class CellFlag:
    """One arm in one design cell whose size is small for its outcome's skewness."""

    outcome: str
    cell: str
    arm: str
    n: int
    skewness: float
    share_zero: float
    needed: int

    @property
    def reason(self) -> str:
        """A plain-English note for the report."""
        where = "the whole trial" if self.cell == "all" else f"stratum {self.cell}"
        return (
            f"The {self.arm} group in {where} has {self.n:,} observed values of {self.outcome}, "
            f"{self.share_zero:.0%} of them zero, with skewness {self.skewness:.1f}; a normal-based interval "
            f"needs more than {self.needed:,} (Cochran's rule), so the randomisation-inference interval "
            "is shown as well."
        )


def _skewness(values: np.ndarray) -> float:
    if len(values) < 3 or np.ptp(values) == 0:
        return 0.0
    return float(stats.skew(values, bias=False))


def _check(outcome: str, cell: str, arm: str, values: np.ndarray, factor: float) -> CellFlag | None:
    skew = _skewness(values)
    needed = int(np.floor(factor * skew**2))
    n = len(values)
    if n > max(needed, MIN_ARM - 1):
        return None
    return CellFlag(
        outcome, cell, arm, n, skew, float(np.mean(values == 0)) if n else 0.0, max(needed, MIN_ARM)
    )


def small_sample_flags(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    strata: str | Sequence[str] | None = None,
    *,
    factor: float = COCHRAN_FACTOR,
) -> list[CellFlag]:
    """Every arm, in the whole trial and in each stratum, that fails Cochran's rule for ``outcome``."""
    strata_cols = as_list(strata)
    frame, _ = select_rows(data, outcome, [treatment, *strata_cols], None)
    treated = treatment_indicator(frame, treatment)
    y = frame[outcome].to_numpy(dtype=float)
    flags: list[CellFlag] = []
    for arm, mask in (("treatment", treated), ("control", ~treated)):
        flag = _check(outcome, "all", arm, y[mask], factor)
        if flag:
            flags.append(flag)
    if strata_cols:
        codes = factor_codes(frame, strata_cols)
        labels = frame[strata_cols].astype("string").agg(" / ".join, axis=1).to_numpy()
        for code in np.unique(codes):
            in_cell = codes == code
            label = str(labels[np.flatnonzero(in_cell)[0]])
            for arm, mask in (("treatment", treated), ("control", ~treated)):
                flag = _check(outcome, label, arm, y[in_cell & mask], factor)
                if flag:
                    flags.append(flag)
    return flags


def needs_randomisation_inference(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    strata: str | Sequence[str] | None = None,
) -> bool:
    """True when an arm of the whole trial fails Cochran's rule for ``outcome``: show the RI interval.

    Only whole-trial arms decide it: a pooled estimate averages over strata, so one small stratum does
    not make its normal approximation poor; :func:`small_sample_flags` lists the stratum cells as well.
    """
    return any(f.cell == "all" for f in small_sample_flags(data, outcome, treatment, strata))
