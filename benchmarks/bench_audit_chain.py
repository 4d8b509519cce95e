"""Checking the audit log's hash chain over 1,000,000 events, against a Python loop re-hashing one at a time.

A fresh SQLite database in a temporary directory (``PLACEWELL_VAR_DIR``), migrated, then filled with
1,000,000 chained audit events through ``accounts.audit_chain.append`` in batches of 20,000 (as the demo's
full-size trial writes them). The measured code is ``verify_audit_chain``: one streamed query, tuples, and the
hash computed inline. The baseline is the obvious loop: iterate the ORM's model instances in id order and
re-hash each event with ``audit_chain.link``, one at a time. Both must find the chain intact.

The second figure is what the chain costs each audited action: audit events written one at a time through
``audit.record`` (each in its own transaction, reading the last hash first) against the same events
inserted one at a time without the chain (``bulk_create`` of one unchained event), on the same database,
in ten alternating rounds. (The randomisation benchmark's allocations a second with and without the chain
are not measured here: the chain cannot be switched off in the served application.)

``--quick`` uses 100,000 events.
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

ROOT = Path(__file__).resolve().parent.parent
BATCH = 20_000
SINGLE = 2_000


def _fill(n: int) -> None:
    from django.utils import timezone

    from placewell.accounts import audit_chain
    from placewell.accounts.models import AuditEvent

    now = timezone.now()
    for start in range(0, n, BATCH):
        audit_chain.append(
            AuditEvent(
                at=now,
                actor_label="Bench",
                action=AuditEvent.Action.VIEW,
                record_type="participant",
                record_id=str(i % 5000),
                participant_id=i % 5000,
                service_id=1,
                summary="Viewed the record",
                changes={"fields": ["given_name", "nhs_number"], "n": i},
            )
            for i in range(start, min(start + BATCH, n))
        )


def _naive() -> tuple[bool, int]:
    from placewell.accounts import audit_chain
    from placewell.accounts.models import AuditEvent

    prev, count = audit_chain.GENESIS, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if (
            event.chain_prev != prev
            or audit_chain.link(prev, audit_chain.content_of(event)) != event.chain_hash
        ):
            return False, count
        prev = event.chain_hash
        count += 1
    return True, count


def _singles() -> tuple[float, float]:
    """Chained and plain writes in alternating rounds, so a busy machine slows both alike."""
    from django.db import transaction

    from placewell.accounts import audit
    from placewell.accounts.models import AuditEvent

    chained = plain = 0.0
    rounds = 10
    for r in range(rounds):
        start = time.perf_counter()
        for i in range(SINGLE // rounds):
            with transaction.atomic():
                audit.record(None, "view", "participant", i, summary=f"Viewed {r}", actor_label="Bench")
        chained += time.perf_counter() - start
        start = time.perf_counter()
        for i in range(SINGLE // rounds):
            with transaction.atomic():
                AuditEvent.objects.bulk_create(
                    [
                        AuditEvent(
                            action="view",
                            record_type="participant",
                            record_id=str(i),
                            summary=f"Viewed {r}",
                            actor_label="Bench",
                        )
                    ]
                )
        plain += time.perf_counter() - start
    return chained, plain


def worker(n: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from placewell.accounts.audit_chain import verify_audit_chain

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    _fill(n)
    load = time.perf_counter() - start
    start = time.perf_counter()
    report = verify_audit_chain()
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    naive_ok, naive_count = _naive()
    naive = time.perf_counter() - start
    chained, plain = _singles()
    result = {
        "seconds": seconds,
        "naive": naive,
        "ok": report.ok and naive_ok,
        "checked": report.checked,
        "naive_count": naive_count,
        "load": load,
        "chained": chained,
        "plain": plain,
    }
    print("RESULT " + json.dumps(result), flush=True)


def run(quick: bool) -> list[Result]:
    n = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="placewell-bench-audit-") as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "PLACEWELL_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        }
        code = f"from benchmarks.bench_audit_chain import worker; worker({n})"
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"benchmark worker failed:\n{done.stdout}\n{done.stderr}")
    r = json.loads(line.removeprefix("RESULT "))
    if not r["ok"] or r["checked"] != n or r["naive_count"] != n:
        raise RuntimeError(f"the chain did not verify: {r}")
    return [
        Result(
            name=f"verify_audit over {n:,} chained audit events (SQLite)",
            baseline="a Python loop over the ORM's model instances, re-hashing one event at a time",
            seconds=r["seconds"],
            baseline_seconds=r["naive"],
            figures={
                "rate": f"{n / r['seconds']:,.0f} events a second checked",
                "load": f"{r['load']:.0f} s to write {n:,} chained events in batches of {BATCH:,}",
            },
            aim="a daily check of a year's audit log in well under a minute",
        ),
        Result(
            name=f"{SINGLE:,} audit events written one at a time with the hash chain (SQLite)",
            baseline="the same events inserted one at a time without the chain",
            seconds=r["chained"],
            baseline_seconds=r["plain"],
            figures={
                "chained": f"{SINGLE / r['chained']:,.0f} events a second",
                "plain": f"{SINGLE / r['plain']:,.0f} events a second",
                "cost": f"{(r['chained'] - r['plain']) / SINGLE * 1e6:,.0f} microseconds an event",
            },
            aim="a ratio near 1: the chain adds one indexed read and one hash to each audited action",
        ),
    ]
