"""Economic evaluation: costs, valued benefits, returns per pound and Monte Carlo sensitivity.

The method follows DWP research report no. 1025, *Health-led Employment Trials Evaluation: 12-month
outcomes evidence synthesis* ("the report"), section 6.2.4 and Table 2.2: costs per recruit to the treatment group are
set against benefits valued from the 12-month intention-to-treat impacts, in the HM Treasury Green Book
way. Two views are reported, as the report does:

* **financial** (the Exchequer's return): income tax and National Insurance on extra earnings, plus
  out-of-work benefits saved by extra people in sustained work;
* **economic** (society's return): extra gross earnings (output), health gains as QALYs (the EQ-5D-5L
  impact times the years it lasts, valued per QALY) and, optionally, wellbeing as WELLBYs (a life
  satisfaction impact, valued per WELLBY).

In the point estimate an impact is valued only if it is significant at ``significance_for_valuing``
(90%, as the report counts only "observed" impacts). The Monte Carlo sensitivity follows the report (section
2.1): 10,000 draws from the impacts' sampling distribution, optionally with cost uncertainty, give the
distribution of each ratio. Every draw is valued, so the simulation describes uncertainty rather than
repeating the significance filter. The impacts are drawn jointly (multivariate normal) with the
correlations in ``GroupInputs.correlations``, from :func:`placewell.engine.evaluation.joint.joint_impacts`,
because impacts estimated on the same people are correlated; ``independent=True`` draws each impact on its
own, as the report describes, and is what happens when no correlations are given.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from placewell.engine.evaluation import _inference
from placewell.engine.evaluation.errors import ConfigError

MONTE_CARLO_DRAWS = 10_000
"""Draws in the sensitivity analysis (the report, section 2.1: "10,000 times")."""


@dataclass(frozen=True)
class Parameter:
    """One economic parameter with its provenance."""

    name: str
    value: float
    unit: str
    price_year: int | str
    source: str
    confirmed: bool
    low: float | None = None
    high: float | None = None


Parameters = dict[str, Parameter]


def _parse(name: str, entry: Mapping[str, Any]) -> Parameter:
    missing = [k for k in ("value", "unit", "price_year", "source", "confirmed") if k not in entry]
    if missing:
        raise ConfigError(f"parameter {name!r} lacks {', '.join(missing)}")
    try:
        return Parameter(
            name=name,
            value=float(entry["value"]),
            unit=str(entry["unit"]),
            price_year=entry["price_year"],
            source=str(entry["source"]),
            confirmed=bool(entry["confirmed"]),
            low=float(entry["low"]) if "low" in entry else None,
            high=float(entry["high"]) if "high" in entry else None,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"parameter {name!r} has a value that is not a number: {exc}") from exc


def parse_parameters(document: Mapping[str, Any]) -> Parameters:
    """Parameters from a parsed TOML document; nested tables give dotted names (``a.b``)."""
    out: Parameters = {}
    for name, entry in document.items():
        if not isinstance(entry, Mapping):
            raise ConfigError(f"parameter {name!r} must be a table with value, unit, price_year, source")
        if "value" in entry:
            out[name] = _parse(name, entry)
        else:
            out.update({f"{name}.{k}": v for k, v in parse_parameters(entry).items()})
    return out


def load_parameters(path: str | Path | None = None, base: Parameters | None = None) -> Parameters:
    """The shipped defaults (``parameters.toml`` beside this module), overridden by ``path`` if given."""
    if base is None:
        text = resources.files("placewell.engine.evaluation").joinpath("parameters.toml").read_text("utf-8")
        base = parse_parameters(tomllib.loads(text))
    if path is None:
        return dict(base)
    try:
        overrides = parse_parameters(tomllib.loads(Path(path).read_text("utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return {**base, **overrides}


def _value(params: Parameters, name: str) -> float:
    if name not in params:
        raise ConfigError(f"economic parameter {name!r} is missing")
    return params[name].value


def discount_factor_sum(years: float, params: Parameters) -> float:
    """Sum of discount factors for a benefit of 1 a year lasting ``years`` from year 0.

    Year 0 is undiscounted (Green Book convention); a fractional final year counts pro rata.
    """
    short, long_ = _value(params, "discount_rate"), _value(params, "discount_rate_long")
    total, factor, t = 0.0, 1.0, 0
    while t < math.ceil(years):
        total += factor * min(1.0, years - t)
        factor /= 1 + (short if t < 30 else long_)
        t += 1
    return total


def cost_per_treated_recruit(
    staff_fte: float,
    salary: float,
    treated_recruits: int,
    params: Parameters,
    *,
    other_costs: float = 0.0,
) -> float:
    """Total delivery cost divided by recruits to the treatment group (the report's Table 2.2 measure).

    Staff cost is FTE times salary plus on-costs; overheads are a share of staff cost; other costs
    (travel, premises, licences) are added whole.
    """
    if treated_recruits <= 0:
        raise ConfigError("the number of recruits to the treatment group must be positive")
    staff = staff_fte * salary * (1 + _value(params, "on_cost_rate"))
    return (staff * (1 + _value(params, "overhead_rate")) + other_costs) / treated_recruits


@dataclass(frozen=True)
class Impact:
    """An impact to be valued: effect and standard error in natural units, with its degrees of freedom."""

    effect: float
    se: float
    df_resid: int = 10**9

    def significant(self, level: float) -> bool:
        """Whether the impact reaches ``level`` confidence (two-sided)."""
        return _inference.t_p_value(self.effect, self.se, self.df_resid) < 1 - level


@dataclass(frozen=True)
class GroupInputs:
    """What the economic evaluation needs for one trial group.

    ``employment`` is in percentage points, ``earnings`` in pounds over 12 months, ``health`` in EQ-5D-5L
    index points and ``life_satisfaction`` in points on the 0-10 ONS scale (optional).
    """

    group: str
    cost: float
    employment: Impact | None = None
    earnings: Impact | None = None
    health: Impact | None = None
    life_satisfaction: Impact | None = None
    cost_se: float = 0.0
    correlations: tuple[tuple[str, str, float], ...] = ()
    """Correlations between impact estimates as ``(role, role, rho)``, roles as the field names above
    (see :meth:`placewell.engine.evaluation.joint.JointImpacts.role_correlations`)."""


def _benefits(
    emp_ppt: NDArray[np.float64],
    earnings: NDArray[np.float64],
    health: NDArray[np.float64],
    life_sat: NDArray[np.float64],
    params: Parameters,
    include_wellbeing: bool,
) -> dict[str, NDArray[np.float64]]:
    """Valued benefit components per recruit to the treatment group (vectorised over draws)."""
    tax = (
        _value(params, "income_tax_rate")
        + _value(params, "employee_ni_rate")
        + _value(params, "employer_ni_rate")
    )
    years = discount_factor_sum(_value(params, "health_gain_years"), params)
    parts = {
        "tax_and_ni": tax * earnings,
        "benefit_savings": emp_ppt / 100 * _value(params, "benefit_saving_per_job"),
        "earnings": earnings,
        "health_qalys": health * years * _value(params, "qaly_value"),
        "wellbeing_wellbys": (
            life_sat * _value(params, "wellby_value") if include_wellbeing else np.zeros_like(life_sat)
        ),
    }
    parts["financial"] = parts["tax_and_ni"] + parts["benefit_savings"]
    parts["economic"] = parts["earnings"] + parts["health_qalys"] + parts["wellbeing_wellbys"]
    return parts


@dataclass(frozen=True)
class Returns:
    """Point estimates of benefits and returns per pound for one group."""

    group: str
    cost: float
    components: dict[str, float]
    financial_return: float
    economic_return: float
    valued: dict[str, bool]
    unconfirmed: list[str]

    @property
    def financial_net(self) -> float:
        """Financial benefit minus cost, per recruit to the treatment group."""
        return self.components["financial"] - self.cost

    @property
    def economic_net(self) -> float:
        """Economic benefit minus cost, per recruit to the treatment group."""
        return self.components["economic"] - self.cost


_ROLES = ("employment", "earnings", "health", "life_satisfaction")
_PARAMETERS_USED = (
    "qaly_value",
    "discount_rate",
    "discount_rate_long",
    "health_gain_years",
    "income_tax_rate",
    "employee_ni_rate",
    "employer_ni_rate",
    "benefit_saving_per_job",
    "significance_for_valuing",
)


def _unconfirmed(params: Parameters, include_wellbeing: bool) -> list[str]:
    used = [*_PARAMETERS_USED, *(["wellby_value"] if include_wellbeing else [])]
    return [name for name in used if name in params and not params[name].confirmed]


def point_returns(inputs: GroupInputs, params: Parameters, *, include_wellbeing: bool = False) -> Returns:
    """Benefits and returns per pound from impacts significant at the valuing level."""
    if inputs.cost <= 0:
        raise ConfigError(f"cost per treated recruit for {inputs.group!r} must be positive")
    level = _value(params, "significance_for_valuing")
    valued: dict[str, bool] = {}
    values: dict[str, float] = {}
    for role in _ROLES:
        impact: Impact | None = getattr(inputs, role)
        valued[role] = impact is not None and impact.significant(level)
        values[role] = impact.effect if impact is not None and valued[role] else 0.0
    parts = _benefits(
        np.array([values["employment"]]),
        np.array([values["earnings"]]),
        np.array([values["health"]]),
        np.array([values["life_satisfaction"]]),
        params,
        include_wellbeing,
    )
    components = {k: float(v[0]) for k, v in parts.items()}
    return Returns(
        group=inputs.group,
        cost=inputs.cost,
        components=components,
        financial_return=components["financial"] / inputs.cost,
        economic_return=components["economic"] / inputs.cost,
        valued=valued,
        unconfirmed=_unconfirmed(params, include_wellbeing),
    )


@dataclass(frozen=True)
class RatioDistribution:
    """Monte Carlo distribution of one return per pound."""

    name: str
    draws: NDArray[np.float64]

    @property
    def percentiles(self) -> dict[str, float]:
        """5th, 50th and 95th percentiles."""
        p5, p50, p95 = np.percentile(self.draws, [5, 50, 95])
        return {"p5": float(p5), "p50": float(p50), "p95": float(p95)}

    @property
    def prob_above_one(self) -> float:
        """Share of draws in which benefits exceed costs."""
        return float(np.mean(self.draws > 1.0))


def _joint_covariance(inputs: GroupInputs, roles: list[str]) -> NDArray[np.float64]:
    """Covariance of the present impacts from their standard errors and the given correlations."""
    se = np.array([getattr(inputs, role).se for role in roles])
    corr = np.eye(len(roles))
    for a, b, rho in inputs.correlations:
        if a not in _ROLES or b not in _ROLES:
            raise ConfigError(f"correlation between {a!r} and {b!r}: roles must be among {', '.join(_ROLES)}")
        if not -1.0 <= rho <= 1.0:
            raise ConfigError(f"correlation between {a!r} and {b!r} is {rho}, outside -1 to 1")
        if a in roles and b in roles and a != b:
            i, j = roles.index(a), roles.index(b)
            corr[i, j] = corr[j, i] = rho
    cov: NDArray[np.float64] = corr * np.outer(se, se)
    return cov


def draw_impacts(
    inputs: GroupInputs,
    draws: int,
    rng: np.random.Generator,
    *,
    independent: bool = False,
) -> dict[str, NDArray[np.float64]]:
    """Draws from the impacts' sampling distribution, by role (zeros for an absent impact).

    Joint (multivariate normal with ``inputs.correlations``) unless ``independent`` or no correlations
    are given, when each impact is drawn on its own exactly as before joint draws existed.
    """
    present = [role for role in _ROLES if getattr(inputs, role) is not None]
    sampled = {role: np.zeros(draws) for role in _ROLES}
    if independent or not inputs.correlations:
        for role in present:
            impact: Impact = getattr(inputs, role)
            sampled[role] = rng.normal(impact.effect, impact.se, draws)
        return sampled
    mean = np.array([getattr(inputs, role).effect for role in present])
    joint = rng.multivariate_normal(mean, _joint_covariance(inputs, present), size=draws, method="eigh")
    for j, role in enumerate(present):
        sampled[role] = joint[:, j]
    return sampled


def monte_carlo(
    inputs: GroupInputs,
    params: Parameters,
    *,
    draws: int = MONTE_CARLO_DRAWS,
    seed: int = 0,
    include_wellbeing: bool = False,
    independent: bool = False,
) -> dict[str, RatioDistribution]:
    """Distributions of the financial and economic returns per pound (the report, section 2.1).

    The impacts are drawn from their joint normal sampling distribution (see :func:`draw_impacts`;
    ``independent=True`` ignores their correlation); the cost likewise when ``cost_se`` is positive
    (draws below 1% of the point cost are raised to it, to keep the ratio finite). The same ``seed``
    gives the same draws.
    """
    rng = np.random.default_rng(seed)
    sampled = draw_impacts(inputs, draws, rng, independent=independent)
    cost = np.full(draws, inputs.cost)
    if inputs.cost_se > 0:
        cost = np.maximum(rng.normal(inputs.cost, inputs.cost_se, draws), 0.01 * inputs.cost)
    parts = _benefits(
        sampled["employment"],
        sampled["earnings"],
        sampled["health"],
        sampled["life_satisfaction"],
        params,
        include_wellbeing,
    )
    return {
        "financial": RatioDistribution("financial", parts["financial"] / cost),
        "economic": RatioDistribution("economic", parts["economic"] / cost),
    }


def one_way_sensitivity(
    inputs: GroupInputs, params: Parameters, *, include_wellbeing: bool = False
) -> pd.DataFrame:
    """Returns per pound with each parameter set in turn to its low and high value, the rest at base."""
    base = point_returns(inputs, params, include_wellbeing=include_wellbeing)
    rows = []
    for name, p in params.items():
        if p.low is None or p.high is None or name.startswith("cost_per_treated_recruit"):
            continue
        if name == "wellby_value" and not include_wellbeing:
            continue
        results = {}
        for end in ("low", "high"):
            changed = {**params, name: replace(p, value=getattr(p, end))}
            results[end] = point_returns(inputs, changed, include_wellbeing=include_wellbeing)
        rows.append(
            {
                "group": inputs.group,
                "parameter": name,
                "base_value": p.value,
                "low_value": p.low,
                "high_value": p.high,
                "financial_base": base.financial_return,
                "financial_low": results["low"].financial_return,
                "financial_high": results["high"].financial_return,
                "economic_base": base.economic_return,
                "economic_low": results["low"].economic_return,
                "economic_high": results["high"].economic_return,
            }
        )
    return pd.DataFrame(rows)
