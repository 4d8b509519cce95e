"""Token actions: make, revoke and check API tokens. Making and revoking are atomic and audited.

Tokens are ``pw_`` followed by 43 URL-safe characters (32 random bytes from ``secrets``, 256 bits). The
``pw_`` prefix lets secret scanners recognise a leaked token. Only the SHA-256 hash is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.api.errors import unauthenticated
from placewell.api.models import ApiToken
from placewell.errors import ActionError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

PREFIX = "pw_"
LAST_USED_EVERY = dt.timedelta(minutes=1)  # "last used" is kept to the minute: one write a minute at most
MAX_NAME = 100


class TokenError(ActionError):
    """Input the token actions cannot accept; ``field`` names the form field at fault."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, by: User, name: str, expires_on: dt.date | None = None, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Make a token for ``by``; returns the record and the token itself, which is never shown again."""
    name = name.strip()
    if not name:
        raise TokenError("Enter what the token is for", "name")
    if len(name) > MAX_NAME:
        raise TokenError(f"Name must be {MAX_NAME} characters or fewer", "name")
    if expires_on is not None and expires_on <= timezone.localdate():
        raise TokenError("The expiry date must be in the future", "expires_on")
    raw = PREFIX + secrets.token_urlsafe(32)
    expires_at = None
    if expires_on is not None:
        expires_at = dt.datetime.combine(expires_on, dt.time.min, tzinfo=timezone.get_current_timezone())
    token = ApiToken.objects.create(
        user=by, name=name, token_hash=hash_token(raw), prefix=raw[:8], expires_at=expires_at
    )
    audit.record(
        by,
        AuditEvent.Action.CONFIGURE,
        "api_token",
        token.pk,
        service_id=by.service_id,
        summary=f"Created API token {token.prefix}… ({name[:60]})",
        request=request,
    )
    return token, raw


@transaction.atomic
def revoke_token(*, by: User, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    if token.user_id != by.pk:
        raise TokenError("You can only revoke your own tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            by,
            AuditEvent.Action.CONFIGURE,
            "api_token",
            token.pk,
            service_id=by.service_id,
            summary=f"Revoked API token {token.prefix}…",
            request=request,
        )
    return token


def authenticate(header: str) -> User:
    """The member of staff a ``Bearer`` Authorization header names, or ApiError 401 saying why not."""
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        raise unauthenticated("Send the token as 'Authorization: Bearer <token>'")
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None:
        raise unauthenticated("Unknown token")
    now = timezone.now()
    if token.revoked_at is not None:
        raise unauthenticated("This token has been revoked")
    if token.is_expired(now):
        raise unauthenticated("This token has expired")
    if not token.user.is_active:
        raise unauthenticated("The account this token belongs to is not active")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
