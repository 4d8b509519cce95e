"""Subgroup impacts: treatment-by-subgroup interactions, a joint test, and Holm across the family.

Why: a commissioner asks "for whom did it work?". The Health-led Trials explored variation in impact by
gender, age, work experience in the 2 years before randomisation, severity of health problem at randomisation
(EQ-5D-5L) and cohort (for the pandemic), and found a stronger health impact for SCR IW recruits in poorer
initial health (DWP research report no. 1025, *Health-led Employment Trials Evaluation: 12-month outcomes
evidence synthesis* (August 2022), section 4, paragraphs on subgroups). Those five are the default family
here.

One regression per subgroup variable estimates the effect within each level, ``y = a + sum_l g_l D_l +
sum_l t_l (T x D_l) + covariates``, so ``t_l`` is the effect in level ``l`` with the same covariates and
robust errors as the main estimate. The heterogeneity test is the Wald F test that all ``t_l`` are equal
(``L - 1`` restrictions, robust covariance, residual degrees of freedom). Testing five variables invites
a false alarm, so the interaction p-values are adjusted by Holm's method across the family.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from placewell.engine.evaluation import _inference
from placewell.engine.evaluation._design import (
    as_list,
    build_design,
    levels_of,
    select_rows,
    treatment_indicator,
)
from placewell.engine.evaluation._ols import fit_wls
from placewell.engine.evaluation.errors import TooFewObservationsError
from placewell.engine.evaluation.impact import OutcomeType, check_se, is_binary

DEFAULT_SUBGROUPS: tuple[str, ...] = ("gender", "age_band", "work_history", "baseline_health_band", "cohort")
"""The report's subgroup family (DWP research report no. 1025, section 4): gender, age, work history, EQ-5D severity, cohort."""


@dataclass(frozen=True)
class SubgroupEffect:
    """The impact within one level of a subgroup variable."""

    level: str
    effect: float
    se: float
    df_resid: int
    n: int
    n_treated: int
    n_control: int

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


@dataclass(frozen=True)
class SubgroupAnalysis:
    """Effects by level of one subgroup variable, with the joint test of equal effects."""

    subgroup: str
    outcome: str
    unit: str
    effects: list[SubgroupEffect]
    f_stat: float
    df_num: int
    df_denom: int
    p_interaction: float
    p_holm: float = float("nan")
    n_missing_subgroup: int = 0
    notes: tuple[str, ...] = ()
    """Levels left out because one arm is empty in them, and terms the data could not identify."""

    def tidy(self) -> pd.DataFrame:
        """One row per level with the effect, interval, p-values and the family-adjusted test."""
        rows = []
        for e in self.effects:
            low, high = e.ci(95)
            rows.append(
                {
                    "outcome": self.outcome,
                    "subgroup": self.subgroup,
                    "level": e.level,
                    "estimate": e.effect,
                    "std_error": e.se,
                    "p_value": e.p_value,
                    "conf_low": low,
                    "conf_high": high,
                    "n": e.n,
                    "unit": self.unit,
                    "p_interaction": self.p_interaction,
                    "p_interaction_holm": self.p_holm,
                }
            )
        return pd.DataFrame(rows)


def _observed_levels(series: pd.Series) -> tuple[NDArray[np.intp], list[str]]:
    """Codes ``0..L-1`` and labels of the levels that occur in ``series`` (unused categories dropped)."""
    codes, levels = levels_of(series)
    counts = np.bincount(codes[codes >= 0], minlength=len(levels))
    present = np.flatnonzero(counts)
    remap = np.full(len(levels), -1, dtype=np.intp)
    remap[present] = np.arange(len(present))
    return np.where(codes >= 0, remap[np.maximum(codes, 0)], -1), [levels[int(j)] for j in present]


