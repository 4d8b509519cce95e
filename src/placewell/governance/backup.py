"""Backups and restores of the whole database, for ``./run backup`` and ``./run restore``.

- SQLite (the embedded default): Python's ``sqlite3`` online backup API (``Connection.backup``, which wraps
  SQLite's ``sqlite3_backup_*`` functions, https://www.sqlite.org/backup.html). It copies a consistent
  snapshot page by page while the service keeps running; the copy is then checked with
  ``PRAGMA integrity_check``.
- PostgreSQL (production): ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists
  --single-transaction`` (PostgreSQL documentation, "SQL Dump" and the pg_dump and pg_restore reference
  pages), so a restore that fails part-way changes nothing. Both read the connection settings from
  ``DATABASE_URL``; the password, if any, is passed in the environment (``PGPASSWORD``), never on the
  command line where other users of the machine could see it.

A backup holds personal data: keep it encrypted, on storage with the same protection as the database, and
delete it on the same retention schedule (docs/how-to/retention-and-backups.md).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

Progress = Callable[[str], None]
SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def engine(alias: str = "default") -> str:
    return str(settings.DATABASES[alias]["ENGINE"])


def default_file(now: dt.datetime | None = None) -> Path:
    """``var/backups/placewell-YYYYMMDD-HHMMSS.<ext>``: one file per backup, never overwritten."""
    now = now or dt.datetime.now(dt.UTC)
    ext = "sqlite3" if engine() == SQLITE else "pgdump"
    return Path(settings.VAR_DIR) / "backups" / f"placewell-{now:%Y%m%d-%H%M%S}.{ext}"


def _check_sqlite(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            result = con.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc})") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")


def _live_sqlite(alias: str) -> sqlite3.Connection:
    """A connection to the database file of its own, or Django's connection for an in-memory database
    (the test suite's), which must not be inside a transaction: the backup would wait on its own lock."""
    conn = connections[alias]
    if not conn.is_in_memory_db():
        return sqlite3.connect(conn.settings_dict["NAME"], timeout=20)
    if conn.in_atomic_block:
        raise BackupError("An in-memory database cannot be backed up from inside a transaction")
    conn.ensure_connection()
    return conn.connection  # type: ignore[no-any-return]


def _pages(progress: Progress) -> Callable[[int, int, int], None]:
    def report(_status: int, remaining: int, total: int) -> None:
        if total:
            progress(f"Copied {total - remaining:,} of {total:,} pages")

    return report


def backup_sqlite(target: Path, *, alias: str = "default", progress: Progress = lambda _m: None) -> Path:
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(partial)
    live = _live_sqlite(alias)
    try:
        live.backup(dest, pages=1024, progress=_pages(progress))
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, without -wal and -shm beside it
    finally:
        dest.close()
        if not connections[alias].is_in_memory_db():
            live.close()
    _check_sqlite(partial)
    partial.rename(target)
    return target


def restore_sqlite(
    source: Path,
    *,
    alias: str = "default",
    target: Path | None = None,
    progress: Progress = lambda _m: None,
) -> None:
    """Copy the backup over the database (the live one, or the file ``target``)."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}")
    _check_sqlite(source)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if target is not None:
            dest = sqlite3.connect(target)
            try:
                src.backup(dest, pages=1024, progress=_pages(progress))
            finally:
                dest.close()
        else:
            connections[alias].close()
            live = _live_sqlite(alias)
            src.backup(live, pages=1024, progress=_pages(progress))
            if not connections[alias].is_in_memory_db():
                live.close()
            connections[alias].close()
    finally:
        src.close()


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed; install PostgreSQL's client tools (Debian: postgresql-client)"
        )
    return path


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip() or done.returncode}")


def backup_postgres(target: Path, *, db: dict[str, Any] | None = None) -> Path:
    db = db or settings.DATABASES["default"]
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    args, env = _pg_args(db)
    partial = target.with_name(target.name + ".partial")
    _run([_tool("pg_dump"), "--format=custom", *args, "--file", str(partial), str(db["NAME"])], env)
    partial.rename(target)
    return target


def restore_postgres(source: Path, *, db: dict[str, Any] | None = None) -> None:
    db = db or settings.DATABASES["default"]
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}")
    args, env = _pg_args(db)
    _run([_tool("pg_restore"), "--list", str(source)], env)  # refuses a file that is not a pg_dump archive
    connections["default"].close()
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            "--dbname",
            str(db["NAME"]),
            str(source),
        ],
        env,
    )


def backup(target: Path | None = None, *, progress: Progress = lambda _m: None) -> Path:
    target = target or default_file()
    kind = engine()
    if kind == SQLITE:
        return backup_sqlite(target, progress=progress)
    if kind == POSTGRES:
        return backup_postgres(target)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {kind}")


def restore(source: Path, *, progress: Progress = lambda _m: None) -> None:
    kind = engine()
    if kind == SQLITE:
        restore_sqlite(source, progress=progress)
    elif kind == POSTGRES:
        restore_postgres(source)
    else:
        raise BackupError(f"Restores support SQLite and PostgreSQL, not {kind}")
