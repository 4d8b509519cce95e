"""Checking and importing files of each kind: every problem named by row and column, nothing written unless
every row passes, and the same file twice imported once.

Reference NHS numbers: 943 476 5919 is the worked example of the modulus 11 check digit in Wikipedia's "NHS
number" article; 900 000 0009 is the test patient of NHS England's Personal Demographics Service (FHIR API)
sandbox. 943 476 5918 differs only in its check digit, so it must be refused.
"""

from __future__ import annotations

import datetime as dt

import pytest

from placewell.accounts.models import AuditEvent
from placewell.casework.models import Contact
from placewell.employers.models import Employer
from placewell.imports import runner
from placewell.imports.models import ExternalRecord, ImportJob
from placewell.participants.erasure import ErasureReason
from placewell.participants.models import Participant, Referral
from placewell.placements.models import JobStart
from tests.conftest import refer
from tests.imports.conftest import check, check_and_run, csv_bytes, messages, new_job, xlsx_bytes

REFERRAL_HEADER = [
    "external_id",
    "given_name",
    "family_name",
    "referral_source",
    "referral_date",
    "nhs_number",
    "team",
]


def referral_rows(n: int = 3) -> list[list[str]]:
    return [[f"C-{i}", f"Given{i}", f"Family{i}", "gp", "2025-03-14", "", "North"] for i in range(1, n + 1)]


def test_good_referrals_create_people_with_their_referral_and_audit(world) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["C-1", "Ada", "Lovelace", "GP", "14/03/2025", "943 476 5919", "North"],  # label accepted, UK date
        ["C-2", "Alan", "Turing", "jobcentre", "2025-03-15", "9000000009", "south"],
    ]
    job = check_and_run(world, "referrals", csv_bytes(REFERRAL_HEADER, rows))
    assert job.state == ImportJob.State.DONE
    assert job.counts["created"] == 2 and job.counts["updated"] == 0
    ada = Participant.objects.get(given_name="Ada")
    assert ada.nhs_number == "9434765919" and ada.team == world.north and ada.status == "referred"
    assert ada.referrals.get().source == "gp" and ada.referrals.get().referral_date == dt.date(2025, 3, 14)
    assert Participant.objects.get(given_name="Alan").team == world.south
    assert (
        AuditEvent.objects.filter(participant_id=ada.pk, action="create", record_type="participant").count()
        == 1
    )
    assert AuditEvent.objects.filter(record_type="import", record_id=str(job.pk)).count() == 1


def test_mixed_good_and_bad_rows_write_nothing_and_name_each_bad_row_and_column(world) -> None:  # type: ignore[no-untyped-def]
    rows = referral_rows(12)
    rows[3][5] = "943 476 5918"  # row 5 in the file: the check digit is wrong
    rows[6][3] = "doctor"  # row 8: not a referral source
    rows[8][4] = "31/02/2025"  # row 10: not a real date
    rows[10][1] = ""  # row 12: no first name
    before = (Participant.objects.count(), Referral.objects.count(), AuditEvent.objects.count())
    job = check(world, "referrals", csv_bytes(REFERRAL_HEADER, rows))
    assert job.state == ImportJob.State.INVALID
    found = messages(job)
    assert (
        "Row 5, column nhs_number: 943 476 5918 is not a valid NHS number (the check digit is wrong)" in found
    )
    assert any(
        m.startswith("Row 8, column referral_source: doctor is not one of the allowed values") for m in found
    )
    assert "Row 10, column referral_date: 31/02/2025 is not a real date" in found
    assert any(m.startswith("Row 12, column given_name: this column is required") for m in found)
    assert job.problem_count == 4 and job.counts["problem_rows"] == 4 and job.counts["created"] == 8
    with pytest.raises(ValueError, match="not ready to import"):
        runner.run(job)
    assert (Participant.objects.count(), Referral.objects.count(), AuditEvent.objects.count()) == before


