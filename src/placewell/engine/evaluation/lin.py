"""Lin's interacted covariate adjustment: covariates centred and interacted with treatment.

Why: Freedman (2008) showed that adjusting a randomised comparison for covariates by ordinary least
squares can bias the estimate and mis-state its precision when the arms are unequal in size or effects
vary. Lin (2013), *Agnostic notes on regression adjustments to experimental data: reexamining Freedman's
critique* (Annals of Applied Statistics 7(1)), showed that adding every covariate centred on its sample
mean together with its interaction with treatment removes the harm: the estimate is consistent and never
less precise asymptotically than the unadjusted difference, and HC2 standard errors are conservative.
Centring makes the treatment coefficient the average effect at the covariates' sample means, that is the
average treatment effect. R's estimatr offers the same estimator as ``lm_lin``.

Strata fixed effects, if any, stay as main effects (not interacted), as in ``lm_lin`` with blocks passed as
covariates; when weights are given the centring uses weighted means so that the coefficient is the
weighted average effect.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def lin_design(
    X: NDArray[np.float64],
    names: Sequence[str],
    *,
    treatment_col: int,
    covariate_cols: Sequence[int],
    weights: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], list[str]]:
    """``X`` with the covariate columns centred and ``treatment x centred covariate`` columns appended.

    Returns a new matrix (Fortran order, as the OLS core prefers) and its column names; ``X`` is not
    modified. The interaction of covariate ``c`` is named ``"<treatment>:<c>"``.
    """
    cols = np.asarray(covariate_cols, dtype=np.intp)
    n, k = X.shape
    out = np.empty((n, k + len(cols)), order="F")
    out[:, :k] = X
    if len(cols):
        block = X[:, cols]
        means = block.mean(axis=0) if weights is None else weights @ block / weights.sum()
        centred = block - means
        out[:, cols] = centred
        out[:, k:] = centred * X[:, [treatment_col]]
    treat = names[treatment_col]
    return out, [*names, *(f"{treat}:{names[int(c)]}" for c in cols)]
