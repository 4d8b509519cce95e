"""Answers to multi-page question flows, kept in the session until the last page saves them at once.

Nothing is written to the database until the whole flow is valid, so an abandoned flow leaves no trace.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.http import HttpRequest


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "__date__" in value:
        return dt.date.fromisoformat(value["__date__"])
    if isinstance(value, dict) and "__decimal__" in value:
        return Decimal(value["__decimal__"])
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


class SessionWizard:
    def __init__(self, request: HttpRequest, name: str) -> None:
        self.session = request.session
        self.key = f"wizard:{name}"

    def _all(self) -> dict[str, dict[str, Any]]:
        data: dict[str, dict[str, Any]] = self.session.get(self.key, {})
        return data

    def save(self, step: str, values: dict[str, Any]) -> None:
        data = self._all()
        data[step] = {k: _to_json(v) for k, v in values.items()}
        self.session[self.key] = data
        self.session.modified = True

    def get(self, step: str) -> dict[str, Any] | None:
        raw = self._all().get(step)
        if raw is None:
            return None
        return {k: _from_json(v) for k, v in raw.items()}

    def has(self, *steps: str) -> bool:
        data = self._all()
        return all(step in data for step in steps)

    def clear(self) -> None:
        self.session.pop(self.key, None)
