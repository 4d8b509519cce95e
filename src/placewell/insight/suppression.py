"""Small-number suppression for evaluators: counts from 1 to 4 are shown as "fewer than 5".

Evaluators see aggregates only (``accounts.policy``, evaluator role). A count under 5 could identify a person,
so it is suppressed (primary suppression), and so is everything that would let it be worked out again:

- **Complementary suppression within a table.** Where a column's rows add up to a total that is shown, one
  suppressed cell could be recovered by subtracting the others from the total, so the next smallest cell of
  that column is suppressed too (and if there is none, the total). A total under 5 is itself suppressed.
- **Shares and means** computed from a suppressed count, or resting on fewer than 5 people, are suppressed.
- **Funnels**, where each stage is a subset of the one before: a stage is also suppressed when it differs by
  1 to 4 from the last stage shown, since the difference would itself be a small number.

Zeros are shown: "none" discloses nothing about a person. This follows the Office for National Statistics'
disclosure control practice and NHS England's small-number suppression rules for published statistics
(cells under 5 suppressed, with secondary suppression so they cannot be derived from totals).
"""

from __future__ import annotations

from placewell.insight.tables import SMALL, Cell, Chart


def _small(cell: Cell) -> bool:
    return cell.kind == "count" and isinstance(cell.value, int) and 0 < cell.value < SMALL


def suppress_chart(chart: Chart) -> Chart:
    """Suppress ``chart`` in place for an evaluator, and return it."""
    for _label, cells in chart.all_rows():
        for cell in cells:
            if _small(cell):
                cell.suppressed = True
    for label_cell in chart.headline:
        if _small(label_cell[1]):
            label_cell[1].suppressed = True
    _complementary(chart)
    if chart.sequential:
        _sequential(chart)
    _dependents(chart)
    return chart


def _complementary(chart: Chart) -> None:
    if chart.total is None:
        return
    for col in chart.additive:
        total = chart.total[col]
        cells = [cells[col] for _, cells in chart.rows]
        hidden = [c for c in cells if c.suppressed]
        if total.suppressed or len(hidden) != 1:
            continue
        candidates = sorted(
            (c for c in cells if not c.suppressed and isinstance(c.value, int) and c.value > 0),
            key=lambda c: c.value,  # type: ignore[arg-type, return-value]
        )
        if candidates:
            candidates[0].suppressed = True
        else:
            total.suppressed = True


def _sequential(chart: Chart) -> None:
    for col in range(len(chart.rows[0][1]) if chart.rows else 0):
        shown: int | None = None
        for _, cells in chart.rows:
            cell = cells[col]
            if cell.kind != "count" or not isinstance(cell.value, int):
                break
            if cell.suppressed:
                continue
            if shown is not None and 0 < shown - cell.value < SMALL:
                cell.suppressed = True
                continue
            shown = cell.value


def _dependents(chart: Chart) -> None:
    for _, cells in chart.all_rows():
        for cell in cells:
            if cell.of is not None and cells[cell.of].suppressed:
                cell.suppressed = True
            if cell.base is not None and 0 < cell.base < SMALL:
                cell.suppressed = True
                cell.hidden_reason = "based on fewer than 5"
    for _, cell in chart.headline:
        if cell.base is not None and 0 < cell.base < SMALL:
            cell.suppressed = True
            cell.hidden_reason = "based on fewer than 5"


def suppress_figures(figures: list) -> list:  # type: ignore[type-arg]
    """MI evidence figures for an evaluator: a figure resting on fewer than 5 is suppressed, and so is any
    reason count under 5 (with the next smallest, so the reasons cannot be recovered from the total)."""
    from dataclasses import replace

    out = []
    for f in figures:
        if 0 < f.n < SMALL:
            out.append(replace(f, suppressed=True, breakdown=()))
            continue
        if f.breakdown:
            small = [i for i, (_, n) in enumerate(f.breakdown) if 0 < n < SMALL]
            rows: list[tuple[str, int | None]] = [
                (label, None if i in small else n) for i, (label, n) in enumerate(f.breakdown)
            ]
            if len(small) == 1:
                others = sorted((n, i) for i, (_, n) in enumerate(rows) if n)
                if others:
                    rows[others[0][1]] = (rows[others[0][1]][0], None)
            f = replace(f, breakdown=tuple(rows))
        out.append(f)
    return out
