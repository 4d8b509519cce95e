"""The virus-scanner hook: a scan runs as a background job before anyone can open the file.

The clamd client is tested against a small server written here that speaks clamd's INSTREAM protocol as the
clamd(8) manual page describes it (ClamAV is not installed on this machine): it reads ``zINSTREAM\\0``, then
chunks each preceded by a four-byte big-endian length, up to a zero length, and answers ``stream: OK`` or
``stream: <signature> FOUND``, ending with a NUL byte.
"""

from __future__ import annotations

import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from placewell.accounts.models import AuditEvent
from placewell.documents import scanner, services
from placewell.documents.models import Document, Scan
from placewell.jobs.models import Job
from tests.documents.conftest import PDF
from tests.documents.scanners import EICAR


def _upload(world, p, name, data):  # type: ignore[no-untyped-def]
    return services.upload(
        by=world.alice, participant=p, category="letter", file=SimpleUploadedFile(name, data)
    )


def test_a_clean_file_is_scanned_in_a_background_job_and_can_be_opened(world, participant, settings):  # type: ignore[no-untyped-def]
    settings.PLACEWELL_DOCUMENT_SCANNER = "tests.documents.scanners.eicar"
    doc = _upload(world, participant, "letter.pdf", PDF)
    assert doc.scan_status == Scan.CLEAN and doc.scanned_at is not None and doc.can_open
    job = Job.objects.get(kind=services.SCAN_JOB)
    assert job.args == [doc.pk] and job.state == Job.State.SUCCEEDED
    assert AuditEvent.objects.filter(
        record_id=str(doc.pk), summary="Virus scan: scanned: no virus found"
    ).exists()


def test_the_eicar_test_file_fails_the_scan_and_its_file_is_deleted(
    world, participant, settings, document_storage
):  # type: ignore[no-untyped-def]
    settings.PLACEWELL_DOCUMENT_SCANNER = "tests.documents.scanners.eicar"
    doc = _upload(world, participant, "notes.txt", EICAR)
    assert doc.scan_status == Scan.INFECTED and doc.scan_detail == "Eicar-Test-Signature" and not doc.can_open
    assert not (document_storage / doc.stored_name).exists()
    with pytest.raises(services.Refusal, match="cannot be opened: failed the virus scan"):
        services.open_document(by=world.alice, document=doc)


def test_a_scanner_that_cannot_answer_leaves_the_file_closed(world, participant, settings):  # type: ignore[no-untyped-def]
    settings.PLACEWELL_DOCUMENT_SCANNER = "tests.documents.scanners.unreachable"
    doc = _upload(world, participant, "letter.pdf", PDF)
    assert doc.scan_status == Scan.FAILED and "could not be reached" in doc.scan_detail and not doc.can_open


def test_a_scan_job_that_fails_for_good_leaves_the_file_closed(world, participant, settings):  # type: ignore[no-untyped-def]
    settings.PLACEWELL_DOCUMENT_SCANNER = "tests.documents.scanners.crashes"
    doc = _upload(world, participant, "letter.pdf", PDF)
    assert Job.objects.get(kind=services.SCAN_JOB).state == Job.State.FAILED
    assert (
        doc.scan_status == Scan.FAILED and doc.scan_detail.startswith("The job stopped") and not doc.can_open
    )


def test_the_page_says_when_files_are_not_scanned(client_as, participant, settings) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    url = reverse("participants:detail", args=[participant.pk])
    assert "Files are not virus-scanned" in client_as("alice").get(url).content.decode()
    settings.PLACEWELL_DOCUMENT_SCANNER = "clamd"
    assert "Files are not virus-scanned" not in client_as("alice").get(url).content.decode()


class _Clamd(socketserver.BaseRequestHandler):
    received: list[bytes]

    def handle(self) -> None:
        sock = self.request
        command = b""
        while not command.endswith(b"\0"):
            command += sock.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (length,) = struct.unpack("!L", self._exactly(4))
            if length == 0:
                break
            data += self._exactly(length)
        self.server.received.append(data)  # type: ignore[attr-defined]
        sock.sendall(b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0")

    def _exactly(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += self.request.recv(n - len(out))
        return out


def _serve(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clamd_tcp() -> Iterator[socketserver.BaseServer]:
    yield from _serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Clamd))


@pytest.fixture
def clamd_unix(tmp_path: Path) -> Iterator[socketserver.BaseServer]:
    yield from _serve(socketserver.ThreadingUnixStreamServer(str(tmp_path / "clamd.ctl"), _Clamd))


def test_clamd_instream_over_tcp_in_chunks(clamd_tcp) -> None:  # type: ignore[no-untyped-def]
    host, port = clamd_tcp.server_address
    big = b"A" * (scanner.CHUNK * 2 + 17)  # three chunks
    assert scanner.clamd_instream(big, f"tcp://{host}:{port}") == scanner.Verdict(clean=True)
    assert clamd_tcp.received == [big]
    assert scanner.clamd_instream(b"x" + EICAR, f"tcp://{host}:{port}") == scanner.Verdict(
        clean=False, finding="Eicar-Test-Signature"
    )


def test_clamd_over_its_unix_socket_through_the_upload(world, participant, settings, clamd_unix) -> None:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_DOCUMENT_SCANNER = "clamd"
    settings.PLACEWELL_CLAMD_ADDRESS = f"unix://{clamd_unix.server_address}"
    clean = _upload(world, participant, "letter.pdf", PDF)
    infected = _upload(world, participant, "notes.txt", EICAR)
    assert (clean.scan_status, infected.scan_status) == (Scan.CLEAN, Scan.INFECTED)
    assert clamd_unix.received == [PDF, EICAR]
    assert Document.objects.count() == 2


def test_clamd_not_listening_is_a_scanner_error(tmp_path: Path) -> None:
    with pytest.raises(scanner.ScannerError, match="could not be reached"):
        scanner.clamd_instream(b"data", f"unix://{tmp_path / 'absent.ctl'}")
    with pytest.raises(scanner.ScannerError, match="must be unix:///path or tcp://host:port"):
        scanner.clamd_instream(b"data", "clamd.example:3310")
