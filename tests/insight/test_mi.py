"""Each MI evidence figure against the hand-worked example in ``conftest.py`` (time frozen at 10 April 2027).

Expected values are worked out by hand from the example's records; the working is in each test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from placewell.casework.dates import support_dates
from placewell.engine.fidelity import suggest_all
from placewell.insight import mi, queries
from placewell.insight.scope import Period, Scope
from placewell.participants.erasure import ErasureReason
from tests.insight.conftest import END, START


@pytest.fixture
def figures(world, handmade):  # type: ignore[no-untyped-def]
    return {f.key: f for f in mi.evidence(world.service, START, END)}


def test_caseload_per_full_time_specialist(figures) -> None:  # type: ignore[no-untyped-def]
    # Open at the end of 7, 14, 21 and 28 March: 1, 2, 3, 3 -> mean 2.25; 3 full-time specialists -> 0.75.
    f = figures["average_caseload_per_fte"]
    assert f.value == pytest.approx(0.75)


def test_face_to_face_employer_contacts_per_specialist_week(figures) -> None:  # type: ignore[no-untyped-def]
    # One face-to-face contact on someone's behalf; 3 FTE over 4 weeks -> 1 / 12.
    f = figures["employer_contacts_per_specialist_per_week"]
    assert (f.value, f.n) == (pytest.approx(1 / 12), 1)


def test_median_days_to_first_employer_contact(figures) -> None:  # type: ignore[no-untyped-def]
    # p1: support from 1 March, first face-to-face employer contact 10 March -> 9 days.
    f = figures["median_days_to_first_employer_contact"]
    assert (f.value, f.n) == (pytest.approx(9), 1)


def test_share_of_contacts_in_community(figures) -> None:  # type: ignore[no-untyped-def]
    # Participant contacts: community and home count (2 of 4); employer contacts: the face-to-face one (1 of
    # 2) -> 3 of 6.
    f = figures["share_of_contacts_in_community"]
    assert (f.value, f.n) == (pytest.approx(0.5), 6)


def test_diversity_and_competitive_share(figures) -> None:  # type: ignore[no-untyped-def]
    # Two job starts, both SOC 92, both with Greenway Garden Centre, both at £15 an hour.
    assert figures["share_of_distinct_job_types"].value == pytest.approx(0.5)
    assert figures["share_of_distinct_employers"].value == pytest.approx(0.5)
    assert figures["share_of_jobs_competitive"].value == pytest.approx(1.0)
    assert figures["share_of_jobs_competitive"].n == 2


def test_in_work_support_months(figures) -> None:  # type: ignore[no-untyped-def]
    # p1: job from 15 March, in-work support contact 25 March -> 10 days = 10 / 30.4375 months.
    f = figures["median_months_of_in_work_support"]
    assert (f.value, f.n) == (pytest.approx(10 / 30.4375), 1)


def test_reengaged_after_missed_contact(figures) -> None:  # type: ignore[no-untyped-def]
    # p1: 3 March then 25 March (22 days) -> a gap whose 14th day (17 March) is in the period, back within 30
    # days. p2: 9 March and nothing since -> a gap from 23 March, not back. 1 of 2.
    f = figures["share_reengaged_after_missed_contact"]
    assert (f.value, f.n) == (pytest.approx(0.5), 2)


def test_screened_out_share_with_reasons(figures) -> None:  # type: ignore[no-untyped-def]
    # Five people first referred in March; p5 screened out.
    f = figures["share_of_referrals_screened_out"]
    assert (f.value, f.n) == (pytest.approx(0.2), 5)
    assert len(f.breakdown) == 1 and f.breakdown[0][1] == 1


def test_referral_to_first_meeting(figures) -> None:  # type: ignore[no-untyped-def]
    # p1: referred 1 March, first contact 2 March; p2: 8 and 9 March -> median 1 day over 2 people.
    f = figures["median_days_referral_to_first_meeting"]
    assert (f.value, f.n) == (pytest.approx(1), 2)


def test_employment_rate_and_sustainment(figures) -> None:  # type: ignore[no-untyped-def]
    # Out of work and supported: p1, p2, p3; p1 and p3 started jobs -> 2 of 3. No job is 13 weeks old by
    # 28 March, so the sustainment rate has nothing to rest on.
    assert figures["job_outcome_rate"].value == pytest.approx(2 / 3)
    assert (figures["job_sustainment_rate"].value, figures["job_sustainment_rate"].n) == (None, 0)


def test_keys_are_the_fidelity_engine_figures(figures) -> None:  # type: ignore[no-untyped-def]
    suggestions = suggest_all("ips25", mi.as_figures(figures.values()))
    assert suggestions["caseload_size"].score == 5  # 0.75 per FTE is well under 20
    every = {f for s in ("ips25", "seqf") for f in _figure_names(s)}
    assert every - set(figures) <= {"share_of_participants_satisfied"}


def _figure_names(scale: str) -> set[str]:
    from placewell.engine.fidelity import suggesters_for

    return {name for s in suggesters_for(scale).values() for name in s.figures}


def test_team_and_specialist_scopes(world, handmade) -> None:  # type: ignore[no-untyped-def]
    bob = {f.key: f for f in mi.evidence(world.service, START, END, specialist=world.bob)}
    assert bob["share_of_jobs_competitive"].n == 1  # p3's job only
    assert bob["employer_contacts_per_specialist_per_week"].n == 0
    south = {f.key: f for f in mi.evidence(world.service, START, END, team=world.south)}
    assert south["share_of_referrals_screened_out"].n == 0


def test_erased_records_are_not_counted(world, handmade, frozen) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services as ps

    ps.erase(
        by=world.mandy,
        participant=handmade.p5,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    f = {f.key: f for f in mi.evidence(world.service, START, END)}["share_of_referrals_screened_out"]
    assert (f.value, f.n) == (0, 4)


def test_support_starts_agree_with_casework_dates(world, handmade) -> None:  # type: ignore[no-untyped-def]
    """The SQL reading of support start dates matches ``casework.dates`` (the per-person reading)."""
    from placewell.participants.models import Participant

    ids = [handmade.p1.pk, handmade.p2.pk, handmade.p3.pk, handmade.p4.pk]
    by_casework = {pid: d.support_started for pid, d in support_dates(ids).items()}
    rows = Participant.objects.filter(pk__in=ids).annotate(s=queries.as_day(queries.support_started_at()))
    assert {p.pk: p.s for p in rows} == by_casework
    assert by_casework[handmade.p2.pk] == dt.date(2027, 3, 8)


def test_query_count_does_not_grow_with_participants(world, handmade, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(20):
        mi.evidence(world.service, START, END)
    assert queries.caseload_on(Scope(world.service), Period(START, END).week_ends()) == [1, 2, 3, 3]
