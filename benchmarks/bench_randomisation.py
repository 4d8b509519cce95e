"""Randomisation under load: 16 concurrent clients on PostgreSQL, through the real pages, before and after.

A fresh PostgreSQL database is created (and dropped afterwards), migrated and filled through the real
actions with a locked trial of three strata and agreed participants for 16 specialists, each with their
baseline questionnaire sent (randomisation waits for it when the surveys app is installed; the service's
baseline wave is cut to one short questionnaire to keep the set-up quick). The app is served as in
production, by Gunicorn on 127.0.0.1 with ``WORKERS`` worker processes of ``THREADS`` threads each (a
single-process development server measures the server, not randomisation). Each of 16 client threads, with
its own connection and signed-in session (made directly in the session table: password hashing is not part
of the flow), submits the check page of each of its participants, which randomises (baseline check, survey
waves, stratum row lock, engine step, allocation, audit chain) and redirects to the result.

The baseline is the previous code path: the same flow served from a ``git worktree`` of
``PLACEWELL_BENCH_BASELINE_REF`` (default: the commit before the throughput work of
docs/explanation/randomisation-throughput.md; set it empty to skip), on the same database, for the first
half of each client's participants; the current code then randomises the second half. The figures are
randomisations per second and the 95th-percentile latency of one submission for each, and the check page
loaded without submitting (the page flow alone) on the current code.

Needs a PostgreSQL server: ``PLACEWELL_BENCH_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/postgres``) names one to create the scratch database on. Aim:
at least 200 randomisations per second on the CI machine, 95th percentile under 300 ms.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

from benchmarks.harness import Result
from benchmarks.served import SERVER_URL, admin, django_env, free_port, percentile

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 16
WORKERS = int(os.environ.get("PLACEWELL_BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("PLACEWELL_BENCH_THREADS", "4"))
"""Gunicorn worker processes and threads per process (gthread workers): 4 x 4 gives one request slot per
client, threads overlap the waits on PostgreSQL and the stratum lock, and processes use every core."""
BASELINE_REF = os.environ.get("PLACEWELL_BENCH_BASELINE_REF", "c33a32f")
"""The commit whose randomisation path is the baseline (the code before the throughput work)."""
WARM_UP = 3
"""Requests each client makes before timing starts, so each worker has imported and compiled what it needs."""

SETUP = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.apps import apps
from django.db import transaction
from placewell.accounts import services as acc
from placewell.accounts.models import Role
from placewell.engine.randomisation import stratum_key
from placewell.participants import services as ps
from placewell.participants.models import AgreementDocument, EligibilityRuleSet
from placewell.trials import services as ts

per_client = int(sys.argv[1])
today = dt.date.today()
with transaction.atomic():
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips")
    north = acc.create_team(by=None, service=service, name="North")
    south = acc.create_team(by=None, service=service, name="South")
    manager = acc.create_staff(by=None, username="manager", password="bench-password-0123456789",
        first_name="M", last_name="M", email="m@example.org", role=Role.SERVICE_MANAGER, service=service)
    trial = ts.create_trial(by=manager, service=service, name="Bench trial", registration_number="ISRCTN00000001",
        recruitment_opens_on=today - dt.timedelta(days=1), recruitment_closes_on=today + dt.timedelta(days=30),
        recruitment_target=100000)
    ts.add_site(by=manager, trial=trial, code="n", name="North", teams=[north])
    ts.add_site(by=manager, trial=trial, code="s", name="South", teams=[south])
    ts.add_arm(by=manager, trial=trial, code="treatment", name="Treatment", participant_label="Support",
        next_steps="Book the first appointment.", is_treatment=True)
    ts.add_arm(by=manager, trial=trial, code="control", name="Control", participant_label="Other support",
        next_steps="Take the leaflet.")
    ts.set_strata(by=manager, trial=trial, keys=[stratum_key({"site": s, "employment_status": e})
        for s, e in [("n", "in_work"), ("n", "out_of_work"), ("s", "out_of_work")]])
    trial = ts.lock_trial(by=manager, trial=trial)
    rule_set = EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")
    answers = {q.key: q.qualifying_answer for q in rule_set.questions.all()}
    doc = AgreementDocument.objects.filter(service=None, published_at__isnull=False).order_by("-version").first()
    agree = {s.pk: True for s in doc.statements.all()}
    surveys = None
    if apps.is_installed("placewell.surveys"):
        from placewell.surveys import services as surveys
        waves = surveys.ensure_default_waves(by=manager, service=service)
        surveys.update_wave(by=manager, wave=next(w for w in waves if w.is_baseline),
            changes={"instruments": ["ons4"]})
        ons4 = {"life_satisfaction": 7, "worthwhile": 7, "happiness": 6, "anxiety": 3}
    clients = []
    for c in range(16):
        team = north if c < 8 else south
        user = acc.create_staff(by=None, username=f"es{c}", password="bench-password-0123456789",
            first_name="E", last_name=str(c), email=f"es{c}@example.org", role=Role.SPECIALIST, team=team)
        ids = []
        for i in range(per_client):
            status = "in_work" if team is north and i % 2 else "out_of_work"
            p = ps.refer_participant(by=user, service=service, team=team, specialist=user, source="gp",
                referral_date=today, given_name="P", family_name=f"{c}-{i}", employment_status=status)
            ps.screen_participant(by=user, participant=p, rule_set=rule_set, answers=answers)
            ps.record_agreement(by=user, participant=p, document=doc, format="plain", answers=agree)
            if surveys is not None:
                surveys.record_response(by=user, participant=p, instrument_id="ons4", answers=ons4,
                    mode="face_to_face", invitation=surveys.baseline_progress(p).invitation)
            ids.append(p.pk)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        clients.append({"session": session.session_key, "participants": ids})
print(json.dumps({"trial": trial.pk, "clients": clients}))
"""


