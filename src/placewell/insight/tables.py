"""The shape of a dashboard chart: a table of cells that the page draws, tabulates and exports alike, so the
picture, the table beside it and the CSV always show the same (suppressed) figures."""

from __future__ import annotations

from dataclasses import dataclass, field

SMALL = 5  # counts under 5 are suppressed for evaluators (ONS and NHS Digital small-number practice)
SUPPRESSED_TEXT = "fewer than 5"


@dataclass
class Cell:
    value: float | int | str | None
    kind: str = "count"  # count, share (0 to 1), number, days, text
    of: int | None = None  # a share: the column of the count it is a share of, in the same row
    base: int | None = None  # a mean or share: how many it rests on
    suppressed: bool = False
    hidden_reason: str = ""

    @property
    def plottable(self) -> float | None:
        if self.suppressed or self.value is None or isinstance(self.value, str):
            return None
        return float(self.value)

    @property
    def text(self) -> str:
        if self.suppressed:
            return self.hidden_reason or SUPPRESSED_TEXT
        v = self.value
        if v is None:
            return "none" if self.kind == "count" else "no data"
        if self.kind == "share":
            return f"{float(v) * 100:.0f}%"
        if self.kind == "count":
            return f"{int(v):,}"
        if self.kind in {"number", "days"}:
            return f"{float(v):.1f}"
        return str(v)

    @property
    def csv(self) -> str:
        if self.suppressed:
            return self.hidden_reason or SUPPRESSED_TEXT
        v = self.value
        if v is None:
            return ""
        if self.kind == "share":
            return f"{float(v):.4f}"
        if self.kind in {"number", "days"}:
            return f"{float(v):.2f}"
        return str(v)


@dataclass
class Chart:
    key: str
    title: str
    definition: str
    columns: list[str]  # the first names the row labels
    rows: list[tuple[str, list[Cell]]]
    kind: str = "hbar"  # hbar (categories), columns (stacked, over time), line (over time)
    plot: list[int] = field(default_factory=lambda: [0])  # which value columns are drawn
    additive: list[int] = field(default_factory=list)  # value columns whose rows add up to the total row
    total: list[Cell] | None = None
    sequential: bool = False  # each row is a subset of the one before (a funnel)
    headline: list[tuple[str, Cell]] = field(default_factory=list)  # key figures shown above the chart
    axis: str = ""  # what the plotted values are, for the axis and the text alternative

    def all_rows(self) -> list[tuple[str, list[Cell]]]:
        return self.rows + ([("Total", self.total)] if self.total is not None else [])

    @property
    def is_empty(self) -> bool:
        return not any(c.plottable for _, cells in self.rows for c in (cells[i] for i in self.plot))

    def summary(self) -> str:
        """The text alternative: every plotted value in words."""
        if not self.rows:
            return f"{self.title}: no data for this period."
        names = [self.columns[i + 1] for i in self.plot]
        parts = []
        for label, cells in self.rows:
            values = ", ".join(
                f"{name} {cells[i].text}" if len(names) > 1 else cells[i].text
                for name, i in zip(names, self.plot, strict=True)
            )
            parts.append(f"{label}: {values}")
        return f"{self.title}. " + "; ".join(parts) + "."
