"""What every casework action shares: the error type, the audit helper and the closed-record rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.errors import ActionError
from placewell.participants.models import Participant, Status

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action


class CaseworkError(ActionError):
    """Input an action cannot accept. ``field`` names the form field the message belongs beside."""


def _log(
    by: User | None,
    action: str,
    record_type: str,
    record_id: object,
    participant: Participant,
    summary: str,
    changes: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> None:
    audit.record(
        by,
        action,
        record_type,
        record_id,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=summary,
        changes=changes,
        request=request,
    )


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def ensure_open(participant: Participant, what: str = "new casework") -> None:
    """Refuse new records for a closed or erased participant, saying why."""
    if participant.status == Status.ERASED:
        raise CaseworkError("This person's data has been erased, so nothing more can be recorded.")
    if participant.status == Status.CLOSED:
        raise CaseworkError(
            f"{participant.full_name}'s record was closed on "
            f"{_long_date(timezone.localdate(participant.closed_at))}, so it cannot take {what}."
            if participant.closed_at
            else f"{participant.full_name}'s record is closed, so it cannot take {what}."
        )


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise CaseworkError("The date must be today or in the past", field)
