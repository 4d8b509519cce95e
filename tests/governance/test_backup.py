"""Backups: back up (encrypted, 0600), restore into a fresh database, and find every record."""

from __future__ import annotations

import io
import sqlite3
import stat
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from placewell.governance import backup, backup_crypto


def _counts() -> dict[str, int]:
    return {m._meta.db_table: m.objects.count() for m in apps.get_models() if m._meta.managed}


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_into_a_fresh_database_with_every_record(cohort, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert backup.engine() == backup.SQLITE
    expected = _counts()
    assert expected["participants_participant"] == 4
    target = tmp_path / "placewell.sqlite3"
    out = io.StringIO()
    call_command("backup_database", str(target), stdout=out)
    assert "Backup written to" in out.getvalue()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert b"SQLite format 3" not in target.read_bytes() and backup_crypto.is_encrypted(target)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no plain copy left behind
    plain = tmp_path / "plain.sqlite3"
    backup_crypto.decrypt_file(target, plain, backup_crypto.load_key())
    fresh = tmp_path / "fresh.sqlite3"
    backup.restore_sqlite(plain, target=fresh)
    with sqlite3.connect(fresh) as db:
        for table, n in expected.items():
            assert db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == n, table  # noqa: S608
        refs = {r for (r,) in db.execute("SELECT reference FROM participants_participant")}
    assert cohort.randomised.reference in refs and cohort.withdrawn.reference in refs
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_database", str(target), stdout=io.StringIO())


@pytest.mark.sqlite
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert backup.engine() == backup.SQLITE
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database")
    with pytest.raises(CommandError, match="is not an encrypted Placewell backup"):
        call_command("restore_database", str(bad), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore_database", str(tmp_path / "missing"), "--yes", stdout=io.StringIO())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_a_fresh_database_with_every_record(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import psycopg
    from django.conf import settings

    from tests.conftest import refer

    p = refer(world)
    expected = _counts()
    target = backup.backup_postgres(tmp_path / "placewell.pgdump")
    db = dict(settings.DATABASES["default"])
    fresh = f"placewell_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        backup.restore_postgres(target, db={**db, "NAME": fresh})
        with psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname=fresh,
        ) as restored:
            for table, n in expected.items():
                assert restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == n, table  # noqa: S608
            refs = {r for (r,) in restored.execute("SELECT reference FROM participants_participant")}
        assert p.reference in refs
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()
