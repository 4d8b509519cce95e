"""``record_job_starts``: many job starts at once under ``record_job_start``'s rules, all or nothing, audited
per job. Minimum wage expectations use the confirmed April 2025 GOV.UK rates (£12.21 for 21 and over)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from placewell.accounts.audit_chain import verify_audit_chain
from placewell.accounts.bulk import BulkRejected
from placewell.accounts.models import AuditEvent
from placewell.participants import services as ps
from placewell.participants.models import Status
from placewell.placements import services
from placewell.placements.models import JobStart
from tests.casework.conftest import at, supported

TODAY = dt.date(2025, 9, 15)


def job(p, **kw: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "participant": p,
        "job_title": "Kitchen porter",
        "soc_code": "92",
        "started_on": dt.date(2025, 9, 1),
        "hours": Decimal(20),
        "hourly_pay": Decimal("12.21"),
        "contract_type": "permanent",
        "employer_name": "Kirkgate Café",
    }
    values.update(kw)
    return values


@pytest.fixture
def person(world):  # type: ignore[no-untyped-def]
    return supported(world, started=dt.date(2025, 6, 2))  # born 1985: the 21 and over rate


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(at(TODAY, 12), tick=False) as traveller:
        yield traveller


BAD = [
    {"job_title": " "},
    {"soc_code": "00"},
    {"employer_name": ""},
    {"contract_type": "handshake"},
    {"hours": Decimal(0)},
    {"hours": Decimal(101)},
    {"hourly_pay": Decimal(0)},
    {"hourly_pay": Decimal(501)},
    {"hourly_pay": "lots"},
    {"started_on": dt.date(2025, 9, 16)},
    {"started_on": dt.date(2025, 5, 1)},  # before the referral (2 June 2025)
]


def test_a_mix_of_good_and_bad_rows_is_refused_whole_naming_every_bad_row(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    rows = [job(person), job(person, hours=Decimal(101)), job(person, soc_code="00"), job(person)]
    with pytest.raises(BulkRejected) as refused:
        services.record_job_starts(by=world.alice, jobs=rows, numbers=[2, 3, 4, 5])
    assert [(e.row, e.column, e.value) for e in refused.value.rows] == [
        (3, "hours", Decimal(101)),
        (4, "soc", None),  # the file's column is soc; the action's argument soc_code
    ]
    assert refused.value.rows[0].message == "Hours a week must be 100 or fewer"
    person.refresh_from_db()
    assert not JobStart.objects.exists() and AuditEvent.objects.count() == before
    assert person.status == Status.ACTIVE


@pytest.mark.parametrize("change", BAD)
def test_the_single_and_bulk_paths_refuse_the_same_job_with_the_same_message(
    world, person, frozen, change
) -> None:  # type: ignore[no-untyped-def]
    values = job(person, **change)
    with pytest.raises(services.PlacementError) as single:
        services.record_job_start(by=world.alice, **values)  # type: ignore[arg-type]
    with pytest.raises(BulkRejected) as many:
        services.record_job_starts(by=world.alice, jobs=[values])
    assert [(e.column, e.message) for e in many.value.rows] == [(single.value.field, str(single.value))]


def test_an_ended_job_is_checked_as_end_job_checks_it(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    rows = [
        job(person, ended_on=dt.date(2025, 8, 31), end_reason="resigned"),
        job(person, ended_on=dt.date(2025, 9, 10), end_reason="bored"),
        job(person, end_reason="resigned"),
    ]
    with pytest.raises(BulkRejected) as refused:
        services.record_job_starts(by=world.alice, jobs=rows)
    assert [(e.row, e.column) for e in refused.value.rows] == [
        (1, "ended_on"),
        (2, "reason"),
        (3, "ended_on"),
    ]
    assert (
        refused.value.rows[0].message == "The end date must be on or after the start date (1 September 2025)"
    )


def test_good_rows_are_written_checked_audited_and_move_the_person_into_work(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    other = supported(world, started=dt.date(2025, 6, 2))
    before = AuditEvent.objects.count()
    low, ended, fine = services.record_job_starts(
        by=world.alice,
        jobs=[
            job(person, hourly_pay=Decimal("10.00")),
            job(other, ended_on=dt.date(2025, 9, 12), end_reason="resigned"),
            job(person),
        ],
        how="imported from a test file",
    )
    assert not low.competitive and low.minimum_rate_pence == 1221
    assert fine.competitive and ended.ended_on == dt.date(2025, 9, 12)
    person.refresh_from_db()
    other.refresh_from_db()
    assert person.status == Status.IN_WORK  # a current job moves them, once
    assert other.status == Status.ACTIVE  # their only job has ended
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.record_type, e.summary) for e in events] == [
        ("job_start", "Recorded a job start (not competitive), imported from a test file"),
        ("job_start", "Recorded a job start (competitive), imported from a test file; ended: they left"),
        ("job_start", "Recorded a job start (competitive), imported from a test file"),
        ("participant", events[3].summary),
    ]
    assert events[3].changes == {"status": ["active", "in_work"]}
    assert verify_audit_chain().ok


def test_a_closed_record_takes_no_job_start_unless_loading_history(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    ps.close(by=world.alice, participant=person, reason="Support finished")
    with pytest.raises(BulkRejected) as refused:
        services.record_job_starts(by=world.alice, jobs=[job(person)])
    assert refused.value.rows[0].column == "participant" and "closed" in refused.value.rows[0].message
    loaded = services.record_job_starts(
        by=world.alice, jobs=[job(person, recorded_by=world.bob, recorded_at=at(TODAY, 9))], history=True
    )
    person.refresh_from_db()
    assert (loaded[0].created_by, loaded[0].created_at) == (world.bob, at(TODAY, 9))
    assert person.status == Status.CLOSED


def test_change_job_start_checks_as_a_new_job_is_checked_and_ends_it_through_end_job(
    world, person, frozen
) -> None:  # type: ignore[no-untyped-def]
    recorded = services.record_job_start(by=world.alice, **job(person))  # type: ignore[arg-type]
    values = job(person, hours=Decimal(101))
    with pytest.raises(services.PlacementError, match="100 or fewer"):
        services.change_job_start(by=world.alice, job=recorded, values=values)
    changed = services.change_job_start(
        by=world.alice,
        job=recorded,
        values=job(person, hourly_pay=Decimal("10.00"), ended_on=dt.date(2025, 9, 12), end_reason="resigned"),
        how="by a test",
    )
    person.refresh_from_db()
    assert not changed.competitive and changed.hourly_pay == Decimal("10.00")
    assert changed.ended_on == dt.date(2025, 9, 12) and person.status == Status.ACTIVE  # back from in work
    summaries = list(
        AuditEvent.objects.filter(record_type="job_start").order_by("id").values_list("summary", flat=True)
    )
    assert summaries[-2:] == ["Job start changed by a test", "Job ended: they left"]
