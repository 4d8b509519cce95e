"""What the page benchmarks share: serve a few pages through Django's test client in a scratch PostgreSQL
database loaded at one size, and compare them with the same pages at a small size (the baseline) in the
same run. A benchmark module names its pages, loads its data (returning the users who open the pages) and
calls these helpers; each size runs in a process of its own, on its own database, dropped afterwards."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.harness import Result
from benchmarks.served import ROOT, SERVER_URL, admin, django_env

Page = tuple[str, str, str, str]
"""A page: its key, the key of the user who opens it, its address and its title in the results."""


def staff_sign_in(client: Any, user_id: int) -> None:
    """Sign the test client in as the staff member with this id."""
    from placewell.accounts.models import User

    client.force_login(User.objects.get(pk=user_id))


def measure(
    pages: Sequence[Page],
    users: dict[str, int],
    repeat: int,
    sign_in: Callable[[Any, int], None] = staff_sign_in,
) -> dict[str, dict[str, float]]:
    """Median and 95th-percentile time to serve each page (after a warm-up), and its queries. ``sign_in``
    opens the session for the page's user (a staff sign-in unless a benchmark gives its own)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out: dict[str, dict[str, float]] = {}
    for key, who, url, _ in pages:
        client = Client()
        sign_in(client, users[who])
        assert client.get(url).status_code == 200  # warm-up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        times.sort()
        out[key] = {
            "median": statistics.median(times),
            "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "queries": len(ctx.captured_queries),
        }
    return out


def worker(load: Callable[[int], dict[str, int]], pages: Sequence[Page], n: int, repeat: int) -> None:
    """In the size's own process: migrate, load ``n`` with ``load``, measure, and print the figures."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # many staff, made quickly
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    users = load(n)
    loaded = time.perf_counter() - started
    result: dict[str, object] = dict(measure(pages, users, repeat))
    result["load_seconds"] = loaded
    print("RESULT " + json.dumps(result))


def run_size(module: str, name: str, n: int, *repeats: int) -> dict[str, object]:
    """Run ``benchmarks.<module>.worker(n, *repeats)`` on a scratch database of its own."""
    db = f"placewell_{module}_{name}"
    base = SERVER_URL.rsplit("/", 1)[0]
    admin(f"DROP DATABASE IF EXISTS {db}")
    admin(f"CREATE DATABASE {db}")
    try:
        code = f"from benchmarks.{module} import worker; worker({', '.join(map(str, (n, *repeats)))})"
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=django_env(f"{base}/{db}"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(line.removeprefix("RESULT "))
    finally:
        admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def results(
    pages: Sequence[Page],
    measured: dict[str, object],
    baseline: dict[str, object],
    *,
    size: str,
    baseline_label: str,
    aim: str,
) -> list[Result]:
    """One result a page: the measured size's median against the baseline's, with p95 and queries."""
    out = []
    for key, _, _, title in pages:
        big, small = measured[key], baseline[key]
        assert isinstance(big, dict) and isinstance(small, dict)
        out.append(
            Result(
                name=f"{title}: {size} (PostgreSQL)",
                baseline=baseline_label,
                seconds=big["median"],
                baseline_seconds=small["median"],
                figures={
                    "p95": f"{big['p95'] * 1000:.1f} ms (baseline {small['p95'] * 1000:.1f} ms)",
                    "median": f"{big['median'] * 1000:.1f} ms (baseline {small['median'] * 1000:.1f} ms)",
                    "queries": f"{big['queries']:.0f} (baseline {small['queries']:.0f})",
                    "load": f"{measured['load_seconds']:.0f} s to load the measured database",
                },
                aim=aim,
            )
        )
    return out


def caseloads(
    service: object, n_participants: int, *, per_specialist: int, open_share: float, rng: object
) -> tuple[list[object], list[tuple[int, int, str]]]:
    """Specialists (made through the real action, ten to a team) holding ``per_specialist`` participants each
    over time, ``open_share`` of them open (a third of those in work): the caseloads the casework and
    worklist benchmarks both load. Returns the specialists and (participant id, specialist id, status) rows."""
    import datetime as dt

    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.participants.models import Participant, Status

    n_specialists = max(1, n_participants // per_specialist)
    specialists = []
    team = None
    for i in range(n_specialists):
        if i % 10 == 0:
            team = acc.create_team(by=None, service=service, name=f"Team {i // 10 + 1}")  # type: ignore[arg-type]
        specialists.append(
            acc.create_staff(
                by=None,
                username=f"es{i}",
                password="bench-password-not-secret-1",  # noqa: S106 - throwaway accounts in a throwaway database
                first_name=f"Spec{i}",
                last_name="Bench",
                email=f"es{i}@example.org",
                role=Role.SPECIALIST,
                team=team,
            )
        )
    now = timezone.now()
    rows = []
    for i in range(n_participants):
        s = specialists[i % n_specialists]
        open_ = rng.random() < open_share  # type: ignore[attr-defined]
        status = (Status.IN_WORK if rng.random() < 0.3 else Status.ACTIVE) if open_ else Status.CLOSED  # type: ignore[attr-defined]
        rows.append(
            Participant(
                reference=f"PW-B{i:07d}",
                service=service,
                team_id=s.team_id,
                specialist=s,
                status=status,
                given_name=rng.choice(["Sam", "Alex", "Jo", "Chris", "Pat"]),  # type: ignore[attr-defined]
                family_name=f"Person{i}",
                closed_at=None if open_ else now - dt.timedelta(days=rng.randint(1, 700)),  # type: ignore[attr-defined]
                closed_reason="" if open_ else "Support finished",
            )
        )
    Participant.objects.bulk_create(rows, batch_size=5000)
    ids = list(Participant.objects.order_by("pk").values_list("pk", "specialist_id", "status"))
    return specialists, ids
