"""The one pseudonymisation function: a keyed HMAC-SHA256 (RFC 2104; FIPS 198-1), and the research key.

Every pseudonym Placewell writes comes from :func:`keyed_digest`: the research extract's identifiers, keyed
with the research key held outside the database, and the trials app's allocation-list codes, keyed with the
site's ``SECRET_KEY``. A keyed hash, unlike a plain hash, cannot be reversed by hashing every possible NHS
number (there are only about 10^9), and without the key nobody can recompute it; with the key, a linkage
partner (such as the data safe haven, DWP research report 1025 sections 1.5 and 5.1.5) can compute the same pseudonym from
the same identifier in administrative data, so extracts link without the identifier leaving the service.

The research key comes from ``PLACEWELL_PSEUDONYM_KEY`` (the key itself) or ``PLACEWELL_PSEUDONYM_KEY_FILE``
(a file holding it), never from the database, so a copy of the database alone cannot re-identify an extract
(ICO, "Anonymisation, pseudonymisation and privacy enhancing technologies guidance", chapter 3, 2022). The key
must be at least 32 characters: 256 bits for HMAC-SHA256 (NIST SP 800-107r1, section 5.3.4).

No Django imports (the identifier rules come from ``participants.identifiers``, pure Python too): an evaluator or a linkage partner can use this module as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from pathlib import Path

from placewell.participants.identifiers import normalise_nhs_number, normalise_ni_number

KEY_ENV = "PLACEWELL_PSEUDONYM_KEY"
KEY_FILE_ENV = "PLACEWELL_PSEUDONYM_KEY_FILE"
MIN_KEY_LENGTH = 32


class PseudonymKeyError(RuntimeError):
    """The research key is missing or unusable; the message says how to provide it."""


def keyed_digest(key: bytes | str, message: str) -> str:
    """HMAC-SHA256 of ``message`` under ``key``, as 64 lower-case hexadecimal characters."""
    raw = key.encode() if isinstance(key, str) else key
    return hmac.new(raw, message.encode(), hashlib.sha256).hexdigest()


def nhs_pseudonym(key: bytes | str, raw: str | None) -> str:
    """The pseudonym of an NHS number: HMAC-SHA256(key, "nhs:" + 10 digits); empty for no number.

    The "nhs:" and "ni:" prefixes keep the two identifier spaces apart, so no NHS number and National
    Insurance number can ever share a pseudonym.
    """
    number = normalise_nhs_number(raw or "")
    return keyed_digest(key, f"nhs:{number}") if number else ""


def ni_pseudonym(key: bytes | str, raw: str | None) -> str:
    """The pseudonym of a National Insurance number: HMAC-SHA256(key, "ni:" + number); empty for none."""
    number = normalise_ni_number(raw or "")
    return keyed_digest(key, f"ni:{number}") if number else ""


def record_pseudonym(key: bytes | str, record_id: int) -> str:
    """A row key for people without national identifiers, stable for as long as the record exists."""
    return keyed_digest(key, f"participant:{record_id}")[:20]


def key_fingerprint(key: bytes | str) -> str:
    """A short code naming the key without revealing it, so two extracts can be seen to share a key."""
    return keyed_digest(key, "placewell-key-fingerprint")[:12]


def load_research_key(environ: Mapping[str, str] | None = None) -> bytes:
    """The research key from the environment, or PseudonymKeyError saying how to set it."""
    env = os.environ if environ is None else environ
    value = env.get(KEY_ENV, "")
    path = env.get(KEY_FILE_ENV, "")
    if not value and path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise PseudonymKeyError(
                f"The research key file {path} ({KEY_FILE_ENV}) cannot be read: {exc.strerror}."
            ) from None
    if not value:
        raise PseudonymKeyError(
            f"No research key is set, so no pseudonymised extract can be made. Set {KEY_ENV} to a secret of at "
            f"least {MIN_KEY_LENGTH} characters (or {KEY_FILE_ENV} to a file holding it), kept outside the "
            "database and the same for every extract, and try again."
        )
    if len(value) < MIN_KEY_LENGTH:
        raise PseudonymKeyError(
            f"The research key is {len(value)} characters long; it must be at least {MIN_KEY_LENGTH}."
        )
    return value.encode()
