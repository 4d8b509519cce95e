"""Encrypted backups that refuse a wrong key or a damaged file, and erasure that survives a restore.

Regression tests for issue "an audit trail no one can rewrite, erasure that stays erased": backups were
world-readable plain copies, and restoring one brought erased people back with their NHS numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import stat

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from placewell.governance import backup, backup_crypto, ledger
from placewell.participants.erasure import ErasureReason

KEY = backup_crypto.generate_key()
NHS = "9434765919"


@pytest.fixture
def backup_key(monkeypatch, settings, tmp_path):  # type: ignore[no-untyped-def]
    """A backup key in the environment, and an erasure ledger of this test's own."""
    monkeypatch.setenv(backup_crypto.KEY_ENV, KEY)
    settings.ERASURE_LEDGER = tmp_path / "ledger" / "erasure-ledger.jsonl"
    return KEY


def _dump() -> str:
    """Every row of every table, as text (SQLite and PostgreSQL alike)."""
    rows = []
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            rows.extend(repr(r) for r in model._base_manager.order_by("pk").values_list())
    return "\n".join(rows)


def test_encryption_round_trips_across_chunks_and_refuses_damage(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(backup_crypto, "CHUNK", 1000)
    key = backup_crypto._decode(KEY, "test")
    source = tmp_path / "source.bin"
    data = bytes(range(256)) * 20  # 5,120 bytes: five full chunks and a part
    source.write_bytes(data)
    sealed = tmp_path / "sealed.enc"
    backup_crypto.encrypt_file(source, sealed, key)
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    out = tmp_path / "out.bin"
    backup_crypto.decrypt_file(sealed, out, key)
    assert out.read_bytes() == data and stat.S_IMODE(out.stat().st_mode) == 0o600
    raw = sealed.read_bytes()
    header = len(backup_crypto.MAGIC) + backup_crypto.SALT + backup_crypto.CHECK
    cases = {
        "cut at a chunk boundary": raw[: header + 2 * (1000 + backup_crypto.TAG)],
        "cut mid-chunk": raw[:-7],
        "cut inside the header": raw[: header - 3],
        "one byte changed": raw[: header + 5] + bytes([raw[header + 5] ^ 1]) + raw[header + 6 :],
    }
    for what, damaged in cases.items():
        bad = tmp_path / "bad.enc"
        bad.write_bytes(damaged)
        target = tmp_path / "never.bin"
        with pytest.raises(backup_crypto.BackupCryptoError, match=r"cut short"):
            backup_crypto.decrypt_file(bad, target, key)
        assert not target.exists(), what
    other = backup_crypto._decode(backup_crypto.generate_key(), "test")
    with pytest.raises(backup_crypto.BackupCryptoError, match="different key"):
        backup_crypto.decrypt_file(sealed, tmp_path / "never.bin", other)


def test_production_refuses_to_back_up_without_a_key_and_rejects_a_malformed_one() -> None:
    with pytest.raises(backup_crypto.BackupCryptoError, match="Set PLACEWELL_BACKUP_KEY"):
        backup_crypto.load_key({"PLACEWELL_PRODUCTION": "true"})
    with pytest.raises(backup_crypto.BackupCryptoError, match="32 random bytes"):
        backup_crypto.load_key({backup_crypto.KEY_ENV: "too-short"})
    assert len(backup_crypto.load_key({backup_crypto.KEY_ENV: KEY})) == 32


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_wrong_key_or_a_truncated_file_and_changes_nothing(
    world, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants.models import Participant
    from tests.conftest import refer

    monkeypatch.setenv(backup_crypto.KEY_ENV, KEY)
    refer(world)
    made = backup.backup(tmp_path / "good.sqlite3.enc")
    refer(world, given_name="Later", nhs_number="", email="later@example.org")
    before = _dump()
    truncated = tmp_path / "short.sqlite3.enc"
    truncated.write_bytes(made.read_bytes()[:-100])
    with pytest.raises(CommandError, match="changed or cut short"):
        call_command("restore_database", str(truncated), "--yes", stdout=io.StringIO())
    monkeypatch.setenv(backup_crypto.KEY_ENV, backup_crypto.generate_key())
    with pytest.raises(CommandError, match="encrypted with a different key"):
        call_command("restore_database", str(made), "--yes", stdout=io.StringIO())
    assert _dump() == before and Participant.objects.filter(given_name="Later").exists()


@pytest.mark.django_db(transaction=True)
def test_erasure_survives_restoring_an_earlier_backup(world, tmp_path, backup_key) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts.audit_chain import verify_audit_chain
    from placewell.participants import services as ps
    from placewell.participants.models import Participant, Status
    from tests.conftest import refer

    person = refer(world, nhs_number=NHS, email="rowan@example.org", phone="07700 900123")
    keep = refer(world, given_name="Kept", family_name="Person", nhs_number="", email="kept@example.org")
    earlier = backup.backup(tmp_path / "earlier.sqlite3.enc")
    ps.erase(
        by=world.mandy,
        participant=person,
        reason=ErasureReason(dt.date(2026, 11, 20), "role:data_protection_officer", "DSR-2026-014"),
    )
    assert NHS not in _dump()
    lines = ledger.path().read_text().splitlines()
    assert len(lines) == 1 and NHS not in lines[0] and str(person.pk) not in json.loads(lines[0]).values()
    assert stat.S_IMODE(ledger.path().stat().st_mode) == 0o600

    out = io.StringIO()
    call_command("restore_database", str(earlier), "--yes", stdout=out)
    report = out.getvalue()
    person.refresh_from_db()
    assert person.status == Status.ERASED and person.given_name == "" and person.nhs_number == ""
    assert NHS not in _dump() and "rowan@example.org" not in _dump() and "07700 900123" not in _dump()
    assert Participant.objects.get(pk=keep.pk).given_name == "Kept"  # everyone else as in the backup
    assert (
        f"Erased 1 restored records again, as the erasure ledger (1 erasures) requires: record ids {person.pk}"
        in report
    )
    assert "The audit log was rewound to the backup" in report
    assert "Audit chain after the restore: All" in report and verify_audit_chain().ok
    # The re-erasure is in the audit log, and so is the restore itself.
    assert "erased again" in _dump() and "Restored a backup" in _dump()


@pytest.mark.django_db(transaction=True)
def test_the_ledger_file_alone_re_erases_after_a_restore(world, tmp_path, backup_key) -> None:  # type: ignore[no-untyped-def]
    """A restore onto a database whose own ledger is gone (a lost server): the file is enough."""
    from placewell.governance.models import ErasureLedgerEntry
    from placewell.participants import services as ps
    from placewell.participants.models import Status
    from tests.conftest import refer

    person = refer(world, nhs_number=NHS)
    earlier = backup.backup(tmp_path / "earlier.sqlite3.enc")
    ps.erase(
        by=world.mandy,
        participant=person,
        reason=ErasureReason(dt.date(2026, 11, 20), f"staff:{world.mandy.pk}"),
    )
    ErasureLedgerEntry.objects.all().delete()
    result = backup.restore(earlier)
    person.refresh_from_db()
    assert result.erased_again == [person.pk] and person.status == Status.ERASED
    assert ErasureLedgerEntry.objects.count() == 1 and NHS not in _dump()


@pytest.mark.django_db(transaction=True)
def test_a_person_referred_again_after_their_erasure_is_left_alone(world, backup_key) -> None:  # type: ignore[no-untyped-def]
    """The ledger matches an NHS number only on records made before the erasure."""
    from placewell.participants import services as ps
    from placewell.participants.models import Status
    from tests.conftest import refer

    first = refer(world, nhs_number=NHS)
    ps.erase(
        by=world.mandy,
        participant=first,
        reason=ErasureReason(dt.date(2026, 11, 20), "role:caldicott_guardian"),
    )
    again = refer(world, nhs_number=NHS, given_name="Rowan")
    out = io.StringIO()
    call_command("reapply_erasures", stdout=out)
    again.refresh_from_db()
    assert again.status != Status.ERASED and again.nhs_number == NHS
    assert "Erased 0 records again (ids: none); the ledger holds 1 erasures" in out.getvalue()
