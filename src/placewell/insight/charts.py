"""Accessible charts drawn on the server as inline SVG: no script, no inline style (the CSP forbids both),
colours from classes in ``insight/insight.css``. Each chart has a title and a text description naming every
plotted value (WCAG 2.2, 1.1.1), and the page puts the same figures in a table beside it. Suppressed values
are not drawn; the description and the table say "fewer than 5".
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from placewell.insight.tables import Chart

WIDTH, ROW, LABEL_W, PAD = 640, 26, 230, 8


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000):
        if value <= step * 5:
            return float(step * 5) if value > step * 4 else float(step * (int(value / step) + 1))
    return value * 1.1


def _fmt(value: float, share: bool) -> str:
    return f"{value * 100:.0f}%" if share else (f"{value:,.0f}" if value >= 10 else f"{value:g}")


def _open(chart: Chart, height: int) -> list[str]:
    key = escape(chart.key)
    return [
        f'<svg class="pw-mi-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" focusable="false" '
        f'aria-labelledby="chart-{key}-title" aria-describedby="chart-{key}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{key}-title">{escape(chart.title)}</title>',
        f'<desc id="chart-{key}-desc">{escape(chart.summary())}</desc>',
    ]


def _is_share(chart: Chart, col: int) -> bool:
    return any(cells[col].kind == "share" for _, cells in chart.rows)


def hbar(chart: Chart) -> str:
    col = chart.plot[0]
    share = _is_share(chart, col)
    values = [cells[col].plottable for _, cells in chart.rows]
    top = 1.0 if share else _nice_max(max((v for v in values if v is not None), default=0))
    height = PAD * 2 + ROW * len(chart.rows) + 20
    inner = WIDTH - LABEL_W - 70
    parts = _open(chart, height)
    for i, (label, cells) in enumerate(chart.rows):
        y = PAD + i * ROW
        parts.append(
            f'<text class="pw-mi-label" x="{LABEL_W - 6}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
        )
        v = cells[col].plottable
        if v is None:
            parts.append(
                f'<text class="pw-mi-value" x="{LABEL_W + 4}" y="{y + 17}">{escape(cells[col].text)}</text>'
            )
            continue
        w = max(inner * v / top, 1 if v else 0)
        parts.append(
            f'<rect class="pw-mi-series-0" x="{LABEL_W}" y="{y + 4}" width="{w:.1f}" height="{ROW - 8}"/>'
        )
        parts.append(
            f'<text class="pw-mi-value" x="{LABEL_W + w + 4:.1f}" y="{y + 17}">{_fmt(v, share)}</text>'
        )
    base = PAD + ROW * len(chart.rows)
    parts.append(f'<line class="pw-mi-axis" x1="{LABEL_W}" y1="{PAD}" x2="{LABEL_W}" y2="{base}"/>')
    parts.append(f'<text class="pw-mi-tick" x="{LABEL_W}" y="{base + 16}">0</text>')
    parts.append(
        f'<text class="pw-mi-tick" x="{LABEL_W + inner}" y="{base + 16}" text-anchor="end">{_fmt(top, share)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _time_frame(chart: Chart, top: float, height: int, left: int, bottom: int) -> list[str]:
    parts = []
    inner_h = height - PAD - bottom
    for frac in (0, 0.5, 1):
        y = PAD + inner_h * (1 - frac)
        parts.append(f'<line class="pw-mi-grid" x1="{left}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="pw-mi-tick" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_fmt(top * frac, False)}</text>'
        )
    n = len(chart.rows)
    if n:
        for i in sorted({0, n - 1}):
            x = left + (WIDTH - PAD - left) * ((i + 0.5) / n)
            anchor = "start" if i == 0 else "end"
            parts.append(
                f'<text class="pw-mi-tick" x="{x:.1f}" y="{height - bottom + 16}" text-anchor="{anchor}">'
                f"{escape(chart.rows[i][0])}</text>"
            )
    return parts


def _legend(chart: Chart, y: int) -> list[str]:
    parts, x = [], 60
    for s, col in enumerate(chart.plot):
        name = chart.columns[col + 1]
        parts.append(f'<rect class="pw-mi-series-{s}" x="{x}" y="{y - 10}" width="12" height="12"/>')
        parts.append(f'<text class="pw-mi-tick" x="{x + 16}" y="{y}">{escape(name)}</text>')
        x += 30 + 8 * len(name)
    return parts


def columns(chart: Chart) -> str:
    """Stacked columns over time."""
    height, left, bottom = 260, 48, 44
    totals = [sum(cells[c].plottable or 0 for c in chart.plot) for _, cells in chart.rows]
    top = _nice_max(max(totals, default=0))
    parts = _open(chart, height) + _time_frame(chart, top, height, left, bottom)
    inner_h = height - PAD - bottom
    n = max(len(chart.rows), 1)
    slot = (WIDTH - PAD - left) / n
    for i, (_, cells) in enumerate(chart.rows):
        y0 = PAD + inner_h
        for s, col in enumerate(chart.plot):
            v = cells[col].plottable or 0
            h = inner_h * v / top
            x = left + i * slot + slot * 0.15
            parts.append(
                f'<rect class="pw-mi-series-{s}" x="{x:.1f}" y="{y0 - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}"/>'
            )
            y0 -= h
    parts += _legend(chart, height - 6)
    parts.append("</svg>")
    return "".join(parts)


def line(chart: Chart) -> str:
    height, left, bottom = 260, 48, 44
    values = [cells[c].plottable or 0 for _, cells in chart.rows for c in chart.plot]
    top = _nice_max(max(values, default=0))
    parts = _open(chart, height) + _time_frame(chart, top, height, left, bottom)
    inner_h = height - PAD - bottom
    n = max(len(chart.rows), 1)
    for s, col in enumerate(chart.plot):
        points = []
        for i, (_, cells) in enumerate(chart.rows):
            v = cells[col].plottable
            if v is None:
                continue
            x = left + (WIDTH - PAD - left) * ((i + 0.5) / n)
            points.append(f"{x:.1f},{PAD + inner_h * (1 - v / top):.1f}")
        if points:
            parts.append(f'<polyline class="pw-mi-line-{s}" fill="none" points="{" ".join(points)}"/>')
    parts += _legend(chart, height - 6)
    parts.append("</svg>")
    return "".join(parts)


def render(chart: Chart) -> SafeString:
    """The chart as SVG; every piece of text in it is escaped."""
    drawer = {"hbar": hbar, "columns": columns, "line": line}[chart.kind]
    return mark_safe(drawer(chart))  # noqa: S308 - built above from escaped text and numbers only
