"""Intention-to-treat impacts: ``estimate_itt(...) -> ImpactEstimate``.

The estimator is the one the Health-led Trials used (DWP research report no. 1025, *Health-led Employment
Trials Evaluation: 12-month outcomes evidence synthesis* (August 2022), section 6.2.3): an ordinary least
squares regression of the outcome on the treatment indicator and baseline covariates, a linear probability
model for binary outcomes, reported in percentage points. HC2 standard errors are the default because they are
unbiased under homoskedasticity and behave well in small cells (Imbens and Kolesar 2016); HC1, HC3 and
cluster-robust errors (for example by employment specialist) are available on request.

Allocation ratios that vary by stratum or over time (DWP research report no. 1025, section 1.7: the ratio was changed to
control flow into the service) make a raw comparison of arms biased. Two remedies are supported: pass
``strata=["stratum", "period"]`` to include stratum-by-period fixed effects (each cell is a small
experiment with a fixed ratio), or pass inverse-probability-of-assignment weights from
:func:`placewell.engine.evaluation.weights.assignment_weights` as ``weights``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from placewell.engine.evaluation import _inference
from placewell.engine.evaluation._design import (
    as_list,
    build_design,
    select_rows,
    treatment_indicator,
)
from placewell.engine.evaluation._ols import SE_TYPES, SeType, fit_wls
from placewell.engine.evaluation.cluster import fit_cr2
from placewell.engine.evaluation.errors import InvalidValueError, TooFewObservationsError
from placewell.engine.evaluation.lin import lin_design

OutcomeType = Literal["auto", "binary", "continuous"]
Adjustment = Literal["standard", "lin"]

CLUSTER_SE_TYPES: tuple[str, ...] = ("cluster", "CR1", "CR2")
"""Cluster-robust choices: ``cluster`` and ``CR1`` are the Liang-Zeger variance with Stata's factor and
``G - 1`` df; ``CR2`` is Bell and McCaffrey's with their small-sample df (see ``cluster.py``)."""


@dataclass(frozen=True)
class ImpactEstimate:
    """One impact: the treatment coefficient with its robust standard error and context.

    For binary outcomes ``effect``, ``se``, ``control_mean`` and ``control_sd`` are in percentage
    points (``unit == "ppt"``); otherwise they are in the outcome's own units.
    """

    outcome: str
    effect: float
    se: float
    df_resid: int
    n: int
    n_treated: int
    n_control: int
    n_missing_outcome: int
    control_mean: float
    control_sd: float
    se_type: str
    unit: str
    n_clusters: int | None = None
    coefficients: dict[str, float] = field(default_factory=dict)
    df_inference: float | None = None
    """Degrees of freedom for intervals and p-values when they are not ``df_resid`` (CR2's
    Bell-McCaffrey df, a non-integer)."""
    adjustment: str = "standard"
    dropped: tuple[str, ...] = ()
    """Terms the data could not identify (constant, or a combination of other terms), left out of the
    model; their coefficients are NaN."""

    @property
    def df(self) -> float:
        """Degrees of freedom used for the t intervals and p-values."""
        return self.df_inference if self.df_inference is not None else self.df_resid

    @property
    def t_stat(self) -> float:
        """The effect divided by its standard error."""
        return self.effect / self.se if self.se > 0 else float("inf")

    @property
    def p_value(self) -> float:
        """Two-sided p-value from the t distribution with the residual degrees of freedom."""
        return _inference.t_p_value(self.effect, self.se, self.df)

    def ci(self, level: float = 95) -> tuple[float, float]:
        """Confidence interval at 90, 95 or 99 per cent."""
        return _inference.t_interval(self.effect, self.se, self.df, level)

    @property
    def effect_sd(self) -> float:
        """The effect in standard deviations of the control group's outcome (DWP research report no. 1025, Table 2.1)."""
        return self.effect / self.control_sd if self.control_sd > 0 else float("nan")

    @property
    def se_sd(self) -> float:
        """The standard error in control-group standard deviations."""
        return self.se / self.control_sd if self.control_sd > 0 else float("nan")

    @property
    def stars(self) -> str:
        """``*`` 90%, ``**`` 95%, ``***`` 99% (DWP research report no. 1025, Table 2.1)."""
        return _inference.stars_for(self.p_value)

    def as_dict(self) -> dict[str, Any]:
        """A flat, JSON-friendly record of the estimate and its 90/95/99% intervals."""
        record: dict[str, Any] = {
            "outcome": self.outcome,
            "effect": self.effect,
            "se": self.se,
            "t_stat": self.t_stat,
            "p_value": self.p_value,
            "stars": self.stars,
            "df_resid": self.df_resid,
            "n": self.n,
            "n_treated": self.n_treated,
            "n_control": self.n_control,
            "n_missing_outcome": self.n_missing_outcome,
            "control_mean": self.control_mean,
            "control_sd": self.control_sd,
            "effect_sd": self.effect_sd,
            "se_type": self.se_type,
            "unit": self.unit,
            "n_clusters": self.n_clusters,
            "df": self.df,
            "adjustment": self.adjustment,
        }
        for level in _inference.ALLOWED_LEVELS:
            low, high = self.ci(level)
            record[f"ci{level}_low"] = low
            record[f"ci{level}_high"] = high
        return record

    def tidy(self) -> pd.DataFrame:
        """One row in the broom/estimatr layout: term, estimate, std_error, statistic, p_value, conf_*."""
        low, high = self.ci(95)
        return pd.DataFrame(
            [
                {
                    "outcome": self.outcome,
                    "term": "treatment",
                    "estimate": self.effect,
                    "std_error": self.se,
                    "statistic": self.t_stat,
                    "p_value": self.p_value,
                    "conf_low": low,
                    "conf_high": high,
                    "df": self.df,
                    "n": self.n,
                    "unit": self.unit,
                    "effect_sd": self.effect_sd,
                    "stars": self.stars,
                }
            ]
        )


