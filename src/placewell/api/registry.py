"""The declarative endpoint registry: each endpoint says its path, methods, permission, parameters, body
fields and item properties once, and the dispatcher, the URL list and the OpenAPI schema are all built from
that one declaration, so the schema cannot drift from what is served.

A ``Field`` describes one value in a request body, a query string or a response item, with its JSON type.
Parsing follows the API's rules: a value of the wrong JSON type is a 400, an unknown field or parameter is a
400 (a typo in a filter must not silently widen a result), and a missing required body field is a 422.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

from placewell.accounts.policy import Perm
from placewell.api.errors import ApiError

# The JSON types a field may have, with the OpenAPI schema fragment for each.
TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    # ids and counts fit a 32-bit signed integer (INT_LIMIT below); larger values are refused
    "integer": {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    # Dates and times from 1900 to 2999 (EARLIEST, LATEST below): the year says so in the pattern.
    "date": {"type": "string", "format": "date", "pattern": "^(19[0-9]{2}|2[0-9]{3})-"},
    "date-time": {"type": "string", "format": "date-time", "pattern": "^(19[0-9]{2}|2[0-9]{3})-"},
    "array": {"type": "array", "items": {"type": "string"}},
    "objects": {"type": "array", "items": {"type": "object"}},
    "integers": {"type": "array", "items": {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}},
    "object": {"type": "object"},
    # a participant: their id for staff, a pseudonym for evaluators (api.access.pseudonym)
    "participant": {"oneOf": [{"type": "integer"}, {"type": "string", "pattern": "^P-[0-9A-F]{16}$"}]},
    "decimal": {"type": "string", "format": "decimal"},
}


INT_LIMIT = 2**31  # ids and counts fit a 32-bit signed integer; larger values are refused, not overflowed
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)  # dates outside are typing mistakes


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"
    description: str = ""
    required: bool = False
    nullable: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None  # a regular expression a string must contain (JSON Schema: unanchored)
    personal: bool = False  # response items: never sent to a pseudonymised reader

    def schema(self) -> dict[str, Any]:
        out = dict(TYPES[self.type])
        if self.type == "array":
            out["items"] = {"type": "string", **({"enum": list(self.choices)} if self.choices else {})}
        elif self.choices:
            out["enum"] = list(self.choices)
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.pattern is not None:
            out["pattern"] = self.pattern
        if self.nullable:
            out["nullable"] = True
        if self.personal:
            out["x-personal"] = True
        if self.description:
            out["description"] = self.description
        return out


@dataclass
class Request:
    """What a handler gets: the member of staff, the Django request, the typed query and body, and the
    participant the path names (already checked against the permission policy)."""

    user: Any
    http: Any
    kwargs: dict[str, Any]
    query: dict[str, Any]
    body: dict[str, Any]
    participant: Any = None
    personal: bool = True  # False for pseudonymised readers (evaluators)


@dataclass
class Operation:
    method: str
    summary: str
    handler: Callable[[Request], tuple[int, Any]]
    perms: tuple[Perm, ...]  # any one of them is enough
    params: tuple[Field, ...] = ()
    body: tuple[Field, ...] = ()
    item: tuple[Field, ...] = ()
    paginated: bool = False
    created: bool = False  # answers 201
    also: tuple[int, ...] = ()  # further success codes, such as 200 from a create that changed nothing
    description: str = ""
    documented: bool = True

    def statuses(self, route: Route) -> list[int]:
        codes = {200 if not self.created else 201, 400, 401, *self.also}
        if self.perms:
            codes.add(403)
        if route.has_object:
            codes.add(404)
        if self.body:
            codes |= {413, 415, 422}
        if self.paginated:
            codes.add(422)  # a limit out of range
        return sorted(codes)


@dataclass
class Route:
    path: str  # Django route below /api/v1/, such as "participants/<int:pk>/contacts/"
    name: str
    tag: str
    operations: dict[str, Operation] = field(default_factory=dict)
    participant: bool = False  # the path's <pk> names a participant, looked up through the policy first

    @property
    def has_object(self) -> bool:
        return "<" in self.path

    @property
    def openapi_path(self) -> str:
        return "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.path)

    def path_params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.path)


ROUTES: dict[str, Route] = {}


def route(path: str, name: str, tag: str, participant: bool = False) -> Route:
    if path in ROUTES:
        return ROUTES[path]
    ROUTES[path] = Route(path=path, name=name, tag=tag, participant=participant)
    return ROUTES[path]


def operation(
    path: str, method: str, *, name: str, tag: str, participant: bool = False, **kw: Any
) -> Callable[[Callable[[Request], tuple[int, Any]]], Callable[[Request], tuple[int, Any]]]:
    """Register a handler for ``method`` on ``path``: ``@operation("contacts/", "GET", ...)``."""

    def register(fn: Callable[[Request], tuple[int, Any]]) -> Callable[[Request], tuple[int, Any]]:
        r = route(path, name, tag, participant)
        r.operations[method] = Operation(method=method, handler=fn, **kw)
        if participant and "pk" not in r.path_params():
            raise ValueError(f"{path}: a participant route needs <int:pk>")  # pragma: no cover
        return fn

    return register


# Parsing ---------------------------------------------------------------------------------------------------


def _bad(where: str, name: str, message: str) -> ApiError:
    return ApiError("invalid_request", f"{where} {name!r}: {message}")


def parse_value(f: Field, value: Any, where: str) -> Any:
    """Check one JSON value against its field; return the Python value (dates parsed)."""
    if value is None:
        if f.nullable:
            return None
        raise _bad(where, f.name, "must not be null")
    kind = f.type
    if kind == "string":
        if not isinstance(value, str):
            raise _bad(where, f.name, "must be a string")
        if "\x00" in value:
            raise _bad(where, f.name, "must not contain the NUL character")
        if f.max_length is not None and len(value) > f.max_length:
            raise ApiError("validation_failed", f"{f.name}: must be {f.max_length} characters or fewer")
        if f.choices and value not in f.choices:
            raise _bad(where, f.name, f"must be one of {', '.join(f.choices)}")
        if f.pattern is not None and re.search(f.pattern, value) is None:
            raise _bad(where, f.name, "is not in the expected form")
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(where, f.name, "must be a whole number")
        if not -INT_LIMIT <= value < INT_LIMIT:
            raise _bad(where, f.name, "is out of range")
        if (f.minimum is not None and value < f.minimum) or (f.maximum is not None and value > f.maximum):
            raise ApiError("validation_failed", f"{f.name}: must be between {f.minimum} and {f.maximum}")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _bad(where, f.name, "must be true or false")
        return value
    if kind == "date":
        try:
            day = parse_date(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise _bad(where, f.name, "must be a date like 2027-03-01")
        if not EARLIEST <= day <= LATEST:
            raise _bad(where, f.name, f"must be between {EARLIEST} and {LATEST}")
        return day
    if kind == "date-time":
        try:
            when = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:
            when = None
        if when is None:
            raise _bad(where, f.name, "must be a date and time like 2027-03-01T10:30:00Z")
        if when.tzinfo is None:
            raise _bad(where, f.name, "must include a time zone, like Z or +01:00")
        if not EARLIEST <= when.date() <= LATEST:
            raise _bad(where, f.name, f"must be between {EARLIEST} and {LATEST}")
        return when
    if kind == "array":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _bad(where, f.name, "must be a list of strings")
        if f.choices and set(value) - set(f.choices):
            raise _bad(where, f.name, f"items must be among {', '.join(f.choices)}")
        return value
    raise _bad(where, f.name, "has an unsupported type")  # pragma: no cover - registry mistake


def parse_body(fields: tuple[Field, ...], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ApiError("invalid_request", "The request body must be a JSON object")
    known = {f.name: f for f in fields}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ApiError("unknown_field", f"Unknown fields: {', '.join(unknown)}")
    out = {name: parse_value(known[name], value, "Field") for name, value in data.items()}
    missing = [f.name for f in fields if f.required and f.name not in data]
    if missing:
        raise ApiError("validation_failed", f"Required fields missing: {', '.join(missing)}")
    return out


def parse_query(fields: tuple[Field, ...], query: Mapping[str, list[str]]) -> dict[str, Any]:
    """Query values arrive as text: integers and dates are read from their text form."""
    known = {f.name: f for f in fields}
    unknown = sorted(set(query) - set(known))
    if unknown:
        raise ApiError("unknown_field", f"Unknown parameters: {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for name, values in query.items():
        f = known[name]
        if len(values) != 1:
            raise _bad("Parameter", name, "must be given once")
        raw = values[0]
        if f.type == "integer":
            if not re.fullmatch(r"-?\d{1,10}", raw):
                raise _bad("Parameter", name, "must be a whole number")
            out[name] = parse_value(f, int(raw), "Parameter")
        else:
            out[name] = parse_value(f, raw, "Parameter")
    return out


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
