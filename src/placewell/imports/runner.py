"""Checking a file (the preview) and importing it, shared by the web pages and the ``import_data`` command.

``check`` reads every row, applies every rule and counts what would be created, updated and left unchanged,
writing nothing but the job's own record. ``run`` reads the file again inside one transaction, checks each
chunk again against the database as it is now, and writes it; any problem, or any error at all, rolls the
whole import back, so a file is imported completely or not at all. Both take an optional ``progress``
callback (phase, rows done, rows in total or None), and both run synchronously: the web pages queue them as
background jobs (``imports.tasks``, run by a worker), tests and the command call them directly.

Memory stays bounded: rows are streamed from the file (``readers``) and handled a chunk at a time, problems
beyond the first thousand are counted rather than kept, and the external ids already seen in the file are
kept on disk, in a small SQLite index in a private temporary folder, instead of in a Python set that would grow with
the file.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.bulk import BulkRejected
from placewell.accounts.models import AuditEvent
from placewell.imports import storage
from placewell.imports.kinds import IMPORTERS, Importer
from placewell.imports.kinds.base import CHUNK_ROWS, Problems, Row
from placewell.imports.models import ImportJob, Outcome
from placewell.imports.readers import FileProblem, Table, header_problems, sniff

log = logging.getLogger(__name__)
Progress = Callable[[str, int, "int | None"], None]
CHECKING, WRITING = "checking", "writing"
PROGRESS_EVERY = CHUNK_ROWS


class ImportStopped(Exception):
    """The import found a problem and was rolled back."""


class SeenIds:
    """External ids read so far, with their row, in an on-disk index (bounded memory for any file size)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "ids.sqlite3"
        self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-2048;"
            "CREATE TABLE ids (external_id TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;"
        )

    def first_row(self, external_id: str, row: int) -> int | None:
        """None the first time an id is seen; otherwise the row it was first seen on."""
        cursor = self.db.execute("INSERT OR IGNORE INTO ids VALUES (?, ?)", (external_id, row))
        if cursor.rowcount == 1:
            return None
        return int(self.db.execute("SELECT row FROM ids WHERE external_id = ?", (external_id,)).fetchone()[0])

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)


def importer_for(job: ImportJob) -> Importer:
    return IMPORTERS[job.kind](service=job.service, by=job.created_by, job=job)


def _read_file(
    job: ImportJob,
    importer: Importer,
    problems: Problems,
    counts: Counter[str],
    *,
    write: bool,
    progress: Progress | None,
) -> tuple[int, list[dict[str, object]]]:
    """One pass over the file. Returns the data rows read and any column problems (which stop the pass)."""
    with storage.local_copy(job) as path, tempfile.TemporaryDirectory(prefix="placewell-ids-") as scratch:
        table = Table(path, sniff(path, job.file_name), storage.max_bytes())
        return _read_rows(job, importer, problems, counts, table, SeenIds(Path(scratch)), write, progress)


def _read_rows(
    job: ImportJob,
    importer: Importer,
    problems: Problems,
    counts: Counter[str],
    table: Table,
    seen: SeenIds,
    write: bool,
    progress: Progress | None,
) -> tuple[int, list[dict[str, object]]]:
    phase = WRITING if write else CHECKING
    total = job.total_rows if write else None
    done = 0
    chunk: list[Row] = []

    def flush() -> None:
        nonlocal done
        importer.check(chunk, problems)
        for row in chunk:
            importer.check_across_file(row, problems)
            if row.ok:
                counts[row.outcome] += 1
        if write:
            if problems.count:
                raise ImportStopped
            try:
                importer.write(chunk)
            except BulkRejected as exc:
                by_number = {row.number: row for row in chunk}
                for error in exc.rows:
                    problems.add(by_number.get(error.row), error.column, error.message)
                raise ImportStopped from exc
        done += len(chunk)
        chunk.clear()
        if progress is not None:
            progress(phase, done, total)

    try:
        for number, cells in table.rows():
            if number == 1:
                columns = header_problems(table.header, importer.spec)
                if columns:
                    return 0, columns
                continue
            row = importer.read(number, cells, problems)
            if row.external_id:
                first = seen.first_row(row.external_id, number)
                if first is not None:
                    problems.add(
                        row,
                        "external_id",
                        f"{row.external_id} appears more than once in the file: also on row {first}",
                    )
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                flush()
        if chunk:
            flush()
    finally:
        seen.close()
    return done, []


