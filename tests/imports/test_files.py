"""Files that cannot be imported: each refused with a message saying exactly what is wrong, and nothing
written. Encodings are made with Python's own codecs, so the bytes in the test are the bytes Excel and Notepad
write for "café" in Windows-1252 (0xE9 for é) and UTF-16 (a FF FE byte-order mark)."""

from __future__ import annotations

import pytest

from placewell.imports import storage
from placewell.imports.models import ImportJob
from placewell.imports.readers import FileProblem, sniff
from placewell.participants.models import Participant
from tests.imports.conftest import check, check_and_run, csv_bytes, messages, new_job
from tests.imports.test_import_rules import REFERRAL_HEADER, referral_rows


def test_a_windows_1252_file_names_the_byte_and_the_row(world) -> None:  # type: ignore[no-untyped-def]
    rows = referral_rows(3)
    rows[1][2] = "Café"  # row 3
    body = csv_bytes(REFERRAL_HEADER, rows, encoding="cp1252")
    offset = body.index(b"\xe9") + 1
    job = check(world, "referrals", body)
    assert job.state == ImportJob.State.INVALID
    [message] = messages(job)
    assert message.startswith(
        f"Row 3: The file is not in UTF-8: byte {offset:,} of the file (0xE9, on row 3) cannot be read as UTF-8. "
        "It looks like Windows-1252 (often called ANSI), where that byte is “é”."
    )
    assert "CSV UTF-8" in message
    assert Participant.objects.count() == 0


def test_a_utf16_file_is_refused_at_upload(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(REFERRAL_HEADER, referral_rows(1), encoding="utf-16"))
    with pytest.raises(
        FileProblem, match=r"The file is in UTF-16 \(it starts with a UTF-16 byte-order mark\), not UTF-8"
    ):
        sniff(path, "people.csv")


def test_utf8_with_and_without_a_byte_order_mark_are_both_read(world) -> None:  # type: ignore[no-untyped-def]
    rows = referral_rows(2)
    rows[0][2] = "Brontë"
    assert (
        check_and_run(world, "referrals", csv_bytes(REFERRAL_HEADER, rows[:1], bom=True)).counts["created"]
        == 1
    )
    assert check_and_run(world, "referrals", csv_bytes(REFERRAL_HEADER, rows[1:])).counts["created"] == 1
    assert Participant.objects.filter(family_name="Brontë").exists()


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("empty.csv", b"", "The file is empty"),
        (
            "report.pdf",
            b"%PDF-1.7 not a table",
            "report.pdf is not a CSV file (.csv) or an Excel workbook (.xlsx)",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "Excel 97-2003 workbook (.xls), which cannot be read",
        ),
        ("data.csv", b"external_id\x00\x01\x02binary", "holds binary data"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused(tmp_path, name, body, expected) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(body)
    with pytest.raises(
        FileProblem, match=expected.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        sniff(path, name)


def test_a_header_without_rows_and_a_broken_workbook(world) -> None:  # type: ignore[no-untyped-def]
    job = check(world, "referrals", csv_bytes(REFERRAL_HEADER, []))
    assert messages(job) == ["The file has a header row but no data rows"]
    job = check(world, "referrals", b"PK\x03\x04 not really a zip", name="people.xlsx")
    assert messages(job) == ["The file is not a valid Excel workbook (.xlsx): it may be damaged"]


def test_a_row_with_more_cells_than_the_header(world) -> None:  # type: ignore[no-untyped-def]
    rows = referral_rows(2)
    rows[1].append("stray")
    job = check(world, "referrals", csv_bytes(REFERRAL_HEADER, rows))
    assert messages(job)[0].startswith("Row 3: Row 3 has 8 cells but the header row names 7 columns")


def test_an_oversized_file_is_refused_while_saving(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_IMPORT_MAX_BYTES = 100
    with pytest.raises(storage.TooBig, match="larger than 100 bytes"):
        new_job(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(5)))
    assert not any(storage.base_dir().glob("*/upload*")) if storage.base_dir().exists() else True


def test_the_guidance_row_of_the_template_is_skipped(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.imports.kinds import SPECS
    from placewell.imports.templates_files import csv_template

    template = csv_template(SPECS["referrals"])
    job = check(world, "referrals", template)
    assert messages(job) == ["The file has a header row but no data rows"]
