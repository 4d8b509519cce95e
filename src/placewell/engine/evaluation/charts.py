"""Hand-drawn SVG charts for the HTML report: a forest plot and a histogram.

Why by hand: the report must be one self-contained, accessible file with no plotting dependency. Each
chart carries ``role="img"`` with a ``<title>`` and ``<desc>`` (its text alternative); the report shows
the same numbers in a data table beside it (WCAG 2.2, 1.1.1 non-text content).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import numpy as np
from numpy.typing import NDArray

WIDTH = 640
LABEL_WIDTH = 200
ROW_HEIGHT = 26
PAD = 30


def _scale(lo: float, hi: float, left: float, right: float) -> tuple[float, float]:
    """Slope and intercept mapping [lo, hi] onto [left, right] pixels."""
    span = hi - lo if hi > lo else 1.0
    slope = (right - left) / span
    return slope, left - slope * lo


def _step(lo: float, hi: float, count: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``count`` ticks over [lo, hi]."""
    raw = (hi - lo) / max(count - 1, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw * (1 - 1e-9))


def _ticks(lo: float, hi: float, count: int = 7) -> NDArray[np.float64]:
    """Round values inside [lo, hi] for the axis, so readers see 0, 500, 1,000 rather than -34 or 4.6e+02."""
    if not hi > lo:
        return np.array([lo])
    step = _step(lo, hi, count)
    first = math.ceil(lo / step - 1e-9) * step
    return np.round(np.arange(first, hi + step * 1e-9, step), 12)


def tick_label(value: float, lo: float, hi: float, count: int = 7) -> str:
    """An axis label with as many decimals as the step needs and thousands separators."""
    if not hi > lo:
        return f"{value:,g}"
    step = _step(lo, hi, count)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if round(step / 10.0 ** math.floor(math.log10(step)), 6) == 2.5:
        decimals += 1
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text


def forest_svg(rows: Sequence[tuple[str, float, float, float]], title: str, unit: str, chart_id: str) -> str:
    """A forest plot: one row per (label, estimate, 95% low, 95% high), with a line at zero."""
    lo = min([0.0, *(r[2] for r in rows)])
    hi = max([0.0, *(r[3] for r in rows)])
    margin = 0.05 * (hi - lo or 1.0)
    lo, hi = lo - margin, hi + margin
    height = PAD * 2 + ROW_HEIGHT * len(rows)
    slope, icpt = _scale(lo, hi, LABEL_WIDTH, WIDTH - 20)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">Estimated impact and 95% confidence interval in {escape(unit)} for '
        f"{len(rows)} estimates; the vertical line marks no effect. The same figures are in the table "
        "that follows.</desc>",
    ]
    x0 = slope * 0 + icpt
    out.append(f'<line x1="{x0:.1f}" y1="{PAD - 10}" x2="{x0:.1f}" y2="{height - PAD}" stroke="#505a5f" />')
    for i, (label, est, low, high) in enumerate(rows):
        y = PAD + ROW_HEIGHT * i + ROW_HEIGHT / 2
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        out.append(
            f'<line x1="{slope * low + icpt:.1f}" y1="{y:.1f}" x2="{slope * high + icpt:.1f}" y2="{y:.1f}" '
            'stroke="#1d70b8" stroke-width="2" />'
        )
        out.append(
            f'<rect x="{slope * est + icpt - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#0b0c0c" />'
        )
    for t in _ticks(lo, hi):
        x = slope * t + icpt
        label = tick_label(float(t), lo, hi)
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="11">{label}</text>')
    out.append("</svg>")
    return "\n".join(out)


def histogram_counts(
    draws: NDArray[np.float64], bins: int = 30
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Bin edges and counts of the draws (the numbers the histogram and its data table show)."""
    counts, edges = np.histogram(draws, bins=bins)
    return edges, counts.astype(np.int64)


def histogram_svg(draws: NDArray[np.float64], title: str, chart_id: str, marker: float = 1.0) -> str:
    """A histogram of Monte Carlo draws with a line at ``marker`` (a return of one pound per pound)."""
    edges, counts = histogram_counts(draws)
    height = 220
    lo, hi = float(min(edges[0], marker)), float(max(edges[-1], marker))
    slope, icpt = _scale(lo, hi, PAD + 20, WIDTH - 20)
    top = max(int(counts.max()), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">Histogram of {len(draws):,} simulated returns per pound, from '
        f"{edges[0]:.2f} to {edges[-1]:.2f}; {float(np.mean(draws > marker)):.0%} exceed {marker:g}. "
        "The bin counts are in the table that follows.</desc>",
    ]
    base = height - PAD
    for left, right, count in zip(edges[:-1], edges[1:], counts, strict=True):
        bar = (base - 10) * count / top
        out.append(
            f'<rect x="{slope * left + icpt:.1f}" y="{base - bar:.1f}" '
            f'width="{max(slope * (right - left) - 1, 0.5):.1f}" height="{bar:.1f}" fill="#1d70b8" />'
        )
    xm = slope * marker + icpt
    out.append(f'<line x1="{xm:.1f}" y1="10" x2="{xm:.1f}" y2="{base}" stroke="#d4351c" stroke-width="2" />')
    for t in _ticks(lo, hi):
        label = tick_label(float(t), lo, hi)
        out.append(
            f'<text x="{slope * t + icpt:.1f}" y="{height - 8}" text-anchor="middle" font-size="11">{label}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
