"""Figures that cannot be impossible: whatever the history, no duration or count in the MI evidence (and so in
a fidelity review's suggested scores) is negative, and every share lies between 0 and 1.

Histories are drawn by hypothesis and made through the real actions (referral, screening, agreement, support,
contacts, employer contacts on someone's behalf, a vocational profile, job starts), with their dates moved
about freely: an employer contact or a contact may be dated before support started or before the referral,
as happens when a record is entered late with its real date. That is how "-14 days from starting support to
first face-to-face employer contact" came about.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placewell.casework import services as cw
from placewell.employers import services as emp
from placewell.insight import mi, mi_jobs, queries
from placewell.insight.scope import Period, Scope
from placewell.placements import services as pl
from tests.casework.conftest import LONDON, at, supported

BASE = dt.date(2027, 2, 1)
TODAY = dt.date(2027, 5, 10)
PERIOD = Period(dt.date(2027, 1, 1), dt.date(2027, 5, 9))
SHARE_UNIT = "share"

person = st.fixed_dictionaries(
    {
        "start": st.integers(0, 60),  # support starts this many days after BASE (referred the same day)
        "contacts": st.lists(st.integers(-30, 40), max_size=3),  # days from support start
        "employer_contacts": st.lists(st.tuples(st.integers(-30, 40), st.booleans()), max_size=3),
        "profile": st.none() | st.integers(0, 30),
        "job": st.none() | st.integers(0, 40),
    }
)


def _make(world, history: list[dict]) -> None:  # type: ignore[no-untyped-def]
    employer = None
    for n, h in enumerate(history):
        started = BASE + dt.timedelta(days=h["start"])
        p = supported(world, started=started, given_name=f"Person{n}", employment_status="out_of_work")
        with time_machine.travel(at(TODAY, 12), tick=False):
            if employer is None:
                employer = emp.create_employer(
                    by=world.alice,
                    service=world.service,
                    name="Greenway Garden Centre",
                    sector="G",
                    size="small",
                    locations=[("Leeds", "LS6")],
                )
            for offset in h["contacts"]:
                cw.record_contact(
                    by=world.alice,
                    participant=p,
                    happened_at=at(started + dt.timedelta(days=offset)),
                    duration_minutes=30,
                    mode="face_to_face",
                    place="community",
                    purposes=["job_search"],
                )
            for offset, face_to_face in h["employer_contacts"]:
                emp.record_engagement(
                    by=world.alice,
                    employer=employer,
                    happened_on=started + dt.timedelta(days=offset),
                    face_to_face=face_to_face,
                    purpose="vacancy",
                    participants=[p],
                )
        if h["profile"] is not None:
            with time_machine.travel(at(started + dt.timedelta(days=h["profile"]), 11), tick=False):
                cw.save_profile(by=world.alice, participant=p, values={"job_goals": "Outdoor work"})
        if h["job"] is not None:
            with time_machine.travel(at(TODAY, 12), tick=False):
                pl.record_job_start(
                    by=world.alice,
                    participant=p,
                    job_title="Garden assistant",
                    soc_code="92",
                    started_on=started + dt.timedelta(days=h["job"]),
                    hours=20,
                    hourly_pay=15,
                    contract_type="permanent",
                    employer=employer,
                )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(person, min_size=1, max_size=3))
def test_no_figure_is_negative_and_every_share_is_a_proportion(world, history) -> None:  # type: ignore[no-untyped-def]
    saved = transaction.savepoint()
    try:
        _make(world, history)
        with time_machine.travel(dt.datetime(2027, 5, 10, 12, tzinfo=LONDON), tick=False):
            figures = mi.evidence(world.service, PERIOD.start, PERIOD.end)
            scope = Scope(world.service, None, None)
            durations = {
                "support to first employer contact": mi_jobs.support_to_first_employer_contact(scope, PERIOD),
                "engaged to first employer contact": mi_jobs.engaged_to_first_employer_contact(scope, PERIOD),
                "referral to first contact": queries.referral_to_first_contact(scope, PERIOD),
                "in-work support": mi_jobs.in_work_support(scope, PERIOD),
            }
        for figure in figures:
            assert figure.n >= 0, figure
            if figure.value is None:
                continue
            if figure.unit == SHARE_UNIT:
                assert 0 <= figure.value <= 1, figure
            else:
                assert figure.value >= 0, figure
        for name, days in durations.items():
            assert not np.any(days < 0), (name, days)
    finally:
        transaction.savepoint_rollback(saved)


def test_an_employer_contact_dated_before_support_started_does_not_make_a_negative_duration(world) -> None:  # type: ignore[no-untyped-def]
    """The case the review showed ("-14 days"): a face-to-face employer contact on someone's behalf dated 14
    days before their support started, and another 6 days after. The figure measures to the one after."""
    _make(
        world,
        [
            {
                "start": 20,
                "contacts": [],
                "employer_contacts": [(-14, True), (6, True)],
                "profile": None,
                "job": None,
            }
        ],
    )
    with time_machine.travel(dt.datetime(2027, 5, 10, 12, tzinfo=LONDON), tick=False):
        figures = {f.key: f for f in mi.evidence(world.service, PERIOD.start, PERIOD.end)}
    f = figures["median_days_to_first_employer_contact"]
    assert (f.value, f.n) == (pytest.approx(6), 1)


def test_a_contact_dated_before_the_referral_does_not_make_a_negative_duration(world) -> None:  # type: ignore[no-untyped-def]
    _make(
        world,
        [{"start": 20, "contacts": [-5, 3], "employer_contacts": [], "profile": None, "job": None}],
    )
    with time_machine.travel(dt.datetime(2027, 5, 10, 12, tzinfo=LONDON), tick=False):
        figures = {f.key: f for f in mi.evidence(world.service, PERIOD.start, PERIOD.end)}
    f = figures["median_days_referral_to_first_meeting"]
    assert (f.value, f.n) == (pytest.approx(3), 1)