def test_the_same_file_twice_imports_once_and_a_changed_row_is_an_update(world) -> None:  # type: ignore[no-untyped-def]
    body = csv_bytes(REFERRAL_HEADER, referral_rows(3))
    first = check_and_run(world, "referrals", body)
    assert first.counts["created"] == 3
    second = check_and_run(world, "referrals", body)
    assert second.counts == {"created": 0, "updated": 0, "unchanged": 3, "problem_rows": 0}
    assert Participant.objects.count() == 3 and Referral.objects.count() == 3
    changed = referral_rows(3)
    changed[1][2] = "Renamed"
    third = check_and_run(world, "referrals", csv_bytes(REFERRAL_HEADER, changed))
    assert third.counts["updated"] == 1 and third.counts["unchanged"] == 2
    assert Participant.objects.count() == 3
    assert Participant.objects.filter(family_name="Renamed").count() == 1
    assert ExternalRecord.objects.filter(kind="referrals").count() == 3


def test_duplicate_external_ids_in_one_file_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    rows = referral_rows(3)
    rows[2][0] = "C-1"
    job = check(world, "referrals", csv_bytes(REFERRAL_HEADER, rows))
    assert "Row 4, column external_id: C-1 appears more than once in the file: also on row 2" in messages(job)


def test_unknown_and_missing_columns_are_named_before_any_row(world) -> None:  # type: ignore[no-untyped-def]
    header = ["external_id", "first_name", "family_name", "referral_date", "colour"]
    job = check(world, "referrals", csv_bytes(header, [["C-1", "A", "B", "2025-01-01", "red"]]))
    assert job.state == ImportJob.State.INVALID and job.problem_count == 0
    found = messages(job)
    assert any("Unknown columns: first_name, colour" in m for m in found)
    assert any("Required columns missing: given_name, referral_source" in m for m in found)


def test_a_future_referral_date_and_an_unknown_team_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    rows = referral_rows(2)
    rows[0][4] = "2999-01-01"
    rows[1][6] = "East"
    found = messages(check(world, "referrals", csv_bytes(REFERRAL_HEADER, rows)))
    assert any(m.startswith("Row 2, column referral_date: 01/01/2999 is in the future") for m in found)
    assert any(m.startswith("Row 3, column team: East is not a team of Test IPS") for m in found)


def test_possible_duplicates_are_flagged_as_referral_does(world) -> None:  # type: ignore[no-untyped-def]
    known = refer(world)  # NHS number 943 476 5919
    rows = [["C-1", "Rowena", "Other", "gp", "2025-03-14", "9434765919", "North"]]
    check_and_run(world, "referrals", csv_bytes(REFERRAL_HEADER, rows))
    assert Participant.objects.get(given_name="Rowena").possible_duplicate_of == known


def test_participants_file_updates_people_found_by_old_id_or_record_number(world) -> None:  # type: ignore[no-untyped-def]
    check_and_run(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(1)))
    rowan = refer(world)
    header = ["external_id", "reference", "gender", "health_conditions", "ni_number"]
    rows = [
        ["C-1", "", "Female", "Depression; stress_anxiety", ""],
        ["OLD-9", rowan.reference, "male", "", "AB 12 34 56 C"],
    ]
    job = check_and_run(world, "participants", csv_bytes(header, rows))
    assert job.counts["updated"] == 2 and job.counts["created"] == 0
    first = Participant.objects.get(given_name="Given1")
    assert first.gender == "female" and first.health_conditions == ["depression", "stress_anxiety"]
    rowan.refresh_from_db()
    assert rowan.gender == "male" and rowan.ni_number == "AB123456C"
    assert AuditEvent.objects.filter(participant_id=rowan.pk, action="update").exists()


def test_a_new_person_in_a_participants_file_needs_the_referral_columns(world) -> None:  # type: ignore[no-untyped-def]
    header = ["external_id", "given_name", "family_name"]
    found = messages(check(world, "participants", csv_bytes(header, [["N-1", "New", "Person"]])))
    assert any(
        m.startswith("Row 2, column referral_source: this column is required for a new person") for m in found
    )


