"""Tokens: made, listed and revoked on the account's tokens page; stored as a hash; refused with 401 when
missing, unknown, expired or revoked; session callers must pass the CSRF check, token callers need not."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from placewell.accounts.models import AuditEvent
from placewell.api import tokens
from placewell.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_tokens_page_makes_a_token_shows_it_once_and_keeps_only_its_hash(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    assert "API tokens" in client.get("/accounts/account/").content.decode()
    page = client.post("/api/tokens/", {"name": "Monthly report"})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    raw = re.search(r'value="(pw_[^"]+)"', page.content.decode()).group(1)
    token = ApiToken.objects.get(user=world.alice)
    assert token.token_hash == tokens.hash_token(raw) and raw not in str(vars(token).values())
    listing = client.get("/api/tokens/").content.decode()
    assert "Monthly report" in listing and raw not in listing and token.prefix in listing
    assert AuditEvent.objects.filter(record_type="api_token", action="configure").count() == 1


def test_the_form_says_what_is_wrong(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("alice").post("/api/tokens/", {"name": ""}).content.decode()
    assert "Enter what the token is for" in body
    body = (
        client_as("alice")
        .post("/api/tokens/", {"name": "x", "expires_on_0": "1", "expires_on_1": "1", "expires_on_2": "2000"})
        .content.decode()
    )
    assert "The expiry date must be in the future" in body


def test_revoking_stops_the_token_at_once(client_as, world, api_as, tokens) -> None:  # type: ignore[no-untyped-def]
    api = api_as("alice")
    assert api.get("/api/v1/participants/").status_code == 200
    token = ApiToken.objects.get(user=world.alice)
    client = client_as("alice")
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    response = api.get("/api/v1/participants/")
    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": "This token has been revoked"}


def test_only_the_owner_may_revoke(client_as, world, tokens) -> None:  # type: ignore[no-untyped-def]
    token = ApiToken.objects.get(user=world.alice)
    assert client_as("bob").post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "Send an API token: 'Authorization: Bearer <token>'"),
        ("Bearer pw_nonsense", "Unknown token"),
        ("Basic YWxpY2U6eA==", "Send the token as 'Authorization: Bearer <token>'"),
        ("Bearer", "Send the token as 'Authorization: Bearer <token>'"),
    ],
)
def test_missing_or_wrong_tokens_are_401(client, world, header, detail) -> None:  # type: ignore[no-untyped-def]
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/participants/", **extra)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": detail}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401_and_last_use_is_kept_to_the_minute(client, world) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2027, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        token, raw = tokens.create_token(by=world.alice, name="short", expires_on=dt.date(2027, 1, 12))
        assert client.get("/api/v1/participants/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
        token.refresh_from_db()
        assert token.last_used_at == dt.datetime(2027, 1, 10, 9, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2027, 1, 12, 9, tzinfo=dt.UTC), tick=False):
        response = client.get("/api/v1/participants/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401 and response.json()["detail"] == "This token has expired"


def test_a_deactivated_member_of_staff_loses_their_tokens(api_as, world) -> None:  # type: ignore[no-untyped-def]
    api = api_as("alice")
    world.alice.is_active = False
    world.alice.save()
    assert api.get("/api/v1/participants/").status_code == 401


def test_session_callers_need_the_csrf_token_and_token_callers_do_not(world, tokens) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import refer

    p = refer(world)
    body = '{"happened_at": "2026-11-20T10:00:00Z", "duration_minutes": 5, "mode": "phone", "place": "remote", "purposes": ["job_search"]}'
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    refused = browser.post(f"/api/v1/participants/{p.pk}/contacts/", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert browser.get("/api/v1/participants/").status_code == 200  # reads need no CSRF token
    script = Client(enforce_csrf_checks=True)
    accepted = script.post(
        f"/api/v1/participants/{p.pk}/contacts/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['alice']}",
    )
    assert accepted.status_code == 201
