"""Property-based requests generated from the checked-in OpenAPI schema, in the manner of Schemathesis
(https://schemathesis.readthedocs.io: "not a server error", "status code conformance"), with Hypothesis.

For tokens of several roles, Hypothesis picks an operation (and sometimes a method the path does not take),
fills its path parameters with records inside and outside the caller's scope, its query with valid and
invalid values and unknown names, and its body with schema-valid objects or malformed ones (bad JSON, wrong
types, unknown fields, the wrong media type, non-objects). Every answer must be:

- not a server error;
- a status code the schema documents for that operation (405 for a method it does not take);
- in the one error shape when it is an error;
- free of personal data, and of fields marked ``x-personal``, for the evaluator;
- 404 for a participant of another team, whatever else is wrong with the request.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from placewell.api.schema import SCHEMA_FILE
from placewell.casework import services as cs
from tests.casework.conftest import at, supported
from tests.conftest import refer

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
OPERATIONS = [(path, method, op) for path, item in SCHEMA["paths"].items() for method, op in item.items()]
ROLES = ("alice", "charlie", "tess", "mandy", "evan", "ada")
SECRETS = ("Rowan", "Example", "9434765919", "rowan@example.org", "Private note")
PERSONAL_KEYS = {
    name
    for _, _, op in OPERATIONS
    for response in op["responses"].values()
    for schema in [response.get("content", {}).get("application/json", {}).get("schema", {})]
    for item in [schema.get("properties", {}).get("data", {}).get("items", schema)]
    for name, prop in item.get("properties", {}).items()
    if prop.get("x-personal")
}

texts = st.text(max_size=12)
garbage = st.one_of(texts, st.integers(), st.booleans(), st.none(), st.lists(st.integers(), max_size=2))


def value_for(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value that fits ``schema`` (types, enums and ranges), not always a sensible one."""
    if "oneOf" in schema:
        return st.one_of(*[value_for(s) for s in schema["oneOf"]])
    kind, fmt = schema.get("type"), schema.get("format")
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if kind == "string" and fmt == "date":
        return st.dates(dt.date(1890, 1, 1), dt.date(2100, 1, 1)).map(str)
    if kind == "string" and fmt == "date-time":
        return st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC)).map(
            lambda d: d.isoformat()
        )
    if kind == "string":
        return st.text(max_size=min(schema.get("maxLength", 30), 30))
    if kind == "integer":
        return st.integers(schema.get("minimum", -5), schema.get("maximum", 10**6))
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(value_for(schema["items"]), max_size=3)
    return st.just({})


@st.composite
def bodies(draw: st.DrawFn, schema: dict[str, Any]) -> tuple[bytes, str]:
    """(body, content type): usually schema-valid, sometimes malformed in one of several ways."""
    props = schema.get("properties", {})
    names = list(props)
    chosen = (
        set(schema.get("required", [])) | set(draw(st.lists(st.sampled_from(names), max_size=4)))
        if names
        else set()
    )
    data: Any = {name: draw(value_for(props[name])) for name in chosen}
    flaw = draw(
        st.sampled_from(["none", "none", "none", "type", "unknown", "missing", "syntax", "media", "shape"])
    )
    if flaw == "type" and chosen:
        data[draw(st.sampled_from(sorted(chosen)))] = draw(garbage)
    elif flaw == "unknown":
        data[draw(st.text(min_size=1, max_size=8).filter(lambda n: n not in props))] = draw(garbage)
    elif flaw == "missing" and data:
        data.pop(draw(st.sampled_from(sorted(data))))
    elif flaw == "shape":
        data = draw(st.one_of(st.lists(garbage, max_size=3), garbage))
    raw = json.dumps(data).encode()
    if flaw == "syntax":
        raw = draw(st.binary(max_size=40))
    return raw, ("text/plain" if flaw == "media" else "application/json")


