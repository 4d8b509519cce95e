"""The documents panel, upload page and download, for each persona (tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placewell.accounts.models import AuditEvent
from placewell.documents import services
from placewell.documents.models import Document, Scan
from tests.documents.conftest import PDF

TEAM = ["alice", "bob", "tess", "mandy"]


@pytest.fixture
def doc(world, participant):  # type: ignore[no-untyped-def]
    return services.upload(
        by=world.alice, participant=participant, category="cv", file=SimpleUploadedFile("Rowan CV.pdf", PDF)
    )


@pytest.mark.parametrize("who", TEAM)
def test_the_team_sees_the_panel_and_downloads(client_as, participant, doc, who):  # type: ignore[no-untyped-def]
    page = client_as(who).get(reverse("participants:detail", args=[participant.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="documents-heading"' in html
    assert reverse("documents:download", args=[doc.pk]) in html and "Files are not virus-scanned" in html
    response = client_as(who).get(reverse("documents:download", args=[doc.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert (
        response["Content-Type"] == "application/pdf"
        and 'filename="Rowan CV.pdf"' in response["Content-Disposition"]
    )
    event = AuditEvent.objects.filter(record_type="document", record_id=str(doc.pk), action="view").latest(
        "pk"
    )
    assert event.actor.username == who and event.participant_id == participant.pk
    assert "Rowan" not in event.summary + str(event.changes)


@pytest.mark.parametrize(("who", "status"), [("charlie", 404), ("evan", 403), ("ada", 403)])
def test_others_are_refused_and_nothing_is_audited_as_read(client_as, participant, doc, who, status):  # type: ignore[no-untyped-def]
    assert client_as(who).get(reverse("documents:download", args=[doc.pk])).status_code == status
    assert client_as(who).get(reverse("documents:upload", args=[participant.pk])).status_code == status
    assert not AuditEvent.objects.filter(record_type="document", action="view").exists()


def test_an_unknown_document_is_404(client_as, doc) -> None:  # type: ignore[no-untyped-def]
    assert client_as("alice").get(reverse("documents:download", args=[doc.pk + 100])).status_code == 404


def test_the_upload_page_keeps_a_document(client_as, participant) -> None:  # type: ignore[no-untyped-def]
    url = reverse("documents:upload", args=[participant.pk])
    page = client_as("bob").get(url)
    assert page.status_code == 200 and "smaller than 10 MB" in page.content.decode()
    response = client_as("bob").post(
        url, {"category": "fit_note", "file": SimpleUploadedFile("note.pdf", PDF)}
    )
    assert response.status_code == 302 and response["Location"].endswith("#documents-heading")
    doc = Document.objects.get()
    assert doc.category == "fit_note" and doc.uploaded_by.username == "bob"


def test_the_upload_page_explains_a_refusal_and_keeps_nothing(client_as, participant) -> None:  # type: ignore[no-untyped-def]
    url = reverse("documents:upload", args=[participant.pk])
    response = client_as("alice").post(
        url, {"category": "cv", "file": SimpleUploadedFile("cv.exe", b"MZ" + b"\0" * 40)}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "The selected file must be a PDF, Word (.docx), JPEG or PNG image, or plain text (.txt)" in html
    assert not Document.objects.exists()
    response = client_as("alice").post(url, {"file": SimpleUploadedFile("cv.pdf", PDF)})
    assert (
        "Select what kind of document this is" in response.content.decode() and not Document.objects.exists()
    )


@pytest.mark.parametrize("status", [Scan.PENDING, Scan.INFECTED, Scan.FAILED])
def test_a_document_not_cleared_by_the_scan_cannot_be_downloaded(client_as, participant, doc, status) -> None:  # type: ignore[no-untyped-def]
    Document.objects.filter(pk=doc.pk).update(scan_status=status)
    response = client_as("alice").get(reverse("documents:download", args=[doc.pk]), follow=True)
    html = response.content.decode()
    assert "This document cannot be opened" in html
    assert reverse("documents:download", args=[doc.pk]) not in html
    assert not AuditEvent.objects.filter(record_type="document", action="view").exists()
