"""The analysis report: one HTML fragment shown on the page and wrapped for the HTML and PDF downloads.

The tables come from the engine (``engine.evaluation.tables``: Table 2.1's layout for impacts, Table 2.2's
for costs and returns with the Monte Carlo percentiles), the charts from ``engine.evaluation.charts``
(forest plots, histograms of the Monte Carlo draws) and ``figures`` (the CONSORT flow, balance). Every
chart is followed by the numbers it draws. The report names the plan version, its hash and lock time, and
says plainly when the plan was not locked before the outcome data were first read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from placewell.analysis import figures
from placewell.analysis import plan as plans
from placewell.analysis.dataset import AnalysisDataset, analysed_counts
from placewell.analysis.models import AnalysisRun
from placewell.engine.evaluation.charts import forest_svg, histogram_counts, histogram_svg
from placewell.engine.evaluation.pipeline import EvaluationResults
from placewell.engine.evaluation.tables import economics_table, impact_table, reported, results_to_dict

PRINT_CSS = Path(__file__).parent / "static" / "analysis" / "report.css"


@dataclass(frozen=True)
class RunMeta:
    run: AnalysisRun
    dataset_sha256: str
    rows: int
    data_cut: dt.date
    read_at: dt.datetime
    first_read: dt.datetime
    locked_before: bool
    key_fingerprint: str


def _table(frame: pd.DataFrame) -> dict[str, Any]:
    return {"columns": list(frame.columns), "rows": [list(r) for r in frame.itertuples(index=False)]}


def _impact_tables(results: EvaluationResults, primary: list[str]) -> list[dict[str, Any]]:
    out = []
    for title, keep in (
        ("Primary outcomes (the layout of DWP research report 1025, Table 2.1)", lambda c: c in primary),
        ("Secondary outcomes", lambda c: c not in primary),
    ):
        outcomes = tuple(o for o in results.config.outcomes if keep(o.column))
        if outcomes:
            subset = replace(results, config=replace(results.config, outcomes=outcomes))
            out.append({"title": title, **_table(impact_table(subset))})
    return out


def _forests(results: EvaluationResults) -> list[dict[str, Any]]:
    charts = []
    for i, spec in enumerate(results.config.outcomes):
        rows = []
        unit = "standard deviations"
        for group, impacts in results.impacts.items():
            if spec.column not in impacts:  # not estimable in this group: listed in results.notes
                continue
            est = impacts[spec.column]
            effect, low, high = reported(est, spec)
            rows.append((group, effect, low, high))
            if spec.report != "sd":
                unit = (
                    "percentage points"
                    if est.unit == "ppt"
                    else ("pounds" if spec.role == "earnings" else "units")
                )
        title = f"{spec.label}: impact by group with 95% confidence intervals ({unit})"
        svg = forest_svg(rows, title, unit, f"forest-{i}")
        charts.append(
            {
                "title": title,
                "svg": mark_safe(svg),  # noqa: S308 (every label is escaped in charts.forest_svg)
                "rows": [{"group": g, "effect": e, "low": lo, "high": hi} for g, e, lo, hi in rows],
            }
        )
    return charts


def _histograms(results: EvaluationResults) -> list[dict[str, Any]]:
    charts = []
    for i, (group, econ) in enumerate(results.economics.items()):
        dist = econ.distributions["economic"]
        title = f"{group}: economic return per £1 over {len(dist.draws):,} Monte Carlo draws"
        edges, counts = histogram_counts(dist.draws)
        charts.append(
            {
                "title": title,
                "svg": mark_safe(histogram_svg(dist.draws, title, f"hist-{i}")),  # noqa: S308 (escaped in charts)
                "bins": [
                    {"low": float(lo), "high": float(hi), "count": int(c)}
                    for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)
                ],
            }
        )
    return charts


def _level(value: object) -> str:
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _subgroup_tables(
    results: Any, outcome_labels: dict[str, str], column_labels: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Subgroup analyses with the plan's outcome labels, the dictionary's variable labels and readable levels.
    The test that the effects are equal (Holm-adjusted across the family) belongs to the variable, so it is
    given once, on its first level."""
    out: dict[str, list[dict[str, Any]]] = {}
    for group, analyses in results.subgroups.items():
        rows = []
        for a in analyses:
            for i, e in enumerate(a.effects):
                rows.append(
                    {
                        "outcome": outcome_labels.get(a.outcome, a.outcome),
                        "subgroup": column_labels.get(a.subgroup, a.subgroup),
                        "level": _level(e.level),
                        "n": e.n,
                        "effect": e.effect,
                        "stars": e.stars,
                        "ci": e.ci(95),
                        "p_holm": a.p_holm if i == 0 else None,
                        "first": i == 0,
                        "levels": len(a.effects),
                    }
                )
        out[group] = rows
    return out


