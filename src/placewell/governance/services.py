"""Actions of the governance app: each is atomic and writes its audit event in the same transaction.

- ``record_export``: an extract or archive was made (who, what, how many rows, which key).
- ``set_retention_period``: a service's retention period changed.
- ``purge_expired``: personal data of records past retention removed, through ``participants.services.erase``
  so every app's erasure step runs (``web.extensions.register_erasure_step``) exactly as for an erasure
  request, and the record leaves every report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent, Service
from placewell.errors import ActionError
from placewell.governance import retention
from placewell.governance.models import RetentionPolicy
from placewell.participants import services as participant_services
from placewell.participants.erasure import ErasureReason
from placewell.participants.lifecycle import InvalidTransition
from placewell.participants.models import Participant, Status

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action


class GovernanceError(ActionError):
    """Input an action cannot accept; the message says what is wrong."""


@transaction.atomic
def record_export(
    *,
    by: User | None,
    what: str,
    rows: int,
    changes: Mapping[str, Any],
    service_id: int | None = None,
    actor_label: str | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    return audit.record(
        by,
        A.EXPORT,
        "governance_export",
        what,
        service_id=service_id,
        summary=f"Made the {what} ({rows} rows)",
        changes=dict(changes),
        request=request,
        actor_label=actor_label,
    )


@transaction.atomic
def set_retention_period(
    *, by: User | None, service: Service, years: int, reason: str = "", actor_label: str | None = None
) -> RetentionPolicy:
    if not 1 <= years <= 50:
        raise GovernanceError("The retention period must be from 1 to 50 years")
    policy, _ = RetentionPolicy.objects.get_or_create(service=service)
    before = policy.years
    policy.years = years
    policy.reason = reason.strip()[:200]
    policy.updated_by = by if by is not None and by.is_authenticated else None
    policy.save()
    audit.record(
        by,
        A.CONFIGURE,
        "retention_policy",
        policy.pk,
        service_id=service.pk,
        summary=f"Set the retention period to {years} years after support ends",
        changes={"years": [before, years]},
        actor_label=actor_label,
    )
    return policy


@dataclass
class PurgeResult:
    review: retention.RetentionReview
    applied: bool
    anonymised: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # erased meanwhile, or no longer closed


def purge_expired(
    *,
    by: User | None,
    apply: bool = False,
    today: dt.date | None = None,
    service_ids: Sequence[int] | None = None,
    actor_label: str | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> PurgeResult:
    """Report the records past retention; with ``apply``, remove their personal data.

    Each record is anonymised in its own transaction, so an interruption leaves every record either done
    or untouched, and running again carries on: records already erased are no longer due (idempotent).
    """
    review = retention.review(today, service_ids)
    result = PurgeResult(review, apply)
    if not apply:
        return result
    due = {r.participant_id: r for r in review.due}
    for n, participant in enumerate(Participant.objects.filter(pk__in=list(due)).order_by("pk"), 1):
        record = due[participant.pk]
        if participant.status != Status.CLOSED:
            result.skipped.append(participant.pk)
            continue
        reason = ErasureReason.retention(record.due_on)
        try:
            with transaction.atomic():
                participant_services.erase(by=by, participant=participant, reason=reason)  # type: ignore[arg-type]
                audit.record(
                    by,
                    A.ERASE,
                    "participant",
                    participant.pk,
                    participant_id=participant.pk,
                    service_id=participant.service_id,
                    summary="Personal data removed: retention period ended",
                    changes={"years": record.years, "due_on": record.due_on.isoformat()},
                    actor_label=actor_label,
                )
        except InvalidTransition:
            result.skipped.append(participant.pk)
            continue
        result.anonymised.append(participant.pk)
        if n % 500 == 0:
            progress(f"Anonymised {n:,} of {len(due):,}")
    audit.record(
        by,
        A.ERASE,
        "retention_purge",
        "",
        summary=f"Retention purge: {len(result.anonymised)} records anonymised",
        changes={"ids": result.anonymised, "skipped": result.skipped, "as_of": review.today.isoformat()},
        actor_label=actor_label,
    )
    return result
