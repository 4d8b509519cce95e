"""The web pages while a worker is busy: p95 of an employment specialist's home page while the full-size demo
trial (9,785 randomised) is analysed in the background, against the same page with the queue idle.

Background work runs in worker processes (``./run worker``), not in the web server, so a long analysis
should cost the pages only what it takes from the shared machine and database. Both phases run in one
process tree on a scratch PostgreSQL database: the full-size trial (``trials.demo_fullsize``, with its
service, teams and specialists) and its draft analysis plan are loaded, Gunicorn serves the app with two
workers and one django-q2 cluster runs jobs on the default database broker. The trial's specialist with the
largest caseload is signed in and their home page is fetched one request after another:

- baseline: ``REQUESTS`` requests with the queue idle;
- measured: the trial's plan is locked and an analysis run queued (as the evaluator's page does), and
  requests go on while the job runs, up to ``REQUESTS`` of them.

The ratio is idle p95 / busy p95 (below 1: the page is slower while the analysis runs). ``--quick`` loads a
10% trial and makes fewer requests.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Result
from benchmarks.served import ROOT, SERVER_URL, admin, django_env, free_port, percentile

KEY = "benchmark-research-key-not-a-secret-0123456789"
DEMO_PASSWORD = "demo-password-placewell"  # noqa: S105 (every demo account's, as the README says)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup(scale: float) -> str:
    """The full-size demo trial (``scale`` of it) with its service, specialists and draft analysis plan,
    and the demo's commissioner and evaluator who analyse it. Returns the specialist who signs in: the one
    with the largest caseload, with the demo password."""
    import random

    import django

    django.setup()
    from django.db.models import Count

    from placewell.accounts import services as accounts
    from placewell.accounts.models import Role, User
    from placewell.analysis import demo as analysis_demo
    from placewell.trials import demo_fullsize

    commissioner = accounts.create_organisation(
        by=None, name="Northshire Combined Authority", kind="commissioner"
    )
    accounts.create_staff(
        by=None,
        username="eve",
        password=DEMO_PASSWORD,
        first_name="Eve",
        last_name="Evaluator",
        email="eve@demo.placewell.invalid",
        role=Role.EVALUATOR,
        organisation=commissioner,
    )
    demo_fullsize.load_fullsize_trial(scale=scale, progress=lambda _m: None)
    analysis_demo.demo_step(random.Random(1), lambda _m: None)
    specialist = (
        User.objects.filter(role=Role.SPECIALIST)
        .annotate(people=Count("caseload"))
        .order_by("-people", "username")
        .first()
    )
    specialist.set_password(DEMO_PASSWORD)
    specialist.save(update_fields=["password"])
    return str(specialist.username)


def start_analysis() -> None:
    """Lock the full-size trial's draft plan and queue a run of it, as the evaluator's pages do."""
    import django

    django.setup()
    from placewell.accounts.models import User
    from placewell.analysis import runner, services
    from placewell.trials.demo_fullsize import REGISTRATION
    from placewell.trials.models import Trial

    trial = Trial.objects.get(registration_number=REGISTRATION)
    eve = User.objects.get(username="eve")
    plan = trial.analysis_plans.order_by("-version").first()
    if not plan.is_locked:
        plan = services.lock_plan(by=eve, plan=plan)
    run = services.start_run(by=eve, trial=trial, plan=plan)
    runner.start(run, by=eve)
    print(f"RUN {run.pk}")


def _python(code: str, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout


def _sign_in(base: str, username: str):  # type: ignore[no-untyped-def]
    import requests

    web = requests.Session()
    token = CSRF.search(web.get(f"{base}/accounts/login/", timeout=60).text).group(1)  # type: ignore[union-attr]
    response = web.post(
        f"{base}/accounts/login/",
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.status_code
    return web


def _timed_get(web, url: str) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = web.get(url, timeout=120)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed


def _job_state(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT state FROM jobs_job WHERE kind = 'analysis.run' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return str(row[0]) if row else "none"


def run(quick: bool) -> list[Result]:
    requests_wanted = 60 if quick else 200
    name = f"placewell_bench_fleet_{os.getpid()}"
    database_url = f"{SERVER_URL.rsplit('/', 1)[0]}/{name}"
    admin(f"CREATE DATABASE {name}")
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="placewell-bench-fleet-") as home:
        env = django_env(database_url)
        env.update(
            PLACEWELL_VAR_DIR=str(Path(home) / "var"),
            PLACEWELL_PSEUDONYM_KEY=KEY,
            PLACEWELL_TASK_BROKER="database",
            PLACEWELL_EMBEDDED_WORKER="false",
        )
        try:
            _python("import django; django.setup(); from django.core.management import call_command; "
                    "call_command('migrate', verbosity=0)", env, 1800)  # fmt: skip
            scale = 0.1 if quick else 1.0
            out = _python(
                f"from benchmarks.bench_fleet import setup; print('USER', setup({scale}))", env, 7200
            )
            username = out.split("USER", 1)[1].strip()
            _python("import django; django.setup(); from django.core.management import call_command; "
                    "call_command('setup_schedules')", env, 600)  # fmt: skip
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            for args in (
                [sys.executable, "-m", "gunicorn", "placewell.web.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--timeout", "300"],
                [sys.executable, "-m", "django", "qcluster"],
            ):  # fmt: skip
                processes.append(
                    subprocess.Popen(
                        args,
                        env=env,
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )
            _wait_ready(base)
            web = _sign_in(base, username)
            for _ in range(5):  # warm-up: templates, connections
                _timed_get(web, f"{base}/")
            idle = [_timed_get(web, f"{base}/") for _ in range(requests_wanted)]

            _python("from benchmarks.bench_fleet import start_analysis; start_analysis()", env, 600)
            deadline = time.monotonic() + 600
            while _job_state(database_url) == "queued" and time.monotonic() < deadline:
                time.sleep(0.2)
            busy: list[float] = []
            while len(busy) < requests_wanted and _job_state(database_url) == "running":
                busy.append(_timed_get(web, f"{base}/"))
            final = _job_state(database_url)
        finally:
            for process in processes:
                _stop(process)
            admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if len(busy) < 5:
        raise RuntimeError(f"the analysis finished after {len(busy)} requests, too few to measure")
    idle_p95, busy_p95 = percentile(idle, 0.95), percentile(busy, 0.95)
    return [
        Result(
            name="specialist's home page, p95, while the full-size trial is analysed by a worker",
            baseline="the same page with the queue idle",
            seconds=busy_p95,
            baseline_seconds=idle_p95,
            figures={
                "idle": f"p50 {percentile(idle, 0.5) * 1000:.0f} ms, p95 {idle_p95 * 1000:.0f} ms ({len(idle)} requests)",
                "busy": f"p50 {percentile(busy, 0.5) * 1000:.0f} ms, p95 {busy_p95 * 1000:.0f} ms "
                f"({len(busy)} requests during the run; the job then {final})",
                "trial": "10% of the full-size demo trial"
                if quick
                else "the full-size demo trial (9,785 randomised)",
            },
            aim="close to 1: the analysis runs in a worker, not in the web server",
        )
    ]


def _wait_ready(base: str) -> None:
    import requests

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/readyz", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base} did not become ready")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        process.wait(timeout=30)
