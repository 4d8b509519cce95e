"""``/healthz`` and ``/readyz``: what a load balancer, a service manager (the program) and an on-call person
ask of each server, answered as JSON with a status code.

- ``/readyz`` says whether this server can take requests now: the database answers, every migration has
  been applied (a server started before ``migrate`` finished must not be sent traffic) and the shared cache
  answers. 200 when ready, 503 when not. Point the load balancer's health check here.
- ``/healthz`` reports the service as a whole: the database and the cache (503 if either fails), and the
  task queue: how many jobs are waiting, how many worker clusters are alive now and how long ago a worker
  last reported in. django-q2 itself publishes each running cluster's status every half second with a
  three-second expiry (``django_q.status.Stat``), so "clusters alive" is the library's own view; the last
  beat of the queue's heartbeat schedule covers the time since the last cluster stopped. Workers that are
  all down make the status "degraded" but still 200: web servers should not be taken out of service
  because the workers are, while monitoring should alert on it.

Neither page needs a sign-in or shows any record, so both are safe to expose to the load balancer; neither
is cached.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

Check = dict[str, Any]
log = logging.getLogger(__name__)


def _timed(probe: Callable[[], Check]) -> Check:
    started = time.perf_counter()
    try:
        result = probe()
    except Exception as exc:  # a health check reports every failure rather than raising it
        # The page is public: it names the kind of failure; the details (host names, ports) go to the log.
        log.warning("Health check %s failed: %s: %s", probe.__name__, type(exc).__name__, exc)
        result = {"ok": False, "error": f"{type(exc).__name__}: see the server log"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


_migrated = False  # once every migration is applied, it stays so for this process (a release restarts it)


def migrations() -> Check:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return {"ok": False, "error": f"{len(pending)} migrations not applied yet: run ./run setup"}
        _migrated = True
    return {"ok": True}


def shared_cache() -> Check:
    key, value = f"placewell:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    read = cache.get(key)
    cache.delete(key)
    if read != value:
        return {"ok": False, "error": "the cache did not return what was written to it"}
    return {"ok": True, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def task_queue() -> Check:
    """Waiting jobs, live worker clusters and the age of the last worker heartbeat."""
    from django_q.brokers import get_broker
    from django_q.status import Stat

    from placewell.jobs import queue

    broker = get_broker()
    now = timezone.now()
    clusters = Stat.get_all(broker)
    beats = [c.timestamp for c in clusters if getattr(c, "timestamp", None)]
    last_scheduled = queue.last_worker_beat()
    if last_scheduled is not None:
        beats.append(last_scheduled)
    last = max(beats) if beats else None
    return {
        "ok": bool(clusters),
        "broker": type(broker).__name__,
        "waiting_jobs": queue.queue_depth(),
        "waiting_in_broker": broker.queue_size(),
        "clusters_alive": len(clusters),
        "workers_alive": sum(len(getattr(c, "workers", []) or []) for c in clusters),
        "last_heartbeat_seconds_ago": round((now - last).total_seconds(), 1) if last else None,
    }


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(database), "migrations": _timed(migrations), "cache": _timed(shared_cache)}
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(database), "cache": _timed(shared_cache)}
    if "django_q" in settings.INSTALLED_APPS:
        checks["queue"] = _timed(task_queue)
    essential_ok = checks["database"]["ok"] and checks["cache"]["ok"]
    if not essential_ok:
        status = "failing"
    elif all(c["ok"] for c in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=200 if essential_ok else 503)
