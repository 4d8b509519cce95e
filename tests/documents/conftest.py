from __future__ import annotations

import io
import zipfile

import pytest

# Minimal files of each allowed type, built from their published signatures: PDF ("%PDF-", ISO 32000-1
# section 7.5.2), PNG (the eight-byte signature of the PNG specification, section 5.2), JPEG (SOI and APP0
# markers, JFIF 1.02), and a Word document (an Office Open XML package, ECMA-376 Part 2).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x02" + b"\x00" * 40


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test's documents in a folder of its own, never the development ``var/documents``."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(tmp_path / "documents"),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
                "allow_overwrite": True,
            },
        },
    }
    settings.PLACEWELL_DOCUMENT_SCANNER = "none"
    return tmp_path / "documents"
