"""Uploading documents: the allowed types pass by content, everything else is refused, audited and not kept."""

from __future__ import annotations

import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from placewell.accounts.models import AuditEvent
from placewell.documents import services
from placewell.documents.checks import Refusal
from placewell.documents.models import Document, Scan
from tests.documents.conftest import JPEG, PDF, PNG, docx


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("cv.pdf", PDF, "application/pdf"),
        ("cv.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("fit note.JPG", JPEG, "image/jpeg"),
        ("fit-note.jpeg", JPEG, "image/jpeg"),
        ("form.png", PNG, "image/png"),
        ("notes.txt", "Café on Tuesday, 10 o\u2019clock\n".encode(), "text/plain"),
    ],
)
def test_allowed_types_are_kept_under_a_random_name(
    world, participant, document_storage, name, data, content_type
):  # type: ignore[no-untyped-def]
    doc = services.upload(by=world.alice, participant=participant, category="cv", file=_file(name, data))
    assert doc.content_type == content_type and doc.size == len(data) and doc.original_name == name
    assert doc.scan_status == Scan.NOT_SCANNED and doc.can_open
    on_disk = document_storage / doc.stored_name
    assert on_disk.read_bytes() == data
    assert stat.S_IMODE(on_disk.stat().st_mode) == 0o600
    assert name.split(".")[0] not in doc.stored_name and len(doc.stored_name) == 40
    event = AuditEvent.objects.get(record_type="document", record_id=str(doc.pk), action="create")
    assert event.participant_id == participant.pk and name not in str(event.summary) + str(event.changes)


def _refused(world, participant, document_storage, name, data, reason):  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as caught:
        services.upload(by=world.alice, participant=participant, category="cv", file=_file(name, data))
    assert caught.value.reason == reason
    assert not Document.objects.exists()
    assert not document_storage.exists() or not any(document_storage.iterdir())
    event = AuditEvent.objects.get(record_type="document", summary="Document upload refused")
    assert event.participant_id == participant.pk and event.changes == {"refused": reason}
    return str(caught.value)


def test_a_type_not_allowed_is_refused_naming_the_allowed_types(world, participant, document_storage):  # type: ignore[no-untyped-def]
    message = _refused(
        world, participant, document_storage, "setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "wrong_type"
    )
    assert message == "The selected file must be a PDF, Word (.docx), JPEG or PNG image, or plain text (.txt)"


def test_an_old_word_document_is_refused(world, participant, document_storage):  # type: ignore[no-untyped-def]
    _refused(
        world,
        participant,
        document_storage,
        "cv.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "wrong_type",
    )


def test_content_that_does_not_match_the_extension_is_refused(world, participant, document_storage):  # type: ignore[no-untyped-def]
    message = _refused(
        world, participant, document_storage, "cv.pdf", b"just some words, not a PDF", "mismatch"
    )
    assert "named .pdf but its content is not a PDF file" in message


def test_a_program_renamed_as_text_is_refused(world, participant, document_storage):  # type: ignore[no-untyped-def]
    _refused(
        world,
        participant,
        document_storage,
        "notes.txt",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60,
        "mismatch",
    )


def test_a_png_named_as_a_jpeg_is_refused(world, participant, document_storage):  # type: ignore[no-untyped-def]
    _refused(world, participant, document_storage, "photo.jpg", PNG, "mismatch")


def test_an_empty_file_is_refused(world, participant, document_storage):  # type: ignore[no-untyped-def]
    message = _refused(world, participant, document_storage, "cv.pdf", b"", "empty")
    assert message.startswith("The selected file is empty")


def test_a_file_over_the_limit_is_refused_naming_the_limit(world, participant, document_storage, settings):  # type: ignore[no-untyped-def]
    settings.PLACEWELL_DOCUMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    message = _refused(world, participant, document_storage, "cv.pdf", big, "too_large")
    assert message == "The selected file is 1.0 MB: it must be smaller than 1 MB"
    exactly = PDF + b"0" * (1024 * 1024 - len(PDF))
    assert services.upload(
        by=world.alice, participant=participant, category="cv", file=_file("cv.pdf", exactly)
    )


def test_the_default_limit_is_ten_megabytes() -> None:
    from placewell.documents.checks import max_bytes

    assert max_bytes() == 10 * 1024 * 1024


def test_someone_outside_the_team_cannot_upload(world, participant, document_storage):  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    for who in (world.charlie, world.evan, world.ada):
        with pytest.raises(PermissionDenied):
            services.upload(by=who, participant=participant, category="cv", file=_file("cv.pdf", PDF))
    assert not Document.objects.exists()
