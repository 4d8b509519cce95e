"""Where an uploaded file waits between its preview and its import, and where progress is published.

The file goes through Django's storage API (the ``imports`` storage in ``settings.STORAGES``), so the server
that receives the upload and the worker that checks and imports it need not be the same machine: on disk
under ``var/imports/`` by default (``PLACEWELL_IMPORT_DIR`` to move it; a disk every server shares, in a
fleet), or in S3-compatible object storage by configuration. Each upload has a folder of its own named by
the job's random token, readable by Placewell's own user only (files 0600, folders 0700). It holds personal
data, so it is deleted as soon as the import finishes or the file is found unusable, and ``purge_abandoned``
(run on a schedule, or by ``./run manage purge_import_uploads``) deletes the uploads nobody went on to import.

Reading needs a real file (the CSV and Excel readers seek; the duplicate-id index is SQLite): ``local_copy``
gives the file on disk itself, or a private temporary copy of a remote one that is deleted afterwards.

Progress counts are written to ``progress.json`` beside the upload: the import writes every row inside one
database transaction, and a count written to the database from inside it could not be read until the end
(PostgreSQL shows other sessions committed rows only; SQLite allows one writer at a time), so the progress
page reads the count from this file and everything else from the job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone

from placewell.imports.models import ImportJob
from placewell.ui.env import env_int

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # 50 MB: a 100,000-row file with notes is well under this
DEFAULT_KEEP_HOURS = 24  # an upload checked but not imported within a day is deleted
PROGRESS = "progress.json"
COPY_CHUNK = 1024 * 1024


class TooBig(ValueError):
    pass


def max_bytes() -> int:
    """The upload limit: the ``PLACEWELL_IMPORT_MAX_BYTES`` setting, or the environment variable of that
    name (a malformed value stops the server with a message naming it), or 50 MB."""
    configured = getattr(settings, "PLACEWELL_IMPORT_MAX_BYTES", None)
    if configured:
        return int(configured)
    return env_int("PLACEWELL_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES, minimum=1)


def keep_hours() -> int:
    """How long an upload may wait to be imported (``PLACEWELL_IMPORT_KEEP_HOURS``, 24 by default)."""
    configured = getattr(settings, "PLACEWELL_IMPORT_KEEP_HOURS", None)
    if configured:
        return int(configured)
    return env_int("PLACEWELL_IMPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS, minimum=1)


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def files() -> Storage:
    """The storage uploads wait in: a folder named by ``PLACEWELL_IMPORT_DIR`` if set, else ``imports``."""
    configured = getattr(settings, "PLACEWELL_IMPORT_DIR", "")
    if configured:
        return FileSystemStorage(
            location=configured,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
            allow_overwrite=True,
        )
    return storages["imports"]


def base_dir() -> Path:
    """The uploads' folder on this machine's disk (filesystem storage only)."""
    return Path(files().path(""))


def upload_name(job: ImportJob) -> str:
    return f"{job.token}/upload{Path(job.file_name).suffix.lower()}"


def exists(job: ImportJob) -> bool:
    return files().exists(upload_name(job))


def save(job: ImportJob, chunks: Iterable[bytes]) -> None:
    """Store the upload, counting bytes and hashing as it goes; over the limit, stop and keep nothing.

    The chunks are spooled to a private temporary file first, so the size limit is enforced before anything
    reaches the storage and a remote storage receives one complete file."""
    limit = max_bytes()
    digest, size = hashlib.sha256(), 0
    with tempfile.TemporaryFile() as spool:  # created 0600 and unlinked at once
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                discard(job)
                raise TooBig(
                    f"The file is larger than {describe_size(limit)}, the most that can be imported at once: split it into smaller files"
                )
            digest.update(chunk)
            spool.write(chunk)
        spool.seek(0)
        files().save(upload_name(job), File(spool, name=Path(upload_name(job)).name))
    job.file_size, job.file_sha256 = size, digest.hexdigest()


@contextmanager
def local_copy(job: ImportJob) -> Iterator[Path]:
    """The upload as a file on this machine: the stored file itself on a filesystem storage, otherwise a
    private temporary copy, deleted when the block ends. Raises ``FileNotFoundError`` if it is gone."""
    store, name = files(), upload_name(job)
    if isinstance(store, FileSystemStorage):
        local = Path(store.path(name))
        if not local.is_file():
            raise FileNotFoundError(f"The upload for import {job.pk} is no longer there")
        yield local
        return
    if not store.exists(name):
        raise FileNotFoundError(f"The upload for import {job.pk} is no longer there")
    with tempfile.TemporaryDirectory(prefix="placewell-import-") as folder:
        copy = Path(folder) / Path(name).name
        with store.open(name, "rb") as source, copy.open("wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        yield copy


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(COPY_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored_sha256(job: ImportJob) -> str | None:
    """The SHA-256 of the stored upload, or None if it is gone."""
    store, name = files(), upload_name(job)
    if not store.exists(name):
        return None
    digest = hashlib.sha256()
    with store.open(name, "rb") as fh:
        for chunk in iter(lambda: fh.read(COPY_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _delete_folder(store: Storage, token: str) -> None:
    try:
        _, names = store.listdir(token)
    except (FileNotFoundError, NotADirectoryError):
        names = []
    for name in names:
        store.delete(f"{token}/{name}")
    if isinstance(store, FileSystemStorage):  # object storage has no folders to remove
        shutil.rmtree(store.path(token), ignore_errors=True)


def discard(job: ImportJob) -> None:
    """Delete the upload and everything beside it (it holds personal data)."""
    _delete_folder(files(), job.token)


def publish(job: ImportJob, phase: str, done: int, total: int | None) -> None:
    store = files()
    if not store.exists(upload_name(job)):
        return
    store.save(
        f"{job.token}/{PROGRESS}", ContentFile(json.dumps({"phase": phase, "done": done, "total": total}))
    )


def progress(job: ImportJob) -> dict[str, Any]:
    try:
        with files().open(f"{job.token}/{PROGRESS}", "rb") as fh:
            return dict(json.loads(fh.read()))
    except (OSError, ValueError):
        return {"phase": job.state, "done": job.processed_rows, "total": job.total_rows or None}


def purge_abandoned(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete every upload nobody will import: those of finished jobs that are still there, those of jobs
    checked but not imported within ``keep_hours()`` (the job is marked failed, saying why), and folders that
    belong to no job at all (an upload whose page never finished) once they are as old. Jobs being checked
    or imported keep their files. Returns how many folders of each kind were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=keep_hours())
    store = files()
    try:
        tokens, _ = store.listdir("")
    except FileNotFoundError:
        return {"finished": 0, "expired": 0, "orphaned": 0}
    jobs = {j.token: j for j in ImportJob.objects.filter(token__in=tokens)}
    counts = {"finished": 0, "expired": 0, "orphaned": 0}
    expired_text = (
        f"The file was checked but not imported within {keep_hours()} hours, so it was deleted "
        "(it holds personal data): upload it again to import it"
    )
    for token in tokens:
        job = jobs.get(token)
        if job is None:
            if _modified(store, token) < cutoff:
                _delete_folder(store, token)
                counts["orphaned"] += 1
        elif job.state in {ImportJob.State.DONE, ImportJob.State.FAILED, ImportJob.State.INVALID}:
            _delete_folder(store, token)
            counts["finished"] += 1
        elif job.state == ImportJob.State.CHECKED and (job.checked_at or job.created_at) < cutoff:
            expired = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).update(
                state=ImportJob.State.FAILED, failure=expired_text, finished_at=now
            )
            if expired:
                _delete_folder(store, token)
                counts["expired"] += 1
    return counts


def _modified(store: Storage, token: str) -> dt.datetime:
    try:
        _, names = store.listdir(token)
        stamps = [store.get_modified_time(f"{token}/{n}") for n in names]
    except (FileNotFoundError, NotImplementedError):
        stamps = []
    return max(stamps) if stamps else timezone.now() - dt.timedelta(days=3650)
