"""Writing and describing audit events.

``record`` is called inside the same transaction as the change it describes, so a change and its audit
event are saved together or not at all. Reads are recorded too: every view of a participant's record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from placewell.accounts import audit_chain
from placewell.accounts.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from placewell.accounts.models import User


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any], personal: Iterable[str] = ()) -> dict[str, Any]:
    """What changed between two snapshots. Personal fields are named but their values are not kept."""
    personal = set(personal)
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old == new:
            continue
        changes[key] = "changed" if key in personal else [old, new]
    return changes


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    actor: User | AnonymousUser | None,
    action: str,
    record_type: str,
    record_id: object = "",
    *,
    participant_id: int | None = None,
    service_id: int | None = None,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Write one audit event. Without a signed-in member of staff, ``actor_label`` says who acted
    (for example a participant through a survey link, or a scheduled job)."""
    staff = actor if actor is not None and actor.is_authenticated else None
    if actor_label is None:
        actor_label = "System" if staff is None else (staff.get_full_name() or staff.get_username())
    label = actor_label
    event = AuditEvent(
        actor=staff,
        actor_label=label[:200],
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        participant_id=participant_id,
        service_id=service_id,
        summary=summary[:300],
        changes=dict(changes or {}),
        ip_address=client_ip(request),
    )
    audit_chain.append([event])
    return event
