"""Bulk actions against the direct writes they replaced: a 100,000-row referrals import and the full-size demo
trial load.

Measured: this tree, where the importers and the demo write through the owning apps' bulk actions
(``participants.services.refer_many``, ``casework.services.record_contacts``,
``placements.services.record_job_starts``), which check every row with the single-record actions'
validators and write the audit events those actions write. Baseline: the same work by the code of commit
``BASELINE_COMMIT``, the last one in which the importers and the demo wrote other apps' tables themselves,
checked out with ``git worktree add`` into a scratch folder and imported in place of this tree's package.

Each side runs in a process of its own on a scratch PostgreSQL database of its own (migrated by its own
code), in the same run, one after the other; the figure is the wall time of the writing phase (the import's
``runner.run``; the whole demo load). The referrals file has 100,000 people with dates of birth, valid NHS
numbers on half of them, a specialist on each, and one row in fifty repeating an earlier person (so the
duplicate flag has work to do). One repeat per side at full size (each takes minutes); ``--quick`` runs
10,000 rows and a tenth of the demo trial. Aim: no slower than 1.2 times the baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Result
from benchmarks.served import ROOT, SERVER_URL, admin

BASELINE_COMMIT = "c33a32f"
"""The importers' and the demo's direct writes (before the bulk actions)."""
AIM = "no slower than 1.2 times the direct writes (ratio 0.83 or more)"
SPECIALISTS = 20


def _nhs_number(stem: int) -> str | None:
    """``stem`` (9 digits) with its modulus 11 check digit, or None where there is none (NHS Digital's rule)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(str(stem)))
    check = 11 - total % 11
    if check == 10:
        return None
    return f"{stem}{0 if check == 11 else check}"


def referral_lines(n: int):  # type: ignore[no-untyped-def]
    header = "external_id,given_name,family_name,referral_source,referral_date,team,specialist,date_of_birth,nhs_number\r\n"
    yield header.encode()
    for i in range(n):
        person = i - 7 if i % 50 == 49 else i  # one row in fifty repeats the person seven rows earlier
        number = ""
        if person % 2 == 0:  # of three stems in a row at most one has no check digit
            stems = (987_100_000 + person * 3 + k for k in range(3))
            number = next(x for x in map(_nhs_number, stems) if x is not None)
        born = f"{1960 + person % 40}-{person % 12 + 1:02d}-{person % 28 + 1:02d}"
        team = "North" if (person % SPECIALISTS) < SPECIALISTS // 2 else "South"
        line = (
            f"R-{i},Given{person},Family{person % 5000},gp,2025-03-{person % 28 + 1:02d},{team},"
            f"es{person % SPECIALISTS},{born},{number}\r\n"
        )
        yield line.encode()


def worker_import(n: int) -> None:
    """In its own process: a service with two teams and their specialists, then check and import ``n`` rows."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from placewell.accounts import services as acc
    from placewell.accounts.models import AuditEvent, Role
    from placewell.imports import runner, storage
    from placewell.imports.models import ImportJob
    from placewell.participants.models import Participant

    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips_lite")
    teams = [acc.create_team(by=None, service=service, name=name) for name in ("North", "South")]
    for k in range(SPECIALISTS):
        acc.create_staff(
            by=None,
            username=f"es{k}",
            password="bench-password-not-secret-1",  # noqa: S106 - throwaway accounts in a throwaway database
            first_name="Bench",
            last_name=f"Specialist {k}",
            email=f"es{k}@example.org",
            role=Role.SPECIALIST,
            team=teams[0 if k < SPECIALISTS // 2 else 1],
        )
    manager = acc.create_staff(
        by=None,
        username="manager",
        password="bench-password-not-secret-1",  # noqa: S106 - throwaway accounts in a throwaway database
        first_name="Bench",
        last_name="Manager",
        email="manager@example.org",
        role=Role.SERVICE_MANAGER,
        service=service,
    )
    job = ImportJob(service=service, kind="referrals", file_name="referrals.csv", created_by=manager)
    storage.save(job, referral_lines(n))
    job.save()
    started = time.perf_counter()
    runner.check(job)
    checked = time.perf_counter() - started
    assert job.state == ImportJob.State.CHECKED, job.problems[:3]
    started = time.perf_counter()
    runner.run(job)
    written = time.perf_counter() - started
    assert job.state == ImportJob.State.DONE, job.failure
    result = {
        "check": checked,
        "run": written,
        "people": Participant.objects.count(),
        "flagged": Participant.objects.filter(possible_duplicate_of__isnull=False).count(),
        "audit": AuditEvent.objects.filter(record_type="participant", action="create").count(),
    }
    print("RESULT " + json.dumps(result))


def worker_demo(scale: float) -> None:
    """In its own process: load the full-size demo trial at ``scale``."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from placewell.casework.models import Contact
    from placewell.placements.models import JobStart
    from placewell.trials import demo_fullsize

    started = time.perf_counter()
    demo_fullsize.load_fullsize_trial(scale=scale, progress=lambda _m: None)
    seconds = time.perf_counter() - started
    result = {"run": seconds, "contacts": Contact.objects.count(), "jobs": JobStart.objects.count()}
    print("RESULT " + json.dumps(result))


def _baseline_tree() -> Path:
    """The baseline commit's source, checked out once into a scratch folder (a detached git worktree)."""
    folder = Path(tempfile.gettempdir()) / f"placewell-bench-bulk-{BASELINE_COMMIT}"
    if not (folder / "src" / "placewell").exists():
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(folder), BASELINE_COMMIT],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return folder / "src"


