"""MI dashboards and MI evidence pages, and their CSV downloads. Thin: parse the filters, ask the policy
(``insight.access``), compute (``insight.dashboards``, ``insight.mi``), suppress for evaluators, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.insight import access, charts, dashboards, mi, summaries
from placewell.insight.scope import Period, Scope, default_period
from placewell.insight.suppression import suppress_chart, suppress_figures
from placewell.insight.tables import Chart
from placewell.ui import exports

MAX_DAYS = 3 * 366


@dataclass
class Filters:
    scope: Scope
    period: Period
    choices: access.Choices
    errors: list[tuple[str, str]]

    def query(self) -> str:
        from urllib.parse import urlencode

        values = {"service": self.scope.service.pk, "start": self.period.start, "end": self.period.end}
        values["team"] = self.scope.team.pk if self.scope.team else ""
        values["specialist"] = self.scope.specialist.pk if self.scope.specialist else ""
        return urlencode(values)


def _date(request: HttpRequest, name: str, errors: list[tuple[str, str]], label: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append((name, f"{label} must be a real date, like 2027-03-31"))
        return None


def _filters(request: HttpRequest, *, by_person: bool = True) -> Filters:
    user = request.user
    service, choices = access.choices_for(user, request.GET.get("service"))  # type: ignore[arg-type]
    team = access.pick(
        choices.teams, request.GET.get("team"), None if "team" in request.GET else choices.default_team
    )
    specialist = None
    if by_person:
        default = None if "specialist" in request.GET else choices.default_specialist
        specialist = access.pick(choices.specialists, request.GET.get("specialist"), default)
    if choices.default_team is not None and team is None:
        team = choices.default_team  # a specialist or team leader sees their own team at most
    if specialist is not None:
        if team is not None and specialist.team_id != team.pk:
            raise Http404("That specialist is not in that team")
        team = specialist.team
    errors: list[tuple[str, str]] = []
    period = default_period()
    start = _date(request, "start", errors, "The start date")
    end = _date(request, "end", errors, "The end date")
    today = timezone.localdate()
    if start or end:
        start, end = start or period.start, end or period.end
        if end > today:
            errors.append(("end", "The end date must be today or in the past"))
        elif start > end:
            errors.append(("start", "The start date must be on or before the end date"))
        elif (end - start).days >= MAX_DAYS:
            errors.append(("start", "Choose a period of 3 years or less"))
        else:
            period = Period(start, end)
    return Filters(Scope(service, team, specialist), period, choices, errors)


def _charts(filters: Filters, keys: list[str] | None = None) -> tuple[list[Chart], summaries.Figures]:
    """The charts (from the stored summary when it is fresh), suppressed for evaluators."""
    found = summaries.dashboard(filters.scope, filters.period)
    built = [c for c in found.items if keys is None or c.key in keys]
    if filters.choices.suppress:
        built = [suppress_chart(c) for c in built]
    return built, found


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    built, found = _charts(filters)
    return render(
        request,
        "insight/dashboard.html",
        {
            "f": filters,
            "charts": [(c, charts.render(c)) for c in built],
            "query": filters.query(),
            "as_at": found.as_at_text,
            "no_data": not any(c.kind == "count" and c.value for ch in built for _, r in ch.rows for c in r),
        },
    )


def _csv_response(filename: str) -> tuple[HttpResponse, exports.SafeWriter]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, exports.writer(response)


def _audit_export(request: HttpRequest, filters: Filters, what: str) -> None:
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        "mi",
        what,
        service_id=filters.scope.service.pk,
        summary=f"Downloaded {what} for {filters.scope.label}, {filters.period}",
        request=request,
    )


@login_required
def chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in dashboards.CHARTS:
        raise Http404("No such chart")
    filters = _filters(request)
    charts_found, found = _charts(filters, [chart])
    built = charts_found[0]
    _audit_export(request, filters, built.title)
    response, writer = _csv_response(f"{chart}-{filters.period.start}-{filters.period.end}.csv")
    writer.writerow([f"{built.title}: {filters.scope.label}, {filters.period}"])
    writer.writerow([f"{found.as_at_text}."])
    writer.writerow([f"Definition: {built.definition}"])
    if filters.choices.suppress:
        writer.writerow(
            ["Counts from 1 to 4, and figures that would reveal them, are shown as 'fewer than 5'."]
        )
    for label, cell in built.headline:
        writer.writerow([label, cell.csv])
    writer.writerow(built.columns)
    for label, cells in built.all_rows():
        writer.writerow([label, *(c.csv for c in cells)])
    return response


@login_required
def evidence(request: HttpRequest) -> HttpResponse:
    filters = _filters(request, by_person=False)
    figures, found = _figures(filters)
    context = {
        "f": filters,
        "figures": figures,
        "query": filters.query(),
        "as_at": found.as_at_text,
        "no_data": not any(f.n for f in figures),
    }
    return render(request, "insight/evidence.html", context)


def _figures(filters: Filters) -> tuple[list[mi.Figure], summaries.Figures]:
    """The MI evidence (from the stored summary when it is fresh), suppressed for evaluators."""
    found = summaries.evidence(filters.scope, filters.period)
    figures = found.items
    return (suppress_figures(figures) if filters.choices.suppress else figures), found


@login_required
def evidence_csv(request: HttpRequest) -> HttpResponse:
    filters = _filters(request, by_person=False)
    figures, found = _figures(filters)
    _audit_export(request, filters, "MI evidence")
    response, writer = _csv_response(f"mi-evidence-{filters.period.start}-{filters.period.end}.csv")
    writer.writerow(["key", "figure", "value", "unit", "based on", "definition"])
    for f in figures:
        value = "fewer than 5" if f.suppressed else ("" if f.value is None else f"{f.value:.4f}")
        writer.writerow([f.key, f.label, value, f.unit, "" if f.suppressed else f.n, f.definition])
        for reason, n in f.breakdown:
            writer.writerow([f"{f.key}.reason", reason, "fewer than 5" if n is None else n, "people", "", ""])
    writer.writerow(
        ["figures_as_at", timezone.localtime(found.as_at).isoformat(timespec="minutes"), "", "", "", ""]
    )
    return response