class _Client:
    """One signed-in browser: its own keep-alive connection and cookies."""

    def __init__(self, port: int, session: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {"sessionid": session}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError):
            if method != "GET":
                raise
            self.conn.close()  # the server closed an idle keep-alive connection: open a new one, once
            start = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        text = response.read().decode()
        elapsed = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, elapsed


def _phase(
    clients: list[_Client], work: list[list[tuple[str, str | None]]], expect: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def run(i: int) -> None:
        barrier.wait()
        for path, body in work[i]:
            status, _, elapsed = clients[i].request("POST" if body is not None else "GET", path, body)
            if status != expect:
                raise RuntimeError(f"{path} answered {status}, expected {expect}")
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - start


def _serve(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "placewell.web.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            f"--threads={THREADS}",
            "--keep-alive=120",
            "--timeout=120",
            "--log-level=warning",
        ],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    return server, port


def _stop(server: subprocess.Popen[bytes] | None) -> None:
    if server is not None:
        server.terminate()
        server.wait(timeout=30)


def _randomise(
    port: int, trial: int, clients_data: list[dict], part: slice, *, page_flow: bool = False
) -> tuple[list[float], float, list[float], float]:
    """Warm up, optionally time the check pages alone, then submit each and time the randomisations."""
    clients = [_Client(port, c["session"]) for c in clients_data]
    pages = [[f"/trials/{trial}/meeting/{p}/check/" for p in c["participants"][part]] for c in clients_data]
    _phase(clients, [[(own[0], None)] * WARM_UP for own in pages], 200)
    base_lat, base_wall = (
        _phase(clients, [[(u, None) for u in own] for own in pages], 200) if page_flow else ([], 0.0)
    )
    token_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    posts = []
    for client, own in zip(clients, pages, strict=True):
        _, page, _ = client.request("GET", own[0])  # the form's CSRF token for this client's cookie
        token = token_re.search(page)
        form = urlencode({"csrfmiddlewaretoken": token.group(1) if token else "", "confirm": "on"})
        posts.append([(u, form) for u in own])
    lat, wall = _phase(clients, posts, 302)
    for client in clients:
        client.conn.close()
    return lat, wall, base_lat, base_wall


def run(quick: bool) -> list[Result]:
    per_client = 20 if quick else 100
    name = f"placewell_bench_{os.getpid()}"
    database_url = urlparse(SERVER_URL)._replace(path=f"/{name}").geturl()
    scratch = Path(tempfile.mkdtemp(prefix="placewell_bench_baseline_"))
    worktree = scratch / "tree"
    admin(f'CREATE DATABASE "{name}"')
    server = None
    try:
        env = django_env(database_url)
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        setup = subprocess.run(
            [sys.executable, "-c", SETUP, str(2 * per_client)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        trial = data["trial"]
        old: tuple[list[float], float] | None = None
        if BASELINE_REF:
            subprocess.run(
                ["git", "worktree", "add", "--detach", "--quiet", str(worktree), BASELINE_REF],
                cwd=ROOT,
                check=True,
            )
            old_env = dict(env, PYTHONPATH=os.pathsep.join([str(worktree / "src"), str(worktree)]))
            server, port = _serve(old_env, worktree)
            lat_old, wall_old, _, _ = _randomise(port, trial, data["clients"], slice(0, per_client))
            old = (lat_old, wall_old)
            _stop(server)
            server = None
        server, port = _serve(env, ROOT)
        lat, wall, base_lat, base_wall = _randomise(
            port, trial, data["clients"], slice(per_client, None), page_flow=True
        )
    finally:
        _stop(server)
        if worktree.exists():
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)
        shutil.rmtree(scratch, ignore_errors=True)
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    n = len(lat)
    p95, flow_p95 = percentile(lat, 0.95), percentile(base_lat, 0.95)
    figures = {
        "rate": f"{n / wall:.0f} randomisations per second ({wall:.2f} s wall)",
        "p95": f"{1000 * p95:.1f} ms per randomisation",
    }
    if old is not None:
        figures["before"] = (
            f"{len(old[0]) / old[1]:.0f} randomisations per second, p95 {1000 * percentile(old[0], 0.95):.1f} ms "
            f"(code at {BASELINE_REF})"
        )
    figures["pages"] = (
        f"{len(base_lat) / base_wall:.0f} check pages per second without submitting, p95 {1000 * flow_p95:.1f} ms"
    )
    figures["server"] = f"Gunicorn, {WORKERS} processes of {THREADS} threads, on {os.cpu_count()} CPUs"
    return [
        Result(
            name=f"randomise through the check page, {CLIENTS} concurrent clients, PostgreSQL ({n} allocations)",
            baseline=(
                f"the same submissions served by the code at {BASELINE_REF}, 95th percentile"
                if old is not None
                else "the check page loaded without submitting (page flow alone), 95th percentile"
            ),
            seconds=p95,
            baseline_seconds=percentile(old[0], 0.95) if old is not None else flow_p95,
            figures=figures,
            aim="at least 200 randomisations per second on the CI machine, 95th percentile under 300 ms",
        )
    ]
