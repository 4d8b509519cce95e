"""The legal minimum hourly pay for a worker's age on a date: the UK National Minimum Wage and National
Living Wage.

The rates are data (``minimum_wage_uk.csv``), each row with the date it took effect, its age band and
whether it has been checked against the source: GOV.UK, "National Minimum Wage and National Living Wage
rates", https://www.gov.uk/national-minimum-wage-rates. Rates change on 1 April each year (in 2016 the
National Minimum Wage bands changed on 1 October as well). Age bands moved over time: the National Living
Wage was for those aged 25 and over from April 2016, 23 and over from April 2021 and 21 and over from April
2024. Pay is handled in whole pence so that comparisons are exact.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("minimum_wage_uk.csv")
SOURCE = 'GOV.UK, "National Minimum Wage and National Living Wage rates", https://www.gov.uk/national-minimum-wage-rates'

BAND_LABELS = {
    "25_and_over": "National Living Wage (25 and over)",
    "23_and_over": "National Living Wage (23 and over)",
    "21_and_over": "National Living Wage (21 and over)",
    "21_to_24": "National Minimum Wage, 21 to 24",
    "21_to_22": "National Minimum Wage, 21 to 22",
    "18_to_20": "National Minimum Wage, 18 to 20",
    "under_18": "National Minimum Wage, under 18",
    "apprentice": "National Minimum Wage, apprentice rate",
}


class NoRateError(LookupError):
    """The table has no rate for the date asked (before its first row)."""


@dataclass(frozen=True)
class Rate:
    effective_from: dt.date
    band: str
    min_age: int | None
    max_age: int | None
    pence: int
    confirmed: bool

    @property
    def label(self) -> str:
        return BAND_LABELS.get(self.band, self.band)

    @property
    def pounds(self) -> str:
        return f"£{self.pence // 100}.{self.pence % 100:02d}"

    def describe(self) -> str:
        """In words, for a reason: '£12.21 an hour (National Living Wage (21 and over), from 1 April 2025)'."""
        day = self.effective_from
        return f"{self.pounds} an hour ({self.label}, from {day.day} {day:%B %Y})"


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


@cache
def rates() -> tuple[Rate, ...]:
    """Every row of the table, oldest first."""
    with DATA.open(encoding="utf-8") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    out = [
        Rate(
            effective_from=dt.date.fromisoformat(r["effective_from"]),
            band=r["band"],
            min_age=_int(r["min_age"]),
            max_age=_int(r["max_age"]),
            pence=int(r["pence"]),
            confirmed=r["confirmed"].strip() == "yes",
        )
        for r in csv.DictReader(rows)
    ]
    return tuple(sorted(out, key=lambda r: (r.effective_from, r.band)))


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Age in whole years on a day (a birthday counts from the day itself; 29 February birthdays count from
    1 March in other years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def rates_on(on: dt.date) -> tuple[Rate, ...]:
    """The rates in force on a day: the rows of the latest effective date on or before it."""
    table = rates()
    dates = [r.effective_from for r in table if r.effective_from <= on]
    if not dates:
        raise NoRateError(f"No minimum wage rate is recorded for {on.isoformat()}")
    latest = max(dates)
    return tuple(r for r in table if r.effective_from == latest)


def minimum_rate(on: dt.date, age: int | None, *, apprentice: bool = False) -> Rate:
    """The legal minimum for a worker of ``age`` on ``on``.

    ``age`` None (date of birth not known) gives the highest band, the National Living Wage: the safe
    assumption when checking that a job pays at least the minimum. ``apprentice`` gives the apprentice rate
    (a new apprentice is in the first year of their apprenticeship, so it applies at any age).
    """
    current = rates_on(on)
    if apprentice:
        return next(r for r in current if r.band == "apprentice")
    banded = [r for r in current if r.min_age is not None]
    if age is None:
        return max(banded, key=lambda r: r.pence)
    for r in banded:
        if r.min_age is not None and r.min_age <= age and (r.max_age is None or age <= r.max_age):
            return r
    return min(banded, key=lambda r: r.pence)