@st.composite
def requests(draw: st.DrawFn, ids: dict[str, int]) -> dict[str, Any]:
    path, method, op = draw(st.sampled_from(OPERATIONS))
    if draw(st.integers(0, 9)) == 0:
        method = draw(st.sampled_from(["put", "patch", "delete", "post", "get"]))
    params: dict[str, Any] = {}
    url = path
    for p in op.get("parameters", []):
        if p["in"] == "path":
            value = draw(st.sampled_from([ids["north"], ids["other"], ids["other"], ids["south"], 0, 2**40]))
            params[p["name"]] = value
            url = url.replace("{" + p["name"] + "}", str(value))
        elif draw(st.integers(0, 9 if p["name"] == "cursor" else 2)) == 0:
            valid = draw(st.integers(0, 4)) > 0
            params[p["name"]] = draw(value_for(p["schema"]).map(str) if valid else texts)
    if draw(st.integers(0, 19)) == 0:
        params["unexpected"] = "1"
    query = {k: v for k, v in params.items() if "{" + k + "}" not in path}
    body = (
        draw(bodies(op["requestBody"]["content"]["application/json"]["schema"]))
        if "requestBody" in op
        else None
    )
    return {
        "path": path,
        "url": url,
        "method": method,
        "op": op,
        "query": query,
        "body": body,
        "params": params,
    }


@pytest.fixture
def scene(world, tokens):  # type: ignore[no-untyped-def]
    rowan = refer(world)
    south = refer(
        world,
        team=world.south,
        specialist=world.charlie,
        given_name="Sol",
        family_name="South",
        nhs_number="",
    )
    other = supported(world, started=dt.date(2026, 10, 1))
    cs.record_contact(
        by=world.alice,
        participant=other,
        happened_at=at(dt.date(2026, 10, 2)),
        duration_minutes=30,
        mode="phone",
        place="remote",
        purposes=["job_search"],
        note="Private note about Rowan Example",
    )
    return {"north": rowan.pk, "south": south.pk, "other": other.pk}


def _items(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        return []
    if isinstance(payload.get("data"), list):
        return [i for i in payload["data"] if isinstance(i, dict)]
    return [payload]


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_requests_keep_every_promise(client, world, tokens, scene, data) -> None:  # type: ignore[no-untyped-def]
    role = data.draw(st.sampled_from(ROLES), label="role")
    req = data.draw(requests(scene))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"}
    url = req["url"] + ("?" + urlencode(req["query"]) if req["query"] else "")
    if req["body"] is not None:
        raw, content_type = req["body"]
        response = client.generic(req["method"].upper(), url, raw, content_type=content_type, **headers)
    else:
        response = client.generic(req["method"].upper(), url, **headers)
    status = response.status_code
    note = f"{role} {req['method'].upper()} {url} -> {status} {response.content[:300]!r}"

    event(f"status {status}")
    assert status < 500, note
    path_item = SCHEMA["paths"][req["path"]]
    if req["method"] in path_item:
        allowed = {int(code) for code in path_item[req["method"]]["responses"]}
    else:
        allowed = {405, 404}  # 404 first when the path names a participant out of scope
    assert status in allowed, note
    payload = response.json()
    if status >= 400:
        assert set(payload) == {"error", "detail"}, note
    else:  # every field sent is one the schema declares for the operation
        schema = path_item[req["method"]]["responses"][str(status)]["content"]["application/json"]["schema"]
        item = schema.get("properties", {}).get("data", {}).get("items", schema)
        if "properties" in item:
            for one in _items(payload):
                assert set(one) <= set(item["properties"]), note
    if role == "evan":
        text = response.content.decode()
        assert not any(secret in text for secret in SECRETS), note
        for item in _items(payload):
            assert not PERSONAL_KEYS & set(item), note
    pk = req["params"].get("pk")
    outsider = (role == "alice" and pk == scene["south"]) or (
        role == "charlie" and pk in (scene["north"], scene["other"])
    )
    if outsider or (role in {"evan", "ada"} and pk is not None):
        assert status == 404, note
