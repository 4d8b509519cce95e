"""Wild cluster bootstrap (restricted, WCR) for trials with few clusters.

Why: with fewer than about 30 clusters (specialists or sites) cluster-robust t tests over-reject even with
small-sample corrections. Cameron, Gelbach and Miller (2008), *Bootstrap-based improvements for inference
with clustered errors* (Review of Economics and Statistics 90(3)), showed that the wild cluster bootstrap
of the t statistic with the null imposed ("restricted") keeps its size with as few as 6 clusters. Each
bootstrap sample keeps the restricted fit and multiplies each cluster's restricted residuals by one random
weight: Rademacher (+1 or -1, equally likely) or, for very few clusters, Webb's six-point weights
(+-sqrt(1/2), +-1, +-sqrt(3/2); Webb 2023, *Reworking wild bootstrap-based inference for clustered
errors*, Canadian Journal of Economics 56(3)). With Rademacher weights and ``2^G`` no more than the draws
asked for, every sign pattern is used once (an exact enumeration, as Stata's boottest does).

Numerics follow Roodman, MacKinnon, Nielsen and Webb (2019), *Fast and wild: bootstrap inference in Stata
using boottest* (Stata Journal 19(1)): every bootstrap t statistic is a ratio of a ``G``-vector product and
the norm of a ``G x G`` matrix times the weights, so no bootstrap sample is ever formed. The t statistics
use the CR1 variance (Stata's small-sample factor); the interval inverts the test over the null value.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from placewell.engine.evaluation import _inference
from placewell.engine.evaluation._design import as_list, build_design, select_rows, treatment_indicator
from placewell.engine.evaluation.errors import InvalidValueError, TooFewObservationsError

WeightType = Literal["rademacher", "webb"]
DRAWS = 9_999
"""Default bootstrap replications (an odd number, so that ``alpha (B + 1)`` is whole for usual alphas)."""

_WEBB = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])


@dataclass(frozen=True)
class BootstrapResult:
    """A wild-cluster-bootstrap p-value (of no effect) and interval for the treatment effect."""

    outcome: str
    estimate: float
    se_cr1: float
    t_stat: float
    p_value: float
    ci_low: float
    ci_high: float
    level: float
    draws: int
    n_clusters: int
    weight_type: str
    enumerated: bool


def bootstrap_weights(
    n_clusters: int, draws: int, weight_type: WeightType, rng: np.random.Generator
) -> tuple[NDArray[np.float64], bool]:
    """A ``G x B`` matrix of cluster weights, and whether it enumerates every Rademacher pattern."""
    if weight_type == "rademacher":
        if 2**n_clusters <= draws:
            signs = np.array(list(itertools.product((1.0, -1.0), repeat=n_clusters))).T
            return signs, True
        return rng.choice(np.array([-1.0, 1.0]), size=(n_clusters, draws)), False
    if weight_type == "webb":
        return rng.choice(_WEBB, size=(n_clusters, draws)), False
    raise InvalidValueError(f'unknown bootstrap weights {weight_type!r}; choose "rademacher" or "webb"')


@dataclass(frozen=True)
class _Parts:
    """What the bootstrap t statistics need, each linear in the null value ``tau0``."""

    estimate: float
    se: float
    factor: float
    a0: NDArray[np.float64]
    a1: NDArray[np.float64]
    F0: NDArray[np.float64]
    F1: NDArray[np.float64]


def _parts(X: NDArray[np.float64], y: NDArray[np.float64], clusters: NDArray[np.intp], target: int) -> _Parts:
    n, k = X.shape
    G = int(clusters.max()) + 1
    if G < 2:
        raise TooFewObservationsError("the wild cluster bootstrap needs at least 2 clusters; found 1")
    Q, R = np.linalg.qr(X)
    e_j = np.zeros(k)
    e_j[target] = 1.0
    c = Q @ np.linalg.solve(R.T, e_j)  # X (X'X)^{-1} e_j
    xtx_inv = np.linalg.inv(R.T @ R)
    Xr = np.delete(X, target, axis=1)
    Qr, _ = np.linalg.qr(Xr)

    def restricted_resid(v: NDArray[np.float64]) -> NDArray[np.float64]:
        out: NDArray[np.float64] = v - Qr @ (Qr.T @ v)
        return out

    e0 = restricted_resid(y)  # residuals under tau0 = 0
    e1 = restricted_resid(X[:, target])  # minus their change per unit of tau0

    def by_cluster(v: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.bincount(clusters, weights=v, minlength=G).astype(np.float64)

    D = np.column_stack([by_cluster(X[:, j] * c) for j in range(k)]).T  # k x G: X_h' c_h

    def F(e: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        a = by_cluster(c * e)
        XtE = np.column_stack([by_cluster(X[:, j] * e) for j in range(k)]).T  # k x G: X_g' e_g
        K = xtx_inv @ XtE
        return a, np.diag(a) - D.T @ K

    a0, F0 = F(e0)
    a1, F1 = F(e1)
    factor = G / (G - 1) * (n - 1) / (n - k)
    estimate = float(c @ y)
    resid = y - X @ (xtx_inv @ (X.T @ y))
    se = math.sqrt(factor * float(np.sum(by_cluster(c * resid) ** 2)))
    return _Parts(estimate, se, factor, a0, a1, F0, F1)


def _t_stats(parts: _Parts, V: NDArray[np.float64], tau0: float) -> NDArray[np.float64]:
    num = (parts.a0 - tau0 * parts.a1) @ V
    scores = (parts.F0 - tau0 * parts.F1) @ V
    t: NDArray[np.float64] = num / np.sqrt(parts.factor * np.einsum("gb,gb->b", scores, scores))
    return t


def wcr_t_stats(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    clusters: NDArray[np.intp],
    target: int,
    V: NDArray[np.float64],
    tau0: float = 0.0,
) -> tuple[float, NDArray[np.float64]]:
    """The observed CR1 t statistic of ``coef[target] = tau0`` and its ``B`` restricted-bootstrap copies
    for the ``G x B`` weight matrix ``V`` (clusters coded ``0..G-1``)."""
    parts = _parts(X, y, clusters, target)
    return (parts.estimate - tau0) / parts.se, _t_stats(parts, V, tau0)


def _p_value(parts: _Parts, V: NDArray[np.float64], tau0: float) -> float:
    observed = abs(parts.estimate - tau0) / parts.se
    stats = np.abs(_t_stats(parts, V, tau0))
    return float(np.mean(stats >= observed * (1 - 1e-12)))


def _interval_end(parts: _Parts, V: NDArray[np.float64], alpha: float, direction: float) -> float:
    inside = parts.estimate
    step = direction * parts.se
    outside = inside + step
    for _ in range(60):
        if _p_value(parts, V, outside) <= alpha:
            break
        inside, outside = outside, outside + step
        step *= 2
    else:
        return math.copysign(math.inf, direction)
    for _ in range(100):
        mid = 0.5 * (inside + outside)
        if _p_value(parts, V, mid) > alpha:
            inside = mid
        else:
            outside = mid
        if abs(outside - inside) <= 1e-10 * parts.se:
            break
    return inside


def wild_cluster_bootstrap(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    cluster: str,
    covariates: Sequence[str] = (),
    strata: str | Sequence[str] | None = None,
    *,
    draws: int = DRAWS,
    weight_type: WeightType = "webb",
    seed: int = 0,
    level: float = 95,
    categorical: Sequence[str] = (),
) -> BootstrapResult:
    """Restricted wild cluster bootstrap p-value and interval for the treatment effect (unweighted OLS).

    Effects of 0/1 outcomes are on the 0-1 scale (multiply by 100 for percentage points).
    """
    if draws < 99:
        raise InvalidValueError(f"{draws} bootstrap draws are too few; use at least 99 (9,999 is usual)")
    strata_cols = as_list(strata)
    frame, _ = select_rows(data, outcome, [treatment, cluster, *strata_cols], None)
    treated = treatment_indicator(frame, treatment)
    design = build_design(
        frame,
        outcome,
        treated,
        [(treatment, treated.astype(float))],
        list(covariates),
        weights=None,
        strata=strata_cols,
        cluster=cluster,
        n_missing_outcome=0,
        categorical=categorical,
    )
    assert design.clusters is not None
    parts = _parts(np.asarray(design.X, dtype=float), design.y, design.clusters, 1)
    G = int(design.clusters.max()) + 1
    V, enumerated = bootstrap_weights(G, draws, weight_type, np.random.default_rng(seed))
    alpha = 1 - _inference.level_fraction(level)
    return BootstrapResult(
        outcome=outcome,
        estimate=parts.estimate,
        se_cr1=parts.se,
        t_stat=parts.estimate / parts.se,
        p_value=_p_value(parts, V, 0.0),
        ci_low=_interval_end(parts, V, alpha, -1.0),
        ci_high=_interval_end(parts, V, alpha, 1.0),
        level=(1 - alpha) * 100,
        draws=V.shape[1],
        n_clusters=G,
        weight_type=weight_type,
        enumerated=enumerated,
    )
