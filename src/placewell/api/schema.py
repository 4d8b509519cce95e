"""The OpenAPI 3.0 document, built from the endpoint registry (``api.registry``) and nothing else.

``./run manage api_schema`` writes it to ``src/placewell/api/openapi.json``; a test checks that the file
equals a fresh build, so a change to an endpoint that is not reflected in the checked-in schema fails.
Fields marked personal carry ``x-personal: true``: they are never sent to a pseudonymised reader.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from placewell.api import pagination
from placewell.api.errors import DESCRIPTIONS
from placewell.api.registry import INT_LIMIT, ROUTES, Field, Operation, Route

SCHEMA_FILE = Path(__file__).with_name("openapi.json")
VERSION = "1.0.0"


def _object(fields: tuple[Field, ...]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: f.schema() for f in fields},
        "additionalProperties": False,
    }
    required = [f.name for f in fields if f.required]
    if required:
        schema["required"] = required
    return schema


def _parameters(route: Route, op: Operation) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": INT_LIMIT - 1},
        }
        for name in route.path_params()
    ]
    params = op.params + (pagination.PARAMS if op.paginated else ())
    for f in params:
        schema = f.schema()
        description = schema.pop("description", "")
        out.append(
            {"name": f.name, "in": "query", "required": False, "description": description, "schema": schema}
        )
    return out


def _operation(route: Route, op: Operation) -> dict[str, Any]:
    item = _object(op.item) if op.item else {"type": "object"}
    if op.paginated:
        body: dict[str, Any] = {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": item},
                "next_cursor": {"type": "string", "nullable": True},
                "next": {"type": "string", "nullable": True},
            },
            "required": ["data", "next_cursor", "next"],
        }
    else:
        body = item
    responses: dict[str, Any] = {}
    for code in op.statuses(route):
        if code < 300:
            text = "Created" if code == 201 else "OK"
            responses[str(code)] = {"description": text, "content": {"application/json": {"schema": body}}}
        else:
            responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    out: dict[str, Any] = {
        "operationId": f"{op.method.lower()}_{route.name}",
        "summary": op.summary,
        "tags": [route.tag],
        "parameters": _parameters(route, op),
        "responses": responses,
    }
    if op.description:
        out["description"] = op.description
    if op.perms:
        out["x-permissions"] = [str(p) for p in op.perms]
    if op.body:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": _object(op.body)}}}
    return out


def build() -> dict[str, Any]:
    from placewell.api import endpoints  # noqa: F401  (registers every endpoint)

    paths: dict[str, Any] = {}
    for route in sorted(ROUTES.values(), key=lambda r: r.openapi_path):
        ops = {
            m.lower(): _operation(route, op) for m, op in sorted(route.operations.items()) if op.documented
        }
        if ops:
            paths[route.openapi_path] = ops
    error = {
        "type": "object",
        "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
        "required": ["error", "detail"],
        "additionalProperties": False,
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Placewell API",
            "version": VERSION,
            "description": (
                "The JSON API of Placewell. Authenticate with a personal API token: "
                "'Authorization: Bearer <token>' (make one under Your account, API tokens). The token acts as "
                "you, with your role's permissions. Lists are ordered by id and paged with an opaque cursor. "
                'Every error has the shape {"error": code, "detail": message}. A method an endpoint '
                "does not take is answered 405; a participant outside your scope is 404 whatever the method. "
                "Text must not contain the NUL character (400); a well-formed request that breaks a rule the "
                "schema cannot state, such as a date in the future, is 422."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "tags": [{"name": tag} for tag in sorted({r.tag for r in ROUTES.values()})],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": error},
            "responses": {
                f"E{code}": {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
                for code, text in sorted(DESCRIPTIONS.items())
            },
        },
    }


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
