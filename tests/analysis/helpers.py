"""A hand-built trial cohort for the dataset tests, set up through the real actions on the dates given.

Everyone is referred on 5 January 2026, agrees and answers the baseline questionnaires, and is randomised
on 15 January 2026, so their outcome window is 16 January 2026 to 15 January 2027 (365 days). The data
cut is 31 March 2027.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import time_machine

from placewell.governance.pseudonyms import nhs_pseudonym
from placewell.participants.erasure import ErasureReason
from tests.governance.conftest import nhs_number

RANDOMISED_ON = dt.date(2026, 1, 15)
DATA_CUT = dt.date(2027, 3, 31)


def at(day: dt.date, hour: int = 12) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False)


@dataclass
class HandBuilt:
    trial: Any
    people: dict[str, Any]


def job(world: Any, p: Any, started: dt.date, hours: float, pay: float, ended: dt.date | None = None) -> None:
    from placewell.placements import services as pl

    with at(started):
        j = pl.record_job_start(
            by=world.alice,
            participant=p,
            job_title="Warehouse operative",
            soc_code="92",
            started_on=started,
            hours=hours,
            hourly_pay=pay,
            contract_type="permanent",
            employer_name="Acme Ltd",
        )
    if ended is not None:
        with at(max(ended, started)):
            pl.end_job(by=world.alice, job=j, ended_on=ended, reason="resigned")


def build(world: Any) -> HandBuilt:
    from placewell.participants import services as ps
    from placewell.surveys import services as ss
    from placewell.surveys.fieldwork import issue_monthly_batch, record_attempt
    from placewell.surveys.models import Invitation
    from placewell.trials import services as ts
    from tests.trials.helpers import agreed, make_trial

    people: dict[str, Any] = {}
    names = ["two_jobs", "overlap", "before", "open", "after", "withdrawn", "erased", "nonresponder"]
    with at(RANDOMISED_ON):
        trial = make_trial(world)
        for n, name in enumerate(names, start=1):
            p = agreed(
                world,
                nhs_number=nhs_number(n) if name in ("two_jobs", "overlap", "before") else "",
                referral_date=dt.date(2026, 1, 5),
                given_name=name.title(),
                family_name="Testperson",
                gender="female" if n % 2 else "male",
                ethnic_group="white_british" if n % 3 else "asian_indian",
                activity_limitation="great_deal" if n % 2 else "little",
                work_history="none",
                health_conditions=["depression"] if n % 2 else ["stress_anxiety"],
                date_of_birth=dt.date(1990 - 3 * n, 6, 1),
            )
            baseline = Invitation.objects.get(participant=p, wave__is_baseline=True)
            ss.record_response(
                by=world.alice, participant=p, instrument_id="eq5d5l", mode="face_to_face", invitation=baseline,
                answers={"mobility": 1, "self_care": 1, "usual_activities": 2, "pain_discomfort": 2,
                         "anxiety_depression": 3, "vas": 60},
            )  # fmt: skip
            ts.randomise(by=world.alice, trial=trial, participant=p)
            ps.start_support(by=world.alice, participant=p)
            people[name] = p
    before = people["before"]
    job(world, people["two_jobs"], dt.date(2026, 2, 1), 20, 10, dt.date(2026, 3, 31))
    job(world, people["two_jobs"], dt.date(2026, 6, 1), 10, 12, dt.date(2026, 7, 31))
    job(world, people["overlap"], dt.date(2026, 3, 1), 16, 11, dt.date(2026, 4, 30))
    job(world, people["overlap"], dt.date(2026, 4, 1), 8, 11, dt.date(2026, 5, 15))
    with at(RANDOMISED_ON):
        from placewell.placements import services as pl

        j = pl.record_job_start(
            by=world.alice, participant=before, job_title="Cleaner", soc_code="92",
            started_on=dt.date(2026, 1, 12), hours=30, hourly_pay=9, contract_type="permanent",
            employer_name="Clean Co",
        )  # fmt: skip
    with at(dt.date(2026, 5, 10)):
        pl.end_job(by=world.alice, job=j, ended_on=dt.date(2026, 5, 10), reason="resigned")
    job(world, people["open"], dt.date(2026, 10, 1), 25, 12.5)
    job(world, people["after"], dt.date(2026, 12, 1), 35, 10, dt.date(2027, 2, 28))

    from placewell.casework import services as cs

    p1 = people["two_jobs"]
    for when, minutes, whom in (
        (dt.datetime(2026, 1, 15, 15, tzinfo=dt.UTC), 60, ("participant",)),  # the day of randomisation
        (dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC), 45, ("participant",)),
        (dt.datetime(2026, 2, 10, 10, tzinfo=dt.UTC), 20, ("employer",)),
        (dt.datetime(2027, 1, 20, 10, tzinfo=dt.UTC), 30, ("participant",)),  # after the window
    ):
        with at(when.date(), 18):
            cs.record_contact(
                by=world.alice, participant=p1, happened_at=when, duration_minutes=minutes,
                mode="face_to_face", place="community", whom=whom, purposes=["job_search"],
            )  # fmt: skip

    with at(dt.date(2026, 6, 1)):
        ps.withdraw(by=world.alice, participant=people["withdrawn"], scope="service")
    with at(dt.date(2027, 1, 20)):
        issue_monthly_batch(on=dt.date(2027, 1, 20))
        year = Invitation.objects.get(participant=p1, wave__offset_months=12)
        for instrument, answers in (
            ("eq5d5l", {"mobility": 1, "self_care": 1, "usual_activities": 1, "pain_discomfort": 1,
                        "anxiety_depression": 2, "vas": 80}),
            ("swemwbs", {f"item{n}": 4 for n in range(1, 8)}),
        ):  # fmt: skip
            ss.record_response(
                by=world.alice, participant=p1, instrument_id=instrument, mode="phone", invitation=year,
                answers=answers,
            )  # fmt: skip
        silent = Invitation.objects.get(participant=people["nonresponder"], wave__offset_months=12)
        record_attempt(by=world.alice, invitation=silent, method="phone", outcome="refused")
    with at(dt.date(2027, 2, 1)):
        ps.erase(
            by=world.mandy,
            participant=people["erased"],
            reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
        )
    for p in people.values():
        p.refresh_from_db()
    return HandBuilt(trial, people)


def key_of(n: int, key: str) -> str:
    return nhs_pseudonym(key, nhs_number(n))
