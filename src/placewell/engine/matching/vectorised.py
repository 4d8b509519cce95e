"""Ranking many vacancies for one participant, or many participants for one vacancy, with numpy.

Each rule of ``scoring.py`` is applied to whole columns at once; the scores are whole numbers, so the ranking
is identical to scoring one pair at a time (the property tests in ``tests/engine/matching`` check this on
random data, and ``benchmarks/bench_matching.py`` against a plain loop). Reasons in words are produced by
``scoring.score`` for the few rows a page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from placewell.engine.matching import scoring as s
from placewell.engine.matching.minimum_wage import age_on, minimum_rate
from placewell.engine.matching.model import (
    ADJUSTMENT_BITS,
    CONDITION_BITS,
    HOURS_BANDS,
    Profile,
    Vacancy,
    mask,
)
from placewell.engine.matching.text import place_key, postcode_area

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
NO_PLACE = -1  # a blank town or district
PAD = -2  # padding in per-profile lists; never equal to a place or a group
UNKNOWN = -3  # a place one side names that the other side's vocabulary has never seen


def _soc_major(code: str) -> int:
    return int(code[:1]) if code[:1].isdigit() else 0


def _soc_sub(code: str) -> int:
    return int(code[:2]) if len(code) >= 2 and code[:2].isdigit() else 0


class Places:
    """Numbers for place names, so that places compare as integers."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def add(self, key: str) -> int:
        if not key:
            return NO_PLACE
        return self.ids.setdefault(key, len(self.ids))

    def get(self, key: str) -> int:
        return self.ids.get(key, UNKNOWN) if key else NO_PLACE


@dataclass(frozen=True)
class Ranking:
    """Rows in ranked order: competitive first, then by score (highest first), then by id."""

    ids: IntArray
    scores: IntArray
    competitive: BoolArray

    def competitive_ids(self) -> list[int]:
        return [int(i) for i in self.ids[self.competitive]]

    def __len__(self) -> int:
        return int(self.ids.shape[0])


def _rank(ids: IntArray, scores: IntArray, competitive: BoolArray) -> Ranking:
    order = np.lexsort((ids, -scores, ~competitive))
    return Ranking(ids[order], scores[order], competitive[order])


@dataclass(frozen=True)
class VacancyTable:
    ids: IntArray
    major: IntArray
    sub: IntArray
    hours: FloatArray
    pence: IntArray
    town: IntArray
    district: IntArray
    area: IntArray
    home: BoolArray
    apprentice: BoolArray
    open_: BoolArray
    conditions: IntArray
    adjustments: IntArray
    places: Places

    @classmethod
    def build(cls, vacancies: Sequence[Vacancy]) -> VacancyTable:
        places = Places()

        def ints(values: list[int]) -> IntArray:
            return np.asarray(values, dtype=np.int64)

        def bools(values: list[bool]) -> BoolArray:
            return np.asarray(values, dtype=np.bool_)

        return cls(
            ids=ints([v.id for v in vacancies]),
            major=ints([_soc_major(v.soc) for v in vacancies]),
            sub=ints([_soc_sub(v.soc) for v in vacancies]),
            hours=np.asarray([v.hours for v in vacancies], dtype=np.float64),
            pence=ints([v.hourly_pence for v in vacancies]),
            town=ints([places.add(place_key(v.town)) for v in vacancies]),
            district=ints([places.add(place_key(v.postcode_district)) for v in vacancies]),
            area=ints([places.add(postcode_area(v.postcode_district)) for v in vacancies]),
            home=bools([v.home_based for v in vacancies]),
            apprentice=bools([v.apprenticeship for v in vacancies]),
            open_=bools([v.open_to_anyone for v in vacancies]),
            conditions=ints([mask(v.conditions, CONDITION_BITS) for v in vacancies]),
            adjustments=ints([mask(v.adjustments, ADJUSTMENT_BITS) for v in vacancies]),
            places=places,
        )


def _popcount(values: IntArray) -> IntArray:
    return np.bitwise_count(values).astype(np.int64)


def _hours_points(hours: FloatArray, band: str) -> IntArray:
    limits = HOURS_BANDS.get(band)
    if limits is None:
        return np.full(hours.shape, s.HOURS_OPEN, dtype=np.int64)
    low, high = limits
    fit = (hours >= low) & (hours < high)
    near = (hours >= low - s.NEAR_HOURS) & (hours < high + s.NEAR_HOURS)
    return np.where(fit, s.HOURS_FIT, np.where(near, s.HOURS_NEAR, 0)).astype(np.int64)


