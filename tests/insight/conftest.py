"""A small service with figures that can be worked out by hand, made through the real actions.

Period: 1 to 28 March 2027 (4 weeks). Time is frozen at 10 April 2027. North team: alice and bob; South:
charlie; every specialist full time, so the service has 3 full-time equivalents.

- p1 (alice) starts support 1 March; contacts 2 March (face to face, community, 30 min), 3 March (phone, 10
  min) and 25 March (face to face, home, 45 min, in-work support); a face-to-face employer contact on their
  behalf 10 March; a job start 15 March.
- p2 (alice) starts support 8 March; one contact 9 March (face to face, office, 60 min).
- p3 (bob) starts support 15 March; a job start 20 March with the same employer.
- p4 referred 20 March by a GP, not yet screened; p5 referred 5 March (self-referral), screened out.
- One employer phone call on 11 March on nobody's behalf.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from placewell.casework import services as cw
from placewell.employers import services as emp
from placewell.participants import services as ps
from placewell.participants.models import EligibilityRuleSet, Participant
from placewell.placements import services as pl
from tests.casework.conftest import LONDON, at, supported
from tests.conftest import refer

START, END = dt.date(2027, 3, 1), dt.date(2027, 3, 28)
TODAY = dt.datetime(2027, 4, 10, 12, 0, tzinfo=LONDON)


@dataclass
class Service:
    p1: Participant
    p2: Participant
    p3: Participant
    p4: Participant
    p5: Participant


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(TODAY, tick=False):
        yield


def build(world) -> Service:  # type: ignore[no-untyped-def]
    out = "out_of_work"
    p1 = supported(world, started=dt.date(2027, 3, 1), employment_status=out)
    p2 = supported(world, started=dt.date(2027, 3, 8), employment_status=out)
    p3 = supported(world, started=dt.date(2027, 3, 15), specialist=world.bob, employment_status=out)
    with time_machine.travel(at(dt.date(2027, 3, 20)), tick=False):
        p4 = refer(world, given_name="Four", nhs_number="", referral_date=dt.date(2027, 3, 20))
    with time_machine.travel(at(dt.date(2027, 3, 5)), tick=False):
        p5 = refer(world, given_name="Five", nhs_number="", referral_date=dt.date(2027, 3, 5), source="self")
        rule_set = EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")
        questions = list(rule_set.questions.all())
        answers = {q.key: q.qualifying_answer for q in questions}
        answers[questions[0].key] = not questions[0].qualifying_answer
        ps.screen_participant(by=world.alice, participant=p5, rule_set=rule_set, answers=answers)
    with time_machine.travel(TODAY, tick=False):
        a = world.alice
        cw.record_contact(
            by=a,
            participant=p1,
            happened_at=at(dt.date(2027, 3, 2)),
            duration_minutes=30,
            mode="face_to_face",
            place="community",
            purposes=["profiling"],
        )
        cw.record_contact(
            by=a,
            participant=p1,
            happened_at=at(dt.date(2027, 3, 3)),
            duration_minutes=10,
            mode="phone",
            place="remote",
            purposes=["job_search"],
        )
        cw.record_contact(
            by=a,
            participant=p1,
            happened_at=at(dt.date(2027, 3, 25)),
            duration_minutes=45,
            mode="face_to_face",
            place="home",
            purposes=["in_work"],
        )
        cw.record_contact(
            by=a,
            participant=p2,
            happened_at=at(dt.date(2027, 3, 9)),
            duration_minutes=60,
            mode="face_to_face",
            place="office",
            purposes=["profiling"],
        )
        employer = emp.create_employer(
            by=a,
            service=world.service,
            name="Greenway Garden Centre",
            sector="G",
            size="small",
            locations=[("Leeds", "LS6")],
        )
        emp.record_engagement(
            by=a,
            employer=employer,
            happened_on=dt.date(2027, 3, 10),
            face_to_face=True,
            purpose="vacancy",
            participants=[p1],
        )
        emp.record_engagement(
            by=a,
            employer=employer,
            happened_on=dt.date(2027, 3, 11),
            face_to_face=False,
            purpose="relationship",
        )
        for p, day, by in ((p1, dt.date(2027, 3, 15), a), (p3, dt.date(2027, 3, 20), world.bob)):
            pl.record_job_start(
                by=by,
                participant=p,
                job_title="Garden assistant",
                soc_code="92",
                started_on=day,
                hours=20,
                hourly_pay=15,
                contract_type="permanent",
                employer=employer,
            )
    for p in (p1, p2, p3, p4, p5):
        p.refresh_from_db()
    return Service(p1, p2, p3, p4, p5)


@pytest.fixture
def handmade(world, frozen) -> Service:  # type: ignore[no-untyped-def]
    return build(world)
