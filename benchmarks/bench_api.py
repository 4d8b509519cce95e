"""API list throughput on PostgreSQL: 100,000 participants, 32 concurrent clients, against the page views.

A fresh PostgreSQL database is created (and dropped afterwards) and migrated. Staff, teams and tokens are made
through the real actions; the 100,000 participants (3,125 in each of 32 teams) and two contacts each are
bulk-inserted, because they are the scale the lists run against, not the behaviour under test. The contacts
are inserted day by day across the teams, as a service records them, and the tables are then analysed, as
autovacuum keeps them on a live server. (Stored team by team instead, the last team's "every contact in
scope" page walks most of the contact table first: 0.65 s with statistics, and minutes without them.) The app is
served as in production, by Gunicorn on 127.0.0.1 (``WORKERS`` processes of ``THREADS`` threads). Each of 32
client threads, one specialist with a keep-alive connection, asks for:

- the participant list: ``GET /api/v1/participants/?limit=25`` with its token, against the baseline
  ``GET /participants/`` (the list page, 25 a page) with a signed-in session;
- one participant's contacts: ``GET /api/v1/participants/<pk>/contacts/`` against the baseline
  ``GET /casework/participants/<pk>/contacts/``;
- and, reported without a baseline, every contact in scope: ``GET /api/v1/contacts/?limit=25``.

Both sides run the permission policy, the same scope filter and the audit write. The figures are requests per
second and the 95th-percentile latency; the ratio compares the 95th percentiles. Needs a PostgreSQL server:
``PLACEWELL_BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from benchmarks.harness import Result
from benchmarks.served import SERVER_URL, admin, django_env, free_port, percentile

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 32
WORKERS = int(os.environ.get("PLACEWELL_BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("PLACEWELL_BENCH_THREADS", "8"))
"""4 processes of 8 threads: one request slot per client; threads overlap the waits on PostgreSQL."""
WARM_UP = 2

SETUP = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from placewell.accounts import services as acc
from placewell.accounts.models import Role
from placewell.api.tokens import create_token
from placewell.casework.models import Contact
from placewell.participants.models import Participant, Status

total, clients = int(sys.argv[1]), int(sys.argv[2])
provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
service = acc.create_service(by=None, provider=provider, name="Bench IPS")
now = timezone.now()
out = []
per_team = total // clients
staff = []
for c in range(clients):
    team = acc.create_team(by=None, service=service, name=f"Team {c}")
    user = acc.create_staff(by=None, username=f"s{c}", password="bench-password-123456", first_name="S",
        last_name=str(c), email=f"s{c}@example.org", role=Role.SPECIALIST, team=team)
    people = Participant.objects.bulk_create(
        [Participant(service=service, team=team, specialist=user, status=Status.ACTIVE, given_name=f"G{i}",
            family_name=f"F{c}-{i}", email=f"p{c}-{i}@example.org") for i in range(per_team)],
        batch_size=5000,
    )
    staff.append((user, people))
# Contacts are recorded day by day across every team, as a service records them, so each team's contacts are
# spread through the table rather than stored team by team.
Contact.objects.bulk_create(
    [Contact(participant=people[i], happened_at=now - dt.timedelta(days=d + 1), duration_minutes=30,
        mode="phone", place="remote", purposes=["job_search"], recorded_by=user)
        for d in (1, 0) for i in range(per_team) for user, people in staff],
    batch_size=5000,
)
with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them on a live server
    cursor.execute("ANALYZE")
for user, people in staff:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    _, token = create_token(by=user, name="bench")
    out.append({"session": session.session_key, "token": token, "participants": [p.pk for p in people[:200]]})
print(json.dumps(out))
"""


