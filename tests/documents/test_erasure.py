"""Documents are gone, from the database and the storage, after an erasure and after the retention purge."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from placewell.documents import services
from placewell.documents.models import Document
from placewell.governance import retention
from placewell.governance import services as governance
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from tests.casework.conftest import supported
from tests.documents.conftest import PDF, PNG


def _upload(world, p, name, data):  # type: ignore[no-untyped-def]
    return services.upload(by=world.alice, participant=p, category="cv", file=SimpleUploadedFile(name, data))


def test_erasure_deletes_the_records_and_the_files(
    world, participant, document_storage, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from tests.conftest import refer

    other = refer(world, given_name="Kit", nhs_number="9434765870")
    mine = [_upload(world, participant, "cv.pdf", PDF), _upload(world, participant, "form.png", PNG)]
    theirs = _upload(world, other, "cv.pdf", PDF)
    assert all((document_storage / d.stored_name).exists() for d in [*mine, theirs])
    with django_capture_on_commit_callbacks(execute=True):
        ps.erase(by=world.mandy, participant=participant, reason=_reason())
    assert list(Document.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert sorted(p.name for p in document_storage.iterdir()) == [theirs.stored_name]


def test_the_retention_purge_deletes_them_too(world, document_storage, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    p = supported(world, started=timezone.localdate() - dt.timedelta(days=30))
    p = ps.close(by=world.alice, participant=p, reason="Support finished")
    _upload(world, p, "cv.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        result = governance.purge_expired(
            by=None, apply=True, today=retention.add_years(timezone.localdate(), 4), actor_label="test"
        )
    assert result.anonymised == [p.pk]
    assert not Document.objects.exists() and list(document_storage.iterdir()) == []


def _reason() -> ErasureReason:
    return ErasureReason(dt.date(2026, 11, 20), "role:data_protection_officer", "DSR-2026-014")
