"""The MI dashboard and MI evidence pages read from stored summaries (the fast path) against the same pages
working every figure out from the records (the current path, the baseline), in one run at each size, on
PostgreSQL (127.0.0.1:5432, user postgres; a scratch database ``pw_mi_bench_<size>`` is created and dropped).

The data are ``bench_insight``'s: per participant 20 contacts and 10 employer contacts, with referrals,
profiles, job starts and the audit events that date support. For each size it prints the data sizes, the
95th-percentile and median time to serve each page and its queries on both paths, and how long the task
queue's refresh (``insight.summaries.refresh``, every service's figures) took. The current path is timed with
the stored summary deleted before each request (outside the timing), so the page works everything out.

    ./run bench mi_summaries            5,000 and 20,000 participants (--quick: 5,000)
    python -m benchmarks.bench_mi_summaries --size 1000000      the national case (20,000,000 contacts)

Aim: each page under 1 s at 100,000 participants and under 2 s at 1,000,000, with a number of queries that
does not grow with the data.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from benchmarks import pages
from benchmarks.harness import Result

PAGES = (("dashboard", "/insight/"), ("evidence", "/insight/evidence/"))


def _timed(client, url: str, repeat: int, before=None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - start)
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return {
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "median": statistics.median(times),
        "queries": len(ctx.captured_queries),
    }


def worker(n: int, slow_repeat: int, fast_repeat: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from benchmarks.bench_insight import _load

    t0 = time.perf_counter()
    service_id = _load(n)
    loaded = time.perf_counter() - t0

    from django.test import Client

    from placewell.accounts import services as acc
    from placewell.accounts.models import Role, Service
    from placewell.casework.models import Contact
    from placewell.employers.models import Engagement
    from placewell.insight import summaries
    from placewell.insight.models import Summary
    from placewell.participants.models import Participant

    service = Service.objects.get(pk=service_id)
    manager = acc.create_staff(
        by=None,
        username="manager",
        password="bench-password-not-secret-1",  # noqa: S106 - throwaway account, throwaway database
        first_name="M",
        last_name="Bench",
        email="m@example.org",
        role=Role.SERVICE_MANAGER,
        service=service,
    )
    client = Client()
    client.force_login(manager)
    sizes = {
        "participants": Participant.objects.count(),
        "contacts": Contact.objects.count(),
        "employer_contacts": Engagement.objects.count(),
    }
    out: dict[str, object] = {"sizes": sizes, "load": loaded}

    def forget() -> None:
        Summary.objects.all().delete()

    for _key, url in PAGES:  # warm the caches on both paths, as a server that has run a while would have them
        forget()
        client.get(url)
        client.get(url)
    for key, url in PAGES:
        out[f"current_{key}"] = _timed(client, url, slow_repeat, before=forget)
    forget()
    t0 = time.perf_counter()
    count, _ = summaries.refresh()
    out["refresh"] = {"seconds": time.perf_counter() - t0, "summaries": count}
    for key, url in PAGES:
        out[f"fast_{key}"] = _timed(client, url, fast_repeat)
        # The fast path must have read the summary, not worked the figures out again.
        assert out[f"fast_{key}"]["queries"] < 15, out[f"fast_{key}"]
    print("RESULT " + json.dumps(out))


def run_size(n: int, slow_repeat: int = 5, fast_repeat: int = 20) -> dict:  # type: ignore[type-arg]
    """The worker at ``n`` participants on a scratch database of its own (``pages.run_size``)."""
    return pages.run_size("bench_mi_summaries", "mi", n, slow_repeat, fast_repeat)


def results(n: int, r: dict) -> list[Result]:  # type: ignore[type-arg]
    s = r["sizes"]
    data = f"{s['participants']:,} participants, {s['contacts']:,} contacts, {s['employer_contacts']:,} employer contacts"
    out = []
    for key, title in (("dashboard", "MI dashboard page"), ("evidence", "MI evidence page")):
        fast, slow = r[f"fast_{key}"], r[f"current_{key}"]
        out.append(
            Result(
                name=f"{title} from stored summaries: {data} (PostgreSQL)",
                baseline="the same page working every figure out from the records (the current path)",
                seconds=fast["p95"],
                baseline_seconds=slow["p95"],
                figures={
                    "p95": f"stored {fast['p95']:.3f} s, current {slow['p95']:.3f} s (95th percentile)",
                    "median": f"stored {fast['median']:.3f} s, current {slow['median']:.3f} s",
                    "queries": f"stored {fast['queries']}, current {slow['queries']}",
                    "refresh": f"{r['refresh']['seconds']:.1f} s to work out {r['refresh']['summaries']} summaries",
                    "load": f"{r['load']:.0f} s to load the database",
                },
                aim="under 1 s at 100,000 participants, under 2 s at 1,000,000; queries constant as data grows",
            )
        )
    return out


def run(quick: bool) -> list[Result]:
    out = []
    for n in (5_000,) if quick else (5_000, 20_000):
        out += results(n, run_size(n))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_mi_summaries", description=__doc__)
    parser.add_argument("--size", type=int, action="append", help="participants (repeat for several sizes)")
    parser.add_argument("--slow-repeat", type=int, default=5, help="requests timed on the current path")
    parser.add_argument("--fast-repeat", type=int, default=20, help="requests timed from the summaries")
    args = parser.parse_args(argv)
    for n in args.size or [5_000]:
        r = run_size(n, args.slow_repeat, args.fast_repeat)
        print(json.dumps(r), flush=True)
        for result in results(n, r):
            print("\n".join(result.lines()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
