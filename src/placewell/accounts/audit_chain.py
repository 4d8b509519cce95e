"""A hash chain over the audit log, so that any rewrite of it afterwards is noticed.

Each event stores ``chain_prev`` (the previous event's hash) and ``chain_hash``, the SHA-256 of the
previous hash and the event's canonical content (FIPS 180-4, "Secure Hash Standard"). Changing, removing
or reordering any event breaks the link at that event; removing events from the end is caught by the
checkpoint (``AuditChainHead``) that each successful check records: the next check finds the chain shorter
than last time, or that event changed. The check's message names the last event and its hash, so the
daily alert's log is a copy outside the database as well. This is the linked
time-stamping scheme of Haber and Stornetta, "How to time-stamp a digital document" (1991), and answers
OWASP ASVS 4.0.3 requirement 7.3.3 ("security logs are protected from unauthorized access and
modification") and the NHS Data Security and Protection Toolkit's audit-trail assertions.

Appends are serialised: on PostgreSQL every append takes a transaction-level advisory lock
(``pg_advisory_xact_lock``, PostgreSQL documentation "Advisory Locks") before it reads the last event, so two
writers can never link to the same previous event, and ids are drawn in chain order; SQLite serialises
writers already (IMMEDIATE transactions, settings.py). The lock is held until the surrounding transaction
commits, which is the price of the chain (measured in benchmarks/bench_audit_chain.py). An append costs one
query more than before on SQLite (reading the last hash) and two on PostgreSQL.

An action that writes several events and holds other locks (randomisation) wraps its work in ``deferred()``:
the events are collected and linked in one append at the end of the block, still inside the action's
transaction, so the chain's lock is taken once, last, and held only for that append and the commit
(docs/explanation/randomisation-throughput.md).

A database trigger (migration ``accounts.0005``) refuses UPDATE and DELETE on the audit table, and the
deploy guide sets up an application role without those rights; the chain is what still tells on someone
who has the owner's rights and drops the trigger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from placewell.accounts.models import AuditChainHead, AuditEvent

GENESIS = ""
# The stored columns that the hash covers, in this order (everything but the id and the chain itself).
CONTENT = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "record_type",
    "record_id",
    "participant_id",
    "service_id",
    "summary",
    "changes",
    "ip_address",
)
HEAD_ID = 1
LOCK_KEY = 0x504C_4155_4449_54  # "PLAUDIT": the advisory lock that serialises appends on PostgreSQL

SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS accounts_auditevent_no_delete BEFORE DELETE ON accounts_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: DELETE refused'); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_update",
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_delete",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'The audit log is append-only: % refused', TG_OP "
    "USING ERRCODE = 'insufficient_privilege'; END $$",
    "DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent",
    "CREATE TRIGGER accounts_auditevent_append_only BEFORE UPDATE OR DELETE ON accounts_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only()",
)
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent",
    "DROP FUNCTION IF EXISTS accounts_auditevent_append_only()",
)


def trigger_sql(vendor: str, *, drop: bool = False) -> Sequence[str]:
    """The statements that install (or remove) the append-only trigger on this database."""
    if vendor == "sqlite":
        return SQLITE_DROP if drop else SQLITE_TRIGGERS
    if vendor == "postgresql":
        return POSTGRES_DROP if drop else POSTGRES_TRIGGERS
    raise ImproperlyConfigured(
        f"Placewell runs on SQLite or PostgreSQL; the audit log's append-only trigger has no form for {vendor}."
    )


def _at(value: dt.datetime | str) -> str:
    if isinstance(value, str):  # a raw SQLite value, as the backfill migration may read it
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ip(value: Any) -> str | None:
    if not value:
        return None
    value = getattr(value, "ip", value)  # psycopg may return an ipaddress interface for inet
    return ipaddress.ip_address(str(value)).compressed


def _changes(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def canonical(row: Sequence[Any]) -> bytes:
    """One event's content (values in ``CONTENT`` order) as bytes that are the same on every database."""
    at, actor, label, action, rtype, rid, pid, sid, summary, changes, ip = row
    body = [_at(at), actor, label, action, rtype, rid, pid, sid, summary, _changes(changes), _ip(ip)]
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev: str, row: Sequence[Any]) -> str:
    """The hash of one event: SHA-256 over the previous event's hash and this event's content."""
    return hashlib.sha256(prev.encode() + b"\n" + canonical(row)).hexdigest()


def content_of(event: AuditEvent) -> tuple[Any, ...]:
    return tuple(getattr(event, name) for name in CONTENT)


