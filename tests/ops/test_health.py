"""/healthz and /readyz: JSON answers with status codes, for load balancers and monitoring."""

from __future__ import annotations

import json

import pytest

from tests.conftest import refer

PERSONAS = ["alice", "bob", "charlie", "tess", "mandy", "evan", "ada"]
REDIS_NOBODY_LISTENS = "redis://127.0.0.1:1/0"  # port 1 on the loopback: refused at once


def body(response) -> dict:  # type: ignore[no-untyped-def]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_ready_when_database_migrations_and_cache_answer(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 200
    answer = body(response)
    assert answer["status"] == "ready"
    assert {name: check["ok"] for name, check in answer["checks"].items()} == {
        "database": True,
        "migrations": True,
        "cache": True,
    }
    assert answer["checks"]["cache"]["backend"] == "DatabaseCache"  # the shared default
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_health_reports_the_queue_and_is_degraded_without_a_worker(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200  # the web server itself is fine
    answer = body(response)
    queue = answer["checks"]["queue"]
    assert queue["clusters_alive"] == 0 and queue["ok"] is False
    assert queue["waiting_jobs"] == 0 and queue["waiting_in_broker"] == 0
    assert queue["last_heartbeat_seconds_ago"] is None  # no worker has ever reported
    assert answer["checks"]["database"]["ok"] and answer["checks"]["cache"]["ok"]
    assert answer["status"] == "degraded"


def test_a_cache_that_is_down_fails_both_checks_with_503(client, db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_NOBODY_LISTENS,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    health = client.get("/healthz")
    assert health.status_code == 503
    answer = body(health)
    assert answer["status"] == "failing"
    assert answer["checks"]["cache"]["ok"] is False
    assert answer["checks"]["cache"]["error"] == "ConnectionError: see the server log"  # no addresses shown
    ready = client.get("/readyz")
    assert ready.status_code == 503 and body(ready)["status"] == "not ready"


def test_redis_cache_by_configuration_is_reported(client, db, settings) -> None:  # type: ignore[no-untyped-def]
    # The real Redis server this machine and CI run on 127.0.0.1:6379.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    answer = body(client.get("/readyz"))
    assert answer["checks"]["cache"] == {
        "ok": True,
        "backend": "RedisCache",
        "ms": answer["checks"]["cache"]["ms"],
    }


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_everyone_gets_the_same_answer_and_no_record(client_as, client, world, persona) -> None:  # type: ignore[no-untyped-def]
    person = refer(world)
    web = client_as(persona) if persona else client
    for url in ("/healthz", "/readyz"):
        response = web.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        for private in (person.given_name, person.family_name, person.reference, "alice", "@example.org"):
            assert private not in text


def test_only_reading_is_allowed(client, db) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/healthz").status_code == 405
    assert client.head("/readyz").status_code == 200


def test_health_pages_answer_plain_http_when_https_is_enforced(client, db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accessibility/").status_code == 301  # everything else is redirected to HTTPS
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_not_ready_until_every_migration_is_applied(client, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db.migrations.recorder import MigrationRecorder

    from placewell.ops import health

    monkeypatch.setattr(health, "_migrated", False)
    MigrationRecorder.Migration.objects.filter(
        app="ops", name="0001_cache_table"
    ).delete()  # as before migrate
    response = client.get("/readyz")
    assert response.status_code == 503
    check = body(response)["checks"]["migrations"]
    assert check["ok"] is False and check["error"] == "1 migrations not applied yet: run ./run setup"
