"""Weighted least squares with heteroskedasticity- and cluster-robust variances, vectorised.

Why hand-written: the engine must not depend on statsmodels at run time, and an impact estimate on a
million rows should cost little more than the floor set by forming ``X'X`` and the leverages. The
numerics follow the textbook sandwich (MacKinnon and White 1985 for HC1-HC3; Liang and Zeger 1986 for
clusters) with the small-sample factors statsmodels and Stata use, so that the tests can compare with
statsmodels to a relative 1e-8.

Accuracy: non-intercept columns are centred on their (weighted) mean and scaled to unit spread before
``X'X`` is formed. That reparametrisation leaves the fitted values, residuals and leverages unchanged but
removes the scale and intercept ill-conditioning that would otherwise cost digits in the normal
equations. Memory: the leverages ``h_i = x_i' (X'X)^{-1} x_i`` are computed in row chunks, never from the
``n x n`` hat matrix, and the sandwich is formed only for the requested coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.linalg
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from placewell.engine.evaluation.errors import CollinearityError, TooFewObservationsError

SeType = Literal["HC0", "HC1", "HC2", "HC3", "cluster"]
SE_TYPES: tuple[str, ...] = ("HC0", "HC1", "HC2", "HC3", "cluster")

_CHUNK = 131_072
"""Rows per block when computing leverages: bounds the temporary at ``_CHUNK x k`` floats."""

_COLLINEAR_RATIO = 1e-12
"""Smallest/largest eigenvalue of the equilibrated ``X'X`` below which columns count as collinear."""

_DEPENDENT = 1e-10
"""``1 - R^2`` of a column on the columns kept before it below which it counts as not identified."""


@dataclass(frozen=True)
class Fit:
    """Coefficients on the original scale and the robust covariance of the targeted coefficients.

    ``dropped`` names the columns the data could not identify (constant, or a combination of other
    columns); their coefficients are NaN and ``k`` counts only the columns kept.
    """

    coef: NDArray[np.float64]
    vcov: NDArray[np.float64]
    targets: tuple[int, ...]
    n: int
    k: int
    df_resid: int
    n_clusters: int | None
    dropped: tuple[str, ...] = ()


