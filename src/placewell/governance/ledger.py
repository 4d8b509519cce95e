"""The erasure ledger: which records were erased, by keyed hash only, so that a restore erases them again.

Restoring a backup made before an erasure would otherwise bring the person back, NHS number and all (ICO,
"Right to erasure": an organisation must make sure data erased from live systems is not restored from
backups into use). Each erasure writes one entry, in the same transaction as the erasure, to the
``ErasureLedgerEntry`` table, and after it commits appends the same entry to a file outside the database
(``settings.ERASURE_LEDGER``, mode 0600). A restore reads both before it replaces the database, then
erases again every restored record the ledger names and puts the missing entries back in the table.

An entry holds HMAC-SHA256 keyed hashes (RFC 2104), never the identifiers: of the record's id, and of the
NHS number (``pseudonyms.nhs_pseudonym``), both under a key derived from the site's ``SECRET_KEY``, which lives
in the environment and not in the database or its backups. A record matches an entry by its id, or by its
NHS number, and only if it was created before the erasure (so a person referred again later, with new
agreement, is not erased by their earlier request, nor a record of a database started afresh).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from placewell.governance.models import ErasureLedgerEntry
from placewell.governance.pseudonyms import keyed_digest, nhs_pseudonym

if TYPE_CHECKING:
    from placewell.participants.models import Participant


@dataclass(frozen=True)
class Entry:
    record_key: str
    nhs_key: str
    erased_at: dt.datetime


@dataclass
class Reapplied:
    """What a restore's re-erasure did: the record ids erased again, and the entries put back."""

    erased_ids: list[int] = field(default_factory=list)
    entries: int = 0
    restored_entries: int = 0


def _key() -> bytes:
    return keyed_digest(settings.SECRET_KEY, "placewell-erasure-ledger").encode()


def record_key(pk: int) -> str:
    return keyed_digest(_key(), f"participant:{pk}")


def nhs_key(nhs_number: str | None) -> str:
    return nhs_pseudonym(_key(), nhs_number)


def path() -> Path:
    return Path(settings.ERASURE_LEDGER)


def _append_to_file(entry: Entry) -> None:
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {"record": entry.record_key, "nhs": entry.nhs_key, "erased_at": entry.erased_at.isoformat()}
    )
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def record_erasure(participant: Participant) -> Entry:
    """Write the ledger entry for an erasure in progress (call before the identifiers are cleared)."""
    from django.utils import timezone

    entry = Entry(record_key(participant.pk), nhs_key(participant.nhs_number), timezone.now())
    ErasureLedgerEntry.objects.get_or_create(
        record_key=entry.record_key, defaults={"nhs_key": entry.nhs_key, "erased_at": entry.erased_at}
    )
    transaction.on_commit(lambda: _append_to_file(entry))
    return entry


def from_file() -> list[Entry]:
    """The entries in the ledger file (none if there is no file yet)."""
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    entries = []
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            entries.append(Entry(row["record"], row["nhs"], dt.datetime.fromisoformat(row["erased_at"])))
    return entries


def from_database() -> list[Entry]:
    """The entries in the live database's table; empty if the database cannot be read (for example a
    restore onto a new server after the old one was lost: then the file is the ledger)."""
    from django.db import DatabaseError

    try:
        return [Entry(e.record_key, e.nhs_key, e.erased_at) for e in ErasureLedgerEntry.objects.all()]
    except DatabaseError:
        return []


def reapply(entries: Iterable[Entry]) -> Reapplied:
    """Erase again every record the ledger names that is not erased, and put back missing entries.

    Call after a restore with the entries read before it (``from_file() + from_database()``) together
    with those now in the restored table.
    """
    from placewell.participants import services
    from placewell.participants.erasure import ErasureReason
    from placewell.participants.models import Participant, Status

    merged: dict[str, Entry] = {e.record_key: e for e in [*from_database(), *entries]}
    result = Reapplied(entries=len(merged))
    present = set(ErasureLedgerEntry.objects.values_list("record_key", flat=True))
    missing = [e for key, e in merged.items() if key not in present]
    ErasureLedgerEntry.objects.bulk_create(
        [
            ErasureLedgerEntry(record_key=e.record_key, nhs_key=e.nhs_key, erased_at=e.erased_at)
            for e in missing
        ],
        ignore_conflicts=True,
    )
    result.restored_entries = len(missing)
    by_nhs: dict[str, dt.datetime] = {}
    for e in merged.values():
        if e.nhs_key:
            by_nhs[e.nhs_key] = max(e.erased_at, by_nhs.get(e.nhs_key, e.erased_at))
    for person in Participant.objects.exclude(status=Status.ERASED).order_by("pk"):
        entry = merged.get(record_key(person.pk))
        key = nhs_key(person.nhs_number)
        if entry is None and key and key in by_nhs:
            entry = Entry(record_key(person.pk), key, by_nhs[key])
        if entry is None or person.created_at > entry.erased_at:
            continue  # a record made after the erasure is someone's new referral, or another database's
        services.erase_again_after_restore(
            participant=person, reason=ErasureReason.restored(entry.erased_at.date())
        )
        result.erased_ids.append(person.pk)
    return result
