"""Test support for the Welsh pages: the translations compiled from their .po files.

``./run setup`` compiles them with Django's ``compilemessages``; a test run started without it (``pytest``
alone) compiles any that are missing or older than their .po here, each to a temporary file first so
parallel workers never read half a file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import placewell

SRC = Path(placewell.__file__).resolve().parent


def compile_welsh() -> list[Path]:
    """Compile every ``locale/cy/LC_MESSAGES/django.po`` under the package that needs it; the .po files."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed for the Welsh pages (Debian: apt-get install gettext)"
    found = sorted(SRC.glob("*/locale/cy/LC_MESSAGES/django.po"))
    for po in found:
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        os.close(handle)
        subprocess.run([msgfmt, "--check", "-o", temporary, str(po)], check=True)
        os.replace(temporary, mo)
    if found:
        from django.utils import translation
        from django.utils.translation import trans_real

        trans_real._translations = {}  # type: ignore[attr-defined]  # load the fresh catalogues
        translation.trans_real._default = None  # type: ignore[attr-defined]
    return found