def check(job: ImportJob, *, progress: Progress | None = None) -> ImportJob:
    """Preview: every row checked, nothing written but the job's record of what it found."""
    problems, counts = Problems(), Counter[str]()
    importer = importer_for(job)
    columns: list[dict[str, object]] = []
    rows = 0
    try:
        rows, columns = _read_file(job, importer, problems, counts, write=False, progress=progress)
    except FileProblem as exc:
        columns = [{"row": exc.row, "column": "", "message": str(exc)}]
    except FileNotFoundError:
        columns = [
            {"row": 0, "column": "", "message": "The uploaded file is no longer there: upload it again"}
        ]
    job.total_rows = rows
    job.processed_rows = rows
    job.counts = {
        **{o: counts.get(o, 0) for o in Outcome.values},
        "problem_rows": _problem_rows(rows, counts),
    }
    job.column_problems = columns
    job.problems = problems.listed
    job.problem_count = problems.count
    job.checked_at = timezone.now()
    job.state = ImportJob.State.INVALID if (columns or problems.count) else ImportJob.State.CHECKED
    job.save()
    if job.state == ImportJob.State.INVALID:
        storage.discard(job)  # nothing more will be done with it, and it holds personal data
    return job


def _problem_rows(rows: int, counts: Counter[str]) -> int:
    return rows - sum(counts.values())


def claim(job: ImportJob) -> bool:
    """Mark a checked job as importing, once: a second confirmation of the same file finds it taken."""
    now = timezone.now()
    taken = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).update(
        state=ImportJob.State.IMPORTING, started_at=now
    )
    if taken:
        job.state, job.started_at = ImportJob.State.IMPORTING, now
    return bool(taken)


def run(job: ImportJob, *, progress: Progress | None = None, claimed: bool = False) -> ImportJob:
    """Import a checked file: everything in one transaction, or nothing at all. ``claimed`` says the caller
    has already called ``claim`` (the web page does, so the job shows as importing at once)."""
    if not claimed and not claim(job):
        raise ValueError(f"Import {job.pk} is {job.get_state_display().lower()}, not ready to import")
    if storage.stored_sha256(job) != job.file_sha256:
        return _fail(
            job, "The uploaded file is no longer there or has changed since it was checked: upload it again"
        )
    problems, counts = Problems(), Counter[str]()
    importer = importer_for(job)
    try:
        with transaction.atomic():
            rows, columns = _read_file(job, importer, problems, counts, write=True, progress=progress)
            if columns:
                problems.listed.extend(columns)
                raise ImportStopped
            importer.finish()
            audit.record(
                job.created_by,
                AuditEvent.Action.CREATE,
                "import",
                job.pk,
                service_id=job.service_id,
                summary=(
                    f"Imported {rows:,} rows of {job.get_kind_display().lower()} from {job.file_name}: "
                    f"{counts[Outcome.CREATED]:,} created, {counts[Outcome.UPDATED]:,} updated, "
                    f"{counts[Outcome.UNCHANGED]:,} unchanged"
                )[:300],
                changes={"counts": dict(counts), "sha256": job.file_sha256},
                actor_label=importer.actor_label,
            )
    except ImportStopped:
        job.problems, job.problem_count = problems.listed, max(problems.count, len(problems.listed))
        return _fail(
            job,
            "The records changed since the file was checked, and some rows no longer pass: nothing was imported",
        )
    except FileProblem as exc:
        return _fail(job, f"{exc} Nothing was imported.")
    except Exception:
        log.exception("Import %s failed", job.pk)
        return _fail(
            job,
            "Something went wrong while importing, so nothing was imported. Try again, or ask your administrator to look at the server log",
        )
    job.state, job.finished_at = ImportJob.State.DONE, timezone.now()
    job.processed_rows = rows
    job.counts = {**{o: counts.get(o, 0) for o in Outcome.values}, "problem_rows": 0}
    job.save()
    storage.discard(job)
    return job


def _fail(job: ImportJob, why: str) -> ImportJob:
    job.state, job.failure, job.finished_at = ImportJob.State.FAILED, why, timezone.now()
    job.save()
    storage.discard(job)
    return job
