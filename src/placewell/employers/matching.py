"""Glue between the Django records and ``engine.matching``: profiles and vacancies as the engine reads them,
and the two rankings the pages show (vacancies for a participant, participants of a team for a vacancy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from placewell.casework import soc
from placewell.casework.models import ProfileVersion
from placewell.employers.choices import VacancyStatus
from placewell.employers.models import Match as MatchRecord
from placewell.employers.models import Vacancy
from placewell.engine import matching as engine
from placewell.participants.models import Participant, Status

SHOWN = 20  # rows a ranked list shows


def profile_of(participant: Participant, version: ProfileVersion | None) -> engine.Profile:
    if version is None:
        return engine.Profile(id=participant.pk, date_of_birth=participant.date_of_birth)
    return engine.Profile(
        id=participant.pk,
        job_types=tuple(version.job_types or ()),
        hours=version.hours_wanted or "",
        pay_expected_pence=engine.pay_expected_pence(version.pay_expectation),
        travel_areas=tuple(version.travel_areas or ()),
        avoid=engine.conditions_in(version.avoid),
        needs=engine.adjustments_in(version.health_at_work),
        date_of_birth=participant.date_of_birth,
    )


def vacancy_of(v: Vacancy) -> engine.Vacancy:
    return engine.Vacancy(
        id=v.pk,
        soc=v.soc,
        hours=float(v.hours),
        hourly_pence=int(v.hourly_pay * 100),
        town=v.town,
        postcode_district=v.postcode_district,
        home_based=v.home_based,
        apprenticeship=v.apprenticeship,
        open_to_anyone=v.open_to_anyone,
        conditions=frozenset(v.conditions or ()),
        adjustments=frozenset(v.adjustments or ()),
        title=v.title,
        soc_title=soc.label(v.soc),
    )


def open_vacancies(service_id: int | None, today: dt.date) -> Q:
    return Q(employer__service_id=service_id, status=VacancyStatus.OPEN) & (
        Q(closing_on__isnull=True) | Q(closing_on__gte=today)
    )


@dataclass(frozen=True)
class Row:
    match: engine.Match
    obj: object  # the Vacancy or Participant shown


def vacancies_for(participant: Participant, today: dt.date | None = None) -> dict[str, object]:
    """Ranked open vacancies of the participant's service, with reasons for those shown; those the person said
    they are not interested in are listed apart, never silently dropped."""
    today = today or timezone.localdate()
    version = participant.profile_versions.order_by("-version").first()
    profile = profile_of(participant, version)
    rows = list(
        Vacancy.objects.filter(open_vacancies(participant.service_id, today)).select_related("employer")
    )
    decisions = {
        m.vacancy_id: m
        for m in MatchRecord.objects.filter(participant=participant).select_related("recorded_by")
    }
    declined = [v for v in rows if decisions.get(v.pk) and decisions[v.pk].status == "not_interested"]
    candidates = [v for v in rows if v not in declined]
    by_id = {v.pk: v for v in candidates}
    ranking = engine.rank_vacancies(
        profile, engine.VacancyTable.build([vacancy_of(v) for v in candidates]), today
    )
    competitive = [by_id[i] for i in ranking.competitive_ids()[:SHOWN]]
    below = [by_id[int(i)] for i, c in zip(ranking.ids, ranking.competitive, strict=True) if not c]
    return {
        "has_profile": version is not None,
        "ranked": [Row(engine.score(profile, vacancy_of(v), today), v) for v in competitive],
        "not_competitive": [Row(engine.score(profile, vacancy_of(v), today), v) for v in below[:SHOWN]],
        "declined": [(v, decisions[v.pk]) for v in declined],
        "decisions": decisions,
        "total": len(candidates),
    }


def participants_for(vacancy: Vacancy, scope: Q, today: dt.date | None = None) -> list[Row]:
    """Participants in ``scope`` receiving support, ranked for one vacancy (competitive matches only)."""
    today = today or timezone.localdate()
    latest = ProfileVersion.objects.filter(participant=OuterRef("pk")).order_by("-version").values("pk")[:1]
    people = list(
        Participant.objects.filter(scope, status__in=[Status.ACTIVE, Status.IN_WORK]).annotate(
            profile_id=Subquery(latest)
        )
    )
    versions = ProfileVersion.objects.in_bulk([p.profile_id for p in people if p.profile_id])
    declined = set(
        MatchRecord.objects.filter(vacancy=vacancy, status="not_interested").values_list(
            "participant_id", flat=True
        )
    )
    people = [p for p in people if p.pk not in declined]
    profiles = {p.pk: profile_of(p, versions.get(p.profile_id)) for p in people}
    by_id = {p.pk: p for p in people}
    target = vacancy_of(vacancy)
    ranking = engine.rank_participants(target, engine.ProfileTable.build(list(profiles.values()), today))
    return [
        Row(engine.score(profiles[i], target, today), by_id[i]) for i in ranking.competitive_ids()[:SHOWN]
    ]


def adult_minimum_check(vacancy: Vacancy, today: dt.date | None = None) -> tuple[bool, str]:
    """Whether a vacancy pays at least the adult legal minimum (National Living Wage), in words."""
    today = today or timezone.localdate()
    rate = engine.minimum_rate(today, None, apprentice=vacancy.apprenticeship)
    pence = int(vacancy.hourly_pay * 100)
    if pence >= rate.pence:
        return True, f"Pays {engine.pounds(pence)} an hour, at least {rate.describe()}"
    return False, (
        f"Pays {engine.pounds(pence)} an hour, below {rate.describe()}: not competitive employment for anyone "
        "that rate applies to, so it is never ranked as a competitive match for them"
    )


def declined_list(rows: Sequence[MatchRecord]) -> list[MatchRecord]:
    return [m for m in rows if m.status == "not_interested"]
