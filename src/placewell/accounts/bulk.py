"""What every bulk action shares: the error naming each bad row, and the way rows are checked.

A bulk action (``participants.services.refer_many``, ``casework.services.record_contacts``,
``placements.services.record_job_starts``) takes many records at once. It checks every one with the same
validators as its single-record action before writing any, and if any is bad it writes nothing and raises
``BulkRejected`` naming every bad row: its number, the column, the value given and what to do.

Audit: a bulk action writes the events its single-record action writes, one per record where that action
writes one per record (``audit_many`` builds them as ``audit.record`` does and links them into the audit
chain in one append), never with personal values (decision 2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from placewell.accounts import audit_chain
from placewell.accounts.models import AuditEvent

if TYPE_CHECKING:
    import datetime as dt

    from placewell.accounts.models import User


@dataclass(frozen=True)
class RowError:
    """One problem with one row. ``row`` is the caller's number for it (a file's row, or its position)."""

    row: int
    column: str
    value: Any
    message: str

    def as_problem(self) -> dict[str, Any]:
        """The shape the imports app keeps and shows."""
        return {"row": self.row, "column": self.column, "message": self.message}


class BulkRejected(ValueError):
    """Some rows of a bulk action are bad, so none was written. ``rows`` names every problem found."""

    def __init__(self, rows: Iterable[RowError]) -> None:
        self.rows = list(rows)
        count = len({r.row for r in self.rows})
        super().__init__(
            f"{count} row{'s' if count != 1 else ''} could not be accepted, so nothing was written: "
            + "; ".join(f"row {r.row}, {r.column}: {r.message}" for r in self.rows[:5])
            + ("; …" if len(self.rows) > 5 else "")
        )


def check_rows(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    check: Callable[[int, Mapping[str, Any]], None],
    error: type[Exception],
    default_column: str,
) -> None:
    """Run ``check`` on every row; collect each ``error`` it raises (its ``field`` as the column) and raise
    ``BulkRejected`` naming them all, so a caller learns every bad row at once rather than the first."""
    problems = []
    for number, values in rows:
        try:
            check(number, values)
        except error as exc:
            column = getattr(exc, "field", None) or default_column
            problems.append(RowError(number, column, values.get(column), str(exc)))
    if problems:
        raise BulkRejected(problems)


@dataclass(frozen=True)
class Event:
    """One audit event of a bulk action (``audit.record``'s arguments, without the actor)."""

    action: str
    record_type: str
    record_id: object
    participant_id: int | None
    service_id: int | None
    summary: str
    changes: Mapping[str, Any] | None = None
    at: dt.datetime | None = None  # a past time, when loading history; otherwise now


def audit_many(
    actor: User | None, events: Iterable[Event], *, actor_label: str | None = None
) -> list[AuditEvent]:
    """Write many audit events for one actor, each as ``audit.record`` writes it, in one chain append."""
    staff = actor if actor is not None and actor.is_authenticated else None
    if actor_label is None:
        actor_label = "System" if staff is None else (staff.get_full_name() or staff.get_username())
    return audit_chain.append(
        AuditEvent(
            at=e.at,
            actor=staff,
            actor_label=actor_label[:200],
            action=e.action,
            record_type=e.record_type,
            record_id=str(e.record_id),
            participant_id=e.participant_id,
            service_id=e.service_id,
            summary=e.summary[:300],
            changes=dict(e.changes or {}),
        )
        for e in events
    )
