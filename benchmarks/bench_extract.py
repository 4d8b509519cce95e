"""The pseudonymised research extract of 100,000 participants, against a naive per-participant ORM loop.

A fresh SQLite database in a temporary directory (``PLACEWELL_VAR_DIR``), migrated and bulk-loaded in a worker
process: 100,000 agreed participants with NHS numbers, a referral each, 3 casework contacts each, half of them
randomised, a baseline survey invitation and SWEMWBS response each, and a job start for one in five. The
measured code is ``governance.extract.build_extract`` plus writing CSV and Parquet; its peak Python memory is
measured with ``tracemalloc`` in a separate run (tracing slows the code it watches, so it is not timed).

The baseline is the obvious loop: for each participant, ask the ORM for their referral, agreement,
allocation, contacts, invitations, responses and job starts, and build the row. It is timed on a sample of
2,000 participants and scaled linearly to the full count (it makes the same 7 queries for every person, so
its time grows in proportion); the figures say so. ``--quick`` uses 5,000 participants and a 500 sample.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from benchmarks.harness import Result

ROOT = Path(__file__).resolve().parent.parent
KEY = "benchmark-research-key-not-a-secret-0123456789"
CONTACTS_PER = 3


def _load(n: int) -> None:
    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.casework.models import Contact
    from placewell.participants.identifiers import nhs_check_digit
    from placewell.participants.models import Agreement, AgreementDocument, Participant, Referral, Status
    from placewell.placements.models import JobStart
    from placewell.surveys.fieldwork import ensure_default_waves
    from placewell.surveys.models import Invitation, Response, SurveyEnrolment
    from placewell.trials import services as ts
    from placewell.trials.models import Allocation

    rng = random.Random(2026)
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips")
    team = acc.create_team(by=None, service=service, name="Team")
    es = acc.create_staff(
        by=None,
        username="es",
        password="bench-password-not-secret-1",  # noqa: S106 - a throwaway account in a throwaway database
        first_name="Spec",
        last_name="Bench",
        email="es@example.org",
        role=Role.SPECIALIST,
        team=team,
    )
    trial = ts.create_trial(by=es, service=service, name="Bench trial", registration_number="ISRCTN12345678")
    ts.add_site(by=es, trial=trial, code="a", name="Site", teams=[team])
    arms = [
        ts.add_arm(
            by=es, trial=trial, code=c, name=c, participant_label=c, next_steps="-", is_treatment=c == "t"
        )
        for c in ("t", "c")
    ]
    stratum = trial.strata.create(key="site=a", label="Site", values={"site": "a"})
    waves = ensure_default_waves(by=None, service=service)
    baseline = next(w for w in waves if w.is_baseline)
    doc = AgreementDocument.objects.filter(service=None).first()
    today = timezone.localdate()
    now = timezone.now()

    def nhs(i: int) -> str:
        stem = 400000000 + i * 7
        while nhs_check_digit(str(stem)) is None:
            stem += 1
        return f"{stem}{nhs_check_digit(str(stem))}"

    people = [
        Participant(
            reference=f"PW-X{i:07d}",
            service=service,
            team=team,
            specialist=es,
            status=Status.ACTIVE,
            given_name="Sam",
            family_name=f"Person{i}",
            date_of_birth=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
            nhs_number=nhs(i),
            gender=rng.choice(["female", "male"]),
            ethnic_group="white_british",
            health_conditions=["depression"] if i % 2 else ["stress_anxiety", "pain"],
            employment_status="out_of_work",
        )
        for i in range(n)
    ]
    Participant.objects.bulk_create(people, batch_size=2000)
    ids = list(Participant.objects.order_by("pk").values_list("pk", flat=True))
    Referral.objects.bulk_create(
        [Referral(participant_id=p, source="gp", referral_date=today - dt.timedelta(days=200)) for p in ids],
        batch_size=5000,
    )
    Agreement.objects.bulk_create(
        [
            Agreement(
                participant_id=p, document=doc, format="plain", all_required_agreed=True, recorded_by=es
            )
            for p in ids
        ],
        batch_size=5000,
    )
    Allocation.objects.bulk_create(
        [
            Allocation(
                trial=trial,
                participant_id=p,
                stratum=stratum,
                sequence="site=a",
                slot=k,
                arm=arms[k % 2],
                method="permuted_blocks",
                ratio={"t": 1, "c": 1},
                probability_of_treatment=0.5,
                allocated_on=today - dt.timedelta(days=180),
                randomised_by=es,
                sealed={},
            )
            for k, p in enumerate(ids[::2])
        ],
        batch_size=5000,
    )
    Contact.objects.bulk_create(
        [
            Contact(
                participant_id=p,
                happened_at=now - dt.timedelta(days=rng.randint(1, 170)),
                duration_minutes=rng.choice([10, 20, 45]),
                mode="face_to_face",
                place="community",
                purposes=["job_search"],
            )
            for p in ids
            for _ in range(CONTACTS_PER)
        ],
        batch_size=5000,
    )
    SurveyEnrolment.objects.bulk_create(
        [
            SurveyEnrolment(
                participant_id=p, service=service, baseline_date=today, mode="web", snapshot_at=now
            )
            for p in ids
        ],
        batch_size=5000,
    )
    enrolments = dict(SurveyEnrolment.objects.values_list("participant_id", "pk"))
    Invitation.objects.bulk_create(
        [
            Invitation(
                enrolment_id=enrolments[p],
                participant_id=p,
                wave=baseline,
                due_date=today,
                window_opens=today,
                window_closes=today,
                batch="2026-01",
                mode="web",
                status="responded",
            )
            for p in ids
        ],
        batch_size=5000,
    )
    invitations = dict(Invitation.objects.values_list("participant_id", "pk"))
    Response.objects.bulk_create(
        [
            Response(
                participant_id=p,
                invitation_id=invitations[p],
                instrument_id="swemwbs",
                instrument_version="1",
                wording_label="-",
                state="submitted",
                mode="web",
                via="link",
                completed_on=today,
                value=rng.uniform(7, 35),
                complete=True,
            )
            for p in ids
        ],
        batch_size=5000,
    )
    JobStart.objects.bulk_create(
        [
            JobStart(
                participant_id=p,
                employer_name="Employer",
                job_title="Job",
                soc="92",
                started_on=today - dt.timedelta(days=100),
                hours=20,
                hourly_pay=12,
                contract_type="permanent",
            )
            for p in ids[::5]
        ],
        batch_size=5000,
    )


def _naive_row(p, key: bytes) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What a first attempt would write: the ORM asked about each person in turn."""
    from placewell.governance.pseudonyms import nhs_pseudonym

    referral = p.referrals.order_by("referral_date").first()
    agreement = p.agreements.filter(all_required_agreed=True).order_by("recorded_at").first()
    allocation = p.allocations.select_related("arm").first()
    contacts = list(p.contacts.all())
    invitations = {i.wave.key: i.status for i in p.survey_invitations.select_related("wave")}
    scores = {r.instrument_id: r.value for r in p.survey_responses.filter(state="submitted")}
    jobs = list(p.job_starts.order_by("started_on"))
    return {
        "pseudo_nhs_number": nhs_pseudonym(key, p.nhs_number),
        "referred_on": referral.referral_date if referral else None,
        "agreed_on": agreement.recorded_at.date() if agreement else None,
        "arm": allocation.arm.code if allocation else None,
        "sessions_n": sum(c.with_participant for c in contacts),
        "minutes": sum(c.duration_minutes for c in contacts if c.with_participant),
        "baseline_status": invitations.get("baseline"),
        "baseline_swemwbs": scores.get("swemwbs"),
        "job_starts_n": len(jobs),
    }