_deferred = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Collect the events appended in the block and append them together when it ends without error.

    Must run inside the transaction that makes the change (the caller's ``transaction.atomic``), so the
    events are still saved with the change or not at all; on an error the collected events are dropped with
    the rolled-back change. Events appended in the block have no id until the block ends. Nested blocks
    append at the end of the outermost one. Not for code that rolls back a savepoint inside the block and
    carries on: the events collected in that savepoint would still be appended.
    """
    if getattr(_deferred, "events", None) is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit_chain.deferred() must run inside the change's transaction")
    _deferred.events = []
    try:
        yield
        events = _deferred.events
    finally:
        _deferred.events = None
    _append_now(events)


def append(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Link unsaved events to the end of the chain and save them, in the caller's transaction (or one
    of their own); inside ``deferred()``, at the end of that block."""
    events = list(events)
    pending = getattr(_deferred, "events", None)
    if pending is not None:
        for event in events:
            if event.at is None:
                event.at = _now()  # the time of the action, not of the append
        pending.extend(events)
        return events
    return _append_now(events)


def _append_now(events: list[AuditEvent]) -> list[AuditEvent]:
    if not events:
        return events
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:  # plain SQL: this runs for every audited action
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            cursor.execute("SELECT chain_hash FROM accounts_auditevent ORDER BY id DESC LIMIT 1")
            last = cursor.fetchone()
        prev = last[0] if last else GENESIS
        for event in events:
            if event.at is None:
                event.at = _now()
            event.changes = json.loads(json.dumps(event.changes or {}))
            event.chain_prev = prev
            event.chain_hash = prev = link(prev, content_of(event))
        AuditEvent.objects.bulk_create(events, batch_size=2000)
    return events


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


@dataclass(frozen=True)
class AuditChainReport:
    """What ``verify_audit_chain`` found: ``ok``, how many events it ``checked``, the id of the first
    event that does not match (``first_broken_id``, None when all match) and a plain-English ``message``."""

    ok: bool
    checked: int
    first_broken_id: int | None
    message: str


def _rows(chunk: int) -> Iterator[tuple[Any, ...]]:
    names: tuple[str, ...] = ("id", *CONTENT, "chain_prev", "chain_hash")
    if connection.vendor == "sqlite":  # the text as stored, not through Django's slower datetime converter
        names = tuple("CAST(at AS TEXT)" if n == "at" else n for n in names)
    columns = ", ".join(names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM accounts_auditevent ORDER BY id")  # noqa: S608
        while rows := cursor.fetchmany(chunk):
            yield from rows


def verify_audit_chain(*, chunk: int = 5000) -> AuditChainReport:
    """Re-hash every event in order and check each links to the one before and the head to the last.

    Called by ``./run manage verify_audit`` and by the daily scheduled check, which alerts the service
    manager when ``ok`` is false. Reads the table with one streamed query, not the ORM, so a million events
    take seconds (benchmarks/bench_audit_chain.py).
    """
    prev, checked, last_id = GENESIS, 0, None
    mark = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    mark_id, mark_seen = (mark.last_event_id if mark else None), None
    sha256 = hashlib.sha256
    dumps = json.dumps
    for row in _rows(chunk):
        event_id, content, stored_prev, stored_hash = row[0], row[1:-2], row[-2], row[-1]
        if stored_prev != prev:
            what = "was removed or changed" if checked else "is missing"
            return AuditChainReport(
                False,
                checked,
                event_id,
                f"Audit event {event_id} does not follow the event before it: an earlier event {what}.",
            )
        at, actor, label, action, rtype, rid, pid, sid, summary, changes, ip = content
        body = [_at(at), actor, label, action, rtype, rid, pid, sid, summary, _changes(changes), _ip(ip)]
        data = dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        if sha256(prev.encode() + b"\n" + data).hexdigest() != stored_hash:
            return AuditChainReport(
                False, checked, event_id, f"Audit event {event_id} has been changed since it was written."
            )
        if event_id == mark_id:
            mark_seen = stored_hash
        prev, last_id = stored_hash, event_id
        checked += 1
    return _against_checkpoint(mark, mark_seen, checked, last_id, prev)


def _against_checkpoint(
    mark: AuditChainHead | None, mark_seen: str | None, checked: int, last_id: int | None, last_hash: str
) -> AuditChainReport:
    """Compare with what the previous successful check saw, then record this check as the checkpoint."""
    if mark is not None and mark.length and (checked < mark.length or mark_seen != mark.last_hash):
        return AuditChainReport(
            False,
            checked,
            last_id,
            f"The audit log ends at event {last_id} after {checked:,} events, but an earlier check saw "
            f"{mark.length:,} events ending at event {mark.last_event_id}: events were removed from the end.",
        )
    AuditChainHead.objects.update_or_create(
        pk=HEAD_ID, defaults={"last_event_id": last_id, "last_hash": last_hash, "length": checked}
    )
    tail = f" The last is event {last_id}, hash {last_hash}." if last_id else ""
    return AuditChainReport(True, checked, None, f"All {checked:,} audit events are intact.{tail}")
