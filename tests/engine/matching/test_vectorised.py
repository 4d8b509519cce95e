"""The vectorised rankings give exactly the scores and order of scoring one pair at a time (property tests)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from placewell.engine.matching import (
    ADJUSTMENTS,
    CONDITIONS,
    Profile,
    ProfileTable,
    Vacancy,
    VacancyTable,
    rank_key,
    rank_participants,
    rank_vacancies,
    score,
)

PLACES = ["Leeds", "LS6", "LS1", "LS", "York", "YO1", "Bradford", "BD1", ""]
SOC = ["1", "11", "6", "61", "62", "9", "91", "92", "8", "81"]
HOURS = ["", "flexible", "under_16", "16_to_29", "30_plus"]
ON = dt.date(2025, 6, 1)

profiles = st.builds(
    Profile,
    id=st.integers(1, 10_000),
    job_types=st.lists(st.sampled_from(SOC), max_size=3).map(tuple),
    hours=st.sampled_from(HOURS),
    pay_expected_pence=st.one_of(st.none(), st.integers(500, 2500)),
    travel_areas=st.lists(st.sampled_from(PLACES), max_size=3).map(tuple),
    avoid=st.frozensets(st.sampled_from(sorted(CONDITIONS)), max_size=3),
    needs=st.frozensets(st.sampled_from(sorted(ADJUSTMENTS)), max_size=3),
    date_of_birth=st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2009, 1, 1))),
)
vacancies = st.builds(
    Vacancy,
    id=st.integers(1, 10_000),
    soc=st.sampled_from(SOC),
    hours=st.floats(1, 60).map(lambda h: round(h, 1)),
    hourly_pence=st.integers(600, 2500),
    town=st.sampled_from(PLACES),
    postcode_district=st.sampled_from(PLACES),
    home_based=st.booleans(),
    apprenticeship=st.booleans(),
    open_to_anyone=st.booleans(),
    conditions=st.frozensets(st.sampled_from(sorted(CONDITIONS)), max_size=3),
    adjustments=st.frozensets(st.sampled_from(sorted(ADJUSTMENTS)), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(profile=profiles, rows=st.lists(vacancies, min_size=1, max_size=25, unique_by=lambda v: v.id))
def test_ranking_vacancies_matches_the_one_at_a_time_loop(profile: Profile, rows: list[Vacancy]) -> None:
    ranking = rank_vacancies(profile, VacancyTable.build(rows), ON)
    loop = sorted((score(profile, v, ON) for v in rows), key=rank_key)
    assert [int(i) for i in ranking.ids] == [m.vacancy_id for m in loop]
    assert [int(x) for x in ranking.scores] == [m.score for m in loop]
    assert [bool(c) for c in ranking.competitive] == [m.competitive for m in loop]


@settings(max_examples=150, deadline=None)
@given(vacancy=vacancies, rows=st.lists(profiles, min_size=1, max_size=25, unique_by=lambda p: p.id))
def test_ranking_participants_matches_the_one_at_a_time_loop(vacancy: Vacancy, rows: list[Profile]) -> None:
    ranking = rank_participants(vacancy, ProfileTable.build(rows, ON))
    loop = sorted(
        (score(p, vacancy, ON) for p in rows), key=lambda m: (not m.competitive, -m.score, m.participant_id)
    )
    assert [int(i) for i in ranking.ids] == [m.participant_id for m in loop]
    assert [int(x) for x in ranking.scores] == [m.score for m in loop]
