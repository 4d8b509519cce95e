"""The diary pages on PostgreSQL: a specialist's week and the team leader's team week, with a chosen number of
appointments, against the same pages with 100 appointments (the baseline), in one run.

Sizes (``PLACEWELL_BENCH_DIARY_SIZE``): ``large`` (the default: 100,000 appointments, the size the issue asks
the page to serve), ``small`` (10,000), or a number of appointments; ``--quick`` uses 5,000. Every size has
the same staff (five teams of ten specialists) and one participant for every 20 appointments; appointments
fall on weekdays between 08:00 and 17:00 over the two years around today (half past, half to come: attended,
not attended, cancelled or booked), so the measured week holds about 1/100 of one specialist's share. Each
size gets its own scratch database (``served.SERVER_URL``). Figures: median and 95th-percentile time to serve
each page through Django's test client, and the queries per page (aim: p95 under 300 ms at 100,000
appointments, and the same number of queries at both sizes).
"""

from __future__ import annotations

import datetime as dt
import os
import random

from benchmarks import pages
from benchmarks.harness import Result

TEAMS = 5
PER_TEAM = 10
PER_PARTICIPANT = 20
FIRST_WEEK = 10
SIZES = {"small": 10_000, "large": 100_000}
PAGES = (
    ("diary_week", "specialist", "/appointments/diary/?view=week", "specialist's diary, week view"),
    ("diary_day", "specialist", "/appointments/diary/", "specialist's diary, day view"),
    ("team_week", "team_leader", "/appointments/team/", "team leader's team week"),
)


def _size(quick: bool) -> int:
    if quick:
        return 5_000
    wanted = os.environ.get("PLACEWELL_BENCH_DIARY_SIZE", "large")
    if wanted in SIZES:
        return SIZES[wanted]
    if wanted.isdigit() and int(wanted) >= 100:
        return int(wanted)
    raise SystemExit(
        f"PLACEWELL_BENCH_DIARY_SIZE must be small, large or a number of appointments, not {wanted!r}"
    )


def _load(n: int) -> dict[str, int]:
    from django.db import connection
    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.appointments.models import Appointment
    from placewell.participants.models import Participant, Status

    rng = random.Random(16)
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips")
    staff = []
    leader = None
    for t in range(TEAMS):
        team = acc.create_team(by=None, service=service, name=f"Team {t + 1}")
        for i in range(PER_TEAM):
            staff.append(
                acc.create_staff(
                    by=None,
                    username=f"es{t}_{i}",
                    password="bench-password-not-secret-1",  # noqa: S106 - throwaway accounts, throwaway database
                    first_name=f"Spec{t}{i}",
                    last_name="Bench",
                    email=f"es{t}_{i}@example.org",
                    role=Role.SPECIALIST,
                    team=team,
                )
            )
        if t == 0:
            leader = acc.create_staff(
                by=None,
                username="tl0",
                password="bench-password-not-secret-1",  # noqa: S106
                first_name="Lead",
                last_name="Bench",
                email="tl0@example.org",
                role=Role.TEAM_LEADER,
                team=team,
            )
    n_people = max(1, n // PER_PARTICIPANT)
    Participant.objects.bulk_create(
        [
            Participant(
                reference=f"PW-D{i:07d}",
                service=service,
                team_id=staff[i % len(staff)].team_id,
                specialist=staff[i % len(staff)],
                status=Status.ACTIVE,
                given_name=rng.choice(["Sam", "Alex", "Jo", "Chris", "Pat"]),
                family_name=f"Person{i}",
            )
            for i in range(n_people)
        ],
        batch_size=5000,
    )
    people = list(Participant.objects.order_by("pk").values_list("pk", "specialist_id"))
    today = timezone.localdate()
    weekdays = [d for d in (today + dt.timedelta(days=k) for k in range(-365, 365)) if d.weekday() < 5]
    statuses = ["attended", "attended", "attended", "did_not_attend", "cancelled"]
    rows = []
    monday = today - dt.timedelta(days=today.weekday())
    for k in range(n):
        pid, sid = people[k % len(people)]
        day = rng.choice(weekdays)
        if k < FIRST_WEEK:
            # The measured specialist has appointments today and this week at every size, so both sizes'
            # pages show names and write their audit event: the same work apart from the rows.
            pid, sid = people[0]
            day = today if k < 2 else monday + dt.timedelta(days=k % 5)
        starts = timezone.make_aware(
            dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.choice([0, 30])))
        )
        past = day < today
        rows.append(
            Appointment(
                participant_id=pid,
                specialist_id=sid,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=60),
                duration_minutes=60,
                place_kind=rng.choice(["home", "phone"]),
                status=rng.choice(statuses) if past else "booked",
                booked_by_id=sid,
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    assert leader is not None
    return {"specialist": staff[0].pk, "team_leader": leader.pk}


def worker(n: int, repeat: int) -> None:
    pages.worker(_load, PAGES, n, repeat)


def run(quick: bool) -> list[Result]:
    n = _size(quick)
    repeat = 15 if quick else 40
    baseline = pages.run_size("bench_diary", "baseline", 100, repeat)
    measured = pages.run_size("bench_diary", "measured", n, repeat)
    return pages.results(
        PAGES,
        measured,
        baseline,
        size=f"{n:,} appointments",
        baseline_label="the same page with 100 appointments",
        aim="under 300 ms at the 95th percentile at 100,000 appointments; the same number of queries at both sizes",
    )