def is_binary(values: np.ndarray[Any, np.dtype[np.float64]]) -> bool:
    """True when every value is 0 or 1 (a linear probability model is then reported in points)."""
    return bool(np.isin(values, (0.0, 1.0)).all())


def control_moments(
    y: np.ndarray[Any, np.dtype[np.float64]],
    weights: np.ndarray[Any, np.dtype[np.float64]] | None,
) -> tuple[float, float]:
    """(Weighted) mean and standard deviation of the control group's outcome, with ``n - 1``."""
    n = len(y)
    if n < 2:
        raise TooFewObservationsError("the control arm needs at least 2 observed outcomes")
    if weights is None:
        return float(y.mean()), float(y.std(ddof=1))
    mean = float(np.average(y, weights=weights))
    var = float(np.average((y - mean) ** 2, weights=weights)) * n / (n - 1)
    return mean, float(np.sqrt(var))


def check_se(se: str, cluster: str | None) -> SeType:
    """Validate the standard-error request (``CR1`` is returned as ``cluster``; ``CR2`` is checked
    here and fitted by :func:`placewell.engine.evaluation.cluster.fit_cr2`)."""
    choices = (*SE_TYPES, *(c for c in CLUSTER_SE_TYPES if c not in SE_TYPES))
    if se not in choices:
        raise InvalidValueError(f"unknown standard-error type {se!r}; choose one of {', '.join(choices)}")
    if (se in CLUSTER_SE_TYPES) != (cluster is not None):
        raise InvalidValueError(
            'cluster-robust errors need se="cluster", "CR1" or "CR2" together with a cluster column'
        )
    return "cluster" if se in CLUSTER_SE_TYPES else se  # type: ignore[return-value]


