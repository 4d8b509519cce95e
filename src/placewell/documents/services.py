"""Actions on documents: upload, virus scan, download and erasure. Each checks the permission policy itself,
is atomic and audited; the audit trail names the kind of document and never its file name (which may hold
the person's name).

Files go through Django's storage API (the ``documents`` storage in ``settings.STORAGES``: ``var/documents``
on disk, files 0600 in folders 0700, or S3-compatible object storage by configuration) under a random name.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import IO, TYPE_CHECKING

from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.accounts.policy import Perm, require_in_scope
from placewell.documents import checks, scanner
from placewell.documents.checks import Refusal
from placewell.documents.models import Category, Document, Scan

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from placewell.accounts.models import User
    from placewell.participants.models import Participant

A = AuditEvent.Action
SCAN_JOB = "documents.scan"


def files() -> Storage:
    return storages["documents"]


def _refuse(by: User, participant: Participant, refusal: Refusal, request: HttpRequest | None) -> Refusal:
    """Record a refused upload on the participant's record: the reason code only, no file name or content."""
    audit.record(
        by,
        A.CREATE,
        "document",
        "",
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary="Document upload refused",
        changes={"refused": refusal.reason},
        request=request,
    )
    return refusal


def upload(
    *,
    by: User,
    participant: Participant,
    category: str,
    file: UploadedFile,
    request: HttpRequest | None = None,
) -> Document:
    """Check and keep one document, then queue its virus scan. Raises ``Refusal`` (nothing kept, the
    attempt audited) for a file that is empty, too large, of a type not allowed, or not what its name says."""
    require_in_scope(by, Perm.EDIT_PARTICIPANT, participant)
    if category not in Category.values:
        raise Refusal("category", "Select what kind of document this is")
    file.seek(0)
    head = file.read(checks.SNIFF_BYTES)
    file.seek(0)
    try:
        content_type = checks.content_type_of(file.name or "", head, int(file.size or 0))
    except Refusal as refusal:
        raise _refuse(by, participant, refusal, request) from None
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    stored = secrets.token_hex(20)
    files().save(stored, file)
    try:
        with transaction.atomic():
            doc = Document.objects.create(
                participant=participant,
                category=category,
                original_name=(file.name or "document")[-200:],
                stored_name=stored,
                content_type=content_type,
                size=int(file.size or 0),
                sha256=digest.hexdigest(),
                scan_status=Scan.PENDING if scanner.configured() else Scan.NOT_SCANNED,
                uploaded_by=by,
            )
            audit.record(
                by,
                A.CREATE,
                "document",
                doc.pk,
                participant_id=participant.pk,
                service_id=participant.service_id,
                summary=f"Uploaded a document: {doc.get_category_display()}",
                changes={"category": category, "size": doc.size},
                request=request,
            )
            if scanner.configured():
                _queue_scan(doc, by)
    except Exception:
        files().delete(stored)  # nothing half-saved: no file without its record
        raise
    doc.refresh_from_db()
    return doc


def _queue_scan(doc: Document, by: User) -> None:
    from placewell.jobs.queue import QueueUnavailable, enqueue

    try:
        enqueue(
            SCAN_JOB,
            "placewell.documents.services.scan_document",
            [doc.pk],
            label="Virus scan of an uploaded document",
            service_id=doc.participant.service_id,
            by=by,
            on_failure="placewell.documents.services.scan_job_failed",
        )
    except QueueUnavailable as exc:
        raise Refusal("queue", f"The document was not kept: {exc}") from exc


def scan_document(document_id: int) -> str:
    """The background job: scan the stored file and record the verdict. A file that fails is deleted from
    the storage at once (the record stays, so the team knows it arrived and was refused)."""
    doc = Document.objects.select_related("participant").filter(pk=document_id).first()
    if doc is None or doc.scan_status != Scan.PENDING:
        return "Nothing to scan (the document was deleted or already scanned)"
    with files().open(doc.stored_name, "rb") as fh:
        data = fh.read()
    try:
        verdict = scanner.scan(data)
    except scanner.ScannerError as exc:
        status, finding = Scan.FAILED, str(exc)[:200]
    else:
        status, finding = (Scan.CLEAN, "") if verdict.clean else (Scan.INFECTED, verdict.finding[:200])
    with transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(
            scan_status=status, scan_detail=finding, scanned_at=timezone.now()
        )
        audit.record(
            None,
            A.UPDATE,
            "document",
            doc.pk,
            participant_id=doc.participant_id,
            service_id=doc.participant.service_id,
            summary=f"Virus scan: {Scan(status).label.lower()}",
            changes={"scan": status, "finding": finding if status == Scan.INFECTED else ""},
            actor_label="Virus scanner",
        )
    if status == Scan.INFECTED:
        files().delete(doc.stored_name)
    return f"Document {doc.pk}: {status}"


def scan_job_failed(document_id: int, reason: str) -> None:
    """The scan job stopped for good (an unexpected error, a timeout, a worker that died each time): the
    document stays closed, marked as not scanned, rather than waiting for a scan that will never come."""
    Document.objects.filter(pk=document_id, scan_status=Scan.PENDING).update(
        scan_status=Scan.FAILED, scan_detail=reason[:200], scanned_at=timezone.now()
    )


def open_document(*, by: User, document: Document, request: HttpRequest | None = None) -> IO[bytes]:
    """The stored file, for someone who may see the record; every read is audited. Refused until the file
    has passed its scan (or no scanner is configured)."""
    require_in_scope(by, Perm.VIEW_PARTICIPANTS, document.participant)
    if not document.can_open:
        raise Refusal(
            "not_openable", f"This document cannot be opened: {document.get_scan_status_display().lower()}"
        )
    handle = files().open(document.stored_name, "rb")
    audit.record(
        by,
        A.VIEW,
        "document",
        document.pk,
        participant_id=document.participant_id,
        service_id=document.participant.service_id,
        summary=f"Downloaded a document: {document.get_category_display()}",
        request=request,
    )
    return handle


def erase_participant_documents(participant: Participant, *, by: User | None = None) -> None:
    """Erasure step (``web.extensions``): delete the person's documents, records and files. The files are
    deleted once the erasure commits, so an erasure that fails part-way leaves every document as it was."""
    names = list(Document.objects.filter(participant=participant).values_list("stored_name", flat=True))
    Document.objects.filter(participant=participant).delete()
    store = files()

    def delete_files() -> None:
        for name in names:
            store.delete(name)

    transaction.on_commit(delete_files)
