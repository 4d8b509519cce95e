"""Joint inference across outcomes: the covariance of impacts estimated on the same people.

Why: employment, earnings and health impacts come from the same randomised people, so their estimates
are correlated (people who found work also earned more). A benefit-cost ratio adds valued impacts
together, and drawing each impact independently (as the Monte Carlo sensitivity of DWP research report
no. 1025, *Health-led Employment Trials Evaluation: 12-month outcomes evidence synthesis*, section 2.1,
describes) mis-states the ratio's spread. The joint sampling distribution comes from stacking the
outcome-by-outcome regressions into one system, as seemingly unrelated regressions with identical
regressors do (Zellner 1962; the estimates are the equation-by-equation ones), with a covariance robust
to heteroskedasticity and to any correlation within a person: ``Cov(b_j, b_k) = sum_i u_ij u_ik`` where
``u_ij`` is person ``i``'s influence on outcome ``j``'s effect (the cluster-by-person sandwich of the
stacked regression). With ``se="HC2"`` each influence is scaled by ``1/sqrt(1 - h_ij)`` so that the
diagonal equals :func:`estimate_itt`'s HC2 variance; ``se="HC0"`` is the plain stacked sandwich.

Outcomes observed for different people (an administrative outcome for everyone, a survey outcome for
respondents) are handled: each outcome uses its own rows and only people in both samples contribute to a
covariance. Weighted fits are whitened by the square root of the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg
from numpy.typing import NDArray

from placewell.engine.evaluation._design import as_list, build_design, select_rows, treatment_indicator
from placewell.engine.evaluation.errors import InvalidValueError


@dataclass(frozen=True)
class JointImpacts:
    """Impacts on several outcomes and the covariance matrix of their estimates."""

    outcomes: tuple[str, ...]
    effects: NDArray[np.float64]
    vcov: NDArray[np.float64]
    units: tuple[str, ...]
    se_type: str

    @property
    def se(self) -> NDArray[np.float64]:
        """Standard errors (square roots of the diagonal)."""
        out: NDArray[np.float64] = np.sqrt(np.diag(self.vcov))
        return out

    @property
    def correlation(self) -> NDArray[np.float64]:
        """Correlation matrix of the estimates."""
        s = self.se
        out: NDArray[np.float64] = self.vcov / np.outer(s, s)
        return out

    def role_correlations(self, roles: Mapping[str, str]) -> tuple[tuple[str, str, float], ...]:
        """Correlations keyed by economic role (``{"employment": "employed_13wk", ...}``), in the form
        :class:`placewell.engine.evaluation.economics.GroupInputs` takes."""
        index = {name: j for j, name in enumerate(self.outcomes)}
        missing = [col for col in roles.values() if col not in index]
        if missing:
            raise InvalidValueError(f"outcome(s) {', '.join(missing)} are not among the joint impacts")
        corr = self.correlation
        items = list(roles.items())
        return tuple(
            (ra, rb, float(corr[index[ca], index[cb]]))
            for i, (ra, ca) in enumerate(items)
            for rb, cb in items[i + 1 :]
        )


def _influence(
    X: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64] | None, se: str
) -> tuple[float, NDArray[np.float64]]:
    """The treatment coefficient (column 1) and each row's (HC2-scaled) influence on it."""
    if w is not None:
        root = np.sqrt(w)
        X = X * root[:, None]
        y = y * root
    Q, R = scipy.linalg.qr(X, mode="economic")
    e1 = np.zeros(X.shape[1])
    e1[1] = 1.0
    c = Q @ scipy.linalg.solve_triangular(R, e1, trans="T")  # X (X'X)^{-1} e_1
    coef = float(scipy.linalg.solve_triangular(R, Q.T @ y)[1])
    resid = y - Q @ (Q.T @ y)
    u = c * resid
    if se == "HC2":
        h = np.einsum("ij,ij->i", Q, Q)
        saturated = h > 1.0 - 1e-10
        u[saturated] = 0.0
        u[~saturated] /= np.sqrt(1.0 - h[~saturated])
    return coef, u


def joint_impacts(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    treatment: str,
    covariates: Sequence[str] = (),
    weights: str | Mapping[str, str | None] | None = None,
    strata: str | Sequence[str] | None = None,
    *,
    se: str = "HC2",
    binary: Mapping[str, bool] | None = None,
    categorical: Sequence[str] = (),
) -> JointImpacts:
    """Impacts of ``treatment`` on each of ``outcomes`` with their joint covariance.

    0/1 outcomes are reported in percentage points, as :func:`estimate_itt` reports them (override per
    outcome with ``binary``). ``se`` is ``"HC2"`` (default) or ``"HC0"``. ``weights`` is one weight
    column for every outcome or a mapping from outcome to its own column (``None`` for unweighted), as
    when survey outcomes carry non-response weights and administrative ones do not.
    """
    if se not in ("HC0", "HC2"):
        raise InvalidValueError(f'joint covariance supports se="HC2" or "HC0", not {se!r}')
    if len(outcomes) < 1:
        raise InvalidValueError("joint impacts need at least one outcome")
    strata_cols = as_list(strata)
    data = data.reset_index(drop=True)  # row positions identify people across the outcomes' samples
    U = np.zeros((len(data), len(outcomes)))
    effects = np.empty(len(outcomes))
    units: list[str] = []
    for j, outcome in enumerate(outcomes):
        w_col = weights.get(outcome) if isinstance(weights, Mapping) else weights
        frame, n_missing = select_rows(data, outcome, [treatment, *strata_cols], w_col)
        treated = treatment_indicator(frame, treatment)
        design = build_design(
            frame,
            outcome,
            treated,
            [(treatment, treated.astype(float))],
            list(covariates),
            weights=w_col,
            strata=strata_cols,
            cluster=None,
            n_missing_outcome=n_missing,
            categorical=categorical,
        )
        is_binary = bool(np.isin(design.y, (0.0, 1.0)).all())
        if binary is not None and outcome in binary:
            is_binary = binary[outcome]
        scale = 100.0 if is_binary else 1.0
        coef, u = _influence(np.asarray(design.X, dtype=float), design.y, design.weights, se)
        effects[j] = coef * scale
        U[frame.index.to_numpy(), j] = u * scale
        units.append("ppt" if is_binary else "natural")
    return JointImpacts(
        outcomes=tuple(outcomes), effects=effects, vcov=U.T @ U, units=tuple(units), se_type=se
    )