def worker(n: int, sample: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _load(n)
    loaded = time.perf_counter() - started

    from placewell.governance import extract
    from placewell.participants.models import Participant

    key = KEY.encode()

    def measured() -> int:
        result = extract.build_extract(None, key)
        extract.files(result, ["csv", "parquet"])
        return result.rows

    measured()  # warm-up (imports, SQLite page cache)
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        rows = measured()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    measured()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    people = list(Participant.objects.reportable().order_by("pk")[:sample])
    t0 = time.perf_counter()
    for p in people:
        _naive_row(p, key)
    naive_sample = time.perf_counter() - t0
    print(
        "RESULT "
        + json.dumps(
            {"seconds": min(times), "rows": rows, "peak": peak, "naive_sample": naive_sample, "load": loaded}
        )
    )


def run(quick: bool) -> list[Result]:
    n, sample = (5_000, 500) if quick else (100_000, 2_000)
    with tempfile.TemporaryDirectory(prefix="placewell-bench-extract-") as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "PLACEWELL_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        }
        code = f"from benchmarks.bench_extract import worker; worker({n}, {sample})"
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
    r = json.loads(line.removeprefix("RESULT "))
    naive = r["naive_sample"] * n / sample
    return [
        Result(
            name=f"research extract of {n:,} participants, CSV and Parquet (SQLite)",
            baseline=f"a per-participant ORM loop, timed on {sample:,} participants and scaled to {n:,}",
            seconds=r["seconds"],
            baseline_seconds=naive,
            figures={
                "rows": f"{r['rows']:,}",
                "peak": f"{r['peak'] / 2**20:.0f} MiB of Python memory at peak (tracemalloc)",
                "naive": f"{r['naive_sample']:.2f} s for {sample:,} participants; {naive:.0f} s scaled",
                "load": f"{r['load']:.0f} s to load the database",
            },
            aim="well under a minute for 100,000 participants, with a bounded number of queries",
        )
    ]