def _people(world, n: int = 2) -> None:  # type: ignore[no-untyped-def]
    check_and_run(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(n)))


CONTACT_HEADER = [
    "external_id",
    "participant_external_id",
    "happened_at",
    "duration_minutes",
    "mode",
    "place",
    "purposes",
    "note",
]


def test_contacts_refer_to_people_by_old_id_and_an_unknown_person_is_named(world) -> None:  # type: ignore[no-untyped-def]
    _people(world)
    rows = [
        [
            "M-1",
            "C-1",
            "2025-04-01 10:30",
            "45",
            "face_to_face",
            "Community venue (such as a library or café)",
            "job_search; applications",
            "Met at the library",
        ],
        ["M-2", "C-2", "02/04/2025 09:00", "30", "Phone", "remote", "benefits", ""],
        ["M-3", "C-404", "2025-04-03 09:00", "30", "phone", "remote", "benefits", ""],
    ]
    job = check(world, "contacts", csv_bytes(CONTACT_HEADER, rows))
    assert messages(job) == [
        "Row 4, column participant_external_id: no participant of Test IPS has the external id C-404: import their "
        "referral first, or give their Placewell record number in participant_reference"
    ]
    assert Contact.objects.count() == 0
    job = check_and_run(world, "contacts", csv_bytes(CONTACT_HEADER, rows[:2]))
    assert job.counts["created"] == 2
    contact = Contact.objects.get(note="Met at the library")
    assert (
        contact.place == "community"
        and contact.purposes == ["job_search", "applications"]
        and contact.with_participant
    )
    assert (
        AuditEvent.objects.filter(record_type="contact", participant_id=contact.participant_id).count() == 1
    )
    again = check_and_run(world, "contacts", csv_bytes(CONTACT_HEADER, rows[:2]))
    assert again.counts["unchanged"] == 2 and Contact.objects.count() == 2


def test_contacts_keep_casework_rules(world) -> None:  # type: ignore[no-untyped-def]
    _people(world)
    rows = [
        ["M-1", "C-1", "2025-04-01 10:30", "600", "face_to_face", "community", "job_search", ""],
        ["M-2", "C-1", "2999-04-01 10:30", "30", "face_to_face", "community", "job_search", ""],
        ["M-3", "C-1", "2025-04-01", "30", "face_to_face", "community", "job_search", ""],
    ]
    found = messages(check(world, "contacts", csv_bytes(CONTACT_HEADER, rows)))
    assert "Row 2, column duration_minutes: How long it took must be 8 hours (480 minutes) or less" in found
    assert "Row 3, column happened_at: The contact's date and time must be now or in the past" in found
    assert any(
        m.startswith("Row 4, column happened_at: 2025-04-01 is not a date and a 24-hour time") for m in found
    )


def test_employers_then_job_starts_with_the_competitive_check(world) -> None:  # type: ignore[no-untyped-def]
    _people(world)
    employers = ["external_id", "name", "sector", "size", "town", "postcode_district"]
    job = check_and_run(
        world,
        "employers",
        csv_bytes(
            employers, [["E-1", "Greenway Garden Centre", "G", "Small (10 to 49 staff)", "Leeds", "LS6"]]
        ),
    )
    assert job.counts["created"] == 1 and Employer.objects.get().locations.get().postcode_district == "LS6"
    header = [
        "external_id",
        "participant_external_id",
        "employer_external_id",
        "job_title",
        "soc",
        "started_on",
        "hours",
        "hourly_pay",
        "contract_type",
    ]
    rows = [
        ["J-1", "C-1", "E-1", "Garden centre assistant", "92", "2025-04-01", "20", "£12.80", "permanent"],
        ["J-2", "C-2", "E-1", "Cleaner", "92", "2025-04-01", "16", "5.00", "permanent"],
    ]
    job = check_and_run(world, "job_starts", csv_bytes(header, rows))
    assert job.counts["created"] == 2
    good = JobStart.objects.get(job_title="Garden centre assistant")
    low = JobStart.objects.get(job_title="Cleaner")
    assert good.employer.name == "Greenway Garden Centre" and good.competitive
    assert not low.competitive and any("below the legal minimum" in r for r in low.competitive_reasons)


