"""Job starts: status moves, the competitive check with its reasons, bad input, job ends, plans, erasure.

Minimum wage expectations use the confirmed April 2025 GOV.UK rates (£12.21 for 21 and over)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from placewell.accounts.models import AuditEvent
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from placewell.participants.models import Status
from placewell.placements import services
from placewell.placements.models import JobStart
from tests.casework.conftest import at, supported

TODAY = dt.date(2025, 9, 15)
JOB = {
    "job_title": "Kitchen porter",
    "soc_code": "92",
    "hours": Decimal(20),
    "hourly_pay": Decimal("12.21"),
    "contract_type": "permanent",
    "employer_name": "Kirkgate Café",
}


@pytest.fixture
def person(world):  # type: ignore[no-untyped-def]
    return supported(world, started=dt.date(2025, 6, 2))  # born 1985: the 21 and over rate


def start(world, p, **kw):  # type: ignore[no-untyped-def]
    with time_machine.travel(at(TODAY, 12), tick=False):
        return services.record_job_start(
            by=world.alice, participant=p, **{**JOB, "started_on": dt.date(2025, 9, 1), **kw}
        )


def test_a_job_start_moves_the_person_into_work_and_is_audited(world, person) -> None:  # type: ignore[no-untyped-def]
    job = start(world, person)
    person.refresh_from_db()
    assert person.status == Status.IN_WORK
    assert job.competitive and job.minimum_rate_pence == 1221
    assert any("at least the legal minimum for someone aged 40" in r for r in job.competitive_reasons)
    assert AuditEvent.objects.filter(
        record_type="job_start", participant_id=person.pk, action="create"
    ).exists()


def test_pay_below_the_minimum_is_recorded_but_not_competitive(world, person) -> None:  # type: ignore[no-untyped-def]
    job = start(world, person, hourly_pay=Decimal("12.20"))
    assert not job.competitive
    assert any("below the legal minimum" in r and "£12.21" in r for r in job.competitive_reasons)


def test_the_rate_on_the_start_date_applies(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2025, 3, 3))
    job = start(world, p, started_on=dt.date(2025, 3, 31), hourly_pay=Decimal("11.44"))
    assert job.competitive and job.minimum_rate_pence == 1144  # April 2024 rate still in force on 31 March


def test_self_employment_and_set_aside_jobs(world, person) -> None:  # type: ignore[no-untyped-def]
    own = start(world, person, contract_type="self_employed", hourly_pay=Decimal(5), employer_name="")
    assert own.competitive and own.employer_name == "Self-employed"
    sheltered = start(world, person, open_to_anyone=False)
    assert not sheltered.competitive and any("Set aside" in r for r in sheltered.competitive_reasons)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hourly_pay": Decimal(0)}, "hourly_pay"),
        ({"hourly_pay": Decimal(750)}, "hourly_pay"),
        ({"hours": Decimal(101)}, "hours"),
        ({"started_on": dt.date(2025, 5, 30)}, "started_on"),  # before the referral on 2 June
        ({"started_on": dt.date(2025, 9, 16)}, "started_on"),  # in the future
        ({"employer_name": ""}, "employer_name"),
    ],
)
def test_bad_job_starts_are_refused_and_nothing_is_saved(world, person, change, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.PlacementError) as exc:
        start(world, person, **change)
    assert exc.value.field == field
    person.refresh_from_db()
    assert person.status == Status.ACTIVE and not JobStart.objects.exists()


def test_a_job_end_moves_back_only_when_no_other_job_continues(world, person) -> None:  # type: ignore[no-untyped-def]
    first = start(world, person)
    second = start(world, person, job_title="Cleaner", started_on=dt.date(2025, 9, 8))
    with time_machine.travel(at(TODAY, 13), tick=False):
        with pytest.raises(services.PlacementError, match="on or after the start date"):
            services.end_job(by=world.alice, job=first, ended_on=dt.date(2025, 8, 31), reason="resigned")
        services.end_job(by=world.alice, job=first, ended_on=dt.date(2025, 9, 10), reason="better_job")
        person.refresh_from_db()
        assert person.status == Status.IN_WORK  # the second job continues
        services.end_job(by=world.alice, job=second, ended_on=dt.date(2025, 9, 12), reason="contract_ended")
    person.refresh_from_db()
    assert person.status == Status.ACTIVE


def test_plan_and_erasure(world, person) -> None:  # type: ignore[no-untyped-def]
    job = start(world, person)
    with pytest.raises(services.PlacementError):
        services.save_plan(by=world.alice, job=job, for_person=" ")
    services.save_plan(
        by=world.alice, job=job, for_person="Weekly call", for_employer="Access to Work information"
    )
    ps.erase(
        by=world.mandy,
        participant=person,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    assert not JobStart.objects.filter(participant=person).exists()
