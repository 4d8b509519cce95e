"""The worklist pages on PostgreSQL: the specialist's home, the team leader's home and the referral queue, at a
chosen size against the same pages with 100 participants (the baseline), in one run.

Sizes (``PLACEWELL_BENCH_WORKLIST_SIZE``): ``small`` (the default: 5,000 participants, 100,000 contacts),
``large`` (100,000 participants, 2,000,000 contacts, the size the pages must serve), or a number of
participants; ``--quick`` uses 2,000. Each size gets its own scratch database (``served.SERVER_URL``), loaded the way
``bench_casework`` loads its own (every specialist holds about 100 participants over time, a quarter of them open,
ten specialists to a team, so a specialist's caseload is the same size at every size) plus a team leader for the
first team and 2% of the participants as unallocated referrals (staff and self-referrals, a third of them with
no team), each with its referral dated over the last four weeks. The measured team leader sees the first team's
alerts and the queue of that team and of the referrals no team has yet. Figures: median and 95th-percentile
time to serve each page through Django's test client, and the queries per page (aim: under 300 ms at the 95th
percentile at the large size, and the same number of queries at both sizes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random

from benchmarks import pages
from benchmarks.harness import Result

CONTACTS_PER_PARTICIPANT = 20
PER_SPECIALIST = 100
OPEN_SHARE = 0.25
UNALLOCATED_SHARE = 0.02
SIZES = {"small": 5_000, "large": 100_000}
PAGES = (
    ("specialist_home", "specialist", "/", "specialist's home page"),
    ("team_home", "team_leader", "/", "team leader's home page"),
    ("queue", "team_leader", "/participants/queue/", "referral queue"),
)


def _size(quick: bool) -> int:
    if quick:
        return 2_000
    wanted = os.environ.get("PLACEWELL_BENCH_WORKLIST_SIZE", "small")
    if wanted in SIZES:
        return SIZES[wanted]
    if wanted.isdigit() and int(wanted) >= 100:
        return int(wanted)
    raise SystemExit(
        f"PLACEWELL_BENCH_WORKLIST_SIZE must be small, large or a number of participants, not {wanted!r}"
    )


def _load_caseloads(n_participants: int) -> int:
    """Staff, participants, contacts and the audit events that date the start of support, as
    ``bench_casework`` makes them (the audit rows carry empty chain hashes: a throwaway database). Returns the
    measured specialist's id."""
    from django.db import connection
    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.participants.models import Status

    rng = random.Random(2026)
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips")
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
                for _k in range(CONTACTS_PER_PARTICIPANT):
                    when = now - dt.timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 600))
                    copy.write_row(
                        (
                            pid,
                            when,
                            30,
                            "phone",
                            "remote",
                            True,
                            False,
                            False,
                            False,
                            '["job_search"]',
                            "",
                            sid,
                            when,
                        )
                    )
        with raw.copy(
            "COPY accounts_auditevent (at, actor_id, actor_label, action, record_type, record_id, participant_id,"
            " service_id, summary, changes, chain_prev, chain_hash) FROM STDIN"
        ) as copy:
            for pid, sid, status in ids:
                started = now - dt.timedelta(days=rng.randint(20, 300))
                change = json.dumps({"status": ["agreed", "active"]})
                copy.write_row(
                    (
                        started,
                        sid,
                        "Bench",
                        "status",
                        "participant",
                        str(pid),
                        pid,
                        service.pk,
                        "Support started",
                        change,
                        "",
                        "",
                    )
                )
                if status == Status.IN_WORK:
                    change = json.dumps({"status": ["active", "in_work"]})
                    copy.write_row(
                        (
                            started + dt.timedelta(days=60),
                            sid,
                            "Bench",
                            "status",
                            "participant",
                            str(pid),
                            pid,
                            service.pk,
                            "Started work",
                            change,
                            "",
                            "",
                        )
                    )
    return specialists[0].pk


def _load(n_participants: int) -> dict[str, int]:
    from django.db import connection
    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role, Service, Team
    from placewell.participants.models import Participant, Referral, Status

    specialist = _load_caseloads(n_participants)
    service = Service.objects.get(name="Bench IPS")
    first = Team.objects.filter(service=service).order_by("pk").first()
    leader = acc.create_staff(
        by=None,
        username="tl0",
        password="bench-password-not-secret-1",  # noqa: S106 - a throwaway account in a throwaway database
        first_name="Lead",
        last_name="Bench",
        email="tl0@example.org",
        role=Role.TEAM_LEADER,
        team=first,
    )
    rng = random.Random(14)
    teams = list(Team.objects.filter(service=service))
    today = timezone.localdate()
    waiting = [
        Participant(
            reference=f"PW-Q{i:07d}",
            service=service,
            team=None if i % 3 == 0 else rng.choice(teams),
            status=Status.REFERRED,
            given_name="Waiting",
            family_name=f"Referral{i}",
        )
        for i in range(max(5, int(n_participants * UNALLOCATED_SHARE)))
    ]
    Participant.objects.bulk_create(waiting, batch_size=5000)
    made = Participant.objects.filter(reference__startswith="PW-Q")
    Referral.objects.bulk_create(
        [
            Referral(
                participant=p,
                source="self" if p.team_id is None else "gp",
                route=Referral.Route.SELF_FORM if p.team_id is None else Referral.Route.STAFF,
                referral_date=today - dt.timedelta(days=rng.randint(0, 28)),
            )
            for p in made
        ],
        batch_size=5000,
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"specialist": specialist, "team_leader": leader.pk}


def worker(n: int, repeat: int) -> None:
    pages.worker(_load, PAGES, n, repeat)


def run(quick: bool) -> list[Result]:
    n = _size(quick)
    repeat = 15 if quick else 40
    baseline = pages.run_size("bench_worklist", "baseline", 100, repeat)
    measured = pages.run_size("bench_worklist", "measured", n, repeat)
    return pages.results(
        PAGES,
        measured,
        baseline,
        size=f"{n:,} participants, {n * CONTACTS_PER_PARTICIPANT:,} contacts",
        baseline_label="the same page with 100 participants, 2,000 contacts",
        aim="under 300 ms at the 95th percentile at 100,000 participants; the same number of queries at both sizes",
    )