def _run(side: str, source: Path, code: str) -> dict[str, float]:
    """Run ``code`` with ``source``'s package on a scratch database of its own; return its RESULT line."""
    db = f"placewell_bench_bulk_{side}"
    admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    admin(f"CREATE DATABASE {db}")
    try:
        with tempfile.TemporaryDirectory(prefix="placewell-bench-var-") as var:
            env = dict(os.environ)
            env.update(
                DATABASE_URL=f"{SERVER_URL.rsplit('/', 1)[0]}/{db}",
                DJANGO_SETTINGS_MODULE="placewell.web.settings",
                PLACEWELL_VAR_DIR=var,
                PYTHONPATH=os.pathsep.join([str(source), str(ROOT)]),
            )
            done = subprocess.run(
                [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise RuntimeError(f"{side} worker failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return json.loads(line.removeprefix("RESULT "))  # type: ignore[no-any-return]
    finally:
        admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def run(quick: bool) -> list[Result]:
    n, scale = (10_000, 0.1) if quick else (100_000, 1.0)
    base = _baseline_tree()
    here = ROOT / "src"
    out = []
    imports = f"from benchmarks.bench_bulk import worker_import; worker_import({n})"
    new, old = _run("measured", here, imports), _run("baseline", base, imports)
    out.append(
        Result(
            name=f"Referrals import, {n:,} rows: writing through participants.refer_many (PostgreSQL)",
            baseline=f"the importer's own bulk_create of commit {BASELINE_COMMIT}",
            seconds=new["run"],
            baseline_seconds=old["run"],
            figures={
                "check": f"{new['check']:.1f} s (baseline {old['check']:.1f} s): the preview",
                "people": f"{new['people']:,.0f} (baseline {old['people']:,.0f})",
                "flagged": f"{new['flagged']:,.0f} possible duplicates (baseline {old['flagged']:,.0f})",
                "audit": f"{new['audit']:,.0f} create events (baseline {old['audit']:,.0f})",
                "rate": f"{n / new['run']:,.0f} rows/s (baseline {n / old['run']:,.0f} rows/s)",
            },
            aim=AIM,
        )
    )
    demo = f"from benchmarks.bench_bulk import worker_demo; worker_demo({scale})"
    new, old = _run("measured", here, demo), _run("baseline", base, demo)
    out.append(
        Result(
            name=f"Full-size demo trial load at scale {scale}: contacts and jobs through the bulk actions",
            baseline=f"the demo's direct bulk_create of commit {BASELINE_COMMIT}",
            seconds=new["run"],
            baseline_seconds=old["run"],
            figures={
                "contacts": f"{new['contacts']:,.0f} (baseline {old['contacts']:,.0f})",
                "jobs": f"{new['jobs']:,.0f} (baseline {old['jobs']:,.0f})",
            },
            aim=AIM,
        )
    )
    return out
