"""MI figures read from stored summaries, kept current by the task queue.

The MI dashboard and the MI evidence are worked out by ``insight.dashboards`` and ``insight.mi`` (the
definitions, unchanged). Over a national service that takes seconds, so the task queue works them out ahead
for each scope people look at and stores the result (``insight.models.Summary``); the pages then read one
row. A stored figure is exactly the figure those functions gave at the moment stored, and says when that
was ("Figures as at 14:05 today").

A page asks :func:`dashboard` or :func:`evidence`. They return the stored figures when a summary for that
scope and period exists and is no older than ``PLACEWELL_MI_SUMMARY_MAX_AGE_MINUTES``; otherwise (a period
nobody asked for before, a summary gone stale because the worker stopped) the figures are worked out there
and then, exactly, and stored for the next person. Never a stored figure older than the limit.

The schedule (``PLACEWELL_CRON_MI_SUMMARIES``, every 15 minutes by default) runs :func:`refresh_scheduled`:
each service's own figures for the default period, and every summary someone looked at in the last
``KEEP_DAYS`` days, are worked out again; rolling ones (the default period, 12 months to today) move on to
today's period. Summaries nobody looked at for ``KEEP_DAYS`` days are deleted. ``manage.py
refresh_mi_summaries`` does the same on demand (``--rebuild`` starts again from nothing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from placewell.accounts.models import Service
from placewell.insight import dashboards, mi
from placewell.insight.models import Summary
from placewell.insight.scope import Period, Scope, default_period
from placewell.insight.tables import Cell, Chart

log = logging.getLogger(__name__)

KEEP_DAYS = 14  # a summary nobody has looked at for this long is no longer refreshed, then deleted
VIEW_NOTE_EVERY = dt.timedelta(
    hours=1
)  # how often a view is noted on its summary (one write an hour at most)


def max_age() -> dt.timedelta:
    """How old a stored figure may be before it is worked out again instead of shown."""
    return dt.timedelta(minutes=getattr(settings, "PLACEWELL_MI_SUMMARY_MAX_AGE_MINUTES", 30))


# Exact round trip of the computed figures ----------------------------------------------------------------


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready data, with decimals tagged so they come back as decimals, not floats."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if hasattr(value, "item"):  # a numpy number: its Python value
        return value.item()
    raise TypeError(f"Cannot store {type(value).__name__} in an MI summary")


def _value(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() == {"decimal"}:
        return Decimal(value["decimal"])
    if isinstance(value, dict) and value.keys() == {"date"}:
        return dt.date.fromisoformat(value["date"])
    return value


def _cell(data: dict[str, Any]) -> Cell:
    return Cell(**{**data, "value": _value(data["value"])})


def charts_to_json(charts: list[Chart]) -> str:
    return json.dumps([_plain(dataclasses.asdict(c)) for c in charts])


def charts_from_json(text: str) -> list[Chart]:
    out = []
    for d in json.loads(text):
        d["rows"] = [(label, [_cell(c) for c in cells]) for label, cells in d["rows"]]
        d["total"] = None if d["total"] is None else [_cell(c) for c in d["total"]]
        d["headline"] = [(label, _cell(c)) for label, c in d["headline"]]
        out.append(Chart(**d))
    return out


def figures_to_json(figures: list[mi.Figure]) -> str:
    return json.dumps([_plain(dataclasses.asdict(f)) for f in figures])


def figures_from_json(text: str) -> list[mi.Figure]:
    out = []
    for d in json.loads(text):
        d["value"] = _value(d["value"])
        d["breakdown"] = tuple((label, n) for label, n in d["breakdown"])
        out.append(mi.Figure(**d))
    return out


# The current path: the definitions themselves -----------------------------------------------------------


def compute_dashboard(scope: Scope, period: Period) -> list[Chart]:
    return dashboards.dashboard(scope, period)


def compute_evidence(scope: Scope, period: Period) -> list[mi.Figure]:
    return mi.evidence(scope.service, period.start, period.end, team=scope.team, specialist=scope.specialist)


COMPUTE = {
    Summary.Kind.DASHBOARD: (compute_dashboard, charts_to_json, charts_from_json),
    Summary.Kind.EVIDENCE: (compute_evidence, figures_to_json, figures_from_json),
}


# Reading ------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """What a page shows: the figures, when they were worked out, and whether they came from a summary."""

    items: list[Any]
    as_at: dt.datetime
    stored: bool  # True: read from a summary; False: worked out for this request

    @property
    def as_at_text(self) -> str:
        """ "Figures as at 14:05 today", or with the date when not today."""
        moment = timezone.localtime(self.as_at)
        when = f"{moment:%H:%M}"
        if moment.date() == timezone.localdate():
            return f"Figures as at {when} today"
        return f"Figures as at {when} on {moment:%-d %B %Y}"


def scope_key(scope: Scope) -> str:
    team = scope.team.pk if scope.team else "-"
    specialist = scope.specialist.pk if scope.specialist else "-"
    return f"{scope.service.pk}/{team}/{specialist}"


def dashboard(scope: Scope, period: Period) -> Figures:
    return _read(Summary.Kind.DASHBOARD, scope, period)


def evidence(scope: Scope, period: Period) -> Figures:
    return _read(Summary.Kind.EVIDENCE, scope, period)


def _read(kind: str, scope: Scope, period: Period) -> Figures:
    """One query when a fresh summary is there (two, at most once an hour, to note the view)."""
    now = timezone.now()
    row = (
        Summary.objects.filter(kind=kind, scope_key=scope_key(scope), start=period.start, end=period.end)
        .only("data", "computed_at", "viewed_at")
        .first()
    )
    if row is not None and now - row.computed_at <= max_age():
        if now - row.viewed_at >= VIEW_NOTE_EVERY:
            Summary.objects.filter(pk=row.pk).update(viewed_at=now)
        return Figures(COMPUTE[kind][2](row.data), row.computed_at, stored=True)
    # Missing or stale: work the figures out exactly, now, and keep them for the next person.
    items, at = _compute_and_store(kind, scope, period)
    return Figures(items, at, stored=False)


# Writing ------------------------------------------------------------------------------------------------


def _compute_and_store(
    kind: str, scope: Scope, period: Period, viewed_at: dt.datetime | None = None
) -> tuple:
    compute, to_json, _ = COMPUTE[kind]
    began = time.perf_counter()
    at = timezone.now()
    items = compute(scope, period)
    store(kind, scope, period, to_json(items), at, time.perf_counter() - began, viewed_at or at)
    return items, at


def store(
    kind: str,
    scope: Scope,
    period: Period,
    data: str,
    computed_at: dt.datetime,
    seconds: float,
    viewed_at: dt.datetime,
) -> None:
    """Keep one summary (replacing the one for the same scope and period). Aggregates only: no personal
    data, so nothing to audit beyond the schedule's own record of its runs."""
    values = {
        "service": scope.service,
        "team": scope.team,
        "specialist": scope.specialist,
        "rolling": period == default_period(),
        "computed_at": computed_at,
        "seconds": seconds,
        "data": data,
        "viewed_at": viewed_at,
    }
    key = {"kind": kind, "scope_key": scope_key(scope), "start": period.start, "end": period.end}
    for attempt in range(2):  # two workers storing the same summary at once: the second updates
        try:
            with transaction.atomic():
                updated = Summary.objects.filter(**key).update(
                    **{k: v for k, v in values.items() if k not in {"service", "team", "specialist"}}
                )
                if not updated:
                    Summary.objects.create(**key, **values)
            return
        except IntegrityError:
            if attempt:
                raise


