"""Write an evaluation as a self-contained HTML report and as JSON.

The HTML is rendered with Jinja2 (autoescaped) from ``templates/report.html.j2``; charts are inline SVG
from :mod:`placewell.engine.evaluation.charts`, each followed by its data table. Unconfirmed economic
parameters are listed in the report so that no reader mistakes an assumption for a published value.

The report states once how every impact was estimated (covariates, strata, standard errors, and the
different errors of the complier effects), gives each impact its n, standard error, p-value, control
mean and count of missing outcomes, prints every coefficient in an appendix, and ends with what is
needed to reproduce the run (plan and data hashes, package versions, random seed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from placewell.engine.evaluation.charts import forest_svg, histogram_counts, histogram_svg
from placewell.engine.evaluation.pipeline import EvaluationResults
from placewell.engine.evaluation.report_format import parameter_label, unit_name
from placewell.engine.evaluation.tables import (
    cace_rows,
    coefficient_tables,
    economics_table,
    impact_detail,
    impact_table,
    kind_of,
    missing_sentences,
    reported,
    results_to_dict,
    small_sample_rows,
    small_sample_sentences,
    subgroup_rows,
)

SE_WORDS = {
    "HC0": "heteroskedasticity-robust (HC0)",
    "HC1": "heteroskedasticity-robust with the n/(n-k) small-sample factor (HC1)",
    "HC2": "heteroskedasticity-robust with the leverage adjustment (HC2)",
    "HC3": "heteroskedasticity-robust, jackknife-like (HC3)",
    "cluster": "cluster-robust (CR1, the Liang-Zeger variance with Stata's small-sample factor)",
    "CR1": "cluster-robust (CR1, the Liang-Zeger variance with Stata's small-sample factor)",
    "CR2": "cluster-robust with the Bell-McCaffrey adjustment and degrees of freedom (CR2)",
}


def model_description(results: EvaluationResults) -> dict[str, str]:
    """How every impact was estimated, stated once for the whole report."""
    config = results.config
    se = SE_WORDS.get(config.se, config.se)
    if config.cluster:
        se += f", clustered by {config.cluster}"
    cace_se = (
        f"cluster-robust (CR1), clustered by {config.cluster}"
        if config.cluster
        else "heteroskedasticity-robust with the n/(n-k) factor (HC1), because the leverage adjustment of "
        "HC2 has no agreed form for two-stage least squares"
    )
    return {
        "covariates": ", ".join(config.covariates) or "none",
        "categorical": ", ".join(config.categorical),
        "strata": " x ".join(config.strata) + " (fixed effects)" if config.strata else "none",
        "se": se,
        "cace_se": cace_se,
    }


ROLE_WORDS = {
    "employment": "employment",
    "earnings": "earnings",
    "health": "health",
    "life_satisfaction": "life satisfaction",
}


def draws_sentences(results: EvaluationResults) -> list[str]:
    """For each group, how its impacts were drawn: jointly with the estimated correlations, or independently."""
    out = []
    for group, econ in results.economics.items():
        draws = f"{len(econ.distributions['economic'].draws):,}"
        if econ.correlations:
            pairs = "; ".join(
                f"{ROLE_WORDS.get(a, a)} and {ROLE_WORDS.get(b, b)} {rho:.2f}"
                for a, b, rho in econ.correlations
            )
            out.append(
                f"{group}: the {draws} draws take the impacts together, carrying the estimated correlation "
                f"between their estimates (which come from the same people): {pairs}."
            )
        else:
            out.append(f"{group}: the {draws} draws take each impact independently of the others.")
    return out


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("placewell.engine.evaluation", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _fixed(x: float, places: int) -> str:
    """``x`` with thousands separators at ``places`` decimals, never "-0.00"."""
    return f"{0.0 if round(x, places) == 0 else x:,.{places}f}"


def _forests(results: EvaluationResults) -> list[dict[str, Any]]:
    charts = []
    for i, spec in enumerate(results.config.outcomes):
        rows = []
        kind = "natural"
        for group, impacts in results.impacts.items():
            if spec.column not in impacts:
                continue
            kind = kind_of(impacts[spec.column], spec)
            effect, low, high = reported(impacts[spec.column], spec)
            rows.append((group, effect, low, high))
        if not rows:
            continue
        unit = unit_name(spec.unit, kind)
        title = f"{spec.label}: impact by group, with 95% confidence intervals, in {unit}"
        places = 1 if kind == "ppt" else 2 if kind == "sd" or max(abs(r[1]) for r in rows) < 10 else 0
        charts.append(
            {
                "title": title,
                "svg": Markup(forest_svg(rows, title, unit, f"forest-{i}")),  # noqa: S704 (escaped in charts)
                "rows": [
                    {
                        "group": g,
                        "effect": _fixed(e, places),
                        "low": _fixed(lo, places),
                        "high": _fixed(hi, places),
                    }
                    for g, e, lo, hi in rows
                ],
                "unit": unit,
            }
        )
    return charts


def _histograms(results: EvaluationResults) -> list[dict[str, Any]]:
    charts = []
    for i, (group, econ) in enumerate(results.economics.items()):
        dist = econ.distributions["economic"]
        title = f"{group}: distribution of the economic return per £1 over {len(dist.draws):,} draws"
        edges, counts = histogram_counts(dist.draws)
        charts.append(
            {
                "title": title,
                "svg": Markup(histogram_svg(dist.draws, title, f"hist-{i}")),  # noqa: S704 (escaped in charts)
                "bins": [
                    {"low": float(lo), "high": float(hi), "count": int(c)}
                    for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)
                ],
            }
        )
    return charts


def render_html(results: EvaluationResults, title: str = "Trial evaluation") -> str:
    """The report as an HTML string."""
    template = _environment().get_template("report.html.j2")
    unconfirmed = sorted({name for e in results.economics.values() for name in e.returns.unconfirmed})
    return template.render(
        title=title,
        impact_table=impact_table(results),
        economics_table=economics_table(results),
        forests=_forests(results),
        histograms=_histograms(results),
        weights=results.weights,
        subgroups=results.subgroups,
        cace=results.cace,
        economics=results.economics,
        parameters=results.parameters,
        unconfirmed=unconfirmed,
        config=results.config,
        notes=results.notes,
        model=model_description(results),
        draws_sentences=draws_sentences(results),
        detail=impact_detail(results),
        missing=missing_sentences(results),
        small_rows=small_sample_rows(results),
        small_sentences=small_sample_sentences(results),
        subgroup_rows=subgroup_rows(results),
        cace_rows=cace_rows(results),
        coefficients=coefficient_tables(results),
        provenance=results.provenance,
        label=parameter_label,
    )


def write_report(
    results: EvaluationResults, out_dir: str | Path, title: str = "Trial evaluation"
) -> dict[str, Path]:
    """Write ``report.html`` and ``results.json`` into ``out_dir`` (created if needed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / "report.html"
    json_path = out / "results.json"
    html_path.write_text(render_html(results, title), encoding="utf-8")
    json_path.write_text(json.dumps(results_to_dict(results), indent=2, default=str), encoding="utf-8")
    return {"html": html_path, "json": json_path}
