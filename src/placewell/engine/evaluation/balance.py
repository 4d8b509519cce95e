"""Balance of baseline characteristics: standardised mean differences, the one implementation.

Why standardised differences and not significance tests: with randomisation any baseline difference is
chance by construction, and what matters is its size (CONSORT 2010, item 15; Altman, *The Statistician*
1985;34:125-136). The trial's balance page, the analysis report and the non-response weights' diagnostics
all use the functions here, so they judge alike.

Conventions (Austin, "Balance diagnostics for comparing the distribution of baseline covariates between
treatment groups in propensity-score matched samples", *Statistics in Medicine* 2009;28:3083-3107):

- continuous characteristic: the difference in means over the pooled standard deviation
  ``sqrt((s1^2 + s0^2) / 2)``, each ``s^2`` the sample variance (divisor ``n - 1``);
- binary characteristic: the difference in proportions over ``sqrt((p1(1 - p1) + p0(1 - p0)) / 2)``;
- an absolute difference over 0.1 is flagged (:data:`SMD_FLAG`).

Weighted differences (:func:`weighted_mean_differences`) compare a weighted sample with a reference
group on a scale fixed before weighting, so that the figures before and after weighting are comparable:
"the standardization factor is the same before and after weighting" (Greifer, *cobalt* package,
"Frequently Asked Questions" vignette; cobalt's ``s.d.denom = "all"`` when the scale is the whole sample's
standard deviation, as the non-response weights use it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

Kind = Literal["mean", "proportion"]
"""``"mean"`` for a continuous characteristic, ``"proportion"`` for a 0/1 one."""

SMD_FLAG = 0.1
"""Absolute standardised differences over this are flagged (Austin 2009)."""


class Moments(NamedTuple):
    """Count, mean and the variance the standardised difference uses (``None`` when there are no values)."""

    n: int
    mean: float | None
    variance: float | None


def binary_variance(p: float) -> float:
    """``p(1 - p)``: the variance of a 0/1 characteristic with proportion ``p`` (Austin 2009)."""
    return p * (1 - p)


def moments(values: Sequence[float] | NDArray[np.float64], kind: Kind) -> Moments:
    """The mean and the variance for :func:`smd` of ``values`` (no missing values).

    A plain Python sequence is summed in its own order in plain Python, so that a page built from database
    rows gives the same floats however the rows arrive; a numpy array is summed by numpy. For a proportion the
    variance is ``p(1 - p)``; for a mean it is the sample variance (divisor ``n - 1``), 0 for one value.
    """
    if isinstance(values, np.ndarray):
        n = int(values.size)
        if n == 0:
            return Moments(0, None, None)
        mean = float(values.mean())
        if kind == "proportion":
            return Moments(n, mean, binary_variance(mean))
        return Moments(n, mean, float(values.var(ddof=1)) if n > 1 else 0.0)
    n = len(values)
    if n == 0:
        return Moments(0, None, None)
    mean = sum(values) / n
    if kind == "proportion":
        return Moments(n, mean, binary_variance(mean))
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return Moments(n, mean, var)


def smd(mean1: float, var1: float, mean0: float, var0: float) -> float | None:
    """Standardised mean difference of group 1 against group 0: ``(mean1 - mean0) / sqrt((var1 + var0) / 2)``.

    Pass the variances from :func:`moments` (``p(1 - p)`` for a proportion). When both groups have no spread
    the difference is 0 if the means agree and undefined (``None``) otherwise.
    """
    pooled = math.sqrt((var1 + var0) / 2)
    if pooled == 0:
        return 0.0 if mean1 == mean0 else None
    return (mean1 - mean0) / pooled


def smd_of_moments(group1: Moments, group0: Moments) -> float | None:
    """:func:`smd` of two groups' :class:`Moments`; ``None`` when either group is empty."""
    if group1.mean is None or group0.mean is None:
        return None
    return smd(group1.mean, group1.variance or 0.0, group0.mean, group0.variance or 0.0)


def standardised_mean_difference(x1: ArrayLike, x0: ArrayLike, kind: Kind) -> float | None:
    """Standardised mean difference of the values ``x1`` against ``x0`` (missing values dropped)."""
    a = np.asarray(x1, dtype=float)
    b = np.asarray(x0, dtype=float)
    return smd_of_moments(moments(a[~np.isnan(a)], kind), moments(b[~np.isnan(b)], kind))


def is_flagged(d: float | None) -> bool:
    """Whether a standardised difference is large enough to flag (over :data:`SMD_FLAG` in size)."""
    return d is not None and abs(d) > SMD_FLAG


def weighted_mean_differences(
    sample: NDArray[np.float64],
    reference: NDArray[np.float64],
    *,
    weights: NDArray[np.float64] | None = None,
    scale: NDArray[np.float64] | float = 1.0,
) -> NDArray[np.float64]:
    """Column by column, the (weighted) mean of ``sample`` less the mean of ``reference``, over ``scale``.

    ``sample`` and ``reference`` are (rows, characteristics) arrays; ``weights`` has one entry per sample row
    (unweighted when ``None``); ``scale`` is the standardisation factor, kept the same before and after
    weighting (1 when the columns are already standardised).
    """
    sample_mean = sample.mean(axis=0) if weights is None else np.average(sample, axis=0, weights=weights)
    difference = np.asarray(sample_mean - reference.mean(axis=0), dtype=float)
    return np.asarray(difference / scale, dtype=float)
