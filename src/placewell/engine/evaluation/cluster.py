"""CR2 cluster-robust standard errors with Bell-McCaffrey small-sample degrees of freedom.

Why: when a trial is clustered by employment specialist or site there are often only 10 to 40 clusters,
and the usual cluster-robust (CR1, Liang and Zeger 1986) variance is then biased downwards and its
``G - 1`` degrees of freedom too generous. Bell and McCaffrey (2002), *Bias reduction in standard errors
for linear regression with multi-stage samples* (Survey Methodology 28(2)), adjust each cluster's
residuals by ``A_g = (I - H_gg)^{-1/2}``, which makes the variance unbiased when errors are independent
with equal variance ("CR2"). Imbens and Kolesar (2016), *Robust standard errors in small samples: some
practical advice* (Review of Economics and Statistics 98(4)), recommend pairing it with Bell and
McCaffrey's Satterthwaite degrees of freedom, which for one coefficient equal those of Pustejovsky and
Tipton (2018), *Small-sample methods for cluster-robust variance estimation and hypothesis testing in
fixed effects models* (Journal of Business and Economic Statistics 36(4)), under their working model of
independent errors of equal variance. R's clubSandwich and estimatr report the same quantities.

Weights: a weighted fit is whitened (rows multiplied by the square root of their weight) and CR2 applied
to the whitened regression, as for weighted least squares with inverse-variance weights.

Numerics: a thin QR factorisation ``sqrt(W) X = Q R`` gives every quantity without ``(X'X)^{-1}``:
``H_gg = Q_g Q_g'`` and ``X_g (X'X)^{-1} c = Q_g R^{-T} c``. The inverse square root of ``I - H_gg``
comes from the thin SVD of ``Q_g`` (``n_g x k``), so a cluster of 100,000 rows costs no more than its
share of the QR; a cluster whose ``I - H_gg`` is singular (for example because cluster fixed effects
absorb it) uses the Moore-Penrose inverse square root, as clubSandwich does. The degrees of freedom need only ``G``-vectors:
``df = tr(M)^2 / ||M||_F^2`` with ``M = diag(|u_g|^2) - Z'Z``, ``u_g = A_g Q_g r``, ``z_g = Q_g' u_g``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from placewell.engine.evaluation._ols import _equilibrate_keep, identified_columns
from placewell.engine.evaluation.errors import CollinearityError, TooFewObservationsError

_SINGULAR = 1e-10
"""Eigenvalues of ``I - H_gg`` at or below this are treated as zero (pseudo-inverse square root)."""


@dataclass(frozen=True)
class ClusterFit:
    """Coefficients, CR2 variances of the targeted coefficients and their Bell-McCaffrey df."""

    coef: NDArray[np.float64]
    variance: NDArray[np.float64]
    df: NDArray[np.float64]
    targets: tuple[int, ...]
    n: int
    k: int
    n_clusters: int
    dropped: tuple[str, ...] = ()


def _adjust(Qg: NDArray[np.float64], B: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(I - Q_g Q_g')^{-1/2} B`` without forming the ``n_g x n_g`` matrix.

    With the thin SVD ``Q_g = U S V'``, ``I - Q_g Q_g' = I - U S^2 U'``, whose inverse square root is
    ``I + U ((1 - S^2)^{-1/2} - 1) U'``: cost ``O(n_g k^2)``, so clusters of any size are cheap. A
    direction with ``1 - s^2`` at or below ``_SINGULAR`` gets the pseudo-inverse (it is projected out).
    """
    U, svals, _ = np.linalg.svd(Qg, full_matrices=False)
    room = 1.0 - svals**2
    factor = np.where(room > _SINGULAR, 1.0 / np.sqrt(np.maximum(room, _SINGULAR)) - 1.0, -1.0)
    out: NDArray[np.float64] = B + U @ (factor[:, None] * (U.T @ B))
    return out


def cluster_slices(clusters: NDArray[np.intp]) -> tuple[NDArray[np.intp], list[slice]]:
    """An ordering that makes each cluster contiguous, and each cluster's slice of that ordering."""
    order = np.argsort(clusters, kind="stable")
    counts = np.bincount(clusters)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    return order, [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]


