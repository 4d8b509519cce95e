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

A backup holds personal data, so ``backup`` writes it encrypted (``backup_crypto``: AES-256-GCM with a key
from the environment) and readable by its owner only; keep it on storage with the same protection as the
database and delete it on the same retention schedule (docs/how-to/retention-and-backups.md). ``restore``
decrypts and checks the whole file before it touches the database, then erases again everyone the erasure
ledger names (``ledger``) and reports how far the audit log was rewound.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import DatabaseError, connections

from placewell.governance import backup_crypto

if TYPE_CHECKING:
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

Progress = Callable[[str], None]
SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def engine(alias: str = "default") -> str:
    return str(settings.DATABASES[alias]["ENGINE"])


def default_file(now: dt.datetime | None = None) -> Path:
    """``var/backups/placewell-YYYYMMDD-HHMMSS.<ext>.enc``: one file per backup, never overwritten."""
    now = now or dt.datetime.now(dt.UTC)
    ext = "sqlite3.enc" if engine() == SQLITE else "pgdump.enc"
    return Path(settings.VAR_DIR) / "backups" / f"placewell-{now:%Y%m%d-%H%M%S}.{ext}"


def _check_sqlite(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            result = con.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc})") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")


def _sqlite(alias: str) -> SQLiteWrapper:
    """Django's connection to a SQLite database (the callers have checked the engine)."""
    return cast("SQLiteWrapper", connections[alias])


def _live_sqlite(alias: str) -> sqlite3.Connection:
    """A connection to the database file of its own, or Django's connection for an in-memory database
    (the test suite's), which must not be inside a transaction: the backup would wait on its own lock."""
    conn = _sqlite(alias)
    if not conn.is_in_memory_db():
        return sqlite3.connect(conn.settings_dict["NAME"], timeout=20)
    if conn.in_atomic_block:
        raise BackupError("An in-memory database cannot be backed up from inside a transaction")
    conn.ensure_connection()
    return conn.connection


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
    os.close(backup_crypto.create_private(partial))  # SQLite keeps the mode of the file it is given
    dest = sqlite3.connect(partial)
    live = _live_sqlite(alias)
    try:
        live.backup(dest, pages=1024, progress=_pages(progress))
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, without -wal and -shm beside it
    finally:
        dest.close()
        if not _sqlite(alias).is_in_memory_db():
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
            if not _sqlite(alias).is_in_memory_db():
                live.close()
            connections[alias].close()
    finally:
        src.close()


def _pg_args(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
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


def backup_postgres(target: Path, *, db: Mapping[str, Any] | None = None) -> Path:
    db = db or settings.DATABASES["default"]
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    args, env = _pg_args(db)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(backup_crypto.create_private(partial))  # pg_dump keeps the mode of the file it is given
    _run([_tool("pg_dump"), "--format=custom", *args, "--file", str(partial), str(db["NAME"])], env)
    partial.rename(target)
    return target


def restore_postgres(source: Path, *, db: Mapping[str, Any] | None = None) -> None:
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
    """Back up the database, encrypted, to ``target`` (mode 0600). The plain copy exists only while it
    is being encrypted, readable by the owner alone."""
    target = target or default_file()
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    key = _key()
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = target.with_name(f".{target.name}.plain")
    plain.unlink(missing_ok=True)
    kind = engine()
    try:
        if kind == SQLITE:
            backup_sqlite(plain, progress=progress)
        elif kind == POSTGRES:
            backup_postgres(plain)
        else:
            raise BackupError(f"Backups support SQLite and PostgreSQL, not {kind}")
        progress("Encrypting")
        backup_crypto.encrypt_file(plain, target, key)
    finally:
        plain.unlink(missing_ok=True)
    return target


def _key() -> bytes:
    try:
        return backup_crypto.load_key()
    except backup_crypto.BackupCryptoError as exc:
        raise BackupError(str(exc)) from None


@dataclass
class RestoreReport:
    """What a restore did besides copying: who it erased again, and how far the audit log went back."""

    erased_again: list[int]
    ledger_entries: int
    audit_before: int
    audit_after: int
    audit_ok: bool
    audit_message: str

    def lines(self) -> list[str]:
        out = [
            f"Erased {len(self.erased_again):,} restored records again, as the erasure ledger "
            f"({self.ledger_entries:,} erasures) requires"
            + (f": record ids {', '.join(map(str, self.erased_again))}" if self.erased_again else "")
        ]
        if self.audit_after < self.audit_before:
            out.append(
                f"The audit log was rewound to the backup: it had {self.audit_before:,} events and now has "
                f"{self.audit_after:,}; the events between are lost with the rest of the data after the backup"
            )
        out.append(f"Audit chain after the restore: {self.audit_message}")
        return out


def restore(source: Path, *, progress: Progress = lambda _m: None) -> RestoreReport:
    """Decrypt and check the whole backup, replace the database with it, then erase again everyone the
    erasure ledger names. A file that cannot be decrypted (wrong key, changed, cut short) changes nothing."""
    from placewell.accounts import audit
    from placewell.accounts.audit_chain import verify_audit_chain
    from placewell.accounts.models import AuditEvent
    from placewell.governance import ledger

    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}")
    key = _key()
    kind = engine()
    if kind not in (SQLITE, POSTGRES):
        raise BackupError(f"Restores support SQLite and PostgreSQL, not {kind}")
    work = Path(settings.VAR_DIR) / "backups"
    work.mkdir(parents=True, exist_ok=True)
    plain = work / f".restore-{os.getpid()}-{source.name}.plain"
    plain.unlink(missing_ok=True)
    try:
        progress("Decrypting and checking every chunk")
        backup_crypto.decrypt_file(source, plain, key)
        entries = [*ledger.from_file(), *ledger.from_database()]
        before = _count(AuditEvent)
        if kind == SQLITE:
            restore_sqlite(plain, progress=progress)
        else:
            restore_postgres(plain)
    except backup_crypto.BackupCryptoError as exc:
        raise BackupError(str(exc)) from None
    finally:
        plain.unlink(missing_ok=True)
    after = _count(AuditEvent)
    try:
        reapplied = ledger.reapply(entries)
    except DatabaseError as exc:
        raise BackupError(
            f"The backup was restored, but erasures could not be applied again ({exc}). It may be from an "
            "older version: run ./run manage migrate, then ./run manage reapply_erasures, before serving."
        ) from None
    audit.record(
        None,
        AuditEvent.Action.CONFIGURE,
        "backup",
        summary="Restored a backup; records in the erasure ledger erased again",
        changes={
            "audit_events_before": before,
            "audit_events_after": after,
            "erased_again": len(reapplied.erased_ids),
        },
        actor_label="Restore",
    )
    chain = verify_audit_chain()
    return RestoreReport(reapplied.erased_ids, reapplied.entries, before, after, chain.ok, chain.message)


def _count(model: Any) -> int:
    try:
        return int(model.objects.count())
    except DatabaseError:
        return 0
