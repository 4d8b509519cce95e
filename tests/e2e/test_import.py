"""A service manager imports referrals in a real browser: a file with a bad row is refused with the problem
named by row and column, the corrected file is previewed and imported, and the progress page polls until the
import is done. axe-core checks the upload, preview, progress and report pages."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in
from tests.imports.conftest import csv_bytes
from tests.imports.test_import_rules import REFERRAL_HEADER, referral_rows


def upload(page, body: bytes) -> None:  # type: ignore[no-untyped-def]
    page.goto("/imports/")
    assert_accessible(page)
    page.get_by_label("Referrals").check()
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "referrals.csv", "mimeType": "text/csv", "buffer": body}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()


def test_import_referrals_from_upload_to_report(page, world, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from placewell.imports.models import ImportJob
    from placewell.participants.models import Participant

    settings.PLACEWELL_IMPORT_DIR = str(tmp_path)
    sign_in(page, "mandy", PASSWORD)

    page.get_by_role("link", name="Import data").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Check the file").click()  # nothing chosen: errors beside the fields
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)

    bad = referral_rows(3)
    bad[1][5] = "943 476 5918"
    upload(page, csv_bytes(REFERRAL_HEADER, bad))
    assert page.get_by_role("heading", name="Check the import").is_visible()
    assert page.get_by_text(
        "Row 3, column nhs_number: 943 476 5918 is not a valid NHS number (the check digit is wrong)"
    ).is_visible()
    assert page.get_by_role("button", name="Import 3 rows").count() == 0
    assert_accessible(page)

    upload(page, csv_bytes(REFERRAL_HEADER, referral_rows(3)))
    assert page.get_by_role("table", name="What the import would do").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Import 3 rows").click()
    assert page.get_by_role("heading", name="Import finished").is_visible()
    assert_accessible(page)
    assert Participant.objects.count() == 3

    # The progress page, as a person sees it while a long import runs: it polls every second and moves on
    # to the report by itself once the import has finished.
    upload(page, csv_bytes(REFERRAL_HEADER, referral_rows(3)))
    job = ImportJob.objects.latest("pk")
    ImportJob.objects.filter(pk=job.pk).update(state="importing", total_rows=3)
    page.goto(f"/imports/{job.pk}/")
    assert page.get_by_role("heading", name="Importing").is_visible()
    assert_accessible(page)
    ImportJob.objects.filter(pk=job.pk).update(state="done", processed_rows=3)
    page.get_by_role("heading", name="Import finished").wait_for()
    assert_accessible(page)
