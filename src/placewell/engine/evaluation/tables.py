"""Report tables in the report's layout, and the results as plain data for JSON.

``impact_table`` follows DWP research report no. 1025, *Health-led Employment Trials Evaluation: 12-month
outcomes evidence synthesis* (August 2022), Table 2.1 (rows are groups, columns outcomes, effects in
percentage points, pounds or standard deviations with significance stars); ``economics_table`` follows Table
2.2 (cost per recruit to the treatment group, financial and economic return for every pound spent), with the
Monte Carlo percentiles and the probability of a return above one added.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from placewell.engine.evaluation.config import OutcomeSpec
from placewell.engine.evaluation.impact import ImpactEstimate
from placewell.engine.evaluation.pipeline import EvaluationResults
from placewell.engine.evaluation.report_format import interval, p_value, percent, quantity


def _money(x: float) -> str:
    return f"-£{abs(x):,.0f}" if x < 0 else f"£{x:,.0f}"


def _pounds(x: float) -> str:
    """A return per pound, e.g. "£2.32" or "-£0.13"."""
    return f"-£{abs(x):.2f}" if x < 0 else f"£{x:.2f}"


def kind_of(est: ImpactEstimate, spec: OutcomeSpec) -> str:
    """How an outcome is reported: "sd", "ppt" (a 0/1 outcome) or "natural" (its own unit)."""
    if spec.report == "sd":
        return "sd"
    return "ppt" if est.unit == "ppt" else "natural"


def format_effect(est: ImpactEstimate, spec: OutcomeSpec, level: float = 95) -> tuple[str, str]:
    """The cell text (effect and stars) and its confidence interval, in the outcome's reporting unit."""
    low, high = est.ci(level)
    kind = kind_of(est, spec)
    divisor = est.control_sd if kind == "sd" else 1.0
    cell = f"{quantity(est.effect / divisor, spec.unit, kind)} {est.stars}".strip()
    return cell, interval(low / divisor, high / divisor, spec.unit, kind)


def impact_detail(results: EvaluationResults) -> list[dict[str, str]]:
    """One row per group and outcome with n, standard error, p-value, control mean and missing count."""
    rows = []
    for group, impacts in results.impacts.items():
        for spec in results.config.outcomes:
            if spec.column not in impacts:
                continue
            est = impacts[spec.column]
            kind = kind_of(est, spec)
            divisor = est.control_sd if kind == "sd" else 1.0
            cell, ci = format_effect(est, spec)
            rows.append(
                {
                    "Group": group,
                    "Outcome": spec.label,
                    "Impact": cell,
                    "95% confidence interval": ci,
                    "Standard error": quantity(est.se / divisor, spec.unit, kind),
                    "p-value": p_value(est.p_value),
                    "People (treatment / control)": f"{est.n_treated:,} / {est.n_control:,}",
                    "Control mean": f"{est.control_mean:.1f}%"
                    if kind == "ppt"
                    else quantity(est.control_mean, spec.unit, "natural"),
                    "No outcome recorded": f"{est.n_missing_outcome:,}",
                }
            )
    return rows


def small_sample_rows(results: EvaluationResults) -> list[dict[str, str]]:
    """Each flagged impact with its standard-error interval and p-value beside the randomisation ones."""
    rows = []
    se_type = "cluster-robust" if results.config.cluster else results.config.se
    for group, checks in results.small_sample.items():
        for spec in results.config.outcomes:
            check = checks.get(spec.column)
            if check is None:
                continue
            est = results.impacts[group][spec.column]
            kind = kind_of(est, spec)
            divisor = est.control_sd if kind == "sd" else 1.0
            cell, ci = format_effect(est, spec)
            ri = check.result
            rows.append(
                {
                    "Group": group,
                    "Outcome": spec.label,
                    "Impact": cell,
                    f"95% interval ({se_type})": ci,
                    f"p-value ({se_type})": p_value(est.p_value),
                    "95% interval (randomisation inference)": interval(
                        ri.ci_low / divisor, ri.ci_high / divisor, spec.unit, kind
                    ),
                    "p-value (randomisation inference)": p_value(ri.p_value),
                    "Re-randomisations": f"{ri.permutations:,}",
                }
            )
    return rows


def small_sample_sentences(results: EvaluationResults) -> list[str]:
    """Why each flagged impact was checked, in plain English, one sentence per small arm."""
    out: list[str] = []
    for group, checks in results.small_sample.items():
        for spec in results.config.outcomes:
            check = checks.get(spec.column)
            if check is None:
                continue
            out.extend(f"{group}, {spec.label}: {flag.reason}" for flag in check.flags)
            if check.weighted:
                out.append(
                    f"{group}, {spec.label}: the randomisation-inference interval does not use the "
                    "non-response weights that the impact uses."
                )
    return out


