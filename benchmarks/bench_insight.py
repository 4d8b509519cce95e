"""The service MI dashboard and the MI evidence on PostgreSQL for a service with 100,000 participants,
2,000,000 contacts and 1,000,000 employer contacts, against the same figures computed the obvious way: a
Python loop over the participants, asking the ORM for each one's records (the baseline), in one run.

The database (127.0.0.1:5432, user postgres, trust authentication) is created and dropped here, and measured
in a worker process so Django is configured for it alone. Structure and staff are made through the real
actions; participants, referrals, profiles and job starts are bulk-created, and contacts, employer contacts
and the audit events that date support are loaded with PostgreSQL ``COPY``. The baseline's cost is linear in
the participants by construction (the same queries for each), so it is timed over a random sample of them
and scaled to the whole service; the figures say how large the sample was. ``--quick`` uses 5,000
participants, 100,000 contacts and 50,000 employer contacts. Aim: at least 50 times faster than
the baseline and under 1 second.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from benchmarks.harness import Result, best_of

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
DB = "placewell_bench_insight"
PER_SPECIALIST = 50
CONTACTS_PER = 20
ENGAGEMENTS_PER = 10


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _load(n: int) -> int:
    """Fill the migrated, empty database; returns the service's id."""
    from django.db import connection
    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.casework.models import ProfileVersion
    from placewell.employers.models import Employer
    from placewell.participants.models import Participant, Referral, Status
    from placewell.placements.models import JobStart

    rng = random.Random(2026)
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips")
    specialists, team = [], None
    for i in range(max(1, n // PER_SPECIALIST)):
        if i % 10 == 0:
            team = acc.create_team(by=None, service=service, name=f"Team {i // 10 + 1}")
        specialists.append(
            acc.create_staff(
                by=None,
                username=f"es{i}",
                password="bench-password-not-secret-1",  # noqa: S106 - throwaway accounts, throwaway database
                first_name=f"Spec{i}",
                last_name="Bench",
                email=f"es{i}@example.org",
                role=Role.SPECIALIST,
                team=team,
            )
        )
    employers = Employer.objects.bulk_create(
        Employer(service=service, name=f"Employer {i}", name_key=f"employer {i}", sector="G", size="small")
        for i in range(max(10, n // 20))
    )
    now = timezone.now()
    today = timezone.localdate()
    people = []
    for i in range(n):
        s = specialists[i % len(specialists)]
        status = rng.choices(
            [Status.REFERRED, Status.INELIGIBLE, Status.ACTIVE, Status.IN_WORK, Status.CLOSED],
            [5, 5, 45, 15, 30],
        )[0]
        people.append(
            Participant(
                reference=f"PW-B{i:07d}",
                service=service,
                team_id=s.team_id,
                specialist=s,
                status=status,
                given_name="Sam",
                family_name=f"Person{i}",
                employment_status="out_of_work" if rng.random() < 0.7 else "in_work",
                closed_at=now - dt.timedelta(days=rng.randint(1, 300)) if status == Status.CLOSED else None,
            )
        )
    Participant.objects.bulk_create(people, batch_size=5000)
    rows = list(Participant.objects.order_by("pk").values_list("pk", "specialist_id", "status", "closed_at"))
    referred = {pid: today - dt.timedelta(days=rng.randint(100, 700)) for pid, *_ in rows}
    Referral.objects.bulk_create(
        (
            Referral(participant_id=pid, source=rng.choice(["gp", "self", "jobcentre"]), referral_date=d)
            for pid, d in referred.items()
        ),
        batch_size=5000,
    )
    started = {
        pid: now - dt.timedelta(days=(today - referred[pid]).days - rng.randint(1, 40))
        for pid, _, status, _ in rows
        if status in (Status.ACTIVE, Status.IN_WORK, Status.CLOSED)
    }
    ProfileVersion.objects.bulk_create(
        (
            ProfileVersion(participant_id=pid, version=1, created_at=at + dt.timedelta(days=7))
            for pid, at in started.items()
            if rng.random() < 0.8
        ),
        batch_size=5000,
    )
    jobs = []
    for pid, _, status, _ in rows:
        if status == Status.IN_WORK or (pid in started and rng.random() < 0.1):
            day = (started[pid] + dt.timedelta(days=rng.randint(30, 90))).date()
            day = min(day, today)
            ended = day + dt.timedelta(days=rng.randint(10, 200)) if rng.random() < 0.4 else None
            jobs.append(
                JobStart(
                    participant_id=pid,
                    employer_id=rng.choice(employers).pk,
                    employer_name="Employer",
                    job_title="Assistant",
                    soc=rng.choice(["61", "62", "71", "92", "41"]),
                    started_on=day,
                    hours=Decimal(20),
                    hourly_pay=Decimal(12),
                    contract_type="permanent",
                    competitive=rng.random() < 0.9,
                    ended_on=ended if ended and ended <= today else None,
                )
            )
    JobStart.objects.bulk_create(jobs, batch_size=5000)
    spec_ids = [s.pk for s in specialists]
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(
            "COPY casework_contact (participant_id, happened_at, duration_minutes, mode, place, with_participant,"
            " with_employer, with_health, with_family, purposes, note, recorded_by_id, created_at) FROM STDIN"
        ) as copy:
            for pid, sid, _status, _closed in rows:
                base = started.get(pid, now - dt.timedelta(days=400))
                for _ in range(CONTACTS_PER):
                    when = min(
                        base + dt.timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 600)), now
                    )
                    mode = rng.choice(["face_to_face", "phone", "video", "text"])
                    place = (
                        rng.choice(["community", "office", "home"]) if mode == "face_to_face" else "remote"
                    )
                    purposes = '["in_work"]' if rng.random() < 0.1 else '["job_search"]'
                    copy.write_row(
                        (
                            pid,
                            when,
                            rng.choice([5, 10, 20, 45, 60]),
                            mode,
                            place,
                            True,
                            False,
                            False,
                            False,
                            purposes,
                            "",
                            sid,
                            when,
                        )
                    )
        with raw.copy(
            "COPY accounts_auditevent (at, actor_id, actor_label, action, record_type, record_id, participant_id,"
            " service_id, summary, changes, chain_prev, chain_hash) FROM STDIN"
        ) as copy:
            for pid, sid, status, closed in rows:
                if pid not in started:
                    continue
                copy.write_row(
                    (
                        started[pid],
                        sid,
                        "Bench",
                        "status",
                        "participant",
                        str(pid),
                        pid,
                        service.pk,
                        "Support started",
                        json.dumps({"status": ["agreed", "active"]}),
                        "",  # no audit chain on bulk-loaded benchmark events
                        "",
                    )
                )
                if status == Status.CLOSED:
                    copy.write_row(
                        (
                            max(closed, started[pid]),
                            sid,
                            "Bench",
                            "status",
                            "participant",
                            str(pid),
                            pid,
                            service.pk,
                            "Closed",
                            json.dumps({"status": ["active", "closed"]}),
                            "",  # no audit chain on bulk-loaded benchmark events
                            "",
                        )
                    )
        n_eng = n * ENGAGEMENTS_PER
        with raw.copy(
            "COPY employers_engagement (employer_id, specialist_id, happened_on, face_to_face, purpose, note,"
            " created_at) FROM STDIN"
        ) as copy:
            for _ in range(n_eng):
                day = today - dt.timedelta(days=rng.randint(0, 500))
                copy.write_row(
                    (
                        rng.choice(employers).pk,
                        rng.choice(spec_ids),
                        day,
                        rng.random() < 0.5,
                        "vacancy",
                        "",
                        now,
                    )
                )
        cur.execute("SELECT min(id) FROM employers_engagement")
        first = cur.fetchone()[0]
        pids = [r[0] for r in rows]
        with raw.copy(
            "COPY employers_engagement_participants (engagement_id, participant_id) FROM STDIN"
        ) as copy:
            for k in range(0, n_eng, 3):  # a third of employer contacts are on someone's behalf
                copy.write_row((first + k, rng.choice(pids)))
        cur.execute("ANALYZE")
    return service.pk


def _baseline(service_id: int, start: dt.date, end: dt.date, sample: list[int]) -> dict[str, float]:
    """The same headline figures, one participant at a time through the ORM (the obvious way)."""
    from placewell.casework.dates import support_dates
    from placewell.participants.models import Participant

    totals: dict[str, float] = {
        "contacts": 0,
        "long": 0,
        "community": 0,
        "referred": 0,
        "jobs": 0,
        "competitive": 0,
        "open": 0,
        "days_to_employer": 0,
    }
    for p in Participant.objects.filter(pk__in=sample).iterator():
        if p.status == "erased":
            continue
        for c in p.contacts.all():
            if start <= c.happened_at.date() <= end:
                totals["contacts"] += 1
                totals["long"] += c.duration_minutes > 15
                totals["community"] += c.place in ("community", "home", "employer")
        first_ref = min((r.referral_date for r in p.referrals.all()), default=None)
        totals["referred"] += bool(first_ref and start <= first_ref <= end)
        for j in p.job_starts.all():
            if start <= j.started_on <= end:
                totals["jobs"] += 1
                totals["competitive"] += j.competitive
        began = support_dates([p.pk])[p.pk].support_started
        if began and began <= end and (p.closed_at is None or p.closed_at.date() > end):
            totals["open"] += 1
        f2f = [e.happened_on for e in p.employer_engagements.all() if e.face_to_face]
        if began and f2f and start <= min(f2f) <= end:
            totals["days_to_employer"] += (min(f2f) - began).days
        list(p.screenings.all())
        list(p.profile_versions.all()[:1])
    return totals


def worker(n: int, sample_size: int, repeat: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    service_id = _load(n)
    loaded = time.perf_counter() - t0

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role, Service
    from placewell.insight import dashboards, mi
    from placewell.insight.scope import Scope, default_period
    from placewell.participants.models import Participant

    service = Service.objects.get(pk=service_id)
    period = default_period()
    manager = acc.create_staff(
        by=None,
        username="manager",
        password="bench-password-not-secret-1",  # noqa: S106
        first_name="M",
        last_name="Bench",
        email="m@example.org",
        role=Role.SERVICE_MANAGER,
        service=service,
    )
    client = Client()
    client.force_login(manager)

    def compute() -> None:
        dashboards.dashboard(Scope(service), period)
        mi.evidence(service, period.start, period.end)

    compute()  # warm the caches, as a server that has run a while would have them
    seconds, _ = best_of(compute, repeat)
    page_seconds, _ = best_of(lambda: client.get("/insight/"), repeat)
    evidence_page, _ = best_of(lambda: client.get("/insight/evidence/"), repeat)
    with CaptureQueriesContext(connection) as ctx:
        compute()
    ids = list(Participant.objects.values_list("pk", flat=True))
    sample = random.Random(1).sample(ids, min(sample_size, len(ids)))
    t0 = time.perf_counter()
    _baseline(service_id, period.start, period.end, sample)
    per_person = (time.perf_counter() - t0) / len(sample)
    print(
        "RESULT "
        + json.dumps(
            {
                "seconds": seconds,
                "page": page_seconds,
                "evidence_page": evidence_page,
                "queries": len(ctx.captured_queries),
                "baseline": per_person * len(ids),
                "sample": len(sample),
                "load": loaded,
            }
        )
    )


def run(quick: bool) -> list[Result]:
    n = 5_000 if quick else 100_000
    sample, repeat = (500, 3) if quick else (1_000, 2)
    _admin(f"DROP DATABASE IF EXISTS {DB}")
    _admin(f"CREATE DATABASE {DB}")
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"{SERVER}/{DB}",
            "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        }
        code = f"from benchmarks.bench_insight import worker; worker({n}, {sample}, {repeat})"
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
        r = json.loads(line.removeprefix("RESULT "))
    finally:
        _admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return [
        Result(
            name=f"MI dashboard and evidence: {n:,} participants, {n * CONTACTS_PER:,} contacts, "
            f"{n * ENGAGEMENTS_PER:,} employer contacts (PostgreSQL)",
            baseline="a per-participant Python loop over the ORM computing the same figures",
            seconds=r["seconds"],
            baseline_seconds=r["baseline"],
            figures={
                "pages": f"dashboard page {r['page']:.2f} s, evidence page {r['evidence_page']:.2f} s",
                "queries": f"{r['queries']} for every chart and figure",
                "baseline": f"timed over {r['sample']:,} participants and scaled to {n:,}",
                "load": f"{r['load']:.0f} s to load the database",
            },
            aim="at least 50 times faster than the baseline, and under 1 s",
        )
    ]