def test_job_start_rules_are_the_placements_rules(world) -> None:  # type: ignore[no-untyped-def]
    _people(world)
    header = [
        "external_id",
        "participant_external_id",
        "employer_name",
        "job_title",
        "soc",
        "started_on",
        "hours",
        "hourly_pay",
        "contract_type",
    ]
    rows = [
        [
            "J-1",
            "C-1",
            "Acme",
            "Clerk",
            "41",
            "2025-01-01",
            "120",
            "12",
            "permanent",
        ],  # before referral; too many hours
        ["J-2", "C-1", "Acme", "Clerk", "00", "2025-04-01", "20", "12", "permanent"],  # not a SOC group
    ]
    found = messages(check(world, "job_starts", csv_bytes(header, rows)))
    assert "Row 2, column hours: 120 is more than 100: hours a week must be 100 or fewer" in found
    assert "Row 2, column started_on: 01/01/2025 is before the person was referred (14/03/2025)" in found
    assert any(m.startswith("Row 3, column soc: 00 is not one of the allowed values for soc") for m in found)


def test_an_excel_workbook_is_read_like_a_csv_file(world) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["C-1", "Ada", "Lovelace", "gp", dt.date(2025, 3, 14), 9434765919, "North"]
    ]  # a date cell, a number cell
    job = check_and_run(world, "referrals", xlsx_bytes(REFERRAL_HEADER, rows), name="referrals.xlsx")
    assert job.counts["created"] == 1
    assert Participant.objects.get().nhs_number == "9434765919"


def test_a_failure_while_writing_rolls_everything_back(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from placewell.imports.kinds.base import CHUNK_ROWS, Importer

    rows = referral_rows(CHUNK_ROWS + 10)
    job = check(world, "referrals", csv_bytes(REFERRAL_HEADER, rows))
    assert job.state == "checked"
    original, calls = Importer.write, []

    def write_then_fail(self, chunk):  # type: ignore[no-untyped-def]
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, chunk)

    monkeypatch.setattr(Importer, "write", write_then_fail)
    before = AuditEvent.objects.count()
    job = runner.run(job)
    assert calls == [CHUNK_ROWS, 10]  # the first chunk was written before the failure...
    assert job.state == ImportJob.State.FAILED and "nothing was imported" in job.failure
    assert Participant.objects.count() == 0 and ExternalRecord.objects.count() == 0  # ...and rolled back
    assert AuditEvent.objects.count() == before


def test_progress_is_reported_chunk_by_chunk(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.imports.kinds.base import CHUNK_ROWS

    seen: list[tuple[str, int, int | None]] = []
    job = runner.check(
        new_job(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(CHUNK_ROWS + 5))),
        progress=lambda *a: seen.append(a),
    )
    assert seen == [("checking", CHUNK_ROWS, None), ("checking", CHUNK_ROWS + 5, None)]
    seen.clear()
    runner.run(job, progress=lambda *a: seen.append(a))
    assert seen == [("writing", CHUNK_ROWS, CHUNK_ROWS + 5), ("writing", CHUNK_ROWS + 5, CHUNK_ROWS + 5)]


def test_an_erased_person_is_not_brought_back_by_a_second_import(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services

    body = csv_bytes(REFERRAL_HEADER, referral_rows(1))
    check_and_run(world, "referrals", body)
    services.erase(
        by=world.mandy,
        participant=Participant.objects.get(),
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    found = messages(
        check(
            world,
            "referrals",
            csv_bytes(REFERRAL_HEADER, [["C-1", "Given1", "Family1", "gp", "2025-03-15", "", "North"]]),
        )
    )
    assert found == [
        "Row 2, column external_id: C-1 belongs to a record that was erased, so it is not imported again: remove the row"
    ]
