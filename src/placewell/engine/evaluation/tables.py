"""Report tables in the report's layout, and the results as plain data for JSON.

``impact_table`` follows DWP research report 1025, Table 2.1 (rows are groups, columns outcomes, effects in percentage
points, pounds or standard deviations with significance stars); ``economics_table`` follows Table 2.2
(cost per recruit to the treatment group, financial and economic return for every pound spent), with
the Monte Carlo percentiles and the probability of a return above one added.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from placewell.engine.evaluation.config import OutcomeSpec
from placewell.engine.evaluation.impact import ImpactEstimate
from placewell.engine.evaluation.pipeline import EvaluationResults


def _money(x: float) -> str:
    return f"-£{abs(x):,.0f}" if x < 0 else f"£{x:,.0f}"


def _pounds(x: float) -> str:
    """A return per pound, e.g. "£2.32" or "-£0.13"."""
    return f"-£{abs(x):.2f}" if x < 0 else f"£{x:.2f}"


def format_effect(est: ImpactEstimate, spec: OutcomeSpec, level: float = 95) -> tuple[str, str]:
    """The cell text (effect and stars) and its confidence interval, in the outcome's reporting unit."""
    low, high = est.ci(level)
    if spec.report == "sd":
        sd = est.control_sd
        return f"{est.effect_sd:.2f} sd {est.stars}".strip(), f"{low / sd:.2f} to {high / sd:.2f}"
    if est.unit == "ppt":
        return f"{est.effect:.1f} ppt {est.stars}".strip(), f"{low:.1f} to {high:.1f}"
    if spec.role == "earnings":
        return f"{_money(est.effect)} {est.stars}".strip(), f"{_money(low)} to {_money(high)}"
    return f"{est.effect:.3g} {est.stars}".strip(), f"{low:.3g} to {high:.3g}"


def reported(est: ImpactEstimate, spec: OutcomeSpec) -> tuple[float, float, float]:
    """Effect and 95% interval in the reporting unit (sd for ``report = "sd"``)."""
    low, high = est.ci(95)
    divisor = est.control_sd if spec.report == "sd" else 1.0
    return est.effect / divisor, low / divisor, high / divisor


def impact_table(results: EvaluationResults, level: float = 95) -> pd.DataFrame:
    """Table 2.1: one row per group, for each outcome a cell and its interval."""
    rows = []
    for group, impacts in results.impacts.items():
        row: dict[str, str] = {"Group": group}
        for spec in results.config.outcomes:
            cell, interval = format_effect(impacts[spec.column], spec, level)
            row[spec.label] = cell
            row[f"{spec.label} {int(level)}% CI"] = interval
        rows.append(row)
    return pd.DataFrame(rows)


def impact_long(results: EvaluationResults) -> pd.DataFrame:
    """Every estimate as a tidy row (group, outcome, unit, effect, intervals, p-value, n)."""
    rows = []
    for group, impacts in results.impacts.items():
        for spec in results.config.outcomes:
            record = impacts[spec.column].as_dict()
            effect, low, high = reported(impacts[spec.column], spec)
            record.update(group=group, label=spec.label, report=spec.report, reported_effect=effect,
                          reported_ci95_low=low, reported_ci95_high=high)  # fmt: skip
            rows.append(record)
    return pd.DataFrame(rows)


def economics_table(results: EvaluationResults) -> pd.DataFrame:
    """Table 2.2 with the Monte Carlo distribution of each return per pound."""
    rows = []
    for group, econ in results.economics.items():
        r = econ.returns
        row: dict[str, Any] = {
            "Group": group,
            "Cost per recruit to treatment group": _money(r.cost),
            "Financial return per £1": _pounds(r.financial_return),
            "Economic return per £1": _pounds(r.economic_return),
        }
        for name, dist in econ.distributions.items():
            pct = dist.percentiles
            row[f"{name.capitalize()} 5th-95th percentile"] = f"{_pounds(pct['p5'])} to {_pounds(pct['p95'])}"
            row[f"{name.capitalize()} P(return > £1)"] = f"{dist.prob_above_one:.0%}"
        rows.append(row)
    return pd.DataFrame(rows)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def results_to_dict(results: EvaluationResults) -> dict[str, Any]:
    """All results as JSON-ready data (no NaN or infinity: those become null)."""
    out: dict[str, Any] = {
        "impacts": impact_long(results).to_dict(orient="records"),
        "nonresponse": {
            group: {
                "summary": nr.summary.to_dict(orient="records"),
                "balance": nr.balance.to_dict(orient="records"),
            }
            for group, nr in results.weights.items()
        },
        "subgroups": [
            row
            for group, analyses in results.subgroups.items()
            for a in analyses
            for row in a.tidy().assign(group=group).to_dict(orient="records")
        ],
        "cace": [
            row
            for group, by_outcome in results.cace.items()
            for est in by_outcome.values()
            for row in est.tidy().assign(group=group).to_dict(orient="records")
        ],
        "economics": {
            group: {
                "cost": econ.returns.cost,
                "components": econ.returns.components,
                "valued": econ.returns.valued,
                "financial_return": econ.returns.financial_return,
                "economic_return": econ.returns.economic_return,
                "monte_carlo": {
                    name: {
                        **dist.percentiles,
                        "prob_above_one": dist.prob_above_one,
                        "draws": len(dist.draws),
                    }
                    for name, dist in econ.distributions.items()
                },
                "one_way": econ.sensitivity.to_dict(orient="records"),
            }
            for group, econ in results.economics.items()
        },
        "parameters": {
            name: {
                "value": p.value,
                "unit": p.unit,
                "price_year": p.price_year,
                "source": p.source,
                "confirmed": p.confirmed,
            }
            for name, p in results.parameters.items()
        },
    }
    return dict(_clean(out))
