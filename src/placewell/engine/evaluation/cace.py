"""Complier average causal effect by two-stage least squares.

Why: intention to treat answers "what does offering the service do?"; a commissioner also asks "what does it
do for people who actually use it?". Random assignment is an instrument for receipt (Angrist, Imbens and Rubin
1996), so two-stage least squares with assignment instrumenting receipt estimates the effect for compliers.
Receipt follows the report's definition of participants: "trial recruits allocated to treatment, who went on
to receive support, as indicated by having 1+ meetings with an employment specialist" (DWP research report no.
1025, *Health-led Employment Trials Evaluation: 12-month outcomes evidence synthesis* (August 2022),
glossary). Controls cannot receive the service, so a missing meeting count (no management information) counts
as none.

Standard errors: HC0, HC1 (default) and cluster-robust, as linearmodels' ``IV2SLS`` reports them
(``robust`` and ``clustered``, with ``debiased=True`` for HC1's ``n/(n-k)``). Leverage-based HC2 and HC3
have no single agreed definition for 2SLS and are refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placewell.engine.evaluation import _inference
from placewell.engine.evaluation._design import (
    as_list,
    build_design,
    require_columns,
    select_rows,
    treatment_indicator,
)
from placewell.engine.evaluation._ols import _equilibrate, fit_wls
from placewell.engine.evaluation.errors import InvalidValueError, NoVarianceError
from placewell.engine.evaluation.impact import OutcomeType, check_se, is_binary

RECEIPT_THRESHOLD = 1
"""Meetings needed to count as receiving the service (DWP research report no. 1025, glossary: "1+ meetings")."""


@dataclass(frozen=True)
class CaceEstimate:
    """The complier average causal effect with its first stage."""

    outcome: str
    effect: float
    se: float
    df_resid: int
    n: int
    compliance: float
    first_stage_f: float
    se_type: str
    unit: str

    @property
    def p_value(self) -> float:
        """Two-sided t-based p-value."""
        return _inference.t_p_value(self.effect, self.se, self.df_resid)

    def ci(self, level: float = 95) -> tuple[float, float]:
        """Confidence interval at 90, 95 or 99 per cent."""
        return _inference.t_interval(self.effect, self.se, self.df_resid, level)

    @property
    def stars(self) -> str:
        """Significance marks as in DWP research report no. 1025, Table 2.1."""
        return _inference.stars_for(self.p_value)

    def tidy(self) -> pd.DataFrame:
        """One row: estimate, interval and the first stage."""
        low, high = self.ci(95)
        return pd.DataFrame(
            [
                {
                    "outcome": self.outcome,
                    "term": "receipt (CACE)",
                    "estimate": self.effect,
                    "std_error": self.se,
                    "p_value": self.p_value,
                    "conf_low": low,
                    "conf_high": high,
                    "n": self.n,
                    "compliance": self.compliance,
                    "first_stage_f": self.first_stage_f,
                    "unit": self.unit,
                }
            ]
        )


def received(data: pd.DataFrame, receipt: str, threshold: float = RECEIPT_THRESHOLD) -> pd.Series:
    """1 if the recorded meetings reach ``threshold``, else 0 (missing counts as no meetings)."""
    meetings = pd.to_numeric(data[receipt], errors="coerce").fillna(0.0)
    return (meetings >= threshold).astype(float)


def estimate_cace(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    receipt: str,
    covariates: Sequence[str] = (),
    weights: str | None = None,
    strata: str | Sequence[str] | None = None,
    se: str = "HC1",
    cluster: str | None = None,
    *,
    threshold: float = RECEIPT_THRESHOLD,
    outcome_type: OutcomeType = "auto",
    categorical: Sequence[str] = (),
) -> CaceEstimate:
    """Two-stage least squares of ``outcome`` on receipt, instrumented by assignment.

    ``receipt`` names a column of meeting counts (or 0/1); receipt is ``meetings >= threshold``.
    """
    se_type = check_se(se, cluster)
    if se_type in ("HC2", "HC3"):
        raise InvalidValueError("two-stage least squares supports HC0, HC1 or cluster standard errors")
    require_columns(data, [receipt])
    strata_cols = as_list(strata)
    required = [treatment, *strata_cols, *([cluster] if cluster else [])]
    frame, _ = select_rows(data, outcome, required, weights)
    treated = treatment_indicator(frame, treatment)
    d = received(frame, receipt, threshold).to_numpy()
    design = build_design(
        frame,
        outcome,
        treated,
        [("received", d)],
        list(covariates),
        weights=weights,
        strata=strata_cols,
        cluster=cluster,
        n_missing_outcome=0,
        categorical=categorical,
    )
    if np.ptp(d) == 0:
        raise NoVarianceError("nobody (or everybody) received the service, so receipt has no variance")
    X = design.X
    Z = X.copy()
    Z[:, 1] = treated.astype(float)
    z_names = [treatment if j == 1 else n for j, n in enumerate(design.names)]
    first = fit_wls(
        Z,  # modified in place; the fitted values below are formed from X
        d,
        names=z_names,
        targets=[1],
        weights=design.weights,
        se="HC1" if se_type != "cluster" else "cluster",
        clusters=design.clusters,
    )
    # The instruments are the exogenous columns plus assignment, so projecting X on them changes only
    # the receipt column, whose projection is the first stage's fitted values: no second Z'Z is needed.
    pi = np.nan_to_num(first.coef)
    d_hat = X[:, 2:] @ pi[2:] + pi[0] + pi[1] * treated
    if first.dropped:  # terms the first stage could not identify are left out of the second stage too
        keep = [j for j, nm in enumerate(z_names) if nm not in first.dropped]
        X = np.asfortranarray(X[:, keep])
    n, k = X.shape
    y = design.y
    x_mu, x_scale = _equilibrate(X, design.weights, design.names)
    x_hat = X.copy()
    x_hat[:, 1] = (d_hat - x_mu[0]) / x_scale[0]
    if design.weights is not None:
        root_w = np.sqrt(design.weights)
        X *= root_w[:, None]
        x_hat *= root_w[:, None]
        y = y * root_w
    a_inv = np.linalg.inv(x_hat.T @ x_hat)
    beta = a_inv @ (x_hat.T @ y)
    resid = y - X @ beta
    c = x_hat @ a_inv[:, 1]
    df_resid = n - k
    if se_type == "cluster":
        assert design.clusters is not None
        g = int(design.clusters.max()) + 1
        scores = np.bincount(design.clusters, weights=c * resid, minlength=g)
        var = g / (g - 1) * (n - 1) / (n - k) * float(scores @ scores)
        df_resid = g - 1
    else:
        var = float(np.sum(c**2 * resid**2)) * (n / (n - k) if se_type == "HC1" else 1.0)
    binary = is_binary(design.y) if outcome_type == "auto" else outcome_type == "binary"
    scale = 100.0 if binary else 1.0
    first_t = float(first.coef[1] / np.sqrt(first.vcov[0, 0]))
    return CaceEstimate(
        outcome=outcome,
        effect=float(beta[1] / x_scale[0]) * scale,
        se=float(np.sqrt(var) / x_scale[0]) * scale,
        df_resid=df_resid,
        n=n,
        compliance=float(first.coef[1]),
        first_stage_f=first_t**2,
        se_type=se_type,
        unit="ppt" if binary else "natural",
    )
