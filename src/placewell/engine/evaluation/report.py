"""Write an evaluation as a self-contained HTML report and as JSON.

The HTML is rendered with Jinja2 (autoescaped) from ``templates/report.html.j2``; charts are inline SVG
from :mod:`placewell.engine.evaluation.charts`, each followed by its data table. Unconfirmed economic
parameters are listed in the report so that no reader mistakes an assumption for a published value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from placewell.engine.evaluation.charts import forest_svg, histogram_counts, histogram_svg
from placewell.engine.evaluation.pipeline import EvaluationResults
from placewell.engine.evaluation.tables import economics_table, impact_table, reported, results_to_dict


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("placewell.engine.evaluation", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _forests(results: EvaluationResults) -> list[dict[str, Any]]:
    charts = []
    for i, spec in enumerate(results.config.outcomes):
        rows = []
        for group, impacts in results.impacts.items():
            effect, low, high = reported(impacts[spec.column], spec)
            rows.append((group, effect, low, high))
        unit = "standard deviations" if spec.report == "sd" else (
            "percentage points" if next(iter(results.impacts.values()))[spec.column].unit == "ppt" else "natural units"
        )  # fmt: skip
        title = f"{spec.label}: impact by group, with 95% confidence intervals ({unit})"
        charts.append(
            {
                "title": title,
                "svg": Markup(forest_svg(rows, title, unit, f"forest-{i}")),  # noqa: S704 (escaped in charts)
                "rows": [{"group": g, "effect": e, "low": lo, "high": hi} for g, e, lo, hi in rows],
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
