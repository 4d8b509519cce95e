"""The specialist's home page and caseload page on PostgreSQL with 100,000 participants and 2,000,000 contacts,
against the same pages with 100 participants (the baseline), in one run.

Each size gets its own database on 127.0.0.1:5432 (user postgres, trust authentication), created and dropped
here, and is measured in a worker process so that Django is configured for that database alone. Structure and
staff are made through the real actions; participants, contacts and the audit events that date the start of
support are bulk-loaded (``bulk_create`` and PostgreSQL ``COPY``). Every specialist holds about 100
participants over time, a quarter of them open (receiving support or in work), so the measured specialist's
caseload is the same size in both databases and the ratio shows what the larger tables cost. ``--quick`` uses
5,000 participants and 100,000 contacts. Figures: median and 95th-percentile render time and the number of
queries per page (aim: under 300 ms at the 95th percentile).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import pages
from benchmarks.harness import Result

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
PER_SPECIALIST = 100
CONTACTS_PER_PARTICIPANT = 20
OPEN_SHARE = 0.25


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _load(n_participants: int, contacts_per: int) -> dict[str, int]:
    """Fill the configured (empty, migrated) database; returns the measured specialist's id."""
    from django.db import connection
    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.participants.models import Status

    rng = random.Random(2026)
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(
        by=None,
        provider=provider,
        name="Bench IPS",
        model="ips_lite",
        pre_employment_limit_months=9,
        in_work_limit_months=4,
    )
    specialists, ids = pages.caseloads(
        service, n_participants, per_specialist=PER_SPECIALIST, open_share=OPEN_SHARE, rng=rng
    )
    now = timezone.now()
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(
            "COPY casework_contact (participant_id, happened_at, duration_minutes, mode, place, with_participant,"
            " with_employer, with_health, with_family, purposes, note, recorded_by_id, created_at) FROM STDIN"
        ) as copy:
            for pid, sid, _ in ids:
                for k in range(contacts_per):
                    when = now - dt.timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 600))
                    employer = k == 0
                    copy.write_row(
                        (
                            pid,
                            when,
                            rng.choice([10, 20, 45, 60]),
                            "face_to_face" if employer else "phone",
                            "employer" if employer else "remote",
                            not employer,
                            employer,
                            False,
                            False,
                            '["job_search"]',
                            "",
                            sid,
                            when,
                        )
                    )
        # The audit events that date support starting and starting work, hashed into the audit chain as
        # every event is (accounts.audit_chain), continuing from the events the real actions wrote.
        from placewell.accounts.audit_chain import link
        from placewell.accounts.models import AuditEvent

        prev = AuditEvent.objects.order_by("-pk").values_list("chain_hash", flat=True).first() or ""
        with raw.copy(
            "COPY accounts_auditevent (at, actor_id, actor_label, action, record_type, record_id, participant_id,"
            " service_id, summary, changes, ip_address, chain_prev, chain_hash) FROM STDIN"
        ) as copy:
            for pid, sid, status in ids:
                started = now - dt.timedelta(days=rng.randint(20, 300))
                events = [(started, "Support started", ["agreed", "active"])]
                if status == Status.IN_WORK:
                    events.append((started + dt.timedelta(days=60), "Started work", ["active", "in_work"]))
                for at, summary, change in events:
                    row = (at, sid, "Bench", "status", "participant", str(pid), pid, service.pk, summary)
                    changes = json.dumps({"status": change})
                    digest = link(prev, (*row, changes, None))
                    copy.write_row((*row, changes, None, prev, digest))
                    prev = digest
        cur.execute("ANALYZE")
    return {"specialist": specialists[0].pk}


def _measure(specialist_id: int, repeat: int) -> dict[str, object]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from placewell.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=specialist_id))
    out: dict[str, object] = {}
    for key, url in (("home", "/"), ("caseload", "/casework/caseload/")):
        client.get(url)  # warm-up
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


def worker(n_participants: int, contacts_per: int, repeat: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 1,000 staff, made quickly
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = _load(n_participants, contacts_per)
    loaded = time.perf_counter() - started
    result = _measure(ids["specialist"], repeat)
    result["load_seconds"] = loaded
    print("RESULT " + json.dumps(result))


def _run_size(name: str, n_participants: int, contacts_per: int, repeat: int) -> dict[str, object]:
    db = f"placewell_bench_casework_{name}"
    _admin(f"DROP DATABASE IF EXISTS {db}")
    _admin(f"CREATE DATABASE {db}")
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"{SERVER}/{db}",
            "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        }
        code = f"from benchmarks.bench_casework import worker; worker({n_participants}, {contacts_per}, {repeat})"
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(line.removeprefix("RESULT "))
    finally:
        _admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def run(quick: bool) -> list[Result]:
    large_n = 5_000 if quick else 100_000
    repeat = 15 if quick else 40
    baseline = _run_size("baseline", 100, CONTACTS_PER_PARTICIPANT, repeat)
    large = _run_size("large", large_n, CONTACTS_PER_PARTICIPANT, repeat)
    results = []
    for key, title in (("home", "specialist home page"), ("caseload", "specialist caseload page")):
        big, small = large[key], baseline[key]  # type: ignore[index]
        results.append(
            Result(
                name=f"{title}: {large_n:,} participants, {large_n * CONTACTS_PER_PARTICIPANT:,} contacts (PostgreSQL)",
                baseline="the same page with 100 participants, 2,000 contacts",
                seconds=big["median"],
                baseline_seconds=small["median"],
                figures={
                    "p95": f"{big['p95'] * 1000:.1f} ms (baseline {small['p95'] * 1000:.1f} ms)",
                    "median": f"{big['median'] * 1000:.1f} ms (baseline {small['median'] * 1000:.1f} ms)",
                    "queries": f"{big['queries']} (baseline {small['queries']})",
                    "load": f"{large['load_seconds']:.0f} s to load the large database",
                },
                aim="under 300 ms at the 95th percentile; the same number of queries at both sizes",
            )
        )
    return results
