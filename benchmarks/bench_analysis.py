"""Analysing a trial: the analysis dataset and a five-group, five-outcome plan, against a naive ORM export.

Two parts, each in a worker process:

1. The full-size demo trial (9,785 randomised, ``trials.demo_fullsize``) loaded into a fresh SQLite database
   in a temporary directory. Measured: ``analysis.dataset.build_dataset`` (the rows the analysis reads) plus
   ``engine.evaluation.run_evaluation`` with the Health-led Trials plan (``load_config()``: five groups, SCR
   IW, SCR OOW, All SCR, WMCA, All OOW) and five outcomes (its four primary outcomes and 12-month survey
   response), Monte Carlo economics included.
2. A simulated trial of 1,000,000 people (``simulate_trial`` scaled), engine only: the same plan.

The baseline is exporting the same rows with the obvious loop: for each participant, ask the ORM for their
allocation, referral, questionnaire scores, contacts and job starts and derive the 12-month outcomes in
Python. It is timed on a sample of 1,000 participants and scaled linearly to 9,785 and to 1,000,000 (it makes
the same queries for every person); the output says so. Peak memory: ``tracemalloc`` in a separate, untimed
run for part 1; the process's peak resident size (``resource.getrusage``) for part 2. ``--quick`` uses a
10% trial, 100,000 simulated people and a 200-person sample.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks.harness import Result

ROOT = Path(__file__).resolve().parent.parent
KEY = "benchmark-research-key-not-a-secret-0123456789"
GROUPS = {"Sheffield City Region · In work": "SCR IW", "Sheffield City Region · Out of work": "SCR OOW",
          "West Midlands · Out of work": "WMCA OOW"}  # fmt: skip


def _plan() -> Any:
    from placewell.engine.evaluation import load_config
    from placewell.engine.evaluation.config import OutcomeSpec

    config = load_config()
    extra = OutcomeSpec("responded_12m", "12-month survey response")
    return dataclasses.replace(config, outcomes=(*config.outcomes, extra))


def _naive_row(p: Any) -> dict[str, object]:
    """What a first attempt would write: the ORM asked about each person in turn."""
    allocation = p.allocations.select_related("arm", "stratum").first()
    referral = p.referrals.order_by("referral_date").first()
    scores = {
        (r.invitation.wave.key, r.instrument_id): r.value
        for r in p.survey_responses.select_related("invitation__wave").filter(state="submitted")
    }
    contacts = list(p.contacts.all())
    first = allocation.allocated_on + dt.timedelta(days=1)
    last = allocation.allocated_on + dt.timedelta(days=365)
    days: set[int] = set()
    earnings = 0.0
    for job in p.job_starts.all():
        lo, hi = max(job.started_on, first), min(job.ended_on or last, last)
        inside = {lo.toordinal() + k for k in range((hi - lo).days + 1)}
        days |= inside
        earnings += len(inside) / 7 * float(job.hours) * float(job.hourly_pay)
    return {
        "trial_group": allocation.stratum.label,
        "treatment": int(allocation.arm.is_treatment),
        "referred_on": referral.referral_date if referral else None,
        "meetings": sum(c.with_participant for c in contacts),
        "baseline_eq5d": scores.get(("baseline", "eq5d5l")),
        "baseline_swemwbs": scores.get(("baseline", "swemwbs")),
        "eq5d_12m": scores.get(("12-month", "eq5d5l")),
        "swemwbs_12m": scores.get(("12-month", "swemwbs")),
        "employed_13wk": int(len(days) >= 91),
        "earnings_12m": earnings,
    }


def _analyse_records(trial: Any) -> int:
    from placewell.analysis.dataset import build_dataset
    from placewell.engine.evaluation import run_evaluation

    frame = build_dataset(trial, key=KEY.encode()).data
    frame["trial_group"] = frame["trial_group"].map(GROUPS)
    run_evaluation(frame, _plan())
    return len(frame)


def worker_records(scale: float, sample: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from placewell.participants.models import Participant
    from placewell.trials import demo_fullsize

    started = time.perf_counter()
    loaded = demo_fullsize.load_fullsize_trial(scale=scale, progress=lambda _m: None)
    load = time.perf_counter() - started
    assert loaded is not None
    trial = loaded.trial
    _analyse_records(trial)  # warm-up (imports, SQLite page cache)
    t0 = time.perf_counter()
    rows = _analyse_records(trial)
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    _analyse_records(trial)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    people = list(Participant.objects.filter(allocations__trial=trial).order_by("pk")[:sample])
    t0 = time.perf_counter()
    for p in people:
        _naive_row(p)
    naive = time.perf_counter() - t0
    out = {
        "seconds": seconds,
        "rows": rows,
        "peak": peak,
        "naive_sample": naive,
        "sample": len(people),
        "load": load,
    }
    print("RESULT " + json.dumps(out))


def worker_engine(people: int) -> None:
    from placewell.engine.evaluation import run_evaluation
    from placewell.engine.simulate import SimulationConfig, simulate_trial

    t0 = time.perf_counter()
    data = simulate_trial(SimulationConfig(scale=people / 9785)).data
    simulated = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_evaluation(data, _plan())
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    print(
        "RESULT " + json.dumps({"seconds": seconds, "rows": len(data), "peak": peak, "simulate": simulated})
    )


def _run(code: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(line.removeprefix("RESULT "))  # type: ignore[no-any-return]


def run(quick: bool) -> list[Result]:
    scale, people, sample = (0.1, 100_000, 200) if quick else (1.0, 1_000_000, 1_000)
    with tempfile.TemporaryDirectory(prefix="placewell-bench-analysis-") as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "PLACEWELL_VAR_DIR": tmp,
            "PLACEWELL_PSEUDONYM_KEY": KEY,
            "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        }
        r = _run(
            f"from benchmarks.bench_analysis import worker_records; worker_records({scale}, {sample})", env
        )
        e = _run(f"from benchmarks.bench_analysis import worker_engine; worker_engine({people})", env)
    per_person = r["naive_sample"] / r["sample"]
    naive_trial, naive_big = per_person * r["rows"], per_person * e["rows"]
    note = f"{r['naive_sample']:.2f} s for {r['sample']:,} participants"
    return [
        Result(
            name=f"analysis dataset and a 5-group, 5-outcome plan for the {r['rows']:,}-person demo trial (SQLite)",
            baseline=f"a per-participant ORM export, timed on {r['sample']:,} participants and scaled to {r['rows']:,}",
            seconds=r["seconds"],
            baseline_seconds=naive_trial,
            figures={
                "peak": f"{r['peak'] / 2**20:.0f} MiB of Python memory at peak (tracemalloc)",
                "naive": f"{note}; {naive_trial:.0f} s scaled to the trial",
                "load": f"{r['load']:.0f} s to load the demo trial",
            },
            aim="well under a minute for the 9,785-person trial, with a bounded number of queries",
        ),
        Result(
            name=f"the same plan on a simulated trial of {e['rows']:,} people (engine only)",
            baseline=f"the per-participant ORM export of the same rows, {note} scaled to {e['rows']:,}",
            seconds=e["seconds"],
            baseline_seconds=naive_big,
            figures={
                "peak": f"{e['peak'] / 2**20:.0f} MiB resident at peak (getrusage)",
                "naive": f"{naive_big / 3600:.1f} hours scaled",
                "simulate": f"{e['simulate']:.0f} s to simulate the trial",
            },
            aim="a million-person evaluation in minutes on a laptop",
        ),
    ]