def estimate_subgroup(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    subgroup: str,
    covariates: Sequence[str] = (),
    weights: str | None = None,
    strata: str | Sequence[str] | None = None,
    se: str = "HC2",
    cluster: str | None = None,
    *,
    outcome_type: OutcomeType = "auto",
    categorical: Sequence[str] = (),
) -> SubgroupAnalysis:
    """Effects within each level of ``subgroup`` and the robust Wald test that they are equal.

    Rows with no recorded subgroup value are left out and counted in ``n_missing_subgroup``.
    """
    se_type = check_se(se, cluster)
    strata_cols = as_list(strata)
    has_group = data[subgroup].notna() if subgroup in data.columns else None
    required = [treatment, subgroup, *strata_cols, *([cluster] if cluster else [])]
    frame, _ = select_rows(data if has_group is None else data.loc[has_group], outcome, required, weights)
    n_missing_group = 0 if has_group is None else int((~has_group).sum())
    treated = treatment_indicator(frame, treatment)
    codes, levels = _observed_levels(frame[subgroup])
    notes: list[str] = []
    n_t = np.bincount(codes, weights=treated, minlength=len(levels))
    n_all = np.bincount(codes, minlength=len(levels))
    one_arm = np.flatnonzero((n_t == 0) | (n_t == n_all))
    if len(one_arm):
        # No effect is identified in a level where everyone is in one arm: leave its rows out and say so.
        for j in one_arm:
            arm = "control" if n_t[j] == 0 else "treatment"
            notes.append(
                f"level {levels[int(j)]!r} was left out: all {int(n_all[j]):,} people in it are in the {arm} "
                "arm, so no effect can be estimated for it"
            )
        keep_rows = ~np.isin(codes, one_arm)
        frame, treated = frame.loc[keep_rows], treated[keep_rows]
        codes, levels = _observed_levels(frame[subgroup])
    n_levels = len(levels)
    if n_levels < 2:
        raise TooFewObservationsError(
            f"subgroup {subgroup!r} has fewer than two levels with people in both arms among the rows used"
        )
    dummies = [(codes == j).astype(float) for j in range(n_levels)]
    leading = [
        (f"{treatment} x {subgroup}[{lv}]", treated * d) for lv, d in zip(levels, dummies, strict=True)
    ]
    leading += [(f"{subgroup}[{lv}]", d) for lv, d in zip(levels[1:], dummies[1:], strict=True)]
    design = build_design(
        frame,
        outcome,
        treated,
        leading,
        [c for c in covariates if c != subgroup],
        weights=weights,
        strata=strata_cols,
        cluster=cluster,
        n_missing_outcome=0,
        categorical=categorical,
    )
    binary = is_binary(design.y) if outcome_type == "auto" else outcome_type == "binary"
    scale = 100.0 if binary else 1.0
    targets = list(range(1, n_levels + 1))
    fit = fit_wls(
        design.X,
        design.y,
        names=design.names,
        targets=targets,
        weights=design.weights,
        se=se_type,
        clusters=design.clusters,
    )
    if fit.dropped:
        notes.append(
            f"{', '.join(fit.dropped)} could not be separated from the other terms (for example a "
            "subgroup nested in the strata) and was left out; the effects within levels are unaffected"
        )
    b = fit.coef[targets]
    restriction = np.hstack([-np.ones((n_levels - 1, 1)), np.eye(n_levels - 1)])
    diff = restriction @ b
    middle = restriction @ fit.vcov @ restriction.T
    f_stat = float(diff @ np.linalg.solve(middle, diff)) / (n_levels - 1)
    p_int = float(stats.f.sf(f_stat, n_levels - 1, fit.df_resid))
    effects = [
        SubgroupEffect(
            level=str(levels[j]),
            effect=float(b[j]) * scale,
            se=float(np.sqrt(fit.vcov[j, j])) * scale,
            df_resid=fit.df_resid,
            n=int((codes == j).sum()),
            n_treated=int(((codes == j) & treated).sum()),
            n_control=int(((codes == j) & ~treated).sum()),
        )
        for j in range(n_levels)
    ]
    return SubgroupAnalysis(
        subgroup=subgroup,
        outcome=outcome,
        unit="ppt" if binary else "natural",
        effects=effects,
        f_stat=f_stat,
        df_num=n_levels - 1,
        df_denom=fit.df_resid,
        p_interaction=p_int,
        n_missing_subgroup=n_missing_group,
        notes=tuple(notes),
    )


def estimate_subgroups(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    subgroups: Sequence[str] = DEFAULT_SUBGROUPS,
    covariates: Sequence[str] = (),
    weights: str | None = None,
    strata: str | Sequence[str] | None = None,
    se: str = "HC2",
    cluster: str | None = None,
    *,
    categorical: Sequence[str] = (),
) -> list[SubgroupAnalysis]:
    """Analyse a family of subgroup variables and Holm-adjust their interaction p-values."""
    analyses = [
        estimate_subgroup(
            data, outcome, treatment, s, covariates, weights, strata, se, cluster, categorical=categorical
        )
        for s in subgroups
    ]
    adjusted = _inference.holm([a.p_interaction for a in analyses])
    return [replace(a, p_holm=p) for a, p in zip(analyses, adjusted, strict=True)]