class _Client:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = headers

    def get(self, path: str) -> tuple[int, float]:
        start = time.perf_counter()
        try:
            self.conn.request("GET", path, headers=self.headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # the server dropped an idle keep-alive connection (while another phase ran): connect again
            self.conn.close()
            start = time.perf_counter()
            self.conn.request("GET", path, headers=self.headers)
            response = self.conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start


def _phase(clients: list[_Client], work: list[list[str]]) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))
    failures: list[str] = []

    def run(i: int) -> None:
        clients[i].conn.close()  # a fresh connection per phase: idle ones may have been closed meanwhile
        barrier.wait()
        try:
            for path in work[i]:
                status, elapsed = clients[i].get(path)
                if status != 200:
                    failures.append(f"{path} answered {status}")
                    return
                with lock:
                    latencies.append(elapsed)
        except OSError as exc:
            failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(failures[0])
    return latencies, time.perf_counter() - start


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    if gunicorn.exists():
        command = [
            str(gunicorn),
            "placewell.web.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            f"--threads={THREADS}",
            "--keep-alive=30",
            "--timeout=120",
            "--log-level=warning",
        ]
    else:  # the development server, single process: figures are then of the server, not of the API
        command = [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    return server


def _measure(
    name: str, baseline: str, api: tuple[list[float], float], page: tuple[list[float], float], note: str
) -> Result:
    (lat, wall), (base_lat, base_wall) = api, page
    p95, base_p95 = percentile(lat, 0.95), percentile(base_lat, 0.95)
    return Result(
        name=name,
        baseline=baseline,
        seconds=p95,
        baseline_seconds=base_p95,
        figures={
            "rate": f"API {len(lat) / wall:.0f} requests/s; page {len(base_lat) / base_wall:.0f} requests/s",
            "p95": f"API {1000 * p95:.1f} ms; page {1000 * base_p95:.1f} ms",
            "server": note,
        },
    )


def run(quick: bool) -> list[Result]:
    total = 4_000 if quick else 100_000
    per_client = 5 if quick else 40
    name = f"placewell_bench_api_{os.getpid()}"
    database_url = urlparse(SERVER_URL)._replace(path=f"/{name}").geturl()
    admin(f'CREATE DATABASE "{name}"')
    server = None
    try:
        env = django_env(database_url)
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        setup = subprocess.run(
            [sys.executable, "-c", SETUP, str(total), str(CLIENTS)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        port = free_port()
        server = _serve(env, port)
        gunicorn = (ROOT / ".venv" / "bin" / "gunicorn").exists()
        note = (
            f"Gunicorn, {WORKERS} processes of {THREADS} threads, on {os.cpu_count()} CPUs"
            if gunicorn
            else "Django's development server (Gunicorn not installed)"
        )
        api = [_Client(port, {"Authorization": f"Bearer {c['token']}"}) for c in data]
        pages = [_Client(port, {"Cookie": f"sessionid={c['session']}"}) for c in data]
        lists_api = [["/api/v1/participants/?limit=25"] * per_client for _ in data]
        lists_page = [["/participants/"] * per_client for _ in data]
        own = [c["participants"][:per_client] for c in data]
        contacts_api = [[f"/api/v1/participants/{p}/contacts/" for p in ps] for ps in own]
        contacts_page = [[f"/casework/participants/{p}/contacts/" for p in ps] for ps in own]
        all_contacts = [["/api/v1/contacts/?limit=25"] * per_client for _ in data]
        for clients, work in (
            (api, lists_api),
            (pages, lists_page),
            (api, contacts_api),
            (pages, contacts_page),
        ):
            _phase(clients, [w[:1] * WARM_UP for w in work])
        results = [
            _measure(
                f"participant list, {CLIENTS} clients, {total:,} participants, PostgreSQL",
                "the participant list page (/participants/, 25 a page), 95th percentile",
                _phase(api, lists_api),
                _phase(pages, lists_page),
                note,
            ),
            _measure(
                f"one participant's contacts, {CLIENTS} clients, {2 * total:,} contacts, PostgreSQL",
                "the contacts page (/casework/participants/<pk>/contacts/), 95th percentile",
                _phase(api, contacts_api),
                _phase(pages, contacts_page),
                note,
            ),
        ]
        lat, wall = _phase(api, all_contacts)
        results[-1].figures["all"] = (
            f"every contact in scope (/api/v1/contacts/?limit=25): {len(lat) / wall:.0f} requests/s, "
            f"p95 {1000 * percentile(lat, 0.95):.1f} ms"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return results
