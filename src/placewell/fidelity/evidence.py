"""The one place the fidelity app reads management information: MI figures in, engine figures out.

The engine's suggesters name the figures they need (``Suggester.figures``; definitions in
``engine/fidelity/ips25.json`` and ``seqf.json``, "anchors.definition"). The ``insight`` app computes MI
figures for a service and period (``insight.mi.evidence(service, start, end)``, each a ``Figure`` with
``key``, ``label``, ``value``, ``unit``, ``definition`` and ``n``). This module maps one onto the other:

- :data:`SOURCES` says which insight key feeds each engine figure (the same names today, kept as a table so
  either side can rename without touching the review pages);
- a percentage (unit ``%`` or ``percent``) becomes the 0-1 share the engine reads (engine
  ``suggestion.check_figure``: "a share is a proportion from 0 to 1");
- a figure insight does not provide, a suppressed figure, a value the engine refuses, or insight not being
  importable at all gives no figure and the reason :data:`NOT_AVAILABLE`, so the page shows "no suggestion"
  instead of failing.

Reviews keep the figures they were started with (``FidelityReview.evidence``), so a report reads the same
evidence however the MI changes later.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from placewell.engine.fidelity import SUGGESTERS, Suggestion

NOT_AVAILABLE = "figure not available yet"
INSIGHT_MODULE = "placewell.insight.mi"
PERCENT_UNITS = {"%", "percent", "percentage"}

SOURCES: Mapping[str, str] = {
    "average_caseload_per_fte": "average_caseload_per_fte",
    "share_of_referrals_screened_out": "share_of_referrals_screened_out",
    "median_days_to_first_employer_contact": "median_days_to_first_employer_contact",
    "employer_contacts_per_specialist_per_week": "employer_contacts_per_specialist_per_week",
    "share_of_distinct_job_types": "share_of_distinct_job_types",
    "share_of_distinct_employers": "share_of_distinct_employers",
    "share_of_jobs_competitive": "share_of_jobs_competitive",
    "median_months_of_in_work_support": "median_months_of_in_work_support",
    "share_of_contacts_in_community": "share_of_contacts_in_community",
    "share_reengaged_after_missed_contact": "share_reengaged_after_missed_contact",
    "median_days_referral_to_first_meeting": "median_days_referral_to_first_meeting",
    "job_outcome_rate": "job_outcome_rate",
    "job_sustainment_rate": "job_sustainment_rate",
    "share_of_participants_satisfied": "share_of_participants_satisfied",
}
"""Engine figure name -> insight figure key."""


class MIFigure(Protocol):
    """What this module reads of an insight ``Figure`` (a test may pass any object with these)."""

    key: str
    label: str
    value: float | None
    unit: str
    definition: str
    n: int


@dataclass(frozen=True)
class EvidenceFigure:
    """One engine figure as read from MI: the value in the engine's unit, or ``None`` with the reason."""

    name: str
    value: float | None
    label: str = ""
    definition: str = ""
    n: int | None = None
    missing: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def engine_figure_names() -> list[str]:
    """Every figure any suggester of any scale needs, in a stable order."""
    names: dict[str, None] = {}
    for suggesters in SUGGESTERS.values():
        for suggester in suggesters.values():
            names.update(dict.fromkeys(suggester.figures))
    return list(names)


def _share_unit(unit: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS


def _convert(name: str, figure: MIFigure) -> EvidenceFigure:
    base: dict[str, Any] = {"label": figure.label, "definition": figure.definition, "n": figure.n}
    if getattr(figure, "suppressed", False):
        return EvidenceFigure(name, None, **base, missing=NOT_AVAILABLE)
    value = figure.value
    if value is None:
        # The engine words this itself: "there is no figure for this period".
        return EvidenceFigure(name, None, **base)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return EvidenceFigure(name, None, **base, missing=NOT_AVAILABLE)
    number = float(value) / 100 if _share_unit(figure.unit) else float(value)
    return EvidenceFigure(name, number, **base)


def from_mi(figures: Iterable[MIFigure]) -> dict[str, EvidenceFigure]:
    """Every engine figure from a list of MI figures; those MI lacks are marked :data:`NOT_AVAILABLE`."""
    by_key = {f.key: f for f in figures}
    out = {}
    for name in engine_figure_names():
        figure = by_key.get(SOURCES.get(name, name))
        out[name] = (
            _convert(name, figure)
            if figure is not None
            else EvidenceFigure(name, None, missing=NOT_AVAILABLE)
        )
    return out


def collect(service: Any, start: dt.date, end: dt.date) -> dict[str, EvidenceFigure]:
    """The evidence for a service and period from ``insight.mi``, or every figure unavailable without it."""
    try:
        mi = importlib.import_module(INSIGHT_MODULE)
    except ImportError:
        return from_mi([])
    return from_mi(mi.evidence(service, start, end))


def to_json(figures: Mapping[str, EvidenceFigure]) -> dict[str, dict[str, Any]]:
    return {name: figure.as_json() for name, figure in figures.items()}


def from_json(stored: Mapping[str, Mapping[str, Any]]) -> dict[str, EvidenceFigure]:
    """Figures as stored on a review; any figure the engine now needs that was not stored is unavailable."""
    out = {}
    for name in engine_figure_names():
        data = stored.get(name)
        out[name] = EvidenceFigure(**data) if data else EvidenceFigure(name, None, missing=NOT_AVAILABLE)
    return out


@dataclass(frozen=True)
class ItemEvidence:
    """What a review page shows beside an item: the suggested score (or none) and why, and the figures."""

    score: int | None
    reason: str
    provisional: bool
    figures: tuple[EvidenceFigure, ...]


def suggestions(scale: str, figures: Mapping[str, EvidenceFigure]) -> dict[str, ItemEvidence]:
    """For every item of ``scale`` that MI can inform: the engine's suggestion, or no suggestion and why.

    An item whose figure is unavailable gets no score and the reason :data:`NOT_AVAILABLE`; an item whose
    figure is available but ``None`` (nothing to compute it from) gets the engine's own reason.
    """
    from placewell.engine.fidelity import FidelityError

    out: dict[str, ItemEvidence] = {}
    for key, suggester in SUGGESTERS[scale].items():
        needed = tuple(
            figures.get(n) or EvidenceFigure(n, None, missing=NOT_AVAILABLE) for n in suggester.figures
        )
        missing = [f for f in needed if f.missing]
        if missing:
            labels = ", ".join((f.label or f.name.replace("_", " ")) for f in missing)
            out[key] = ItemEvidence(None, f"No suggestion: {NOT_AVAILABLE} ({labels}).", False, needed)
            continue
        try:
            suggestion: Suggestion = suggester.suggest({f.name: f.value for f in needed})
        except FidelityError as exc:
            out[key] = ItemEvidence(
                None, f"No suggestion: the figure could not be read ({exc}).", False, needed
            )
            continue
        out[key] = ItemEvidence(suggestion.score, suggestion.reason, suggestion.provisional, needed)
    return out
