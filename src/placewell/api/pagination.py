"""Cursor pagination: every list is ordered by id, and the cursor says "after id N", signed so that it is
opaque and cannot be forged or carried to another list.

Keyset pagination (Markus Winand, "Use the index, Luke": "paging through results") costs the same on page
1,000 as on page 1, never skips or repeats a record when others are added meanwhile, and needs no count.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db.models import QuerySet

from placewell.api.errors import ApiError
from placewell.api.registry import Field

# A signed cursor (django.core.signing): URL-safe base64 of the position, a colon, and the 43-character
# URL-safe base64 of its HMAC-SHA256 signature.
CURSOR_PATTERN = "^[A-Za-z0-9_-]{1,150}:[A-Za-z0-9_-]{43}$"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200

PARAMS = (
    Field(
        "cursor",
        "string",
        "Where the previous page ended: its next_cursor",
        max_length=200,
        pattern=CURSOR_PATTERN,
    ),
    Field(
        "limit",
        "integer",
        f"Records a page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})",
        minimum=1,
        maximum=MAX_LIMIT,
    ),
)


def _signer(list_name: str) -> signing.Signer:
    return signing.Signer(salt=f"placewell.api.cursor.{list_name}")


def encode(list_name: str, last_id: int) -> str:
    return _signer(list_name).sign_object({"after": last_id}, compress=False)


def decode(list_name: str, cursor: str) -> int:
    try:
        data = _signer(list_name).unsign_object(cursor)
        after = data["after"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApiError("invalid_request", "Parameter 'cursor': not a cursor from this list") from None
    if isinstance(after, bool) or not isinstance(after, int):
        raise ApiError("invalid_request", "Parameter 'cursor': not a cursor from this list")
    return after


def page(list_name: str, rows: QuerySet[Any], query: dict[str, Any]) -> tuple[list[Any], str | None]:
    """One page of ``rows`` (ordered here by id) and the cursor of the next page, or None on the last."""
    limit = query.get("limit", DEFAULT_LIMIT)
    if "cursor" in query:
        rows = rows.filter(pk__gt=decode(list_name, query["cursor"]))
    found = list(rows.order_by("pk")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, encode(list_name, found[-1].pk) if more and found else None


def envelope(request: Any, items: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    """``{"data": [...], "next_cursor": ..., "next": ...}``: ``next`` repeats the filters with the cursor."""
    following = None
    if cursor is not None:
        params = {k: v for k, v in request.GET.items() if k != "cursor"}
        params["cursor"] = cursor
        following = request.build_absolute_uri(request.path) + "?" + urlencode(params)
    return {"data": items, "next_cursor": cursor, "next": following}
