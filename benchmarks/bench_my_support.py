"""The participant's "My support" page on PostgreSQL, at a chosen size against the same page with 100
participants (the baseline), in one run.

Sizes (``PLACEWELL_BENCH_MY_SUPPORT_SIZE``): ``small`` (the default: 5,000 participants), ``large`` (100,000
participants, the size the page must serve), or a number of participants; ``--quick`` uses 2,000. Each size
gets its own scratch database (``served.SERVER_URL``), with the caseloads the worklist benchmarks load
(``pages.caseloads``: about 100 participants to a specialist, a quarter of them open) plus, for every
participant, the audit event that dates the start of their support, one goal with three steps (one of them
late), one booked meeting to come and, for one in ten, an open call-back request. The measured person is an
open participant of the first specialist. Figures: median and 95th-percentile time to serve the page through
Django's test client in a participant's own session, and the queries per page (aim: under 300 ms at the
95th percentile at the large size, and the same number of queries at both sizes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from typing import Any

from benchmarks import pages
from benchmarks.harness import Result

PER_SPECIALIST = 100
OPEN_SHARE = 0.25
SIZES = {"small": 5_000, "large": 100_000}
PAGES = (("my_support", "participant", "/my-support/", '"My support" page'),)


def _size(quick: bool) -> int:
    if quick:
        return 2_000
    wanted = os.environ.get("PLACEWELL_BENCH_MY_SUPPORT_SIZE", "small")
    if wanted in SIZES:
        return SIZES[wanted]
    if wanted.isdigit() and int(wanted) >= 100:
        return int(wanted)
    raise SystemExit(
        f"PLACEWELL_BENCH_MY_SUPPORT_SIZE must be small, large or a number of participants, not {wanted!r}"
    )


def _load(n_participants: int) -> dict[str, int]:
    """Caseloads, support-start audit rows (empty chain hashes: a throwaway database), plans, meetings and
    requests. Returns the measured participant's id."""
    from django.db import connection
    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.appointments.models import Appointment
    from placewell.casework.models import Goal, Step
    from placewell.participants.models import Status
    from placewell.portal.models import CallBackRequest

    rng = random.Random(2026)
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(
        by=None, provider=provider, name="Bench IPS", model="ips_lite", pre_employment_limit_months=9
    )
    service.public_phone, service.opening_hours = "0300 000 1111", "Monday to Friday, 9am to 5pm"
    service.save()
    specialists, ids = pages.caseloads(
        service, n_participants, per_specialist=PER_SPECIALIST, open_share=OPEN_SHARE, rng=rng
    )
    now = timezone.now()
    today = timezone.localdate()
    with (
        connection.cursor() as cur,
        cur.cursor.copy(
            "COPY accounts_auditevent (at, actor_id, actor_label, action, record_type, record_id, participant_id,"
            " service_id, summary, changes, chain_prev, chain_hash) FROM STDIN"
        ) as copy,
    ):
        for pid, sid, _ in ids:
            started = now - dt.timedelta(days=rng.randint(20, 300))
            change = json.dumps({"status": ["agreed", "active"]})
            copy.write_row(
                (started, sid, "Bench", "status", "participant", str(pid), pid, service.pk, "Support started",
                 change, "", "")
            )  # fmt: skip
    Goal.objects.bulk_create(
        [Goal(participant_id=pid, text="Find work I enjoy", created_at=now) for pid, _, _ in ids],
        batch_size=5000,
    )
    goals = list(Goal.objects.order_by("pk").values_list("pk", flat=True))
    Step.objects.bulk_create(
        [
            Step(goal_id=g, text=f"Step {k}", owner="together", due_on=today + dt.timedelta(days=7 * k - 7))
            for g in goals
            for k in range(3)
        ],
        batch_size=5000,
    )
    Appointment.objects.bulk_create(
        [
            Appointment(
                participant_id=pid,
                specialist_id=sid,
                booked_by_id=sid,
                starts_at=(start := now + dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))),
                ends_at=start + dt.timedelta(hours=1),
                duration_minutes=60,
                place_kind="phone",
            )
            for pid, sid, _ in ids
        ],
        batch_size=5000,
    )
    CallBackRequest.objects.bulk_create(
        [CallBackRequest(participant_id=pid, best_time="morning") for pid, _, _ in ids[::10]], batch_size=5000
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    first = specialists[0].pk
    return {"participant": next(pid for pid, sid, st in ids if sid == first and st == Status.ACTIVE)}


def _participant_sign_in(client: Any, participant_id: int) -> None:
    """Open the participant's own session, as a used code or link leaves it."""
    from django.utils import timezone

    from placewell.portal import services

    session = client.session
    session[services.SESSION_KEY] = participant_id
    session[services.SEEN_KEY] = timezone.now().timestamp()
    session.save()


def _measure(participant_id: int, repeat: int) -> dict[str, dict[str, float]]:
    """As ``pages.measure``, in the participant's own session instead of a staff sign-in."""
    return pages.measure(PAGES, {who: participant_id for _, who, _, _ in PAGES}, repeat, _participant_sign_in)


def worker(n: int, repeat: int) -> None:
    """In the size's own process: migrate, load, measure, and print the figures (as ``pages.worker``)."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    users = _load(n)
    loaded = time.perf_counter() - started
    result: dict[str, object] = dict(_measure(users["participant"], repeat))
    result["load_seconds"] = loaded
    print("RESULT " + json.dumps(result))


def run(quick: bool) -> list[Result]:
    n = _size(quick)
    repeat = 15 if quick else 40
    baseline = pages.run_size("bench_my_support", "baseline", 100, repeat)
    measured = pages.run_size("bench_my_support", "measured", n, repeat)
    return pages.results(
        PAGES,
        measured,
        baseline,
        size=f"{n:,} participants",
        baseline_label="the same page with 100 participants",
        aim="under 300 ms at the 95th percentile at 100,000 participants; the same number of queries at both sizes",
    )
