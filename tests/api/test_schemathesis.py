"""Schemathesis against the checked-in OpenAPI schema, with a token for each role.

Schemathesis (https://schemathesis.readthedocs.io) generates requests from ``openapi.json`` for every
operation, valid and invalid ones, sends them to the application in-process (WSGI) and applies all its
checks: no server error, status codes, content types, headers and bodies that conform to the schema,
and invalid input refused. The examples per operation and role are bounded so the whole run takes a couple
of minutes in CI; Hypothesis' database is off so every run is the same size.
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from placewell.api import pagination
from placewell.api.schema import SCHEMA_FILE

ROLES = ("alice", "charlie", "tess", "mandy", "evan", "ada")
MAX_EXAMPLES = 6

# A schema-valid request may still break a business rule the schema cannot state (an NHS number's check
# digit, a referral date in the future, a contact with nobody): this API answers those 422, documented on
# every operation that takes a body. Schemathesis' "schema-valid request rejected" check accepts that answer;
# anything the schema can state (types, choices, lengths, ranges, patterns) is in the schema, so a request
# that fits it and is still refused as malformed (400) fails the test. Text never holds the NUL character
# (PostgreSQL cannot store it; the API refuses it with a 400, as its description says), so none is generated.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"allow-x00": False},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
            }
        },
    }
)
schema = schemathesis.openapi.from_dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")), config=CONFIG)
schema.app = get_wsgi_application()

# The list each paged path signs its cursors for (api.common.listing); a path not named here signs for its
# last segment.
CURSOR_LISTS = {"/api/v1/participants/{pk}/vocational-profile/": "profile"}


def issued_cursor(case) -> None:  # type: ignore[no-untyped-def]
    """A cursor is an opaque token the server signs for one list (``api.pagination``): a string drawn at
    random can only be refused (test_endpoints tests that), so a generated cursor that fits the schema's
    pattern is replaced by one the server could have issued for that list, after an id drawn from it."""
    cursor = (case.query or {}).get("cursor")
    if isinstance(cursor, str) and re.fullmatch(pagination.CURSOR_PATTERN, cursor):
        path = case.operation.path
        name = CURSOR_LISTS.get(path, path.rstrip("/").rsplit("/", 1)[-1])
        case.query["cursor"] = pagination.encode(name, len(cursor))


@pytest.fixture
def seeded(world):  # type: ignore[no-untyped-def]
    """A participant with a contact and a vocational profile, so reads find something in scope."""
    from tests.casework.conftest import supported

    return supported(world)


@pytest.fixture
def connection_kept():  # type: ignore[no-untyped-def]
    """Keep the test's database connection across the requests schemathesis sends to the WSGI application.

    Django closes a connection it thinks is stale when a request starts and finishes (``close_old_connections``);
    inside a test's transaction on PostgreSQL that would close the connection the test runs in. Django's own
    test client disconnects the handler for its requests, so this does the same around the calls.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_conforms_to_its_schema(case, role, tokens, seeded, connection_kept) -> None:  # type: ignore[no-untyped-def]
    issued_cursor(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"})


def _op(path: str, method: str) -> dict:  # type: ignore[type-arg]
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["paths"][path][method]


def _param(op: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(p["schema"] for p in op["parameters"] if p["name"] == name)


def test_the_schema_states_the_rules_the_api_applies() -> None:
    """The drift Schemathesis found: any cursor string allowed, ranges missing, the 422 for limit=201."""
    contacts = _op("/api/v1/contacts/", "get")
    assert _param(contacts, "cursor")["pattern"] == pagination.CURSOR_PATTERN
    assert "422" in contacts["responses"]
    body = _op("/api/v1/participants/{pk}/contacts/", "post")["requestBody"]["content"]["application/json"]
    duration = body["schema"]["properties"]["duration_minutes"]
    assert (duration["minimum"], duration["maximum"]) == (1, 480)
    profile = _op("/api/v1/participants/{pk}/vocational-profile/", "post")["requestBody"]["content"]
    travel = profile["application/json"]["schema"]["properties"]["travel_max_minutes"]
    assert (travel["minimum"], travel["maximum"]) == (1, 480)
    referral = _op("/api/v1/referrals/", "post")["requestBody"]["content"]["application/json"]["schema"]
    assert re.search(referral["properties"]["referral_date"]["pattern"], "1899-12-31") is None
    assert re.search(referral["properties"]["referral_date"]["pattern"], "2026-11-02") is not None


@pytest.mark.django_db
def test_limit_out_of_range_is_the_documented_422(api_as) -> None:  # type: ignore[no-untyped-def]
    response = api_as("alice").get("/api/v1/contacts/", {"limit": "201"})
    assert response.status_code == 422 and response.json()["error"] == "validation_failed"
    assert "422" in _op("/api/v1/contacts/", "get")["responses"]