def render(
    results: EvaluationResults, frame: pd.DataFrame, ds: AnalysisDataset, meta: RunMeta
) -> tuple[str, dict[str, Any]]:
    """The report fragment and the results as JSON-ready data."""
    run = meta.run
    content = run.plan_content
    labels = {o["column"]: o.get("label", o["column"]) for o in content.get("outcomes") or []}
    analysed = analysed_counts(frame, list(labels))
    lines = figures.flow_lines(ds.flow, analysed, labels)
    names = plans.names_for(run.trial)
    unconfirmed = sorted({n for e in results.economics.values() for n in e.returns.unconfirmed})
    derived = sorted(n for n, p in results.parameters.items() if p.source.startswith("Derived from recorded"))
    context = {
        "run": run,
        "trial": run.trial,
        "meta": meta,
        "plan": content,
        "flow_lines": lines,
        "flow_svg": mark_safe(figures.flow_svg(lines)),  # noqa: S308 (escaped in figures.flow_svg)
        "balance": figures.balance(frame),
        "impact_tables": _impact_tables(results, plans.primary_columns(content)),
        "definitions": plans.outcome_definitions(content, names),
        "labels": labels,
        "forests": _forests(results),
        "weights": results.weights,
        "subgroups": _subgroup_tables(results, labels, {c.name: c.label for c in ds.columns}),
        "cace": [
            {"group": group, "label": labels.get(column, column), "estimate": est}
            for group, by_outcome in results.cace.items()
            for column, est in by_outcome.items()
        ],
        "economics_table": _table(economics_table(results)) if results.economics else None,
        "histograms": _histograms(results),
        "parameters": results.parameters,
        "unconfirmed": unconfirmed,
        "derived": derived,
        "dataset_url": reverse("analysis:run_dataset", args=[run.pk]),
        "se": results.config.se,
    }
    fragment = render_to_string("analysis/_report.html", context)
    data = results_to_dict(results)
    data.update(
        {
            "flow": ds.flow.as_dict(),
            "analysed": analysed,
            "balance": [{k: v for k, v in r.items() if k != "cells"} for r in context["balance"]],
            "plan": {
                "version": run.plan_version,
                "sha256": run.plan_sha256,
                "locked_at": run.plan_locked_at.isoformat() if run.plan_locked_at else None,
                "locked_before_data": meta.locked_before,
            },
            "dataset": {
                "sha256": meta.dataset_sha256,
                "rows": meta.rows,
                "data_cut": meta.data_cut.isoformat(),
                "read_at": meta.read_at.isoformat(),
                "first_read": meta.first_read.isoformat(),
                "key_fingerprint": meta.key_fingerprint,
            },
        }
    )
    return fragment, data


def document(run: AnalysisRun, base_url: str = "") -> str:
    """The report as a standalone HTML document (its stylesheet inlined), for download and for the PDF."""
    return render_to_string(
        "analysis/report_document.html",
        {
            "run": run,
            "trial": run.trial,
            "body": mark_safe(run.report_html),  # noqa: S308 (rendered by Django's autoescaping templates)
            "css": mark_safe(PRINT_CSS.read_text(encoding="utf-8")),  # noqa: S308 (our own stylesheet)
            "base_url": base_url,
        },
    )


def pdf(run: AnalysisRun, base_url: str = "", laid_out: Callable[[int], None] | None = None) -> bytes:
    """The same HTML document printed to PDF by WeasyPrint, with the print stylesheet; ``laid_out`` is told
    the number of pages once they are laid out, before they are written (for the job's progress)."""
    from weasyprint import HTML

    pages = HTML(string=document(run, base_url), base_url=base_url or None).render()
    if laid_out is not None:
        laid_out(len(pages.pages))
    return bytes(pages.write_pdf())
