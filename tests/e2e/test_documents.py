"""Documents in a real browser: a specialist uploads a CV, sees it on the record and downloads it; a file of
the wrong type, an empty file and a missing answer are refused with a message and nothing kept; every kind
of document can be chosen and is read back. axe-core checks every page on the way (WCAG 2.2 AA)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.documents.conftest import PDF, PNG
from tests.e2e.conftest import assert_accessible, sign_in


@pytest.fixture
def document_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents"), "file_permissions_mode": 0o600},
        },
    }
    settings.PLACEWELL_DOCUMENT_SCANNER = "none"
    return tmp_path / "documents"


def _upload(page, kind: str, name: str, mime: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    if kind:
        page.get_by_label(kind, exact=True).check()
    page.get_by_label("Choose the file").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Upload the document").click()
    page.wait_for_load_state()


def test_upload_see_download_and_refusals(page, world, participant, document_storage) -> None:  # type: ignore[no-untyped-def]
    from placewell.documents.models import Category, Document

    sign_in(page, "alice", PASSWORD)
    page.goto(f"/participants/{participant.pk}/")
    panel = page.locator("section.pw-documents")
    assert panel.get_by_text("No documents.").is_visible()
    assert panel.get_by_text("Files are not virus-scanned on this service.").is_visible()
    assert_accessible(page)
    panel.get_by_role("link", name="Upload a document").click()
    assert page.get_by_role("heading", name="Upload a document").is_visible()
    assert_accessible(page)

    # Nothing chosen: both answers are asked for.
    page.get_by_role("button", name="Upload the document").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select what kind of document this is" in summary.inner_text()
    assert "Select a file to upload" in summary.inner_text()
    assert_accessible(page)

    # A program: refused, naming the allowed types and the limit's page hint; nothing kept.
    _upload(page, "CV", "cv.exe", "application/octet-stream", b"MZ\x90\x00" + b"\x00" * 60)
    assert (
        "The selected file must be a PDF, Word (.docx), JPEG or PNG image, or plain text (.txt)"
        in summary.inner_text()
    )
    assert page.get_by_text("smaller than 10 MB").is_visible()
    assert_accessible(page)
    # Words saved with a .pdf name, and an empty file: refused too.
    _upload(page, "CV", "cv.pdf", "application/pdf", b"not really a PDF")
    assert "named .pdf but its content is not a PDF file" in summary.inner_text()
    _upload(page, "CV", "cv.pdf", "application/pdf", b"")
    assert "The selected file is empty" in summary.inner_text()
    assert not Document.objects.exists()

    _upload(page, "CV", "Rowan CV.pdf", "application/pdf", PDF)
    assert page.get_by_text("CV uploaded.").is_visible()
    assert_accessible(page)
    link = page.get_by_role("link", name="Download Rowan CV.pdf")
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "Rowan CV.pdf"
    assert Path(download.path()).read_bytes() == PDF

    # Every other kind of document, read back from the record.
    for value, label in Category.choices:
        if value == Category.CV:
            continue
        page.get_by_role("link", name="Upload a document").click()
        _upload(page, label, f"{value}.png", "image/png", PNG)
        assert page.locator("section.pw-documents").get_by_role("cell", name=label, exact=True).is_visible()
    saved = dict(Document.objects.values_list("original_name", "category"))
    assert saved == {"Rowan CV.pdf": "cv", **{f"{v}.png": v for v in Category.values if v != "cv"}}
    assert_accessible(page)