def score_vacancies(profile: Profile, table: VacancyTable, on: dt.date) -> tuple[IntArray, BoolArray]:
    """Scores and competitiveness of every vacancy in ``table`` for one participant."""
    majors = [int(c) for c in profile.job_types if len(c) == 1 and c.isdigit()]
    subs = [int(c) for c in profile.job_types if len(c) == 2 and c.isdigit()]
    if profile.job_types:
        exact = np.isin(table.sub, subs) | np.isin(table.major, majors)
        related = np.isin(table.major, [x // 10 for x in subs])
        job = np.where(exact, s.JOB_EXACT, np.where(related, s.JOB_RELATED, 0))
    else:
        job = np.full(table.ids.shape, s.JOB_OPEN)
    hours = _hours_points(table.hours, profile.hours)
    age = age_on(profile.date_of_birth, on) if profile.date_of_birth else None
    minimum = np.where(
        table.apprentice, minimum_rate(on, age, apprentice=True).pence, minimum_rate(on, age).pence
    )
    legal = table.pence >= minimum
    if profile.pay_expected_pence is None:
        pay = np.where(legal, s.PAY_OPEN, 0)
    else:
        pay = np.where(legal, np.where(table.pence >= profile.pay_expected_pence, s.PAY_FIT, s.PAY_LOWER), 0)
    areas = {place_key(a) for a in profile.travel_areas} - {""}
    if areas:
        exact_ids = [table.places.get(a) for a in areas]
        area_ids = [table.places.get(a) for a in areas | {postcode_area(a) for a in areas} - {""}]
        near = np.isin(table.town, exact_ids) | np.isin(table.district, exact_ids)
        same_area = (table.area >= 0) & np.isin(table.area, area_ids)
        place = np.where(table.home | near, s.PLACE_FIT, np.where(same_area, s.PLACE_AREA, 0))
    else:
        place = np.where(table.home, s.PLACE_FIT, s.PLACE_OPEN)
    avoid = _popcount(table.conditions & mask(profile.avoid, CONDITION_BITS)) * s.AVOID_PENALTY
    offered = _popcount(table.adjustments & mask(profile.needs, ADJUSTMENT_BITS)) * s.ADJUSTMENT_BONUS
    total = job + hours + pay + place + np.minimum(offered, s.ADJUSTMENT_MAX) - avoid
    return np.clip(total, 0, 100).astype(np.int64), legal & table.open_


def rank_vacancies(profile: Profile, table: VacancyTable, on: dt.date) -> Ranking:
    scores, competitive = score_vacancies(profile, table, on)
    return _rank(table.ids, scores, competitive)


def _padded(rows: list[list[int]]) -> IntArray:
    width = max((len(r) for r in rows), default=0) or 1
    out = np.full((len(rows), width), PAD, dtype=np.int64)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


@dataclass(frozen=True)
class ProfileTable:
    """Many participants' profiles as columns, for one day (the day fixes each person's legal minimum)."""

    ids: IntArray
    has_jobs: BoolArray
    majors: IntArray  # padded (n, k)
    subs: IntArray
    hours_low: FloatArray
    hours_high: FloatArray
    has_hours: BoolArray
    expected: IntArray  # -1 when not recorded
    has_areas: BoolArray
    exact_places: IntArray  # padded
    area_places: IntArray  # padded
    avoid: IntArray
    needs: IntArray
    minimum: IntArray
    minimum_apprentice: IntArray
    places: Places
    on: dt.date

    @classmethod
    def build(cls, profiles: Sequence[Profile], on: dt.date) -> ProfileTable:
        places = Places()
        majors, subs, exact, area = [], [], [], []
        low, high, has_hours, minimum, apprentice = [], [], [], [], []
        for p in profiles:
            majors.append([int(c) for c in p.job_types if len(c) == 1 and c.isdigit()])
            subs.append([int(c) for c in p.job_types if len(c) == 2 and c.isdigit()])
            keys = {place_key(a) for a in p.travel_areas} - {""}
            exact.append([places.add(k) for k in sorted(keys)])
            area.append([places.add(k) for k in sorted(keys | {postcode_area(k) for k in keys} - {""})])
            band = HOURS_BANDS.get(p.hours)
            has_hours.append(band is not None)
            low.append(band[0] if band else 0.0)
            high.append(band[1] if band else 0.0)
            age = age_on(p.date_of_birth, on) if p.date_of_birth else None
            minimum.append(minimum_rate(on, age).pence)
            apprentice.append(minimum_rate(on, age, apprentice=True).pence)
        return cls(
            ids=np.asarray([p.id for p in profiles], dtype=np.int64),
            has_jobs=np.asarray([bool(p.job_types) for p in profiles], dtype=np.bool_),
            majors=_padded(majors),
            subs=_padded(subs),
            hours_low=np.asarray(low, dtype=np.float64),
            hours_high=np.asarray(high, dtype=np.float64),
            has_hours=np.asarray(has_hours, dtype=np.bool_),
            expected=np.asarray(
                [-1 if p.pay_expected_pence is None else p.pay_expected_pence for p in profiles],
                dtype=np.int64,
            ),
            has_areas=np.asarray([bool(e) for e in exact], dtype=np.bool_),
            exact_places=_padded(exact),
            area_places=_padded(area),
            avoid=np.asarray([mask(p.avoid, CONDITION_BITS) for p in profiles], dtype=np.int64),
            needs=np.asarray([mask(p.needs, ADJUSTMENT_BITS) for p in profiles], dtype=np.int64),
            minimum=np.asarray(minimum, dtype=np.int64),
            minimum_apprentice=np.asarray(apprentice, dtype=np.int64),
            places=places,
            on=on,
        )


def score_profiles(vacancy: Vacancy, table: ProfileTable) -> tuple[IntArray, BoolArray]:
    """Scores and competitiveness of one vacancy for every participant in ``table``."""
    major, sub = _soc_major(vacancy.soc), _soc_sub(vacancy.soc)
    exact = (table.subs == sub).any(axis=1) | (table.majors == major).any(axis=1)
    related = ((table.subs >= 0) & (table.subs // 10 == major)).any(axis=1)
    job = np.where(
        table.has_jobs, np.where(exact, s.JOB_EXACT, np.where(related, s.JOB_RELATED, 0)), s.JOB_OPEN
    )
    h = vacancy.hours
    fit = (table.hours_low <= h) & (h < table.hours_high)
    near = (table.hours_low - s.NEAR_HOURS <= h) & (h < table.hours_high + s.NEAR_HOURS)
    hours = np.where(
        table.has_hours, np.where(fit, s.HOURS_FIT, np.where(near, s.HOURS_NEAR, 0)), s.HOURS_OPEN
    )
    minimum = table.minimum_apprentice if vacancy.apprenticeship else table.minimum
    legal = vacancy.hourly_pence >= minimum
    expected = np.where(
        table.expected < 0,
        s.PAY_OPEN,
        np.where(vacancy.hourly_pence >= table.expected, s.PAY_FIT, s.PAY_LOWER),
    )
    pay = np.where(legal, expected, 0)
    town = table.places.get(place_key(vacancy.town))
    district = table.places.get(place_key(vacancy.postcode_district))
    area = table.places.get(postcode_area(vacancy.postcode_district))
    in_reach = ((table.exact_places == town) & (town >= 0)).any(axis=1) | (
        (table.exact_places == district) & (district >= 0)
    ).any(axis=1)
    same_area = ((table.area_places == area) & (area >= 0)).any(axis=1)
    if vacancy.home_based:
        place = np.full(table.ids.shape, s.PLACE_FIT)
    else:
        place = np.where(
            table.has_areas,
            np.where(in_reach, s.PLACE_FIT, np.where(same_area, s.PLACE_AREA, 0)),
            s.PLACE_OPEN,
        )
    avoid = _popcount(table.avoid & mask(vacancy.conditions, CONDITION_BITS)) * s.AVOID_PENALTY
    offered = _popcount(table.needs & mask(vacancy.adjustments, ADJUSTMENT_BITS)) * s.ADJUSTMENT_BONUS
    total = job + hours + pay + place + np.minimum(offered, s.ADJUSTMENT_MAX) - avoid
    return np.clip(total, 0, 100).astype(np.int64), legal & vacancy.open_to_anyone


def rank_participants(vacancy: Vacancy, table: ProfileTable) -> Ranking:
    scores, competitive = score_profiles(vacancy, table)
    return _rank(table.ids, scores, competitive)
