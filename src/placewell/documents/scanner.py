"""The virus-scanner hook every document passes before anyone can open it.

``PLACEWELL_DOCUMENT_SCANNER`` chooses it:

- ``none``: no scanner; documents can be opened at once and the page says they are not virus-scanned;
- ``clamd``: ClamAV's daemon at ``PLACEWELL_CLAMD_ADDRESS`` (``unix:///var/run/clamav/clamd.ctl`` or
  ``tcp://host:3310``), spoken to with its INSTREAM command as the clamd manual page describes it: the
  command ``zINSTREAM\\0``, then the file in chunks each preceded by its length as a four-byte big-endian
  number, then a zero length; the daemon answers ``stream: OK`` or ``stream: <signature> FOUND``. The
  Python clients for clamd (``clamd``, ``pyclamd``) have not been released for years, so the protocol
  (a dozen lines) is spoken here directly;
- any other value: the dotted path of a function taking the file's bytes and returning a ``Verdict``.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.utils.module_loading import import_string

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    clean: bool
    finding: str = ""  # the signature found, e.g. "Eicar-Test-Signature"


class ScannerError(Exception):
    """The scanner could not give a verdict (not reachable, or it reported an error)."""


def name() -> str:
    return str(getattr(settings, "PLACEWELL_DOCUMENT_SCANNER", "none") or "none")


def configured() -> bool:
    return name() != "none"


def scanner() -> Callable[[bytes], Verdict]:
    chosen = name()
    if chosen == "clamd":
        return lambda data: clamd_instream(data, str(settings.PLACEWELL_CLAMD_ADDRESS))
    fn: Callable[[bytes], Verdict] = import_string(chosen)
    return fn


def scan(data: bytes) -> Verdict:
    return scanner()(data)


def _connect(address: str) -> socket.socket:
    where = urlparse(address)
    if where.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT_SECONDS)
        sock.connect(where.path)
        return sock
    if where.scheme == "tcp" and where.hostname:
        return socket.create_connection((where.hostname, where.port or 3310), timeout=TIMEOUT_SECONDS)
    raise ScannerError(f"PLACEWELL_CLAMD_ADDRESS must be unix:///path or tcp://host:port, not {address!r}")


def clamd_instream(data: bytes, address: str) -> Verdict:
    """Send ``data`` to clamd with INSTREAM and read its one-line answer."""
    try:
        with _connect(address) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                piece = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(piece)) + piece)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                got = sock.recv(4096)
                if not got:
                    break
                reply += got
    except OSError as exc:
        raise ScannerError(
            f"The virus scanner at {address} could not be reached ({exc.strerror or exc})"
        ) from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    _, _, result = answer.partition(": ")
    if result == "OK":
        return Verdict(clean=True)
    if result.endswith(" FOUND"):
        return Verdict(clean=False, finding=result.removesuffix(" FOUND").strip())
    raise ScannerError(f"The virus scanner answered {answer!r}")