def refresh(*, service: Service | None = None, rebuild: bool = False) -> tuple[int, float]:
    """Work out again every summary worth keeping: (how many, seconds). Each service's own figures for the
    default period always; any other scope or period looked at in the last ``KEEP_DAYS`` days. Rolling
    summaries move on to today's default period. With ``rebuild``, every stored summary is deleted first.
    Each summary is stored in its own transaction, so pages keep reading the others meanwhile."""
    began = time.perf_counter()
    now = timezone.now()
    rows = Summary.objects.select_related("service", "team", "specialist")
    services = Service.objects.order_by("pk")
    if service is not None:
        rows, services = rows.filter(service=service), services.filter(pk=service.pk)
    if rebuild:
        rows.delete()
    today = default_period()
    wanted: dict[tuple, tuple[Scope, Period, dt.datetime]] = {}
    for s in services:
        for kind in Summary.Kind.values:
            wanted[(kind, scope_key(Scope(s)), today)] = (Scope(s), today, now)
    cutoff = now - dt.timedelta(days=KEEP_DAYS)
    for row in rows.filter(viewed_at__gte=cutoff).order_by("pk"):
        scope = Scope(row.service, row.team, row.specialist)
        period = today if row.rolling else Period(row.start, row.end)
        key = (row.kind, row.scope_key, period)
        seen = wanted.get(key)
        wanted[key] = (scope, period, max(row.viewed_at, seen[2]) if seen else row.viewed_at)
    for (kind, _, _), (scope, period, viewed_at) in wanted.items():
        _compute_and_store(kind, scope, period, viewed_at)
    # Rolling summaries of earlier days have been replaced by today's; long-unviewed ones are dropped.
    rows.filter(rolling=True).exclude(start=today.start, end=today.end).delete()
    rows.filter(viewed_at__lt=cutoff).delete()
    return len(wanted), time.perf_counter() - began


def refresh_scheduled() -> str:
    """The schedule's task (``PLACEWELL_CRON_MI_SUMMARIES``): its outcome in words for the schedules page."""
    count, seconds = refresh()
    return f"Worked out {count} MI summaries in {seconds:.1f} seconds"
