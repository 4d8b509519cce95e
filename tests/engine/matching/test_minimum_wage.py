"""Minimum wage lookup on the days rates change and for each age band.

Expected values are the GOV.UK rates for April 2024 and April 2025 (source: GOV.UK, "National Minimum Wage
and National Living Wage rates", https://www.gov.uk/national-minimum-wage-rates), the rows marked confirmed
in the table. Unconfirmed rows are never used as expectations here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from placewell.engine.matching import NoRateError, age_on, minimum_rate, rates

APRIL_2024 = {"21_and_over": 1144, "18_to_20": 860, "under_18": 640, "apprentice": 640}
APRIL_2025 = {"21_and_over": 1221, "18_to_20": 1000, "under_18": 755, "apprentice": 755}


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (21, "21_and_over"),
        (45, "21_and_over"),
        (20, "18_to_20"),
        (18, "18_to_20"),
        (17, "under_18"),
        (16, "under_18"),
    ],
)
def test_each_age_band_in_2024_and_2025(age: int, band: str) -> None:
    r24 = minimum_rate(dt.date(2024, 4, 1), age)
    r25 = minimum_rate(dt.date(2025, 4, 1), age)
    assert (r24.band, r24.pence, r24.confirmed) == (band, APRIL_2024[band], True)
    assert (r25.band, r25.pence, r25.confirmed) == (band, APRIL_2025[band], True)


def test_apprentice_rate() -> None:
    assert minimum_rate(dt.date(2024, 6, 1), 30, apprentice=True).pence == APRIL_2024["apprentice"]
    assert minimum_rate(dt.date(2025, 6, 1), 19, apprentice=True).pence == APRIL_2025["apprentice"]


def test_rates_change_on_1_april() -> None:
    assert minimum_rate(dt.date(2025, 3, 31), 30).pence == 1144  # the day before: April 2024 rate
    assert minimum_rate(dt.date(2025, 4, 1), 30).pence == 1221  # the day of the change
    assert minimum_rate(dt.date(2025, 3, 31), 19).pence == 860
    assert minimum_rate(dt.date(2025, 4, 1), 19).pence == 1000


def test_a_birthday_moves_the_band_on_the_day() -> None:
    born = dt.date(2004, 7, 15)
    assert age_on(born, dt.date(2025, 7, 14)) == 20
    assert minimum_rate(dt.date(2025, 7, 14), age_on(born, dt.date(2025, 7, 14))).pence == 1000
    assert minimum_rate(dt.date(2025, 7, 15), age_on(born, dt.date(2025, 7, 15))).pence == 1221


def test_unknown_age_gets_the_highest_band() -> None:
    assert minimum_rate(dt.date(2025, 5, 1), None).band == "21_and_over"


def test_the_table_names_its_source_and_marks_unconfirmed_rows() -> None:
    from placewell.engine.matching import SOURCE
    from placewell.engine.matching.minimum_wage import DATA

    assert "gov.uk/national-minimum-wage-rates" in SOURCE
    assert "gov.uk/national-minimum-wage-rates" in DATA.read_text()
    table = rates()
    assert {r.effective_from.year for r in table if r.confirmed} == {2024, 2025}
    assert any(not r.confirmed for r in table)
    # every effective date has exactly one apprentice row and age bands that do not overlap
    for day in {r.effective_from for r in table}:
        rows = [r for r in table if r.effective_from == day]
        assert sum(r.band == "apprentice" for r in rows) == 1
        ages = [a for r in rows if r.min_age is not None for a in range(r.min_age, (r.max_age or 120) + 1)]
        assert len(ages) == len(set(ages))


def test_before_the_table_starts() -> None:
    with pytest.raises(NoRateError):
        minimum_rate(dt.date(2010, 1, 1), 30)