def _equilibrate(
    X: NDArray[np.float64], w: NDArray[np.float64] | None, names: Sequence[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Centre and scale columns 1.. of ``X`` in place; return their means and scales.

    Raises :class:`CollinearityError` naming any column that does not vary; :func:`fit_wls` instead
    drops such columns (see :func:`_equilibrate_keep`).
    """
    mu, scale, constant = _equilibrate_keep(X, w)
    if constant:
        raise CollinearityError(
            f"column(s) {', '.join(names[j] for j in constant)} do not vary in the rows used, so their "
            "effect cannot be separated from the intercept; remove them or check the data"
        )
    return mu, scale


def _equilibrate_keep(
    X: NDArray[np.float64], w: NDArray[np.float64] | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[int]]:
    """Centre and scale columns 1.. in place; constant columns become zero (scale 1) and are listed."""
    mu = X[:, 1:].mean(axis=0) if w is None else w @ X[:, 1:] / w.sum()
    X[:, 1:] -= mu
    if w is None:
        scale = np.sqrt(np.einsum("ij,ij->j", X[:, 1:], X[:, 1:]) / X.shape[0])
    else:
        scale = np.sqrt((w @ (X[:, 1:] ** 2)) / w.sum())
    flat = scale <= 1e-14 * (1.0 + np.abs(mu))
    constant = [int(j) + 1 for j in np.flatnonzero(flat)]
    scale[flat] = 1.0
    X[:, 1:] /= scale
    if constant:
        X[:, constant] = 0.0
    return mu, scale, constant


def _check_rank(xtx: NDArray[np.float64], names: Sequence[str]) -> None:
    """Raise :class:`CollinearityError` naming the columns involved in a near-exact dependence."""
    d = np.sqrt(np.diag(xtx))
    corr = xtx / np.outer(d, d)
    values, vectors = np.linalg.eigh(corr)
    if values[0] > _COLLINEAR_RATIO * values[-1]:
        return
    involved = [names[int(j)] for j in np.flatnonzero(np.abs(vectors[:, 0]) > 0.05)]
    raise CollinearityError(
        f"columns {', '.join(involved)} are collinear (one is a linear combination of the others), "
        "so their separate effects cannot be estimated; drop one of them"
    )


def identified_columns(xtx: NDArray[np.float64], last: Sequence[int], skip: Sequence[int]) -> list[int]:
    """Indices of a maximal set of linearly independent columns, taken greedily.

    Columns are tried left to right with those in ``last`` (the targets) tried after all the others;
    a column is kept when its share of variance not explained by the columns already kept
    (``1 - R^2``, read off an incrementally grown Cholesky factor of the equilibrated ``X'X``) exceeds
    ``_DEPENDENT``. This is the column choice of a rank-revealing factorisation with a fixed order, as
    Stata and R's ``lm`` make it: later columns give way to earlier ones. Trying the targets last means
    a target is kept only if it is identified given every other term, so a treatment explained by the
    strata or by a covariate is reported as not estimable rather than estimated with a stratum dropped.
    """
    k = xtx.shape[0]
    order = [j for j in range(k) if j not in last and j not in skip] + [j for j in last if j not in skip]
    # Fast path: when every column is identified, one Cholesky factorisation in this order shows it.
    sub = xtx[np.ix_(order, order)]
    try:
        pivots = np.diag(np.linalg.cholesky(sub))
        if np.all(pivots**2 > _DEPENDENT * np.diag(sub)):
            return sorted(order)
    except np.linalg.LinAlgError:
        pass
    kept: list[int] = []
    factor = np.zeros((k, k))
    for j in order:
        if j in skip:
            continue
        diag = xtx[j, j]
        m = len(kept)
        if m:
            col = np.linalg.solve(factor[:m, :m], xtx[kept, j])
            resid = diag - float(col @ col)
        else:
            col = np.empty(0)
            resid = diag
        if diag <= 0 or resid <= _DEPENDENT * diag:
            continue
        factor[m, :m] = col
        factor[m, m] = np.sqrt(resid)
        kept.append(j)
    return sorted(kept)


def leverages(X: NDArray[np.float64], xtx_inv: NDArray[np.float64]) -> NDArray[np.float64]:
    """Diagonal of the hat matrix, ``h_i = x_i' (X'X)^{-1} x_i``, in row chunks (no ``n x n`` matrix)."""
    n = X.shape[0]
    h = np.empty(n)
    for start in range(0, n, _CHUNK):
        block = np.ascontiguousarray(X[start : start + _CHUNK])
        h[start : start + _CHUNK] = np.einsum("ij,ij->i", block @ xtx_inv, block)
    return h


def _leverages_and_contrib(
    X: NDArray[np.float64], l_inv: NDArray[np.float64], tix: NDArray[np.intp], want_h: bool
) -> tuple[NDArray[np.float64] | None, NDArray[np.float64]]:
    """Leverages and the target rows of ``X (X'X)^{-1}`` from ``A = X L^{-T}`` (``X'X = L L'``).

    ``A`` has orthonormal columns (it is the ``Q`` of a QR decomposition of ``X``), so the leverages are
    the row sums of ``A**2`` and ``X (X'X)^{-1} = A L^{-1}``; both come from one matrix product per
    chunk of rows, with no Python loop over rows and no ``n x n`` matrix.
    """
    n = X.shape[0]
    h = np.empty(n) if want_h else None
    contrib = np.empty((n, len(tix)))
    upper = np.asfortranarray(l_inv.T)
    pick = l_inv[:, tix]
    for start in range(0, n, _CHUNK):
        # BLAS's triangular multiply: half the work of a general product with L^{-T}, and in tests on
        # a busy two-core machine five times faster than ``X @ L^{-T}``.
        a = scipy.linalg.blas.dtrmm(1.0, upper, X[start : start + _CHUNK], side=1, lower=0)
        if h is not None:
            h[start : start + _CHUNK] = np.einsum("ij,ij->i", a, a)
        contrib[start : start + _CHUNK] = a @ pick
    return h, contrib


def one_blas_thread() -> AbstractContextManager[object]:
    """Limit BLAS to one thread while the block runs.

    The products here are tall and thin (``n x k`` with ``k`` of 20 to 60). On a two-core host OpenBLAS's
    threaded kernels gain little on them, and when the host is busy they spin-wait: ``X'X`` for 400,000
    rows and 35 columns took 1.1 s of processor time threaded against 0.03 s on one thread (measured on
    this project's machine). One thread is predictable whatever else the host is doing.
    """
    limits: AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


def _fit_wls(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    names: Sequence[str],
    targets: Sequence[int],
    weights: NDArray[np.float64] | None = None,
    se: SeType = "HC2",
    clusters: NDArray[np.intp] | None = None,
) -> Fit:
    """Fit ``y`` on ``X`` (column 0 the intercept) by (weighted) least squares.

    ``X`` is modified in place (centred, scaled, whitened) to avoid a second copy of a large design.
    ``targets`` are the column indices (never 0) whose covariance is wanted; for clustered errors
    ``clusters`` holds integer codes ``0..G-1``.
    """
    n, k_all = X.shape
    if n <= k_all:
        raise TooFewObservationsError(
            f"{n} rows cannot estimate {k_all} coefficients; at least {k_all + 1} rows are needed"
        )
    if 0 in targets:
        raise ValueError("the intercept cannot be a target coefficient")
    mu, scale, constant = _equilibrate_keep(X, weights)
    if weights is not None:
        root_w = np.sqrt(weights)
        X *= root_w[:, None]
        y = y * root_w
    xtx = X.T @ X
    keep = identified_columns(xtx, list(targets), constant)
    lost = [names[t] for t in targets if t not in keep]
    if lost:
        raise CollinearityError(
            f"{', '.join(lost)} cannot be separated from the other terms in the model (it does not vary, "
            "or it is a combination of other columns), so its effect cannot be estimated"
        )
    dropped = tuple(names[j] for j in range(k_all) if j not in keep)
    if dropped:
        X = np.asfortranarray(X[:, keep])
        xtx = xtx[np.ix_(keep, keep)]
    k = len(keep)
    if n <= k:
        raise TooFewObservationsError(
            f"{n} rows cannot estimate {k} coefficients; at least {k + 1} rows are needed"
        )
    position = {j: i for i, j in enumerate(keep)}
    tix = np.array([position[t] for t in targets], dtype=np.intp)
    lower = np.linalg.cholesky(xtx)
    beta = scipy.linalg.cho_solve((lower, True), X.T @ y)
    resid = y - X @ beta
    # LAPACK's triangular inverse: a multi-right-hand-side triangular solve against the identity costs
    # some 40 times as much at these sizes.
    l_inv, info = scipy.linalg.lapack.dtrtri(lower, lower=1)
    if info != 0:
        raise CollinearityError("the model's columns are linearly dependent; remove one of them")
    h, contrib = _leverages_and_contrib(X, l_inv, tix, se in ("HC2", "HC3"))
    df_resid = n - k
    n_clusters: int | None = None
    if se == "cluster":
        if clusters is None:
            raise ValueError("cluster-robust errors need cluster codes")
        n_clusters = int(clusters.max()) + 1
        if n_clusters < 2:
            raise TooFewObservationsError("cluster-robust errors need at least 2 clusters; found 1")
        scores = np.column_stack(
            [
                np.bincount(clusters, weights=contrib[:, j] * resid, minlength=n_clusters)
                for j in range(len(tix))
            ]
        )
        factor_small = n_clusters / (n_clusters - 1) * (n - 1) / (n - k)
        vcov = factor_small * (scores.T @ scores)
        df_resid = n_clusters - 1
    else:
        u = resid**2
        if se == "HC1":
            u *= n / (n - k)
        elif se in ("HC2", "HC3"):
            assert h is not None
            # A row with leverage 1 (say the only row with a missing covariate, whose indicator then
            # fits it exactly) has a zero residual and no influence on the other coefficients, so it
            # contributes nothing to their variance; 0/0 is set to 0 rather than left undefined.
            saturated = h > 1.0 - 1e-10
            u[saturated] = 0.0
            h[saturated] = 0.0
            u /= (1.0 - h) if se == "HC2" else (1.0 - h) ** 2
        elif se != "HC0":
            raise ValueError(f"unknown standard-error type {se!r}; choose one of {', '.join(SE_TYPES)}")
        vcov = (contrib * u[:, None]).T @ contrib
    kept = np.asarray(keep, dtype=np.intp)
    coef = np.full(k_all, np.nan)
    slopes = beta[1:] / scale[kept[1:] - 1]
    coef[kept[1:]] = slopes
    coef[0] = beta[0] - float(slopes @ mu[kept[1:] - 1])
    s_t = scale[np.asarray(targets, dtype=np.intp) - 1]
    vcov = vcov / np.outer(s_t, s_t)
    return Fit(
        coef=coef,
        vcov=vcov,
        targets=tuple(int(t) for t in targets),
        n=n,
        k=k,
        df_resid=df_resid,
        n_clusters=n_clusters,
        dropped=dropped,
    )


def fit_wls(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    names: Sequence[str],
    targets: Sequence[int],
    weights: NDArray[np.float64] | None = None,
    se: SeType = "HC2",
    clusters: NDArray[np.intp] | None = None,
) -> Fit:
    """Fit ``y`` on ``X`` (column 0 the intercept) by (weighted) least squares.

    ``X`` is modified in place (centred, scaled, whitened) to avoid a second copy of a large design.
    ``targets`` are the column indices (never 0) whose covariance is wanted; for clustered errors
    ``clusters`` holds integer codes ``0..G-1``. Columns the data cannot identify are dropped and named
    in ``Fit.dropped``; a target that cannot be identified raises :class:`CollinearityError`.
    """
    with one_blas_thread():
        return _fit_wls(X, y, names=names, targets=targets, weights=weights, se=se, clusters=clusters)
