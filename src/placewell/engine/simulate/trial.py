"""A synthetic Health-led Trial with known true effects.

Why: the demo needs realistic data without real people's records, and the evaluation needs a test bed
whose right answers are known. Each person gets both potential outcomes, so the true intention-to-treat
effect is a parameter of the generator, not an estimate:

* the service works only for those who receive it (1+ meetings; DWP research report 1025, glossary), so a complier's
  effect is the published ITT effect divided by the share who receive it, and the ITT effect in the
  population equals the published figure exactly;
* employment (13+ weeks in the 12 months) uses one uniform draw ``U`` per person: employed without the
  service if ``U < p_i``, with it if ``U < p_i + effect``, where ``p_i`` varies with work history around
  the published control rate;
* 12-month earnings are employment times an earnings draw, scaled for compliers so that the expected
  difference equals the published earnings impact;
* EQ-5D-5L and SWEMWBS at 12 months are normal with a fixed standard deviation (not truncated, so the
  effect in standard deviations is exact), correlated with their baseline values;
* the 12-month survey reaches each arm at its published rate, more often for older and female recruits,
  so that non-response depends on baseline characteristics (missing at random).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from placewell.engine.simulate import calibration as cal

OUTCOMES: tuple[str, ...] = ("employed_13wk", "earnings_12m", "eq5d_12m", "swemwbs_12m")
"""Simulated 12-month outcome columns: employment, earnings, health, wellbeing (DWP research report 1025, Table 6.3)."""


@dataclass(frozen=True)
class SimulationConfig:
    """What to simulate: a seed, a scale on the published arm sizes, and optional effect overrides.

    ``effects`` maps a trial group name to any of ``employment_ppt``, ``earnings_gbp``, ``health_sd``,
    ``wellbeing_sd``; for example ``{"WMCA OOW": {"employment_ppt": 0.0}}`` simulates a null effect.
    """

    seed: int = 20180501
    scale: float = 1.0
    groups: tuple[str, ...] = tuple(g.name for g in cal.GROUPS)
    effects: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, document: Mapping[str, Any]) -> SimulationConfig:
        """Build from a parsed TOML ``[simulation]`` table (``seed``, ``scale``, ``groups``, ``effects``)."""
        allowed = {"seed", "scale", "groups", "effects"}
        unknown = set(document) - allowed
        if unknown:
            raise ValueError(f"unknown simulation setting(s): {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = dict(document)
        if "groups" in kwargs:
            kwargs["groups"] = tuple(kwargs["groups"])
        return cls(**kwargs)


@dataclass(frozen=True)
class SimulatedTrial:
    """The data (one row per recruit) and the true effects by trial and pooled group."""

    data: pd.DataFrame
    truth: dict[str, dict[str, float]]
    costs: dict[str, float]


def _calibrations(config: SimulationConfig) -> list[cal.GroupCalibration]:
    by_name = {g.name: g for g in cal.GROUPS}
    unknown = [name for name in config.groups if name not in by_name]
    if unknown:
        raise ValueError(f"unknown trial group(s) {', '.join(unknown)}; known: {', '.join(by_name)}")
    if config.scale <= 0:
        raise ValueError("scale must be positive")
    chosen = []
    for name in config.groups:
        g = by_name[name]
        overrides = dict(config.effects.get(name, {}))
        chosen.append(replace(g, **overrides) if overrides else g)  # type: ignore[arg-type]
    return chosen


def _categorical(rng: np.random.Generator, shares: Mapping[str, float], n: int) -> NDArray[np.str_]:
    labels = list(shares)
    p = np.array([shares[k] for k in labels], dtype=float)
    return np.asarray(rng.choice(labels, size=n, p=p / p.sum()))


def _months(rng: np.random.Generator, n: int) -> NDArray[np.str_]:
    months = cal.RECRUITMENT_MONTHS
    rest = (1 - cal.OCTOBER_2019_SHARE) / (len(months) - 1)
    p = np.array([cal.OCTOBER_2019_SHARE if m == "2019-10" else rest for m in months])
    return np.asarray(rng.choice(months, size=n, p=p / p.sum()))


def _cohort(months: NDArray[np.str_]) -> NDArray[np.str_]:
    """Cohorts for the pandemic analysis: autumn-2019 recruits were supported into the first lockdown."""
    return np.where(
        months < "2019-01", "May-Dec 2018", np.where(months < "2019-07", "Jan-Jun 2019", "Jul-Oct 2019")
    )


def _health_band(z: NDArray[np.float64]) -> NDArray[np.str_]:
    """Baseline EQ-5D-5L severity in population tertiles (normal quantiles +/- 0.4307)."""
    return np.where(z < -0.4307, "poorer", np.where(z < 0.4307, "middle", "better"))


def _simulate_group(
    g: cal.GroupCalibration, n_t: int, n_c: int, rng: np.random.Generator, offset: int
) -> pd.DataFrame:
    n = n_t + n_c
    treated = np.zeros(n, dtype=np.int64)
    treated[rng.permutation(n)[:n_t]] = 1
    age = _categorical(rng, g.age_bands, n)
    male = rng.uniform(size=n) < g.male
    history = _categorical(rng, g.work_history, n)
    months = _months(rng, n)
    z_eq = rng.standard_normal(n)
    z_sw = 0.5 * z_eq + np.sqrt(0.75) * rng.standard_normal(n)
    # Received: a latent type fixed before assignment, so that receipt is a compliance type.
    complier = rng.uniform(size=n) < g.received_share
    receives = complier & (treated == 1)
    # Employment: a centred, bounded work-history score shifts each person's control probability.
    score = np.array([cal.WORK_HISTORY_SCORE[h] for h in history])
    expected = sum(g.work_history[k] * cal.WORK_HISTORY_SCORE[k] for k in g.work_history)
    p0 = np.clip(g.control_employment + 0.3 * (score - expected), 0.01, 0.99)
    u = rng.uniform(size=n)
    tau_c = g.employment_ppt / 100 / g.received_share
    employed0 = u < p0
    employed1 = np.where(complier, u < p0 + tau_c, employed0)
    pay = rng.gamma(2.0, g.earnings_if_employed / 2.0, size=n)
    growth = (g.earnings_gbp / (g.received_share * g.earnings_if_employed) + g.control_employment) / (
        g.control_employment + tau_c
    ) - 1
    earn0 = employed0 * pay
    earn1 = np.where(complier, employed1 * pay * (1 + growth), earn0)
    rho = cal.BASELINE_CORRELATION
    eq0 = cal.EQ5D_MEAN + cal.EQ5D_SD * (rho * z_eq + np.sqrt(1 - rho**2) * rng.standard_normal(n))
    sw0 = cal.SWEMWBS_MEAN + cal.SWEMWBS_SD * (rho * z_sw + np.sqrt(1 - rho**2) * rng.standard_normal(n))
    eq1 = eq0 + complier * g.health_sd * cal.EQ5D_SD / g.received_share
    sw1 = sw0 + complier * g.wellbeing_sd * cal.SWEMWBS_SD / g.received_share
    is_t = treated == 1
    # Survey response: published rate by arm, higher for older and female recruits (centred shift).
    older = np.isin(age, ("40-49", "50+")).astype(float)
    shift = 0.08 * (older - older.mean()) + 0.05 * ((~male) - (~male).mean())
    rate = np.where(is_t, g.response_treatment, g.response_control)
    responded = rng.uniform(size=n) < np.clip(rate + shift, 0.01, 0.99)
    contacts = np.where(receives, 1 + rng.poisson(g.mean_contacts - 1, size=n), 0)
    long_sessions = rng.binomial(contacts, g.long_session_share)
    first_rate = -np.log(1 - g.first_week_share) / 7
    days_first = np.where(receives, np.ceil(rng.exponential(1 / first_rate, size=n)), np.nan)
    n_specialists = max(2, round(n / cal.CASELOAD_PER_SPECIALIST))
    frame = pd.DataFrame(
        {
            "participant_id": np.arange(offset, offset + n),
            "trial_group": g.name,
            "site": g.site,
            "work_status": g.work_status,
            "treatment": treated,
            "assignment_probability": 0.5,
            "randomised_month": months,
            "cohort": _cohort(months),
            "specialist": [f"{g.site}-{j:03d}" for j in rng.integers(0, n_specialists, size=n)],
            "age_band": age,
            "gender": np.where(male, "male", "female"),
            "white": (rng.uniform(size=n) < g.white).astype(float),
            "stress_anxiety": (rng.uniform(size=n) < g.stress_anxiety).astype(float),
            "depression": (rng.uniform(size=n) < g.depression).astype(float),
            "limits_great_deal": (rng.uniform(size=n) < g.limits_great_deal).astype(float),
            "work_history": history,
            "baseline_eq5d": cal.EQ5D_MEAN + cal.EQ5D_SD * z_eq,
            "baseline_swemwbs": cal.SWEMWBS_MEAN + cal.SWEMWBS_SD * z_sw,
            "baseline_health_band": _health_band(z_eq),
            "meetings": contacts,
            "long_sessions": long_sessions,
            "days_to_first_session": days_first,
            "responded_12m": responded.astype(np.int64),
            "employed_13wk": np.where(is_t, employed1, employed0).astype(float),
            "earnings_12m": np.where(is_t, earn1, earn0),
            "eq5d_12m": np.where(responded, np.where(is_t, eq1, eq0), np.nan),
            "swemwbs_12m": np.where(responded, np.where(is_t, sw1, sw0), np.nan),
        }
    )
    for column, share in cal.MISSING_SHARE.items():
        gaps = rng.uniform(size=n) < share
        frame[column] = frame[column].mask(gaps)
    return frame


def _truth(groups: Sequence[cal.GroupCalibration], sizes: Mapping[str, int]) -> dict[str, dict[str, float]]:
    """True ITT effects by group; pooled groups weight their members by size (strata fixed effects)."""
    truth = {
        g.name: {
            "employed_13wk": g.employment_ppt,
            "earnings_12m": g.earnings_gbp,
            "eq5d_12m": g.health_sd * cal.EQ5D_SD,
            "swemwbs_12m": g.wellbeing_sd * cal.SWEMWBS_SD,
            "eq5d_12m_sd": g.health_sd,
            "swemwbs_12m_sd": g.wellbeing_sd,
        }
        for g in groups
    }
    for pooled, members in cal.POOLED_GROUPS.items():
        if not all(m in truth for m in members):
            continue
        total = sum(sizes[m] for m in members)
        truth[pooled] = {
            key: sum(truth[m][key] * sizes[m] for m in members) / total for key in truth[members[0]]
        }
    return truth


def simulate_trial(config: SimulationConfig | None = None) -> SimulatedTrial:
    """Simulate a Health-led Trial: published arm sizes times ``config.scale``, seeded."""
    config = config or SimulationConfig()
    groups = _calibrations(config)
    rng = np.random.default_rng(config.seed)
    frames = []
    sizes: dict[str, int] = {}
    offset = 1
    for g in groups:
        n_t = max(2, round(g.n_treatment * config.scale))
        n_c = max(2, round(g.n_control * config.scale))
        frames.append(_simulate_group(g, n_t, n_c, rng, offset))
        sizes[g.name] = n_t + n_c
        offset += n_t + n_c
    data = pd.concat(frames, ignore_index=True)
    truth = _truth(groups, sizes)
    costs = {g.name: g.cost_per_treated_recruit for g in groups}
    data.attrs["placewell_truth"] = truth
    return SimulatedTrial(data=data, truth=truth, costs=costs)
