"""Geometry for the comparison charts, computed here so templates only place SVG elements.

Pages run under a content security policy with no inline scripts or styles, so charts are plain SVG with
presentation attributes and classes (``static/fidelity/fidelity.css``). Every chart has a title and a text
description (``role="img"``, ``aria-labelledby``) and a data table beside it, and no chart uses colour alone:
points are labelled with their values and band names are written on the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from placewell.engine.fidelity import Scale

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 110, 16, 40


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: int
    band: str

    @property
    def value_y(self) -> float:
        return round(self.y - 10, 1)


@dataclass(frozen=True)
class BandArea:
    y: float
    height: float
    label: str
    css: str
    label_y: float


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class TotalsChart:
    width: int
    height: int
    left: int
    right_edge: int
    top: int
    bottom_edge: int
    points: tuple[Point, ...]
    polyline: str
    bands: tuple[BandArea, ...]
    ticks: tuple[Tick, ...]
    description: str

    @property
    def plot_width(self) -> int:
        return self.right_edge - self.left

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def band_label_x(self) -> int:
        return self.right_edge + 6

    @property
    def date_y(self) -> int:
        return self.bottom_edge + 20


def totals_chart(scale: Scale, rows: Sequence[tuple[str, int, str]]) -> TotalsChart:
    """A line of review totals over time on the scale's band areas. ``rows``: (date label, total, band)."""
    low, high = scale.total_range
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(total: float) -> float:
        return round(TOP + plot_h * (high - total) / (high - low), 1)

    n = len(rows)
    points = tuple(
        Point(round(LEFT + (plot_w * (i + 0.5) / n), 1), y_of(total), label, total, band)
        for i, (label, total, band) in enumerate(rows)
    )
    bands = tuple(
        BandArea(
            y_of(band.high + 0.5 if band.high < high else high),
            round(y_of(max(band.low - 0.5, low)) - y_of(band.high + 0.5 if band.high < high else high), 1),
            band.label,
            f"pw-band-{i}",
            round((y_of(band.high) + y_of(band.low)) / 2 + 4, 1),
        )
        for i, band in enumerate(sorted(scale.bands, key=lambda b: -b.high))
    )
    ticks = tuple(Tick(y_of(v), str(v)) for v in sorted({low, high, *(b.low for b in scale.bands)}))
    if rows:
        trend = ", ".join(f"{label}: {total} ({band})" for label, total, band in rows)
        description = f"Total {scale.title} score at each review, out of {high}. {trend}."
    else:
        description = "No completed reviews yet."
    return TotalsChart(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        points,
        " ".join(f"{p.x},{p.y}" for p in points),
        bands,
        ticks,
        description,
    )


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    score: int | None
    css: str

    @property
    def text_x(self) -> float:
        return self.x + 16


@dataclass(frozen=True)
class ItemRow:
    y: float
    label: str
    cells: tuple[Cell, ...]

    @property
    def text_y(self) -> float:
        return self.y + 21


@dataclass(frozen=True)
class ItemsChart:
    width: int
    height: int
    cell: int
    label_width: int
    columns: tuple[tuple[float, str], ...]
    rows: tuple[ItemRow, ...]
    description: str

    @property
    def label_x(self) -> int:
        return self.label_width - 8

    @property
    def size(self) -> int:
        return self.cell - 2


def items_chart(scale: Scale, dates: Sequence[str], scores: Sequence[dict[str, int]]) -> ItemsChart:
    """A grid of item scores: one row per item, one column per review, each square shaded and numbered."""
    cell, label_width, header = 34, 300, 28
    rows = []
    for r, item in enumerate(scale.items):
        y = header + r * cell
        cells = tuple(
            Cell(label_width + c * cell, y, s.get(item.key), f"pw-score-{s.get(item.key, 0)}")
            for c, s in enumerate(scores)
        )
        rows.append(ItemRow(y, f"{item.number}. {item.name}", cells))
    columns = tuple((label_width + c * cell + cell / 2, label) for c, label in enumerate(dates))
    changes = []
    if len(scores) >= 2:
        first, last = scores[0], scores[-1]
        up = [i.name for i in scale.items if last.get(i.key, 0) > first.get(i.key, 0)]
        down = [i.name for i in scale.items if last.get(i.key, 0) < first.get(i.key, 0)]
        changes.append(f"From the first to the latest review, {len(up)} items rose and {len(down)} fell.")
        if down:
            changes.append(f"Fell: {', '.join(down)}.")
    description = (
        f"Each item's agreed score (1 to 5) at each of {len(scores)} reviews; darker squares are higher scores "
        f"and each square shows its score. {' '.join(changes)}"
    ).strip()
    return ItemsChart(
        label_width + max(len(scores), 1) * cell + 8,
        header + len(scale.items) * cell + 4,
        cell,
        label_width,
        columns,
        tuple(rows),
        description,
    )
