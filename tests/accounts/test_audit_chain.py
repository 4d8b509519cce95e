"""The audit log's hash chain and append-only trigger (issue: an audit trail no one can rewrite).

Expected hashes are computed independently here with ``hashlib`` over the documented canonical form (SHA-256,
FIPS 180-4), not with the module under test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from placewell.accounts import audit, audit_chain, audit_scrub
from placewell.accounts.audit_chain import verify_audit_chain
from placewell.accounts.models import AuditChainHead, AuditEvent


def _events(world, n: int = 5) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    for i in range(n):
        audit.record(world.alice, AuditEvent.Action.VIEW, "participant", i, summary=f"Viewed record {i}")
    return list(AuditEvent.objects.order_by("id"))


def _drop_trigger() -> None:
    """What an attacker with the database owner's rights can do; rolled back with the test."""
    with connection.cursor() as cursor:
        for sql in audit_chain.trigger_sql(connection.vendor, drop=True):
            cursor.execute(sql)


def _independent_hash(prev: str, e: AuditEvent) -> str:
    at = e.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = [
        at,
        e.actor_id,
        e.actor_label,
        e.action,
        e.record_type,
        e.record_id,
        e.participant_id,
        e.service_id,
        e.summary,
        e.changes,
        e.ip_address,
    ]
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{text}".encode()).hexdigest()


def test_each_event_hashes_its_content_and_the_previous_hash(world) -> None:  # type: ignore[no-untyped-def]
    events = _events(world)
    prev = ""
    for event in events:
        assert event.chain_prev == prev
        assert event.chain_hash == _independent_hash(prev, event)
        prev = event.chain_hash
    report = verify_audit_chain()
    assert report.ok and report.checked == len(events) and report.first_broken_id is None
    assert f"The last is event {events[-1].pk}, hash {prev}." in report.message
    head = AuditChainHead.objects.get()
    assert (head.length, head.last_hash, head.last_event_id) == (len(events), prev, events[-1].pk)


def test_verify_audit_names_an_event_edited_with_raw_sql(world) -> None:  # type: ignore[no-untyped-def]
    events = _events(world)
    target = events[2]
    call_command("verify_audit")  # intact first
    _drop_trigger()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditevent SET summary = %s WHERE id = %s", ["Nothing here", target.pk]
        )
    report = verify_audit_chain()
    assert not report.ok and report.first_broken_id == target.pk and report.checked == 2
    with pytest.raises(CommandError, match=f"Audit event {target.pk} has been changed"):
        call_command("verify_audit")


def test_verify_audit_notices_a_removed_event_and_a_cut_off_end(world) -> None:  # type: ignore[no-untyped-def]
    events = _events(world)
    assert verify_audit_chain().ok  # the daily check records where the chain ended
    _drop_trigger()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [events[-1].pk])
    report = verify_audit_chain()
    assert not report.ok and report.first_broken_id == events[-2].pk
    assert "events were removed from the end" in report.message
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [events[1].pk])
    report = verify_audit_chain()
    assert not report.ok and report.first_broken_id == events[2].pk
    assert "does not follow the event before it" in report.message


def test_a_rewritten_hash_is_caught_at_the_next_event(world) -> None:  # type: ignore[no-untyped-def]
    events = _events(world)
    target = events[1]
    target.summary = "Forged"
    new_hash = _independent_hash(target.chain_prev, target)
    _drop_trigger()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditevent SET summary = %s, chain_hash = %s WHERE id = %s",
            ["Forged", new_hash, target.pk],
        )
    report = verify_audit_chain()
    assert not report.ok and report.first_broken_id == events[2].pk


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_auditevent SET summary = 'x'",
        "DELETE FROM accounts_auditevent",
    ],
)
def test_the_database_refuses_raw_update_and_delete(world, sql: str) -> None:  # type: ignore[no-untyped-def]
    _events(world, 2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.all().update(summary="x")
    assert verify_audit_chain().ok


def test_the_backfill_chains_existing_events_and_the_scrub_clears_personal_data(world) -> None:  # type: ignore[no-untyped-def]
    """As the data migration does, on events written before the chain (no hashes) with personal data."""
    audit.record(
        world.mandy, AuditEvent.Action.ERASE, "participant", 7, changes={"reason": "Asked by Rowan Example"}
    )
    audit.record(
        world.alice, AuditEvent.Action.STATUS, "participant", 8, summary="Closed: Rowan Example moved away"
    )
    dirty = {
        "nhs": "Phoned about 943 476 5919 and 9434765919",
        "ni": "NI number QQ 12 34 56 C and AB123456D on file",
        "phone": "Call 07700 900123 or +44 20 7946 0958",
        "email": "wrote from rowan.example@example.org",
    }
    for key, text in dirty.items():
        audit.record(
            world.alice, AuditEvent.Action.UPDATE, "note", key, summary=text, changes={"note": [text, ""]}
        )
    _drop_trigger()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET chain_prev = '', chain_hash = ''")
        cursor.execute("DELETE FROM accounts_auditchainhead")
    assert not verify_audit_chain().ok
    assert audit_scrub.scrub(AuditEvent) == 6
    assert audit_scrub.backfill(AuditEvent, AuditChainHead) == AuditEvent.objects.count()
    assert verify_audit_chain().ok
    dump = json.dumps([[e.summary, e.changes] for e in AuditEvent.objects.all()])
    for needle in (
        "Rowan",
        "Example",
        "943 476 5919",
        "9434765919",
        "QQ 12 34 56 C",
        "AB123456D",
        "07700 900123",
        "7946 0958",
        "rowan.example@example.org",
        "example.org",
    ):
        assert needle not in dump, needle
    assert "Phoned about [removed] and [removed]" in dump


def test_redact_keeps_ordinary_text_and_dates() -> None:
    text = "Changed status on 2026-11-20 (12 records); retention of 7 years"
    assert audit_scrub.redact(text) == text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(world) -> None:  # type: ignore[no-untyped-def]
    """Eight writers at once, each in its own transaction: the head's row lock serialises the appends."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    audit.record(None, AuditEvent.Action.VIEW, "participant", f"{n}-{i}", actor_label="Load")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = verify_audit_chain()
    assert report.ok, report.message
    assert report.checked == AuditEvent.objects.count()


def test_closing_a_record_keeps_its_free_text_reason_out_of_the_audit_log(world, participant) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services

    services.close(by=world.alice, participant=participant, reason="Rowan moved, new phone 07700 900123")
    dump = json.dumps([[e.summary, e.changes] for e in AuditEvent.objects.all()])
    assert "Rowan" not in dump and "07700" not in dump
    assert AuditEvent.objects.filter(summary="Closed; the reason is on the record").exists()
