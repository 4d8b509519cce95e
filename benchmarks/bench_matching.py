"""Job matching and the employer list.

1. Ranking 100,000 open vacancies for one participant, and 10,000 participants for one vacancy, with the
   vectorised ranking (``engine.matching.vectorised``) against the baseline: a plain Python loop calling
   ``engine.matching.score`` (the one-at-a-time scorer the pages use for reasons) on the same data, then
   sorting. The results must be identical (same order, same scores). Table building is reported separately.
   Aim: at least 20 times faster.
2. The employer list page on PostgreSQL with 50,000 employers and 1,000,000 engagement records, against the same
   page with 500 employers and 10,000 records (the baseline), each in its own database on 127.0.0.1:5432 (user
   postgres, trust authentication), created and dropped here, measured in a worker process.

``--quick`` uses 10,000 vacancies, 1,000 participants, and 2,000 employers with 40,000 records.
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

from benchmarks.harness import Result, best_of

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
ON = dt.date(2025, 9, 1)
SOC = ["11", "21", "31", "41", "42", "51", "61", "62", "71", "81", "82", "91", "92", "9", "6"]
PLACES = [
    ("Leeds", "LS1"),
    ("Leeds", "LS6"),
    ("Bradford", "BD1"),
    ("York", "YO1"),
    ("Otley", "LS21"),
    ("Wakefield", "WF1"),
]


def _vacancies(n: int, rng: random.Random):  # type: ignore[no-untyped-def]
    from placewell.engine.matching import ADJUSTMENTS, CONDITIONS, Vacancy

    out = []
    for i in range(n):
        town, district = rng.choice(PLACES)
        out.append(
            Vacancy(
                id=i + 1,
                soc=rng.choice(SOC),
                hours=float(rng.choice([8, 12, 16, 20, 24, 30, 37.5])),
                hourly_pence=rng.randint(900, 1800),
                town=town,
                postcode_district=district,
                home_based=rng.random() < 0.05,
                apprenticeship=rng.random() < 0.05,
                open_to_anyone=rng.random() < 0.98,
                conditions=frozenset(rng.sample(sorted(CONDITIONS), rng.randint(0, 3))),
                adjustments=frozenset(rng.sample(sorted(ADJUSTMENTS), rng.randint(0, 3))),
            )
        )
    return out


def _profiles(n: int, rng: random.Random):  # type: ignore[no-untyped-def]
    from placewell.engine.matching import ADJUSTMENTS, CONDITIONS, Profile

    return [
        Profile(
            id=i + 1,
            job_types=tuple(rng.sample(SOC, rng.randint(0, 3))),
            hours=rng.choice(["", "under_16", "16_to_29", "30_plus", "flexible"]),
            pay_expected_pence=rng.choice([None, 1221, 1300, 1500]),
            travel_areas=tuple(rng.sample(["Leeds", "LS6", "BD1", "York", "WF", "Otley"], rng.randint(0, 3))),
            avoid=frozenset(rng.sample(sorted(CONDITIONS), rng.randint(0, 2))),
            needs=frozenset(rng.sample(sorted(ADJUSTMENTS), rng.randint(0, 2))),
            date_of_birth=dt.date(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28)),
        )
        for i in range(n)
    ]


def _matching(quick: bool) -> list[Result]:
    from placewell.engine.matching import (
        ProfileTable,
        VacancyTable,
        rank_key,
        rank_participants,
        rank_vacancies,
        score,
    )

    rng = random.Random(2027)
    n_v, n_p = (10_000, 1_000) if quick else (100_000, 10_000)
    vacancies, profiles = _vacancies(n_v, rng), _profiles(n_p, rng)
    profile, vacancy = profiles[0], vacancies[0]

    build_v, vtable = best_of(lambda: VacancyTable.build(vacancies), 1)
    fast_v, ranked_v = best_of(lambda: rank_vacancies(profile, vtable, ON), 5)  # type: ignore[arg-type]
    slow_v, loop_v = best_of(lambda: sorted((score(profile, v, ON) for v in vacancies), key=rank_key), 1)
    same_v = [int(i) for i in ranked_v.ids] == [m.vacancy_id for m in loop_v] and [  # type: ignore[union-attr, attr-defined]
        int(s)
        for s in ranked_v.scores  # type: ignore[union-attr]
    ] == [m.score for m in loop_v]  # type: ignore[attr-defined]

    build_p, ptable = best_of(lambda: ProfileTable.build(profiles, ON), 1)
    fast_p, ranked_p = best_of(lambda: rank_participants(vacancy, ptable), 5)  # type: ignore[arg-type]
    slow_p, loop_p = best_of(
        lambda: sorted(
            (score(p, vacancy, ON) for p in profiles),
            key=lambda m: (not m.competitive, -m.score, m.participant_id),
        ),
        1,
    )
    same_p = [int(i) for i in ranked_p.ids] == [m.participant_id for m in loop_p] and [  # type: ignore[union-attr, attr-defined]
        int(s)
        for s in ranked_p.scores  # type: ignore[union-attr]
    ] == [m.score for m in loop_p]  # type: ignore[attr-defined]
    return [
        Result(
            name=f"rank {n_v:,} open vacancies for one participant (numpy)",
            baseline="plain Python loop of engine.matching.score over the same vacancies, then sort",
            seconds=fast_v,
            baseline_seconds=slow_v,
            figures={"identical": str(same_v), "table": f"{build_v:.3f} s to build the vacancy table once"},
            aim="at least 20x faster, identical results",
        ),
        Result(
            name=f"rank {n_p:,} participants for one vacancy (numpy)",
            baseline="plain Python loop of engine.matching.score over the same profiles, then sort",
            seconds=fast_p,
            baseline_seconds=slow_p,
            figures={"identical": str(same_p), "table": f"{build_p:.3f} s to build the profile table once"},
            aim="at least 20x faster, identical results",
        ),
    ]


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def worker(n_employers: int, per_employer: int, repeat: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.employers.models import Employer

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    rng = random.Random(2027)
    started = time.perf_counter()
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips")
    team = acc.create_team(by=None, service=service, name="North")
    staff = [
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
        for i in range(20)
    ]
    now = timezone.now()
    Employer.objects.bulk_create(
        [
            Employer(
                service=service,
                name=f"Employer {i:06d}",
                name_key=f"employer {i:06d}",
                sector=rng.choice("ACGHIJNPQR"),
                size=rng.choice(["micro", "small", "medium", "large"]),
                holder=rng.choice(staff),
                created_at=now,
            )
            for i in range(n_employers)
        ],
        batch_size=5000,
    )
    ids = list(Employer.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    with connection.cursor() as cur:
        with cur.cursor.copy(
            "COPY employers_engagement (employer_id, specialist_id, happened_on, face_to_face, purpose, note, created_at) FROM STDIN"
        ) as copy:
            for eid in ids:
                for _ in range(per_employer):
                    copy.write_row(
                        (
                            eid,
                            rng.choice(staff).pk,
                            today - dt.timedelta(days=rng.randint(0, 900)),
                            rng.random() < 0.7,
                            "relationship",
                            "",
                            now,
                        )
                    )
        cur.execute("ANALYZE")
    loaded = time.perf_counter() - started
    client = Client()
    client.force_login(staff[0])
    out: dict[str, object] = {"load_seconds": loaded}
    for key, url in (
        ("first", "/employers/"),
        ("search", "/employers/?q=00042&sector="),
        ("deep", "/employers/?page=20"),
    ):
        client.get(url)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - t)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        times.sort()
        out[key] = {
            "median": statistics.median(times),
            "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "queries": len(ctx.captured_queries),
        }
    print("RESULT " + json.dumps(out))


def _run_size(name: str, n_employers: int, per_employer: int, repeat: int) -> dict[str, object]:
    db = f"placewell_bench_employers_{name}"
    _admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    _admin(f"CREATE DATABASE {db}")
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"{SERVER}/{db}",
            "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        }
        code = (
            f"from benchmarks.bench_matching import worker; worker({n_employers}, {per_employer}, {repeat})"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(line.removeprefix("RESULT "))  # type: ignore[no-any-return]
    finally:
        _admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def _employer_list(quick: bool) -> list[Result]:
    n, per = (2_000, 20) if quick else (50_000, 20)
    repeat = 15 if quick else 30
    small = _run_size("baseline", 500, per, repeat)
    large = _run_size("large", n, per, repeat)
    out = []
    for key, title in (("first", "first page"), ("search", "name search"), ("deep", "page 20")):
        big, base = large[key], small[key]  # type: ignore[index]
        out.append(
            Result(
                name=f"employer list, {title}: {n:,} employers, {n * per:,} engagement records (PostgreSQL)",
                baseline=f"the same page with 500 employers, {500 * per:,} records",
                seconds=big["median"],
                baseline_seconds=base["median"],
                figures={
                    "p95": f"{big['p95'] * 1000:.1f} ms (baseline {base['p95'] * 1000:.1f} ms)",
                    "queries": f"{big['queries']} (baseline {base['queries']})",
                    "load": f"{large['load_seconds']:.0f} s to load the large database",
                },
                aim="the same number of queries at both sizes; a ratio near 1 means the page does not grow with the data",
            )
        )
    return out


def run(quick: bool) -> list[Result]:
    return _matching(quick) + _employer_list(quick)
