"""Scanners for tests, chosen through PLACEWELL_DOCUMENT_SCANNER as any deployment would choose its own."""

from __future__ import annotations

from placewell.documents.scanner import ScannerError, Verdict

# The EICAR anti-virus test file (EICAR, "Anti-Malware Testfile"), built from two halves so that this source
# file is not itself reported by a virus scanner on a developer's machine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def eicar(data: bytes) -> Verdict:
    """Flags the EICAR test string, as every real scanner does (ClamAV calls it Eicar-Test-Signature)."""
    if EICAR in data:
        return Verdict(clean=False, finding="Eicar-Test-Signature")
    return Verdict(clean=True)


def unreachable(data: bytes) -> Verdict:
    raise ScannerError("The virus scanner at tcp://127.0.0.1:1 could not be reached (Connection refused)")


def crashes(data: bytes) -> Verdict:
    raise RuntimeError("a bug in the scanner")