def fit_cr2(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    clusters: NDArray[np.intp],
    *,
    names: Sequence[str],
    targets: Sequence[int],
    weights: NDArray[np.float64] | None = None,
) -> ClusterFit:
    """Least squares of ``y`` on ``X`` with CR2 variances and df for the ``targets`` columns.

    ``clusters`` holds integer codes ``0..G-1``. ``X`` is not modified. Columns the data cannot identify
    (constant, or a combination of others) are left out and named in ``dropped`` with NaN coefficients,
    chosen exactly as :func:`placewell.engine.evaluation._ols.fit_wls` chooses them.
    """
    n, k_all = X.shape
    scaled = np.array(X, dtype=float, order="F")
    _, _, constant = _equilibrate_keep(scaled, weights)
    if weights is not None:
        scaled *= np.sqrt(weights)[:, None]
    keep = identified_columns(scaled.T @ scaled, list(targets), constant)
    del scaled
    lost = [names[t] for t in targets if t not in keep]
    if lost:
        raise CollinearityError(
            f"{', '.join(lost)} cannot be separated from the other terms in the model (it does not vary, "
            "or it is a combination of other columns), so its effect cannot be estimated"
        )
    dropped = tuple(names[j] for j in range(k_all) if j not in keep)
    position = {j: i for i, j in enumerate(keep)}
    all_targets = tuple(int(t) for t in targets)
    targets = [position[t] for t in targets]
    names = [names[j] for j in keep]
    X = X[:, keep] if dropped else X
    n, k = X.shape
    if n <= k:
        raise TooFewObservationsError(f"{n} rows cannot estimate {k} coefficients")
    order, slices = cluster_slices(clusters)
    n_clusters = len(slices)
    if n_clusters < 2:
        raise TooFewObservationsError("cluster-robust errors need at least 2 clusters; found 1")
    root_w = np.sqrt(weights[order]) if weights is not None else None
    Xs = X[order] if root_w is None else X[order] * root_w[:, None]
    ys = y[order] if root_w is None else y[order] * root_w
    Q, R = scipy.linalg.qr(Xs, mode="economic")
    # |R_jj| / ||x_j|| is the square root of 1 - R^2 of column j on those before it (scale-free).
    share = np.abs(np.diag(R)) / np.maximum(np.linalg.norm(Xs, axis=0), 1e-300)
    if share.min() <= 1e-7:
        involved = [names[int(j)] for j in np.flatnonzero(share <= 1e-7)]
        raise CollinearityError(
            f"columns {', '.join(involved)} are collinear with the others, so their separate effects "
            "cannot be estimated; drop one of them"
        )
    qty = Q.T @ ys
    coef = scipy.linalg.solve_triangular(R, qty)
    resid = ys - Q @ qty
    tix = np.asarray(targets, dtype=np.intp)
    # r_j = R^{-T} e_j, so that X (X'X)^{-1} e_j = Q r_j.
    E = np.zeros((k, len(tix)))
    E[tix, np.arange(len(tix))] = 1.0
    r = scipy.linalg.solve_triangular(R, E, trans="T")
    scores = np.empty((n_clusters, len(tix)))
    sq_norms = np.empty((n_clusters, len(tix)))
    Z = np.empty((len(tix), k, n_clusters))
    for g, sl in enumerate(slices):
        Qg = Q[sl]
        U = _adjust(Qg, Qg @ r)  # n_g x m: the adjusted rows of X (X'X)^{-1} c
        scores[g] = resid[sl] @ U
        sq_norms[g] = np.einsum("ij,ij->j", U, U)
        Z[:, :, g] = (Qg.T @ U).T
    variance = np.einsum("gj,gj->j", scores, scores)
    full = np.full(k_all, np.nan)
    full[keep] = coef
    df = np.empty(len(tix))
    for j in range(len(tix)):
        M = np.diag(sq_norms[:, j]) - Z[j].T @ Z[j]
        df[j] = np.trace(M) ** 2 / np.sum(M * M)
    return ClusterFit(
        coef=full,
        variance=variance,
        df=df,
        targets=all_targets,
        n=n,
        k=k,
        n_clusters=n_clusters,
        dropped=dropped,
    )
