"""Helpers for casework tests: participants brought into support through the real actions, at a set time."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import time_machine

from placewell.participants import services as ps
from placewell.participants.models import AgreementDocument, EligibilityRuleSet, Participant
from tests.conftest import refer

LONDON = ZoneInfo("Europe/London")
_names = itertools.count(1)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def supported(
    world, started: dt.date = dt.date(2027, 3, 1), specialist=None, in_work_on=None, **kw
) -> Participant:  # type: ignore[no-untyped-def]
    """Refer, screen, agree and start support on ``started`` (and start work on ``in_work_on``)."""
    specialist = specialist or world.alice
    rule_set = EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")
    doc = AgreementDocument.objects.get(service=None, version=1)
    n = next(_names)
    with time_machine.travel(at(started, 9), tick=False):
        p = refer(
            world,
            specialist=specialist,
            team=specialist.team,
            given_name=kw.pop("given_name", f"Person{n}"),
            family_name=kw.pop("family_name", "Example"),
            nhs_number="",
            referral_date=started,
            **kw,
        )
        ps.screen_participant(
            by=specialist,
            participant=p,
            rule_set=rule_set,
            answers={q.key: q.qualifying_answer for q in rule_set.questions.all()},
        )
        ps.record_agreement(
            by=specialist,
            participant=p,
            document=doc,
            format="plain",
            answers={s.pk: True for s in doc.statements.all()},
        )
        ps.start_support(by=specialist, participant=p)
    if in_work_on is not None:
        with time_machine.travel(at(in_work_on, 9), tick=False):
            ps.record_in_work(by=specialist, participant=p)
    p.refresh_from_db()
    return p