def missing_sentences(results: EvaluationResults) -> list[str]:
    """One sentence per estimate that left people out for want of an outcome."""
    out = []
    for group, impacts in results.impacts.items():
        for spec in results.config.outcomes:
            est = impacts.get(spec.column)
            if est is not None and est.n_missing_outcome:
                people = "person" if est.n_missing_outcome == 1 else "people"
                out.append(
                    f"{group}, {spec.label}: {est.n_missing_outcome:,} {people} with no outcome recorded "
                    f"were left out, leaving {est.n:,}."
                )
    return out


def subgroup_rows(results: EvaluationResults) -> dict[str, list[dict[str, str]]]:
    """Subgroup effects with the outcome's unit, interval and p-values, per group."""
    specs = {o.column: o for o in results.config.outcomes}
    out: dict[str, list[dict[str, str]]] = {}
    for group, analyses in results.subgroups.items():
        rows = out.setdefault(group, [])
        for a in analyses:
            spec = specs.get(a.outcome, OutcomeSpec(a.outcome, a.outcome))
            kind = "ppt" if a.unit == "ppt" else "natural"
            for e in a.effects:
                low, high = e.ci(95)
                rows.append(
                    {
                        "outcome": spec.label,
                        "subgroup": a.subgroup,
                        "level": e.level,
                        "effect": f"{quantity(e.effect, spec.unit, kind)} {e.stars}".strip(),
                        "interval": interval(low, high, spec.unit, kind),
                        "n": f"{e.n_treated:,} / {e.n_control:,}",
                        "p": p_value(a.p_interaction),
                        "p_holm": p_value(a.p_holm),
                    }
                )
    return out


def cace_rows(results: EvaluationResults) -> list[dict[str, str]]:
    """Complier effects with the outcome's unit and interval, and the share receiving the service."""
    specs = {o.column: o for o in results.config.outcomes}
    rows = []
    for group, by_outcome in results.cace.items():
        for column, e in by_outcome.items():
            spec = specs.get(column, OutcomeSpec(column, column))
            kind = "ppt" if e.unit == "ppt" else "natural"
            low, high = e.ci(95)
            rows.append(
                {
                    "group": group,
                    "outcome": spec.label,
                    "effect": f"{quantity(e.effect, spec.unit, kind)} {e.stars}".strip(),
                    "interval": interval(low, high, spec.unit, kind),
                    "se": quantity(e.se, spec.unit, kind),
                    "p": p_value(e.p_value),
                    "share": percent(e.compliance),
                }
            )
    return rows


def coefficient_tables(results: EvaluationResults) -> list[dict[str, Any]]:
    """Every coefficient of every impact model, for the appendix (NaN marks a term left out)."""
    tables = []
    for group, impacts in results.impacts.items():
        for spec in results.config.outcomes:
            est = impacts.get(spec.column)
            if est is None:
                continue
            rows = [
                {"term": name, "value": "left out (not identified)" if math.isnan(v) else f"{v:,.6g}"}
                for name, v in est.coefficients.items()
            ]
            tables.append({"group": group, "outcome": spec.label, "rows": rows})
    return tables


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
            if spec.column not in impacts:
                row[spec.label] = row[f"{spec.label} {int(level)}% CI"] = "not estimated"
                continue
            cell, ci = format_effect(impacts[spec.column], spec, level)
            row[spec.label] = cell
            row[f"{spec.label} {int(level)}% CI"] = ci
        rows.append(row)
    return pd.DataFrame(rows)


def impact_long(results: EvaluationResults) -> pd.DataFrame:
    """Every estimate as a tidy row (group, outcome, unit, effect, intervals, p-value, n)."""
    rows = []
    for group, impacts in results.impacts.items():
        for spec in results.config.outcomes:
            if spec.column not in impacts:
                continue
            record = impacts[spec.column].as_dict()
            effect, low, high = reported(impacts[spec.column], spec)
            record.update(group=group, label=spec.label, report=spec.report, reported_effect=effect,
                          reported_ci95_low=low, reported_ci95_high=high, dropped=list(impacts[spec.column].dropped),
                          outcome_unit=spec.unit)  # fmt: skip
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
            row[f"{name.capitalize()} chance of a return above £1"] = percent(dist.prob_above_one)
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
                "draws_independent": not econ.correlations,
                "correlations": [{"roles": [a, b], "correlation": rho} for a, b, rho in econ.correlations],
            }
            for group, econ in results.economics.items()
        },
        "small_sample": [
            {
                "group": group,
                "outcome": column,
                "reasons": [flag.reason for flag in check.flags],
                "weighted_impact": check.weighted,
                **check.result.as_dict(),
            }
            for group, checks in results.small_sample.items()
            for column, check in checks.items()
        ],
        "notes": list(results.notes),
        "provenance": results.provenance,
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
