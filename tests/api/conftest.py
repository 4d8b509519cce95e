"""Helpers for API tests: a token per persona, made through the real action, and a client that sends it."""

from __future__ import annotations

import json
from typing import Any

import pytest


class ApiClient:
    """The Django test client with a bearer token and JSON bodies."""

    def __init__(self, client: Any, token: str | None) -> None:
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: str) -> Any:
        return self.client.get(path, params or {}, **self._headers(extra))

    def post(self, path: str, body: Any = None, content_type: str = "application/json", **extra: str) -> Any:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self.client.generic("POST", path, data, content_type=content_type, **self._headers(extra))

    def request(self, method: str, path: str, **extra: str) -> Any:
        return self.client.generic(method, path, **self._headers(extra))


@pytest.fixture
def tokens(world):  # type: ignore[no-untyped-def]
    """``tokens["alice"]``: a fresh token for each persona."""
    from placewell.api.tokens import create_token

    return {
        name: create_token(by=getattr(world, name), name=f"{name} tests")[1]
        for name in ("alice", "bob", "charlie", "tess", "mandy", "evan", "ada")
    }


@pytest.fixture
def api_as(client, tokens):  # type: ignore[no-untyped-def]
    def make(name: str | None) -> ApiClient:
        return ApiClient(client, tokens[name] if name else None)

    return make
