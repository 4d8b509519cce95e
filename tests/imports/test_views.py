"""The import pages: the service manager's journey from upload to report, and everyone else refused."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from placewell.accounts import services as acc
from placewell.accounts.models import Role
from placewell.imports.models import ImportJob
from placewell.participants.models import Participant
from tests.conftest import PASSWORD
from tests.imports.conftest import csv_bytes, xlsx_bytes
from tests.imports.test_import_rules import REFERRAL_HEADER, referral_rows


def upload(client, kind: str, body: bytes, name: str = "people.csv"):  # type: ignore[no-untyped-def]
    return client.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(name, body)})


def test_upload_preview_confirm_and_report(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("mandy")
    assert client.get("/imports/").status_code == 200
    response = upload(client, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(3)))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    preview = client.get(f"/imports/{job.pk}/").content.decode()
    assert "What the import would do" in preview and "Import 3 rows" in preview
    assert Participant.objects.count() == 0  # the preview writes nothing
    response = client.post(f"/imports/{job.pk}/confirm/")
    assert response.status_code == 302
    report = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Import finished" in report and "C-1" in report
    assert Participant.objects.count() == 3
    assert client.post(f"/imports/{job.pk}/confirm/").status_code == 302  # a second confirmation does nothing
    assert Participant.objects.count() == 3


def test_the_preview_lists_each_problem_and_offers_no_import(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("mandy")
    rows = referral_rows(2)
    rows[1][5] = "943 476 5918"
    upload(client, "referrals", csv_bytes(REFERRAL_HEADER, rows))
    job = ImportJob.objects.get()
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert (
        "Row 3, column nhs_number: 943 476 5918 is not a valid NHS number (the check digit is wrong)" in page
    )
    assert "There is a problem" in page and "confirm" not in page
    assert client.post(f"/imports/{job.pk}/confirm/").status_code == 302
    assert Participant.objects.count() == 0


def test_upload_errors_appear_beside_the_field(client_as, world, settings) -> None:  # type: ignore[no-untyped-def]
    client = client_as("mandy")
    page = client.post("/imports/", {"kind": "referrals"}).content.decode()
    assert "Select a file to upload" in page
    page = upload(client, "referrals", b"%PDF-1.7", name="scan.pdf").content.decode()
    assert "scan.pdf is not a CSV file (.csv) or an Excel workbook (.xlsx)" in page
    settings.PLACEWELL_IMPORT_MAX_BYTES = 50
    page = upload(client, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(3))).content.decode()
    assert "the most that can be imported at once is 50 bytes" in page
    assert not ImportJob.objects.exists()


def test_templates_and_the_data_dictionary(client_as, world) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    client = client_as("mandy")
    for kind in ("referrals", "participants", "contacts", "employers", "job_starts"):
        body = client.get(f"/imports/{kind}/template.csv").content.decode("utf-8-sig")
        header, guidance = list(csv.reader(io.StringIO(body)))
        assert header[0] == "external_id" and guidance[0].startswith("# required")
        book = load_workbook(io.BytesIO(client.get(f"/imports/{kind}/template.xlsx").content), read_only=True)
        assert [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))] == header
        assert book.sheetnames[1] == "Data dictionary"
        page = client.get(f"/imports/{kind}/dictionary/").content.decode()
        assert "<caption" in page and all(f"<code>{name}</code>" in page for name in header)
    page = client.get("/imports/referrals/dictionary/").content.decode()
    assert "<code>gp</code>: GP" in page  # codes and labels are both listed
    assert client.get("/imports/nonsense/dictionary/").status_code == 404


def test_an_excel_upload(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("mandy")
    upload(client, "referrals", xlsx_bytes(REFERRAL_HEADER, referral_rows(2)), name="people.xlsx")
    job = ImportJob.objects.get()
    assert job.state == "checked" and job.counts["created"] == 2


@pytest.mark.parametrize("persona", ["alice", "tess", "evan", "ada"])
def test_everyone_but_a_service_manager_is_refused(client_as, world, persona) -> None:  # type: ignore[no-untyped-def]
    client = client_as("mandy")
    upload(client, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(1)))
    job = ImportJob.objects.get()
    client = client_as(persona)
    for url in (
        "/imports/",
        f"/imports/{job.pk}/",
        f"/imports/{job.pk}/progress/",
        "/imports/referrals/dictionary/",
        "/imports/referrals/template.csv",
    ):
        assert client.get(url).status_code == 403, url
    assert upload(client, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(1))).status_code == 403
    assert client.post(f"/imports/{job.pk}/confirm/").status_code == 403
    assert ImportJob.objects.count() == 1 and ImportJob.objects.get().state == "checked"


def test_another_services_manager_cannot_see_or_import_into_this_service(client, world) -> None:  # type: ignore[no-untyped-def]
    other = acc.create_service(by=None, provider=world.provider, name="Other IPS", model="ips")
    acc.create_team(by=None, service=other, name="North")
    manager = acc.create_staff(
        by=None,
        username="olga",
        password=PASSWORD,
        first_name="Olga",
        last_name="Persona",
        email="olga@example.org",
        role=Role.SERVICE_MANAGER,
        service=other,
    )
    client.force_login(world.mandy)
    upload(client, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(1)))
    job = ImportJob.objects.get()
    client.force_login(manager)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.get(f"/imports/{job.pk}/progress/").status_code == 404
    assert client.post(f"/imports/{job.pk}/confirm/").status_code == 404
    assert "people.csv" not in client.get("/imports/").content.decode()
    upload(
        client, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(1))
    )  # their own import goes to their service
    theirs = ImportJob.objects.exclude(pk=job.pk).get()
    assert theirs.service == other
    client.post(f"/imports/{theirs.pk}/confirm/")
    assert Participant.objects.get().service == other
    assert not Participant.objects.filter(service=world.service).exists()


def test_the_progress_partial_polls_while_running_and_redirects_when_done(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("mandy")
    upload(client, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(1)))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state="importing", total_rows=1)
    running = client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in running.content.decode() and "HX-Redirect" not in running
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Importing" in page and "htmx.min.js" in page
    ImportJob.objects.filter(pk=job.pk).update(state="done")
    done = client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == f"/imports/{job.pk}/" and "every 1s" not in done.content.decode()


def test_the_navigation_shows_import_to_service_managers_only(client_as, world) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/imports/"' in client_as("mandy").get("/").content.decode()
    assert 'href="/imports/"' not in client_as("alice").get("/").content.decode()
