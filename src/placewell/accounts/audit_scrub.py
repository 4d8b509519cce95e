"""Clearing personal data that earlier versions let into the audit log, and chaining the events already there.

Used once, by the data migration ``accounts.0005`` (before the append-only trigger exists). Earlier versions
kept an erasure's reason word for word, so a name, NHS number or telephone number typed there outlived the
erasure (UK GDPR Article 17; ICO guidance "Right to erasure"). The reason of every erasure event is
replaced, and so is the free-text reason that closing a record wrote into its summary; elsewhere, text
that looks like an identifier is removed:

- NHS numbers: ten digits, often written 3-3-4 (NHS Data Dictionary, "NHS Number");
- National Insurance numbers: two letters, six digits, a letter A to D (HMRC National Insurance Manual
  NIM39110), with or without spaces; any two letters, so that HMRC's example prefix QQ is caught too;
- telephone numbers: UK numbers starting 0 or +44 of 10 or 11 digits (Ofcom, "The National Telephone
  Numbering Plan"), with spaces, dots or dashes;
- email addresses.
"""

from __future__ import annotations

import re
from typing import Any

from placewell.accounts import audit_chain

REMOVED = "[removed]"
REASON_REMOVED = "Free text removed: it may have held personal data"
PATTERNS = (
    re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE),
    re.compile(r"(?<![\w])(?:\+44\s?\(?0?\)?|0)(?:[\s.-]?\d){9,10}\b"),
    re.compile(r"\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b"),
)
BATCH = 2000


def redact(text: str) -> str:
    """``text`` with anything that looks like an email, NI number, phone or NHS number replaced."""
    for pattern in PATTERNS:
        text = pattern.sub(REMOVED, text)
    return text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def clean_event(action: str, summary: str, changes: Any) -> tuple[str, Any]:
    """An event's summary and changes with personal data removed (unchanged when there is none)."""
    changes = dict(changes) if isinstance(changes, dict) else changes
    if action == "erase" and isinstance(changes, dict) and isinstance(changes.get("reason"), str):
        changes["reason"] = REASON_REMOVED
    if action == "status" and summary.startswith("Closed: "):  # the closing reason, typed as free text
        summary = "Closed; the reason is on the record"
    return redact(summary), _clean(changes)


def scrub(model: Any) -> int:
    """Clean every event in place; the number changed. ``model`` is the (historical) AuditEvent model."""
    changed, last = 0, 0
    while True:
        batch = list(model._base_manager.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return changed
        dirty = []
        for event in batch:
            summary, changes = clean_event(event.action, event.summary, event.changes)
            if summary != event.summary or changes != event.changes:
                event.summary, event.changes = summary, changes
                dirty.append(event)
        model._base_manager.bulk_update(dirty, ["summary", "changes"])
        changed += len(dirty)
        last = batch[-1].pk


def backfill(model: Any, head_model: Any) -> int:
    """Chain every event in id order and record the head; the number of events chained."""
    prev, count, last_id, last = audit_chain.GENESIS, 0, None, 0
    while True:
        batch = list(model._base_manager.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            break
        for event in batch:
            event.chain_prev = prev
            event.chain_hash = prev = audit_chain.link(prev, audit_chain.content_of(event))
        model._base_manager.bulk_update(batch, ["chain_prev", "chain_hash"])
        count += len(batch)
        last = last_id = batch[-1].pk
    head_model._base_manager.update_or_create(
        pk=audit_chain.HEAD_ID, defaults={"last_hash": prev, "last_event_id": last_id, "length": count}
    )
    return count
