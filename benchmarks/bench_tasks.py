"""Background jobs on the task queue: tasks per second and the time from enqueue to start, with the database
broker and with Redis, against running the same work inline.

Each broker is measured in a process of its own on a fresh SQLite database in a temporary directory, with a
real worker (``manage.py qcluster``, ``PLACEWELL_TASK_WORKERS`` = 2) started beside it:

- **Throughput**: N jobs (``placewell.jobs.queue.enqueue``, each with its ``Job`` record) queued at once,
  timed from the first enqueue to the last job finished. The work of each job is one SWEMWBS scoring of 200
  responses (``engine.measures``), a few milliseconds, so the figure is dominated by the queue's own cost.
- **Enqueue to start**: 20 jobs queued one at a time, each waited for, read from the job record
  (``started_at - queued_at``): median and 95th percentile. The database broker polls every 0.5 s
  (``Q_CLUSTER['poll']``); Redis blocks on the list and starts at once.

The baseline is the same N units of work called inline, one after another, in the benchmark process: the
ratio says what moving work off the request costs in machine time (it is below 1: the point of the queue is
that no person waits, not speed). Redis must be running at 127.0.0.1:6379 (database 15 is used); if it is
not, the Redis part says so and is left out. ``--quick`` uses N = 50.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import Result
from benchmarks.served import percentile

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/15"
RESPONSES = 200
LATENCY_JOBS = 20


def unit_of_work(seed: int) -> str:
    """One job's work: SWEMWBS scores for 200 made-up sets of answers (deterministic by ``seed``)."""
    import random

    from placewell.engine.measures import get_instrument, score

    rng = random.Random(seed)
    items = [item.key for item in get_instrument("swemwbs").items]
    total = 0.0
    for _ in range(RESPONSES):
        result = score("swemwbs", {key: rng.randint(1, 5) for key in items})
        total += float(result.value or 0)
    return f"{total:.2f}"


def _wait(job_ids: list[int], limit: float) -> None:
    from placewell.jobs.models import Job

    deadline = time.monotonic() + limit
    while Job.objects.filter(pk__in=job_ids, state__in=[Job.State.QUEUED, Job.State.RUNNING]).exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"jobs still waiting after {limit:.0f} s: is the worker running?")
        time.sleep(0.02)


def worker_measure(n: int) -> None:
    """In a process whose environment names the broker: migrate, start a worker, measure, stop it."""
    import django

    django.setup()
    from django.core.management import call_command

    from placewell.jobs import queue
    from placewell.jobs.models import Job

    call_command("migrate", verbosity=0)
    cluster = subprocess.Popen(
        [sys.executable, "-m", "django", "qcluster"],
        env=os.environ.copy(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so every process of the cluster can be stopped
    )
    try:
        func = "benchmarks.bench_tasks.unit_of_work"
        warm = queue.enqueue("bench.warm", func, [0], label="warm-up")
        _wait([warm.pk], 300)  # the cluster's start-up, slow on a busy machine
        t0 = time.perf_counter()
        ids = [queue.enqueue("bench.burst", func, [i], label=f"burst {i}").pk for i in range(n)]
        enqueued = time.perf_counter() - t0
        _wait(ids, 600)
        burst = time.perf_counter() - t0
        failed = Job.objects.filter(pk__in=ids).exclude(state=Job.State.SUCCEEDED).count()
        delays = []
        for i in range(LATENCY_JOBS):
            job = queue.enqueue("bench.latency", func, [i], label=f"latency {i}")
            _wait([job.pk], 60)
            job.refresh_from_db()
            assert job.started_at is not None
            delays.append((job.started_at - job.queued_at).total_seconds())
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
    out = {"burst": burst, "enqueued": enqueued, "failed": failed, "delays": delays}
    print("RESULT " + json.dumps(out))


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _measure(broker: str, n: int, tmp: str) -> dict[str, Any]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PLACEWELL_TASKS_SYNC"}},
        "PLACEWELL_VAR_DIR": tmp,
        "PLACEWELL_TASK_BROKER": broker,
        "PLACEWELL_TASK_QUEUE": f"bench-{os.getpid()}",
        "PLACEWELL_TASK_WORKERS": "2",
        "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
    }
    code = f"from benchmarks.bench_tasks import worker_measure; worker_measure({n})"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(line.removeprefix("RESULT "))  # type: ignore[no-any-return]


def run(quick: bool) -> list[Result]:
    n = 50 if quick else 200
    t0 = time.perf_counter()
    for i in range(n):
        unit_of_work(i)
    inline = time.perf_counter() - t0
    brokers = [("database", "the database broker (SQLite)")]
    if _redis_up():
        brokers.append((REDIS, "Redis at 127.0.0.1:6379"))
    else:
        print("Redis is not answering at 127.0.0.1:6379: the Redis broker is left out", flush=True)
    results = []
    for broker, name in brokers:
        with tempfile.TemporaryDirectory(prefix="placewell-bench-tasks-") as tmp:
            m = _measure(broker, n, tmp)
        delays = m["delays"]
        results.append(
            Result(
                name=f"{n} jobs through {name}, 2 worker processes",
                baseline=f"the same {n} units of work called inline, one after another",
                seconds=m["burst"],
                baseline_seconds=inline,
                figures={
                    "rate": f"{n / m['burst']:.1f} jobs per second ({n / inline:.1f} per second inline)",
                    "enqueue": f"{1000 * m['enqueued'] / n:.1f} ms to queue one job (with its record)",
                    "to start": f"median {1000 * statistics.median(delays):.0f} ms, "
                    f"95th percentile {1000 * percentile(delays, 0.95):.0f} ms from enqueue to start",
                    "failed": str(m["failed"]),
                },
                aim="no job lost or failed; enqueue to start within the broker's poll interval (0.5 s)",
            )
        )
    return results


if __name__ == "__main__":
    print("\n".join(line for r in run(quick="--quick" in sys.argv) for line in r.lines()))
