"""The OpenAPI schema: the checked-in file equals a fresh build from the registry, the served schema is the
same, and every API URL is a registered endpoint whose every operation is documented or deliberately marked
undocumented here."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import get_resolver

from placewell.api.endpoints import ROUTES
from placewell.api.schema import SCHEMA_FILE, build, render
from tests.test_permissions import walk

# Operations left out of the schema on purpose, with the reason.
UNDOCUMENTED = {("openapi.json", "GET"): "the schema itself"}


def test_the_checked_in_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), "run ./run manage api_schema"
    call_command("api_schema", "--check")


def test_every_endpoint_is_documented_or_deliberately_not() -> None:
    paths = build()["paths"]
    for route in ROUTES.values():
        for method, op in route.operations.items():
            if (route.path, method) in UNDOCUMENTED:
                assert not op.documented
                continue
            assert op.documented, (
                f"{method} {route.path} is undocumented: document it or list it in UNDOCUMENTED"
            )
            documented = paths[route.openapi_path][method.lower()]
            assert documented["summary"] and documented["responses"]
    served = {r for r, _ in walk(get_resolver().url_patterns) if r.startswith("api/v1/")}
    catch_alls = {"api/v1/", "api/v1/<path:rest>"}
    assert served - catch_alls == {f"api/v1/{r.path}" for r in ROUTES.values()}


def test_every_error_response_uses_the_one_shape() -> None:
    schema = build()
    for code, response in schema["components"]["responses"].items():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
            code
        )
    assert schema["components"]["schemas"]["Error"]["required"] == ["error", "detail"]


@pytest.mark.django_db
def test_the_schema_is_served_to_signed_in_callers(api_as, world) -> None:  # type: ignore[no-untyped-def]
    response = api_as("evan").get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json() == json.loads(render())
    assert api_as(None).get("/api/v1/openapi.json").status_code == 401
