"""What list endpoints share: the date filters, one page of records with its audit event, and the removal
of personal fields for pseudonymised readers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.api import pagination
from placewell.api.errors import ApiError
from placewell.api.registry import Field, Request

_QS = TypeVar("_QS", bound=QuerySet[Any])

DATES = (
    Field("date_from", "date", "Only records on or after this day (YYYY-MM-DD)"),
    Field("date_to", "date", "Only records on or before this day (YYYY-MM-DD)"),
)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def dated(rows: _QS, field: str, query: dict[str, Any], is_datetime: bool = False) -> _QS:
    """Filter by ``date_from`` and ``date_to``, both days included. A date-time field is compared with local
    midnights, so the database can use its index."""
    start, end = query.get("date_from"), query.get("date_to")
    if start and end and start > end:
        raise ApiError("validation_failed", "date_from: must not be after date_to")
    if start:
        rows = rows.filter(**{f"{field}__gte": _midnight(start) if is_datetime else start})
    if end:
        following = end + dt.timedelta(days=1)
        rows = rows.filter(
            **({f"{field}__lt": _midnight(following)} if is_datetime else {f"{field}__lte": end})
        )
    return rows


def strip(ctx: Request, fields: Sequence[Field], item: dict[str, Any]) -> dict[str, Any]:
    """Drop every field marked personal when the reader sees pseudonymised data only."""
    if ctx.personal:
        return item
    personal = {f.name for f in fields if f.personal}
    return {k: v for k, v in item.items() if k not in personal}


def listing(
    ctx: Request,
    name: str,
    rows: QuerySet[Any],
    serialise: Callable[[Request, Any], dict[str, Any]],
    record_type: str,
    what: str,
    participant_of: Callable[[Any], Sequence[int]] = lambda r: [r.participant_id],
) -> tuple[int, dict[str, Any]]:
    """One page of ``rows``, serialised, with one audit event naming the participants whose records it shows."""
    found, cursor = pagination.page(name, rows, ctx.query)
    items = [serialise(ctx, r) for r in found]
    ids = sorted({pid for r in found for pid in participant_of(r)})
    if ids:
        p = ctx.participant
        audit.record(
            ctx.user,
            AuditEvent.Action.LIST,
            record_type,
            "",
            participant_id=p.pk if p is not None else None,
            service_id=p.service_id if p is not None else None,
            summary=f"Listed {what} of {len(ids)} participants through the API",
            changes={"ids": ids, **({} if ctx.personal else {"pseudonymised": True})},
            request=ctx.http,
        )
    return 200, pagination.envelope(ctx.http, items, cursor)


def api_url(path: str) -> str:
    return f"/api/v1/{path}"
