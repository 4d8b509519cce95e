"""Small-number suppression for evaluators, including that totals and shares do not give a hidden count away
(the rules are in ``insight.suppression``)."""

from __future__ import annotations

from placewell.insight.mi import Figure
from placewell.insight.suppression import suppress_chart, suppress_figures
from placewell.insight.tables import Cell, Chart


def table(*counts: int) -> Chart:
    total = sum(counts)
    rows = [("Row " + "ABCD"[i], [Cell(n), Cell(n / total, "share", of=0)]) for i, n in enumerate(counts)]
    return Chart(
        "t",
        "T",
        "",
        ["Label", "People", "Share"],
        rows,
        additive=[0],
        total=[Cell(total), Cell(1.0, "share", of=0)],
    )


def shown(chart: Chart) -> list[str]:
    return [cells[0].text for _, cells in chart.rows]


def test_a_count_under_5_is_hidden_and_so_is_the_next_smallest() -> None:
    chart = suppress_chart(table(10, 3, 7, 0))
    assert shown(chart) == ["10", "fewer than 5", "fewer than 5", "0"]
    assert chart.total[0].text == "20"  # type: ignore[index]
    # The total less the counts shown does not give either hidden count: 20 - 10 - 0 = 10 = 3 + 7.
    assert chart.rows[1][1][1].suppressed and chart.rows[2][1][1].suppressed  # their shares too
    assert "3" not in chart.summary() and "7" not in chart.summary()


def test_two_small_counts_need_no_more_hiding() -> None:
    chart = suppress_chart(table(10, 3, 2, 8))
    assert shown(chart) == ["10", "fewer than 5", "fewer than 5", "8"]


def test_a_small_total_is_hidden() -> None:
    chart = suppress_chart(table(3, 0))
    assert chart.total[0].suppressed  # type: ignore[index]
    assert not chart.rows[1][1][0].suppressed  # a zero discloses nothing


def test_a_funnel_step_a_few_short_of_the_last_is_hidden() -> None:
    rows = [(s, [Cell(n)]) for s, n in (("Referred", 20), ("Eligible", 18), ("Agreed", 12), ("Engaged", 11))]
    chart = suppress_chart(Chart("f", "F", "", ["Step", "People"], rows, sequential=True))
    # 20 - 18 = 2 people would be revealed as not eligible; 12 - 11 = 1 as not engaged.
    assert [c[0].text for _, c in chart.rows] == ["20", "fewer than 5", "12", "fewer than 5"]


def test_means_resting_on_fewer_than_5_are_hidden() -> None:
    rows = [("SWEMWBS", [Cell(4), Cell(21.5, "number", base=4)])]
    chart = suppress_chart(Chart("s", "S", "", ["Measure", "People", "Mean"], rows))
    assert chart.rows[0][1][1].text == "based on fewer than 5"


def test_figures_resting_on_fewer_than_5_are_hidden() -> None:
    figs = [
        Figure("a", "A", 0.5, "share", "", 4),
        Figure("b", "B", 0.2, "share", "", 50, (("Too young", 3), ("No health condition", 6), ("Other", 9))),
    ]
    a, b = suppress_figures(figs)
    assert a.suppressed and a.display == "Fewer than 5"
    assert b.breakdown == (("Too young", None), ("No health condition", None), ("Other", 9))
