"""Appointment reminders: scheduling and sending them for N appointments through the outbox backend, against
queueing and sending the same reminders one at a time in a loop (the baseline), in one run.

The measured way is the scheduled sweep (``placewell.messaging.services.sweep``): one pass finds the
appointments whose reminder is due, builds the messages in bulk, and hands them to tasks on the queue in
batches of 500 (``placewell.jobs``, run here by django-q2's synchronous mode so the timing includes the
task's own work: the rules checked again, the outbox entries written). The baseline calls
``services.queue_message`` once per appointment, each queueing and running its own task: what a simple
"one task per reminder" design would do. Every appointment is two days away, with the person's choice of
text message and a UK mobile number, so every reminder is sent.

Each size runs in a process of its own on a fresh SQLite database in a temporary directory. The size is
``PLACEWELL_BENCH_REMINDERS_SIZE`` (default 100,000; ``--quick``: 2,000). The one-at-a-time baseline is
timed on the first ``min(N, 1,000)`` appointments and scaled to N (its cost per reminder is flat: each is the
same work), which the figures say.
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
BASELINE_CAP = 1_000


def _load(n: int) -> list[int]:
    """N participants (text messages, a mobile number) and N booked appointments two days ahead."""
    import datetime as dt

    from django.utils import timezone

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.appointments.models import Appointment
    from placewell.participants.models import Participant, Status

    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips")
    team = acc.create_team(by=None, service=service, name="Team 1")
    specialist = acc.create_staff(
        by=None,
        username="es0",
        password="bench-password-not-secret-1",  # noqa: S106 - throwaway account in a throwaway database
        first_name="Sam",
        last_name="Bench",
        email="es0@example.org",
        role=Role.SPECIALIST,
        team=team,
    )
    Participant.objects.bulk_create(
        [
            Participant(
                reference=f"PW-R{i:07d}",
                service=service,
                team=team,
                specialist=specialist,
                status=Status.ACTIVE,
                given_name="Alex",
                family_name=f"Person{i}",
                phone=f"07700 9{i % 100000:05d}",
                preferred_contact_method="text",
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    starts = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
    booked = starts - dt.timedelta(days=10)
    ids = list(Participant.objects.order_by("pk").values_list("pk", flat=True))
    Appointment.objects.bulk_create(
        [
            Appointment(
                participant_id=pid,
                specialist=specialist,
                starts_at=starts + dt.timedelta(minutes=(i % 16) * 30),
                ends_at=starts + dt.timedelta(minutes=(i % 16) * 30 + 60),
                duration_minutes=60,
                place_kind="phone",
                booked_by=specialist,
            )
            for i, pid in enumerate(ids)
        ],
        batch_size=5000,
    )
    Appointment.objects.update(created_at=booked)
    return ids


def measure(n: int) -> None:
    """In a process of its own: migrate a fresh database, load, time both ways, print the result."""
    import django

    django.setup()
    import datetime as dt

    import time_machine
    from django.core.management import call_command

    from placewell.appointments.models import Appointment
    from placewell.messaging import reminders, services, texts
    from placewell.messaging.models import Message, OutboxEntry

    call_command("migrate", verbosity=0)
    _load(n)
    first = Appointment.objects.order_by("starts_at").first()
    assert first is not None
    # Two days before the earliest appointment, plus eight hours, so every two-day reminder is due (midday)
    moment = first.starts_at - dt.timedelta(minutes=2880) + dt.timedelta(hours=8)
    with time_machine.travel(moment, tick=True):
        t0 = time.perf_counter()
        services.sweep()
        swept = time.perf_counter() - t0
    sent = Message.objects.filter(status="sent").count()
    outbox = OutboxEntry.objects.count()
    Message.objects.all().delete()

    sample = list(
        Appointment.objects.select_related("participant__service", "specialist", "venue").order_by("pk")[
            : min(n, BASELINE_CAP)
        ]
    )
    with time_machine.travel(moment, tick=True):
        t0 = time.perf_counter()
        for appt in sample:
            offset = reminders.due_offset(appt.starts_at, appt.created_at, moment)
            services.queue_message(
                participant=appt.participant,
                key="appointment_reminder",
                extra=texts.appointment_context(appt),
                appointment=appt,
                dedupe_key=reminders.key(appt.pk, appt.starts_at, offset or 0),
            )
        looped = time.perf_counter() - t0
    looped_sent = Message.objects.filter(status="sent").count()
    out = {
        "swept": swept,
        "sent": sent,
        "outbox": outbox,
        "looped": looped,
        "sample": len(sample),
        "looped_sent": looped_sent,
    }
    print("RESULT " + json.dumps(out))


def _size(quick: bool) -> int:
    if quick:
        return 2_000
    raw = os.environ.get("PLACEWELL_BENCH_REMINDERS_SIZE", "100000")
    if not raw.isdigit() or int(raw) < 100:
        raise SystemExit(
            f"PLACEWELL_BENCH_REMINDERS_SIZE must be a number of appointments (100 or more), not {raw!r}"
        )
    return int(raw)


def run(quick: bool) -> list[Result]:
    n = _size(quick)
    with tempfile.TemporaryDirectory(prefix="placewell-bench-reminders-") as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}},
            "PLACEWELL_VAR_DIR": tmp,
            "PLACEWELL_TASKS_SYNC": "1",
            "PLACEWELL_SMS_BACKEND": "outbox",
            "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        }
        done = subprocess.run(
            [sys.executable, "-c", f"from benchmarks.bench_reminders import measure; measure({n})"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"benchmark process failed:\n{done.stdout}\n{done.stderr}")
    m = json.loads(line.removeprefix("RESULT "))
    per_loop = m["looped"] / m["sample"]
    return [
        Result(
            name=f"reminders for {n:,} appointments: the scheduled sweep, batched tasks, outbox backend",
            baseline=f"queue_message once per appointment, one task each (timed on {m['sample']:,}, scaled to {n:,})",
            seconds=m["swept"],
            baseline_seconds=per_loop * n,
            figures={
                "sent": f"{m['sent']:,} reminders sent, {m['outbox']:,} outbox entries (baseline sample: "
                f"{m['looped_sent']:,} sent)",
                "rate": f"{n / m['swept']:,.0f} reminders per second ({1 / per_loop:,.0f} per second one at a time)",
            },
            aim="every reminder sent once; the sweep faster than one task per reminder",
        )
    ]


if __name__ == "__main__":
    print("\n".join(line for r in run(quick="--quick" in sys.argv) for line in r.lines()))
