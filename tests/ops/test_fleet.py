"""Placewell as a fleet: two app servers (Gunicorn, each on its own port on 127.0.0.1) and two workers
(django-q2 clusters) on one PostgreSQL database, with the Redis broker, as a national service runs it.

What must hold across the fleet, each checked from outside through HTTP and the database:
- the self-referral rate limit and the sign-in lock-out count submissions made to either server;
- an import uploaded through one server is checked and imported by a worker and reported on the other;
- 200 jobs enqueued from two server processes at once all run, each exactly once, shared by both workers;
- a worker killed in the middle of a job: the other worker completes it (the queue's reaper offers it again
  once its heartbeat has stopped for longer than its lease).

The fleet has a database, a Redis database, a folder and ports of its own, so it collides with no other test,
and every process it starts is stopped by the fixture's finaliser. Every wait has a deadline.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import redis
import requests

from tests.imports.conftest import csv_bytes
from tests.imports.test_import_rules import REFERRAL_HEADER, referral_rows
from tests.ops.fleet_support import PASSWORD

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
TASK_TIMEOUT = 12  # seconds a job may run
GRACE = 10  # seconds more before a silent job counts as abandoned (its lease is TASK_TIMEOUT + GRACE)
RATE = 3  # self-referrals per address per hour, and failed sign-ins before a lock-out
RECORD = "tests.ops.fleet_tasks.record"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def wait_for(what: str, check: Callable[[], Any], seconds: float, every: float = 0.5) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {seconds:.0f} s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Fleet:
    env: dict[str, str]
    dsn: str
    notes: Path
    servers: list[str]
    workers: list[subprocess.Popen[bytes]]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def run(self, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, *args], env=self.env, cwd=ROOT, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode()[-3000:]

    def runs(self) -> list[list[str]]:
        path = self.notes / "runs.txt"
        return [line.split() for line in path.read_text().splitlines()] if path.exists() else []

    def health(self, server: int = 0) -> dict[str, Any]:
        return dict(requests.get(f"{self.servers[server]}/healthz", timeout=10).json())


def _postgres_base() -> tuple[str, dict[str, Any]]:
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    params = {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username or "postgres",
    }
    if url.password:
        params["password"] = url.password
    auth = url.username or "postgres"
    if url.password:
        auth += f":{url.password}"
    return f"postgres://{auth}@{params['host']}:{params['port']}", params


def _free_redis_db() -> int:
    """A Redis database nobody is using (empty), so the fleet's queue is its own."""
    for number in range(14, 0, -1):
        if redis.Redis(host="127.0.0.1", port=6379, db=number).dbsize() == 0:
            return number
    raise AssertionError("Every Redis database on 127.0.0.1:6379 holds keys; the fleet needs an empty one")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    base, pg = _postgres_base()
    name = f"pw_fleet_{uuid.uuid4().hex[:10]}"
    redis_db = _free_redis_db()
    home = tmp_path_factory.mktemp("fleet")
    (home / "var").mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PLACEWELL_", "PYTEST_"))},
        "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
        "DATABASE_URL": f"{base}/{name}",
        "PLACEWELL_TASK_BROKER": f"redis://127.0.0.1:6379/{redis_db}",
        "PLACEWELL_VAR_DIR": str(home / "var"),
        "PLACEWELL_SELF_REFERRAL_RATE": str(RATE),
        "PLACEWELL_LOGIN_FAILURE_LIMIT": str(RATE),
        "PLACEWELL_TASK_TIMEOUT": str(TASK_TIMEOUT),
        "PLACEWELL_TASK_GRACE_SECONDS": str(GRACE),
        "PLACEWELL_TASK_WORKERS": "2",
        "PLACEWELL_CRON_REAPER": "* * * * *",
        "PLACEWELL_FLEET_NOTES": str(home),
        "PYTHONPATH": str(ROOT),
    }
    with psycopg.connect(**pg, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    fleet = Fleet(env=env, dsn=f"{base}/{name}", notes=home, servers=[], workers=[])

    def start(args: list[str], log: str) -> subprocess.Popen[bytes]:
        out = (home / log).open("wb")
        process = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        fleet.processes.append(process)
        return process

    try:
        fleet.run("-m", "django", "migrate", "--noinput", "--verbosity", "0")
        fleet.run("-m", "django", "setup_schedules")
        fleet.run("-m", "tests.ops.fleet_support", "seed")
        for number in (1, 2):
            port = free_port()
            start(
                [sys.executable, "-m", "gunicorn", "placewell.web.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--timeout", "120"],
                f"server{number}.log",
            )  # fmt: skip
            fleet.servers.append(f"http://127.0.0.1:{port}")
        for number in (1, 2):
            fleet.workers.append(start([sys.executable, "-m", "django", "qcluster"], f"worker{number}.log"))
        for server in fleet.servers:
            wait_for(f"{server}/readyz", lambda s=server: _ready(s), 90)
        wait_for(
            "both workers to report in", lambda: fleet.health()["checks"]["queue"]["clusters_alive"] == 2, 90
        )
        yield fleet
    finally:
        for process in fleet.processes:
            _stop(process)
        redis.Redis(host="127.0.0.1", port=6379, db=redis_db).flushdb()
        with psycopg.connect(**pg, dbname="postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _ready(server: str) -> bool:
    try:
        return requests.get(f"{server}/readyz", timeout=30).status_code == 200
    except requests.RequestException:  # not listening yet, or still loading
        return False


def _token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _self_refer(fleet: Fleet, number: int) -> requests.Response:
    """One person's self-referral, its pages answered by the two servers in turn; the session is shared."""
    web = requests.Session()
    assert web.get(f"{fleet.servers[number % 2]}/refer/", timeout=30).status_code == 200  # the one service
    token = _token(web, f"{fleet.servers[(number + 1) % 2]}/refer/name/")
    answers = [
        ("/refer/name/", {"given_name": "Rowan", "family_name": f"Fleet{number}", "website": ""}),
        (
            "/refer/date-of-birth/",
            {"date_of_birth_0": "27", "date_of_birth_1": "3", "date_of_birth_2": "1985"},
        ),
        ("/refer/contact/", {"preferred_contact_method": "email", "email": "rowan@example.org", "phone": ""}),
        ("/refer/work/", {"employment_status": "out_of_work"}),
        ("/refer/help/", {"about": "I would like work in a garden centre."}),
        ("/refer/check/", {}),
    ]
    for step, (path, data) in enumerate(answers):
        server = fleet.servers[(number + step) % 2]
        response = web.post(
            f"{server}{path}", {**data, "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30
        )
        if path != "/refer/check/":
            assert response.status_code == 302, (path, response.status_code, response.text[:500])
    return response


def _sign_in(fleet: Fleet, server: int, password: str) -> tuple[requests.Session, requests.Response]:
    web = requests.Session()
    token = _token(web, f"{fleet.servers[server]}/accounts/login/")
    response = web.post(
        f"{fleet.servers[server]}/accounts/login/",
        {"username": "mandy", "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    return web, response


def _two_hundred_jobs_each_run_once(fleet: Fleet) -> None:
    command = [sys.executable, "-m", "tests.ops.fleet_support", "enqueue", "fleet.record", RECORD]
    enqueuers = [
        subprocess.Popen([*command, str(first), "100"], env=fleet.env, cwd=ROOT, stderr=subprocess.PIPE)
        for first in (0, 100)
    ]
    for enqueuer in enqueuers:
        _, err = enqueuer.communicate(timeout=180)
        assert enqueuer.returncode == 0, err.decode()[-3000:]

    def all_finished() -> bool:
        states = dict(
            fleet.sql("SELECT state, count(*) FROM jobs_job WHERE kind = 'fleet.record' GROUP BY state")
        )
        return states == {"succeeded": 200}

    wait_for("200 jobs to finish", all_finished, 240)
    records = [r for r in fleet.runs() if r[0] == "record"]
    numbers = Counter(int(r[1]) for r in records)
    assert sorted(numbers) == list(range(200)), "a job was lost"
    assert max(numbers.values()) == 1, f"jobs run twice: {[n for n, c in numbers.items() if c > 1]}"
    assert fleet.sql("SELECT max(attempts), min(attempts) FROM jobs_job WHERE kind = 'fleet.record'") == [
        (1, 1)
    ]
    clusters = {int(r[3]) for r in records}
    assert clusters == {w.pid for w in fleet.workers}, "both workers share the work"


def _import_through_one_server_reported_on_the_other(fleet: Fleet) -> None:
    web, response = _sign_in(fleet, 0, PASSWORD)
    assert response.status_code == 302, response.text[:500]
    token = _token(web, f"{fleet.servers[0]}/imports/")
    body = csv_bytes(REFERRAL_HEADER, referral_rows(25))
    response = web.post(
        f"{fleet.servers[0]}/imports/",
        {"kind": "referrals", "csrfmiddlewaretoken": token},
        files={"file": ("people.csv", body, "text/csv")},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:2000]
    job_url = response.headers["Location"]
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[-1])

    def state() -> str:
        return str(fleet.sql("SELECT state FROM imports_importjob WHERE id = %s", job_id)[0][0])

    wait_for("the worker to check the upload", lambda: state() == "checked", 120)
    preview = web.get(f"{fleet.servers[1]}{job_url}", timeout=30)
    assert preview.status_code == 200 and "25" in preview.text
    token = CSRF.search(preview.text).group(1)  # type: ignore[union-attr]
    confirmed = web.post(
        f"{fleet.servers[1]}{job_url}confirm/",
        {"csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert confirmed.status_code == 302
    wait_for("the worker to import the file", lambda: state() in {"done", "failed"}, 120)
    assert state() == "done", fleet.sql("SELECT failure FROM imports_importjob WHERE id = %s", job_id)
    report = web.get(f"{fleet.servers[1]}{job_url}", timeout=30)
    assert (
        report.status_code == 200 and "Import finished" in report.text and "25 rows imported" in report.text
    )
    assert "C-25" in report.text
    assert fleet.sql("SELECT count(*) FROM participants_participant WHERE family_name LIKE 'Family%%'") == [
        (25,)
    ]
    uploads = fleet.notes / "var" / "imports"
    assert not any(uploads.glob("*/upload*")), "the upload is deleted once imported"


def _rate_limit_holds_across_servers(fleet: Fleet) -> None:
    outcomes = [_self_refer(fleet, number) for number in range(RATE + 1)]
    assert [r.status_code for r in outcomes] == [302] * RATE + [429]
    assert [r.headers["Location"] for r in outcomes[:RATE]] == ["/refer/done/"] * RATE


def _killed_worker_job_completed_by_the_other(fleet: Fleet) -> None:
    fleet.run(
        "-m", "tests.ops.fleet_support", "enqueue", "fleet.slow", "tests.ops.fleet_tasks.slow", "8", "1"
    )
    started = wait_for("the slow job to start", lambda: [r for r in fleet.runs() if r[0] == "slow-start"], 60)
    victim = next(w for w in fleet.workers if w.pid == int(started[0][2]))
    survivor = next(w for w in fleet.workers if w is not victim)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    wait_for(
        "the dead cluster to drop out of /healthz",
        lambda: fleet.health()["checks"]["queue"]["clusters_alive"] == 1,
        30,
    )

    def finished() -> list[tuple[Any, ...]]:
        return fleet.sql(
            "SELECT state, attempts FROM jobs_job WHERE kind = 'fleet.slow' AND state IN ('succeeded', 'failed')"
        )

    # The lease is TASK_TIMEOUT + GRACE; the reaper runs every minute; then the job runs again for 8 s.
    assert wait_for(
        "the other worker to complete the job", finished, TASK_TIMEOUT + GRACE + 60 + 60, every=2
    ) == [("succeeded", 2)]
    # Started by the killed worker, started again and finished by the other, exactly once.
    runs = [(r[0], int(r[2])) for r in fleet.runs() if r[0].startswith("slow")]
    assert runs == [("slow-start", victim.pid), ("slow-start", survivor.pid), ("slow-done", survivor.pid)], (
        runs
    )


def _lock_out_holds_across_servers(fleet: Fleet) -> None:
    outcomes = [_sign_in(fleet, attempt % 2, "not-the-password-at-all")[1] for attempt in range(RATE)]
    # The form again with an error, until the last allowed failure (on whichever server) locks the account.
    assert [r.status_code for r in outcomes] == [200] * (RATE - 1) + [429]
    for server in (0, 1):
        _, response = _sign_in(fleet, server, PASSWORD)  # even the right password is refused now
        assert response.status_code == 429, (server, response.status_code)


def test_the_fleet_shares_limits_uploads_and_jobs(fleet: Fleet) -> None:
    _two_hundred_jobs_each_run_once(fleet)
    _import_through_one_server_reported_on_the_other(fleet)
    _rate_limit_holds_across_servers(fleet)
    _killed_worker_job_completed_by_the_other(fleet)
    _lock_out_holds_across_servers(fleet)
    health = fleet.health(1)
    assert health["status"] == "ok" and health["checks"]["queue"]["waiting_jobs"] == 0
