"""Non-response weights for survey outcomes, and inverse-probability-of-assignment weights.

Why: in the Health-led Trials the 12-month survey reached 41.8% of recruits, and more of the treatment arm
than of the control arm (50.8/42.4/41.0% against 43.0/40.5/36.1% for SCR IW, SCR OOW and WMCA; DWP research
report 1025, Table 6.2). Survey outcomes were therefore "weighted for non-response" (DWP research report no.
1025, *Health-led Employment Trials Evaluation: 12-month outcomes evidence synthesis* (August 2022), section
6.2.2). Here, within each arm, a logistic model of response on baseline characteristics gives each respondent
a weight of one over their predicted response probability, so the respondents stand for the whole randomised
arm. Weights are scaled to sum to the arm's size, then trimmed at ``trim_ratio`` times their mean (default 5,
a common survey rule) and rescaled, so that a handful of people cannot dominate. The diagnostics report the
Kish effective sample size and the standardised mean differences between respondents and the full arm, before
and after weighting (``balance.weighted_mean_differences``), each characteristic scaled by its standard
deviation in the whole randomised sample, the same scale before and after weighting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit

from placewell.engine.evaluation._design import (
    covariate_columns,
    require_columns,
    treatment_indicator,
)
from placewell.engine.evaluation.balance import weighted_mean_differences
from placewell.engine.evaluation.errors import InvalidValueError, NoVarianceError

_MAX_ITER = 50


@dataclass(frozen=True)
class NonresponseWeights:
    """Weights aligned with the data's index (0 for non-respondents) and their diagnostics."""

    weights: pd.Series
    summary: pd.DataFrame
    balance: pd.DataFrame


def fit_logistic(X: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64]:
    """Maximum-likelihood logistic regression by Newton's method; returns fitted probabilities.

    A tiny ridge (1e-8) keeps the Newton step defined when a column nearly separates the classes;
    predicted probabilities are then bounded away from 0 and 1 by the trimming that follows.
    """
    beta = np.zeros(X.shape[1])
    for _ in range(_MAX_ITER):
        p = expit(X @ beta)
        grad = X.T @ (r - p)
        hess = (X * (p * (1 - p))[:, None]).T @ X + 1e-8 * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return np.asarray(expit(X @ beta), dtype=float)


def _standardised(frame: pd.DataFrame, covariates: Sequence[str]) -> tuple[list[str], NDArray[np.float64]]:
    """Covariate columns (missing indicators and dummies expanded), each centred and scaled."""
    columns = [col for name in covariates for col in covariate_columns(frame, name)]
    names = [name for name, _ in columns]
    if not columns:
        return names, np.empty((len(frame), 0))
    Z = np.column_stack([values for _, values in columns])
    sd = Z.std(axis=0)
    sd[sd == 0] = 1.0
    return names, (Z - Z.mean(axis=0)) / sd


def _trim(w: NDArray[np.float64], total: float, ratio: float) -> tuple[NDArray[np.float64], int]:
    """Scale to ``total``, cap at ``ratio`` times the mean and rescale until no weight exceeds the cap."""
    w = w * total / w.sum()
    trimmed = np.zeros(len(w), dtype=bool)
    for _ in range(100):
        cap = ratio * w.mean()
        over = w > cap * (1 + 1e-12)
        if not over.any():
            break
        trimmed |= over
        w = np.minimum(w, cap)
        w = w * total / w.sum()
    return w, int(trimmed.sum())


def nonresponse_weights(
    data: pd.DataFrame,
    responded: str,
    treatment: str,
    covariates: Sequence[str],
    *,
    trim_ratio: float = 5.0,
) -> NonresponseWeights:
    """Inverse-probability-of-response weights, modelled within each arm.

    ``responded`` is a 0/1 column (1 = answered the survey); ``covariates`` are baseline columns.
    """
    require_columns(data, [responded, treatment, *covariates])
    if trim_ratio <= 1:
        raise InvalidValueError("trim_ratio must exceed 1 (it caps weights at that multiple of their mean)")
    treated = treatment_indicator(data, treatment)
    r = pd.to_numeric(data[responded], errors="coerce").to_numpy(dtype=float)
    if np.isnan(r).any() or not np.isin(r, (0.0, 1.0)).all():
        raise InvalidValueError(f"response column {responded!r} must hold only 0 and 1, with no gaps")
    names, Z = _standardised(data, covariates)
    weights = np.zeros(len(data))
    summary_rows = []
    balance_rows: list[dict[str, object]] = []
    for arm_name, mask in (("treatment", treated), ("control", ~treated)):
        r_arm = r[mask]
        n_resp = int(r_arm.sum())
        if n_resp == 0 or n_resp == len(r_arm):
            raise NoVarianceError(
                f"in the {arm_name} arm {'nobody' if n_resp == 0 else 'everybody'} responded, "
                "so a response model cannot be fitted"
            )
        Z_arm = Z[mask]
        X = np.column_stack([np.ones(len(r_arm)), Z_arm])
        p = fit_logistic(X, r_arm)
        resp = r_arm == 1
        raw = 1.0 / p[resp]
        w, n_trimmed = _trim(raw, float(len(r_arm)), trim_ratio)
        arm_weights = np.zeros(len(r_arm))
        arm_weights[resp] = w
        weights[mask] = arm_weights
        summary_rows.append(
            {
                "arm": arm_name,
                "n": len(r_arm),
                "n_responded": n_resp,
                "response_rate": n_resp / len(r_arm),
                "effective_sample_size": float(w.sum() ** 2 / (w**2).sum()),
                "max_weight": float(w.max()),
                "n_trimmed": n_trimmed,
            }
        )
        # Z is already on the whole sample's standard-deviation scale, so the scale here is 1.
        before = weighted_mean_differences(Z_arm[resp], Z_arm)
        after = weighted_mean_differences(Z_arm[resp], Z_arm, weights=w)
        balance_rows.extend(
            {"arm": arm_name, "covariate": name, "smd_before": float(b), "smd_after": float(a)}
            for name, b, a in zip(names, before, after, strict=True)
        )
    return NonresponseWeights(
        weights=pd.Series(weights, index=data.index, name="nonresponse_weight"),
        summary=pd.DataFrame(summary_rows),
        balance=pd.DataFrame(balance_rows, columns=["arm", "covariate", "smd_before", "smd_after"]),
    )


def assignment_weights(data: pd.DataFrame, treatment: str, probability: str) -> pd.Series:
    """Inverse-probability-of-assignment weights: ``1/p`` if treated, ``1/(1-p)`` if control.

    ``probability`` names the column holding each person's probability of allocation to treatment at
    the moment they were randomised (the randomisation service records it). Weighting by its inverse
    makes every stratum and period count as if allocated 1:1, which removes the bias a changing ratio
    would otherwise cause (DWP research report no. 1025, section 1.7).
    """
    require_columns(data, [treatment, probability])
    treated = treatment_indicator(data, treatment)
    p = pd.to_numeric(data[probability], errors="coerce").to_numpy(dtype=float)
    if np.isnan(p).any() or ((p <= 0) | (p >= 1)).any():
        raise InvalidValueError(
            f"assignment probabilities in {probability!r} must lie strictly between 0 and 1"
        )
    return pd.Series(np.where(treated, 1.0 / p, 1.0 / (1.0 - p)), index=data.index, name="assignment_weight")