def estimate_itt(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    weights: str | None = None,
    strata: str | Sequence[str] | None = None,
    se: str = "HC2",
    cluster: str | None = None,
    *,
    outcome_type: OutcomeType = "auto",
    adjustment: Adjustment = "standard",
    categorical: Sequence[str] = (),
) -> ImpactEstimate:
    """Estimate the intention-to-treat impact of assignment on ``outcome``.

    ``data`` holds one row per randomised person; ``treatment`` is 0 (control) or 1 (treatment).
    ``covariates`` are baseline columns (numeric or categorical; gaps handled by missing indicators).
    ``weights`` names a column of non-negative weights (non-response or assignment weights).
    ``strata`` names one or more columns whose crossing enters as fixed effects. ``se`` is one of
    ``HC0``, ``HC1``, ``HC2`` (default), ``HC3`` or ``cluster`` (with ``cluster`` naming the column).
    ``outcome_type`` forces or disables the percentage-point reporting of 0/1 outcomes.
    ``se="CR2"`` gives Bell-McCaffrey cluster-robust errors with their small-sample degrees of freedom
    (Imbens and Kolesar 2016); ``adjustment="lin"`` centres the covariates and interacts them with
    treatment (Lin 2013, see ``lin.py``). ``categorical`` names covariates holding category codes
    that are numbers (text columns are categorical anyway); a covariate mixing numbers and text is
    refused, naming the row and the value.
    """
    se_type = check_se(se, cluster)
    if adjustment not in ("standard", "lin"):
        raise InvalidValueError(f'unknown adjustment {adjustment!r}; choose "standard" or "lin"')
    strata_cols = as_list(strata)
    required = [treatment, *strata_cols, *([cluster] if cluster else [])]
    frame, n_missing = select_rows(data, outcome, required, weights)
    treated = treatment_indicator(frame, treatment)
    design = build_design(
        frame,
        outcome,
        treated,
        [(treatment, treated.astype(float))],
        list(covariates),
        weights=weights,
        strata=strata_cols,
        cluster=cluster,
        n_missing_outcome=n_missing,
        categorical=categorical,
    )
    binary = is_binary(design.y) if outcome_type == "auto" else outcome_type == "binary"
    scale = 100.0 if binary else 1.0
    control_w = design.weights[~treated] if design.weights is not None else None
    c_mean, c_sd = control_moments(design.y[~treated], control_w)
    names = design.names
    X = design.X
    if adjustment == "lin":
        strata_prefix = " x ".join(strata_cols) + "[" if strata_cols else None
        covariate_cols = [
            j for j in range(2, len(names)) if strata_prefix is None or not names[j].startswith(strata_prefix)
        ]
        X, names = lin_design(
            X, names, treatment_col=1, covariate_cols=covariate_cols, weights=design.weights
        )
    if se == "CR2":
        assert design.clusters is not None
        cr2 = fit_cr2(X, design.y, design.clusters, names=names, targets=[1], weights=design.weights)
        return ImpactEstimate(
            outcome=outcome,
            effect=float(cr2.coef[1]) * scale,
            se=float(np.sqrt(cr2.variance[0])) * scale,
            df_resid=cr2.n - cr2.k,
            n=cr2.n,
            n_treated=int(treated.sum()),
            n_control=int((~treated).sum()),
            n_missing_outcome=n_missing,
            control_mean=c_mean * scale,
            control_sd=c_sd * scale,
            se_type="CR2",
            unit="ppt" if binary else "natural",
            n_clusters=cr2.n_clusters,
            coefficients={name: float(c) for name, c in zip(names, cr2.coef, strict=True)},
            df_inference=float(cr2.df[0]),
            adjustment=adjustment,
            dropped=cr2.dropped,
        )
    fit = fit_wls(
        X,
        design.y,
        names=names,
        targets=[1],
        weights=design.weights,
        se=se_type,
        clusters=design.clusters,
    )
    return ImpactEstimate(
        outcome=outcome,
        effect=float(fit.coef[1]) * scale,
        se=float(np.sqrt(fit.vcov[0, 0])) * scale,
        df_resid=fit.df_resid,
        n=fit.n,
        n_treated=int(treated.sum()),
        n_control=int((~treated).sum()),
        n_missing_outcome=n_missing,
        control_mean=c_mean * scale,
        control_sd=c_sd * scale,
        se_type=se_type,
        unit="ppt" if binary else "natural",
        n_clusters=fit.n_clusters,
        coefficients={name: float(c) for name, c in zip(names, fit.coef, strict=True)},
        adjustment=adjustment,
        dropped=fit.dropped,
    )
