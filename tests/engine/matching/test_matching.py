"""Matching scores and their reasons on hand-built profiles and vacancies.

Points are those stated in ``placewell.engine.matching.scoring`` (the rules are the specification); minimum
wage figures are the confirmed GOV.UK April 2025 rates (£12.21 for 21 and over).
"""

from __future__ import annotations

import datetime as dt

from placewell.engine.matching import Profile, Vacancy, VacancyTable, rank_vacancies, score

ON = dt.date(2025, 9, 1)
ROWAN = Profile(
    id=1,
    job_types=("91", "6"),  # elementary administration and service; any caring, leisure and other service job
    hours="16_to_29",
    pay_expected_pence=1250,
    travel_areas=("Leeds", "LS6"),
    avoid=frozenset({"night_shifts"}),
    needs=frozenset({"flexible_hours"}),
    date_of_birth=dt.date(1985, 3, 27),
)


def vacancy(**kw: object) -> Vacancy:
    values: dict[str, object] = {
        "id": 10,
        "soc": "92",
        "hours": 20.0,
        "hourly_pence": 1300,
        "town": "Leeds",
        "postcode_district": "LS1",
        "soc_title": "Elementary administration and service occupations",
    }
    values.update(kw)
    return Vacancy(**values)  # type: ignore[arg-type]


def test_a_good_fit_scores_full_marks_with_reasons() -> None:
    m = score(ROWAN, vacancy(soc="91", adjustments=frozenset({"flexible_hours"})), ON)
    assert m.competitive
    assert m.score == 100  # 40 + 20 + 20 + 20, plus 5 for the adjustment, kept to 100
    texts = " ".join(r.text for r in m.reasons)
    assert "a kind of job they want" in texts
    assert "fits the 16 to 29 hours a week they want" in texts
    assert "flexible hours, which they need" in texts


def test_same_group_and_near_hours_score_part_marks() -> None:
    m = score(ROWAN, vacancy(soc="92", hours=31.0), ON)
    parts = {r.part: r.points for r in m.reasons}
    assert parts["job"] == 20 and parts["hours"] == 10 and parts["pay"] == 20 and parts["place"] == 20
    assert m.score == 70


def test_below_the_legal_minimum_is_never_a_competitive_match() -> None:
    low = vacancy(id=11, soc="91", hourly_pence=1100)  # £11.00 < £12.21 (21 and over, April 2025)
    m = score(ROWAN, low, ON)
    assert not m.competitive
    pay = next(r for r in m.reasons if r.part == "pay")
    assert pay.points == 0 and pay.kind == "concern"
    assert "below the legal minimum" in pay.text and "£12.21" in pay.text and "not competitive" in pay.text
    weak = vacancy(id=12, soc="11", hours=40.0, town="York", postcode_district="YO1", hourly_pence=1221)
    assert score(ROWAN, weak, ON).score < m.score  # scores lower, yet ranks above it as competitive
    ranking = rank_vacancies(ROWAN, VacancyTable.build([low, weak]), ON)
    assert ranking.competitive_ids() == [12]
    assert [int(i) for i in ranking.ids] == [12, 11]


def test_outside_the_travel_area() -> None:
    m = score(ROWAN, vacancy(town="York", postcode_district="YO1"), ON)
    place = next(r for r in m.reasons if r.part == "place")
    assert place.points == 0 and "outside where they can travel (LS6, Leeds)" in place.text
    same_area = score(ROWAN, vacancy(town="Horsforth", postcode_district="LS18"), ON)
    assert next(r for r in same_area.reasons if r.part == "place").points == 10
    home = score(ROWAN, vacancy(town="York", postcode_district="YO1", home_based=True), ON)
    assert next(r for r in home.reasons if r.part == "place").points == 20


def test_things_to_avoid_cost_points_and_say_why() -> None:
    m = score(ROWAN, vacancy(soc="91", conditions=frozenset({"night_shifts", "driving"})), ON)
    avoid = [r for r in m.reasons if r.part == "avoid"]
    assert [r.text for r in avoid] == ["Involves night shifts, which they want to avoid"]
    assert m.score == 80


def test_set_aside_jobs_are_not_competitive() -> None:
    m = score(ROWAN, vacancy(open_to_anyone=False), ON)
    assert not m.competitive and any("not open to anyone" in r.text for r in m.reasons)


def test_age_decides_the_minimum() -> None:
    young = Profile(id=2, date_of_birth=dt.date(2006, 1, 1))  # 19 on ON: 18 to 20 rate, £10.00
    assert score(young, vacancy(hourly_pence=1000), ON).competitive
    assert not score(young, vacancy(hourly_pence=999), ON).competitive
    assert not score(ROWAN, vacancy(hourly_pence=1220), ON).competitive
    assert score(ROWAN, vacancy(hourly_pence=755, apprenticeship=True), ON).competitive


def test_an_empty_profile_is_neutral_not_zero() -> None:
    m = score(Profile(id=3), vacancy(), ON)
    assert m.competitive and m.score == 20 + 15 + 15 + 10
    assert all(r.kind == "neutral" for r in m.reasons)
