"""Where an uploaded file waits between its preview and its import, and where progress is published.

The file is saved, as uploaded, in a directory of its own under ``PLACEWELL_IMPORT_DIR`` (``var/imports/``
unless set), named by the job's random token. It holds personal data, so it is deleted as soon as the import
finishes or the file is found unusable. Progress counts are written to ``progress.json`` beside it: the
import writes every row inside one database transaction, and a count written to the database from inside
it could not be read until the end (PostgreSQL shows other sessions committed rows only; SQLite allows one
writer at a time), so the progress page reads the count from this file and everything else from the job.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

from placewell.imports.models import ImportJob
from placewell.web.env import env_int

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # 50 MB: a 100,000-row file with notes is well under this


class TooBig(ValueError):
    pass


def max_bytes() -> int:
    """The upload limit: the ``PLACEWELL_IMPORT_MAX_BYTES`` setting, or the environment variable of that
    name (a malformed value stops the server with a message naming it), or 50 MB."""
    configured = getattr(settings, "PLACEWELL_IMPORT_MAX_BYTES", None)
    if configured:
        return int(configured)
    return env_int("PLACEWELL_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES, minimum=1)


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def base_dir() -> Path:
    configured = getattr(settings, "PLACEWELL_IMPORT_DIR", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "imports"


def work_dir(job: ImportJob) -> Path:
    return base_dir() / job.token


def upload_path(job: ImportJob) -> Path:
    return work_dir(job) / f"upload{Path(job.file_name).suffix.lower()}"


def save(job: ImportJob, chunks: Iterable[bytes]) -> None:
    """Write the upload to its directory, counting bytes and hashing as it goes; over the limit, stop."""
    limit = max_bytes()
    folder = work_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with upload_path(job).open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                out.close()
                discard(job)
                raise TooBig(
                    f"The file is larger than {describe_size(limit)}, the most that can be imported at once: split it into smaller files"
                )
            digest.update(chunk)
            out.write(chunk)
    job.file_size, job.file_sha256 = size, digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def discard(job: ImportJob) -> None:
    shutil.rmtree(work_dir(job), ignore_errors=True)


def publish(job: ImportJob, phase: str, done: int, total: int | None) -> None:
    folder = work_dir(job)
    if not folder.is_dir():
        return
    tmp = folder / "progress.json.tmp"
    tmp.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
    os.replace(tmp, folder / "progress.json")


def progress(job: ImportJob) -> dict[str, Any]:
    try:
        return dict(json.loads((work_dir(job) / "progress.json").read_text()))
    except (OSError, ValueError):
        return {"phase": job.state, "done": job.processed_rows, "total": job.total_rows or None}
