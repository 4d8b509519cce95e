"""Trial monitoring and balance pages for the full-size demo trial, against the code they replaced.

The full-size demo trial (9,785 randomised, ``trials.demo_fullsize``) is loaded into a fresh SQLite database
in a temporary directory, in a worker process. Measured: the interim monitoring page and the balance page,
fetched through Django's test client as an evaluator who may see arms (the heaviest view of each), best of
five, with the number of SQL queries each makes. The baseline, run in the same worker on the same data, is
the page as it was built before: the same views with ``baseline_balance``, ``survey_response`` and
``_baseline_questionnaires`` swapped for :func:`legacy_baseline_balance` (every allocation with its
participant as model instances), :func:`legacy_survey_response` (every invitation counted in Python) and
:func:`legacy_baseline_questionnaires` (every submitted response collected in Python) below, kept here as they were so that the
comparison stays honest as the product changes; the worker also checks that both give identical HTML. ``--quick`` uses a 10%
trial.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.harness import Result, best_of

ROOT = Path(__file__).resolve().parent.parent
KEY = "benchmark-research-key-not-a-secret-0123456789"


def _legacy_age(a: Any) -> float | None:
    born = a.participant.date_of_birth
    if born is None:
        return None
    on = a.allocated_on
    return float(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _legacy_flag(field: str, wanted: set[str]) -> Any:
    def value(a: Any) -> float | None:
        v = getattr(a.participant, field)
        return None if not v else float(v in wanted)

    return value


def _legacy_has(condition: str) -> Any:
    def value(a: Any) -> float | None:
        conditions = a.participant.health_conditions
        return None if conditions is None else float(condition in conditions)

    return value


LEGACY_COVARIATES = (
    ("Age (years)", "mean", _legacy_age),
    ("Female", "proportion", _legacy_flag("gender", {"female"})),
    ("White ethnic group", "proportion",
     _legacy_flag("ethnic_group", {"white_british", "white_irish", "white_gypsy", "white_roma", "white_other"})),
    ("Out of work", "proportion", _legacy_flag("employment_status", {"out_of_work"})),
    ("No paid work in the last 2 years", "proportion", _legacy_flag("work_history", {"none"})),
    ("Health limits activities a great deal", "proportion", _legacy_flag("activity_limitation", {"great_deal"})),
    ("Stress or anxiety", "proportion", _legacy_has("stress_anxiety")),
    ("Depression", "proportion", _legacy_has("depression")),
)  # fmt: skip


def legacy_baseline_balance(trial: Any) -> dict[str, Any]:
    """``trials.monitoring.baseline_balance`` as it was: every allocation and its participant as model
    instances, the covariates read from them one person at a time."""
    from placewell.participants.models import Status
    from placewell.trials import monitoring
    from placewell.trials.models import Allocation

    arms = list(trial.arms.all())
    treatment = next((a for a in arms if a.is_treatment), arms[0] if arms else None)
    allocations = Allocation.objects.filter(trial=trial).exclude(participant__status=Status.ERASED)
    rows_in = list(allocations.select_related("participant"))
    by_arm: dict[int, list[Any]] = defaultdict(list)
    for a in rows_in:
        by_arm[a.arm_id].append(a)
    rows = []
    for label, kind, value in LEGACY_COVARIATES:
        cells, stats = [], {}
        for arm in arms:
            values = [v for v in (value(a) for a in by_arm[arm.pk]) if v is not None]
            n, mean, var = monitoring._summary(values, kind)
            stats[arm.pk] = (mean, var)
            shown = "" if mean is None else (f"{mean:.1f}" if kind == "mean" else f"{100 * mean:.0f}%")
            cells.append({"value": shown, "n": n})
        diffs = []
        for arm in arms:
            if treatment is None or arm.pk == treatment.pk:
                continue
            (m1, v1), (m0, v0) = stats[treatment.pk], stats[arm.pk]
            d = None if m1 is None or m0 is None else monitoring.smd(m1, v1 or 0.0, m0, v0 or 0.0)
            diffs.append({"arm": arm, "smd": d, "flag": d is not None and abs(d) > monitoring.SMD_FLAG})
        rows.append({"label": label, "kind": kind, "cells": cells, "smds": diffs})
    return {"arms": arms, "treatment": treatment, "rows": rows, "n": len(rows_in)}


def legacy_survey_response(trial: Any, by_arm: bool) -> dict[str, Any]:
    """``trials.monitoring.survey_response`` as it was: every invitation fetched and counted in Python."""
    from django.apps import apps

    from placewell.participants.models import Status
    from placewell.trials import monitoring
    from placewell.trials.models import Allocation

    arms = list(trial.arms.all()) if by_arm else []
    if not apps.is_installed("placewell.surveys"):
        return {"arms": arms, "waves": []}
    from placewell.surveys.models import Invitation

    arm_of = (
        dict(
            Allocation.objects.filter(trial=trial)
            .exclude(participant__status=Status.ERASED)
            .values_list("participant_id", "arm_id")
        )
        if by_arm
        else {}
    )
    cells: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0])
    waves: dict[int, tuple[int, str]] = {}
    rows = (
        Invitation.objects.filter(
            wave__service_id=trial.service_id,
            wave__trial_reference=trial.registration_number,
            participant__allocations__trial=trial,
        )
        .exclude(participant__status=Status.ERASED)
        .values_list("wave_id", "wave__order", "wave__name", "participant_id", "status")
    )
    for wave_id, order, name, pid, status in rows:
        waves[wave_id] = (order, name)
        for key in ((wave_id, None), *(((wave_id, arm_of.get(pid)),) if by_arm else ())):
            cells[key][0] += 1
            cells[key][1] += status == "responded"
    out = []
    for wave_id, (_, name) in sorted(waves.items(), key=lambda item: item[1]):
        invited, responded = cells[(wave_id, None)]
        split = [
            {"invited": cells[(wave_id, a.pk)][0], "responded": cells[(wave_id, a.pk)][1],
             "rate": monitoring._share(cells[(wave_id, a.pk)][1], cells[(wave_id, a.pk)][0])}
            for a in arms
        ]  # fmt: skip
        out.append(
            {
                "name": name,
                "invited": invited,
                "responded": responded,
                "rate": monitoring._share(responded, invited),
                "arms": split,
            }
        )
    return {"arms": arms, "waves": out}


def legacy_baseline_questionnaires(trial: Any, people: Any, total: int) -> list[dict[str, Any]]:
    """``trials.monitoring._baseline_questionnaires`` as it was: every submitted response fetched and its
    person collected in Python sets."""
    from django.apps import apps

    from placewell.trials.monitoring import _share

    if not apps.is_installed("placewell.surveys"):
        return []
    from placewell.engine.measures import INSTRUMENTS
    from placewell.surveys.models import Response, SurveyWave

    wave = SurveyWave.objects.filter(
        service_id=trial.service_id, trial_reference=trial.registration_number, is_baseline=True
    ).first()
    if wave is None:
        return []
    answered: dict[str, set[int]] = defaultdict(set)
    partial: dict[str, set[int]] = defaultdict(set)
    for pid, instrument, complete in Response.objects.filter(
        invitation__wave=wave, state=Response.State.SUBMITTED, participant__in=people
    ).values_list("participant_id", "instrument_id", "complete"):
        answered[instrument].add(pid)
        if not complete:
            partial[instrument].add(pid)
    out = []
    for instrument in wave.instruments:
        missing = total - len(answered[instrument])
        title = INSTRUMENTS[instrument].title if instrument in INSTRUMENTS else instrument
        out.append(
            {"label": title, "missing": missing, "share": _share(missing, total),
             "partial": len(partial[instrument]), "partial_share": _share(len(partial[instrument]), total)}
        )  # fmt: skip
    return out


def _page(client: Any, url: str) -> tuple[int, bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content


def worker(scale: float) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.urls import reverse

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.trials import demo_fullsize, monitoring

    started = time.perf_counter()
    loaded = demo_fullsize.load_fullsize_trial(scale=scale, progress=lambda _m: None)
    load = time.perf_counter() - started
    assert loaded is not None
    trial = loaded.trial
    service = trial.service
    if service.commissioner is None:
        service.commissioner = acc.create_organisation(
            by=None, name="Bench Commissioner", kind="commissioner"
        )
        service.save(update_fields=["commissioner"])
    evaluator = acc.create_staff(
        by=None, username="bench-evaluator", password="correct-horse-battery-staple-42",  # noqa: S106 (a throwaway benchmark user)
        first_name="Bench",
        last_name="Evaluator", email="bench-evaluator@example.org", role=Role.EVALUATOR,
        organisation=service.commissioner,
    )  # fmt: skip
    client = Client()
    client.force_login(evaluator)
    out: dict[str, Any] = {"load": load, "randomised": loaded.data.shape[0]}
    names = ("baseline_balance", "survey_response", "_baseline_questionnaires")
    current = tuple(getattr(monitoring, name) for name in names)
    legacy = (legacy_baseline_balance, legacy_survey_response, legacy_baseline_questionnaires)
    for page in ("interim", "balance"):
        url = reverse(f"trials:{page}", args=[trial.pk])
        for label, impl in (("baseline", legacy), ("measured", current)):
            for name, fn in zip(names, impl, strict=True):
                setattr(monitoring, name, fn)
            try:
                _page(client, url)  # warm-up
                seconds, (queries, body) = best_of(lambda u=url: _page(client, u), repeat=5)  # type: ignore[misc]
            finally:
                for name, fn in zip(names, current, strict=True):
                    setattr(monitoring, name, fn)
            out[f"{page}_{label}"] = {"seconds": seconds, "queries": queries, "bytes": len(body)}
            # The CSRF token is masked afresh for every response; everything else must match.
            out[f"{page}_{label}_body"] = re.sub(
                r'name="csrfmiddlewaretoken" value="[^"]*"', "", body.decode()
            )
        same = out.pop(f"{page}_baseline_body") == out.pop(f"{page}_measured_body")
        out[f"{page}_same"] = same
    print("RESULT " + json.dumps(out))


def run(quick: bool) -> list[Result]:
    scale = 0.1 if quick else 1.0
    with tempfile.TemporaryDirectory(prefix="placewell-bench-monitoring-") as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "PLACEWELL_VAR_DIR": tmp,
            "PLACEWELL_PSEUDONYM_KEY": KEY,
            "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        }
        code = f"from benchmarks.bench_trial_monitoring import worker; worker({scale})"
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
    r = json.loads(line.removeprefix("RESULT "))
    results = []
    for page, title in (("interim", "interim monitoring"), ("balance", "balance between arms")):
        m, b = r[f"{page}_measured"], r[f"{page}_baseline"]
        results.append(
            Result(
                name=f"trial {title} page, {r['randomised']:,} randomised, as an evaluator who sees arms (SQLite)",
                baseline="the same page with balance, survey response and completeness computed per person, as before",
                seconds=m["seconds"],
                baseline_seconds=b["seconds"],
                figures={
                    "queries": f"{m['queries']} (baseline {b['queries']})",
                    "page": "identical HTML to the baseline"
                    if r[f"{page}_same"]
                    else "DIFFERS from the baseline",
                    "load": f"{r['load']:.0f} s to load the demo trial",
                },
                aim="under 300 ms for the full-size demo trial, with a constant number of queries",
            )
        )
    return results
