"""The survey panel on the participant's page: each measure over time, item by item, with bands, an accessible
chart, and the change since baseline against the minimal important change where the instrument publishes one
(MSK-HQ: 5.5, Hill et al. 2016, BMJ Open 6:e012331; held by the engine as ``minimal_important_change``).

The chart is an SVG with a title and a text description, and the same figures are in a table beside it, so
nothing is shown only as a picture (WCAG 2.2, 1.1.1 non-text content).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from placewell.accounts.policy import Perm, has_perm
from placewell.engine.measures import get_instrument
from placewell.surveys import services
from placewell.surveys.models import Invitation, Response
from placewell.surveys.questionnaire import latest_wordings, present

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.participants.models import Participant

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 600, 240, 56, 16, 16, 44


def _fmt(value: float | None) -> str:
    if value is None:
        return "no score"
    return f"{value:g}" if float(value).is_integer() else f"{value:.3f}".rstrip("0").rstrip(".")


@dataclass
class Point:
    response: Response
    label: str

    @property
    def value(self) -> float | None:
        return self.response.value


@dataclass
class MeasureView:
    id: str
    title: str
    points: list[Point]
    item_rows: list[tuple[str, list[str]]]
    chart: SafeString | None
    change: dict[str, Any] | None
    unconfirmed: tuple[str, ...] = field(default_factory=tuple)


def chart_svg(key: str, title: str, points: list[Point], low: float, high: float) -> SafeString | None:
    """A line chart of the scored points, with a text alternative listing every one."""
    scored = [p for p in points if p.value is not None]
    if not scored:
        return None
    span = (high - low) or 1.0
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(scored) - 1, 1)

    def y(v: float) -> float:
        return TOP + inner_h * (1 - (v - low) / span)

    coords = [
        (
            LEFT + (i * step if len(scored) > 1 else inner_w / 2),
            y(float(p.value or 0.0)),
        )  # every scored point has a value
        for i, p in enumerate(scored)
    ]
    desc = "; ".join(
        f"{p.label}: {_fmt(p.value)}{f' ({p.response.band})' if p.response.band else ''}" for p in scored
    )
    parts = [
        f'<svg class="pw-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{key}-title">{escape(title)} over time</title>',
        f'<desc id="chart-{key}-desc">{escape(desc)}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{inner_w}" height="{inner_h}" fill="#f3f2f1"/>',
    ]
    for tick in (low, (low + high) / 2, high):
        ty = y(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#b1b4b6"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{ty + 5:.1f}" text-anchor="end" font-size="14" fill="#0b0c0c">{_fmt(tick)}</text>'
        )
    path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#1d70b8" stroke-width="3"/>')
    for (x, yy), p in zip(coords, scored, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="6" fill="#1d70b8"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 24}" text-anchor="middle" font-size="13" fill="#0b0c0c">'
            f"{escape(p.response.completed_on.strftime('%b %Y') if p.response.completed_on else '')}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped


def change_since_baseline(instrument_id: str, points: list[Point]) -> dict[str, Any] | None:
    """The latest complete score minus the baseline one, read against the minimal important change."""
    complete = [p for p in points if p.response.complete and p.value is not None]
    if len(complete) < 2:
        return None
    baseline = next(
        (p for p in complete if p.response.invitation and p.response.invitation.wave.is_baseline), complete[0]
    )
    later = [
        p
        for p in complete
        if p.response.completed_on
        and baseline.response.completed_on
        and p.response.completed_on > baseline.response.completed_on
    ]
    if not later:
        return None
    latest = later[-1]
    instrument = get_instrument(instrument_id)
    diff = round(float(latest.value) - float(baseline.value), 3)  # type: ignore[arg-type]
    mic = instrument.minimal_important_change
    reading = "No minimal important change is published for this measure."
    if mic is not None and instrument.higher_is_better is not None:
        better = diff >= mic if instrument.higher_is_better else diff <= -mic
        worse = diff <= -mic if instrument.higher_is_better else diff >= mic
        if better:
            reading = f"Better by at least the minimal important change ({_fmt(mic)})."
        elif worse:
            reading = f"Worse by at least the minimal important change ({_fmt(mic)})."
        else:
            reading = f"Smaller than the minimal important change ({_fmt(mic)})."
    return {
        "baseline": baseline,
        "latest": latest,
        "diff": f"{diff:+g}",
        "reading": reading,
    }


def measures(participant: Participant) -> list[MeasureView]:
    responses = list(
        Response.objects.filter(participant=participant, state=Response.State.SUBMITTED)
        .select_related("invitation__wave", "wording")
        .order_by("completed_on", "id")
    )
    by_instrument: dict[str, list[Response]] = {}
    for r in responses:
        by_instrument.setdefault(r.instrument_id, []).append(r)
    wordings = latest_wordings(by_instrument)
    out = []
    for instrument_id, rs in by_instrument.items():
        instrument = get_instrument(instrument_id)
        q = present(instrument_id, wordings.get(instrument_id))
        points = [
            Point(r, f"{r.completed_on:%-d %b %Y}" + (f", {r.invitation.wave.name}" if r.invitation else ""))
            for r in rs
        ]
        rows = []
        for question in q.questions:
            cells = []
            for r in rs:
                value = r.answers.get(question.key)
                band = r.details.get(f"{question.key}_band") if isinstance(r.details, dict) else None
                cells.append("Not answered" if value is None else f"{value}{f' ({band})' if band else ''}")
            rows.append((question.wording, cells))
        low, high = instrument.value_range or (0.0, 1.0)
        out.append(
            MeasureView(
                id=instrument_id,
                title=q.title,
                points=points,
                item_rows=rows,
                chart=chart_svg(instrument_id, q.title, points, float(low), float(high))
                if instrument.value_range
                else None,
                change=change_since_baseline(instrument_id, points),
                unconfirmed=instrument.unconfirmed,
            )
        )
    return out


def context(request: HttpRequest, participant: Participant) -> dict[str, Any] | None:
    """The panel's context, or None (hidden) for a user who may not see the record."""
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS):
        return None
    services.record_scores_view(
        by=request.user, participant=participant, what="survey scores", request=request
    )
    return {
        "p": participant,
        "measures": measures(participant),
        "enrolled": hasattr(participant, "survey_enrolment"),
        "open_invitations": Invitation.objects.filter(
            participant=participant, status__in=Invitation.OPEN
        ).count(),
    }
