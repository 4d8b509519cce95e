"""Which files may be held on a record, judged by their content as well as their name.

An extension is only a claim: a program renamed ``cv.pdf`` is still a program. The first bytes of the file
(its "magic number") are read with the ``filetype`` library and must match both the list of allowed types
and the extension the file was uploaded with. Plain text has no magic number, so a ``.txt`` file must be
valid UTF-8 with no NUL bytes (which text never contains and binary formats nearly always do). The list
follows the kinds of document the service keeps: CVs and letters (PDF, Word), fit notes and signed forms
(often a photograph or a scan: JPEG, PNG), and notes (plain text).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings

# extension -> the content type its content must be recognised as
ALLOWED: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
}
ALLOWED_LABEL = "PDF, Word (.docx), JPEG or PNG image, or plain text (.txt)"
SNIFF_BYTES = 8192  # filetype reads no further than this


def max_bytes() -> int:
    return int(getattr(settings, "PLACEWELL_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return (
            f"{size / (1024 * 1024):.0f} MB"
            if size % (1024 * 1024) == 0
            else f"{size / (1024 * 1024):.1f} MB"
        )
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


@dataclass(frozen=True)
class Refusal(Exception):
    """Why a file was refused: ``reason`` is a short code for the audit trail (no personal data),
    ``message`` the plain-English sentence for the person who uploaded it."""

    reason: str
    message: str

    def __str__(self) -> str:
        return self.message


def content_type_of(name: str, head: bytes, size: int) -> str:
    """The file's content type, or raise ``Refusal`` saying what is wrong and what to do."""
    if size == 0:
        raise Refusal(
            "empty", "The selected file is empty: choose the file again, or check that it saved properly"
        )
    limit = max_bytes()
    if size > limit:
        raise Refusal(
            "too_large",
            f"The selected file is {describe_size(size)}: it must be smaller than {describe_size(limit)}",
        )
    extension = PurePath(name).suffix.lower()
    expected = ALLOWED.get(extension)
    if expected is None:
        raise Refusal("wrong_type", f"The selected file must be a {ALLOWED_LABEL}")
    if expected == "text/plain":
        if b"\x00" in head or filetype.guess(head) is not None:
            raise Refusal("mismatch", _mismatch(extension))
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a character cut at the end of the sample is not an error
                raise Refusal("mismatch", _mismatch(extension)) from None
        return expected
    kind = filetype.guess(head)
    if kind is None or kind.mime != expected:
        raise Refusal("mismatch", _mismatch(extension))
    return expected


def _mismatch(extension: str) -> str:
    return (
        f"The selected file is named {extension} but its content is not a {extension.lstrip('.').upper()} file: "
        f"save it again as a {ALLOWED_LABEL}"
    )
