"""Chart axes: round tick values inside the data's range, labelled without scientific notation."""

from __future__ import annotations

import pytest

from placewell.engine.evaluation.charts import _ticks, forest_svg, tick_label


@pytest.mark.parametrize(
    ("lo", "hi", "labels"),
    [
        # Worked by hand: span / 6 gives the raw step; the next of 1, 2, 2.5, 5 x 10^k is the step.
        (-1030.0, 950.0, ["-1,000", "-500", "0", "500"]),  # 330 -> 500
        (-4.3, 9.7, ["-2.5", "0", "2.5", "5.0", "7.5"]),  # 2.33 -> 2.5
        (0.5, 2.9, ["0.5", "1.0", "1.5", "2.0", "2.5"]),  # 0.4 -> 0.5
        (-0.11, 0.26, ["-0.1", "0", "0.1", "0.2"]),  # 0.062 -> 0.1
    ],
)
def test_ticks_are_round_and_inside_the_range(lo: float, hi: float, labels: list[str]) -> None:
    ticks = _ticks(lo, hi)
    assert all(lo <= t <= hi for t in ticks)
    assert [tick_label(float(t), lo, hi) for t in ticks] == labels


def test_the_forest_plot_labels_its_axis_in_plain_numbers() -> None:
    svg = forest_svg([("Group A", -34.0, -926.0, 858.0)], "Earnings", "pounds", "f1")
    assert "e+" not in svg and ">500</text>" in svg and ">-500</text>" in svg
