"""Name search on PostgreSQL: employer and participant search at a small and a large size, the indexed search
(partial names and near spellings, served by GIN trigram indexes on the folded names) against the plain
``icontains`` search it replaced, in one run.

Sizes: the baseline database holds 500 employers and 1,000 participants; the measured one 50,000 employers
and 100,000 participants (``--quick``: 5,000 and 10,000). Each gets its own scratch database
(``served.SERVER_URL``) through ``pages.run_size``, dropped afterwards. Names are made from syllables with a
fixed seed, with a few real-looking ones among them (Tesco Stores, John Smith...). Each search runs as the
list pages run it: the count and the first page (50 employers, 25 participants), as the service manager, who
sees the whole service. Terms: a partial name, a whole name, a near spelling and one that finds nothing.
Figures: the 95th-percentile and median time of a search over all terms, each term's median, the queries each
takes, the rows found, and the sizes of the tables and of the trigram indexes. Aim: the indexed search at the large size within 2x of the
small size at the 95th percentile (the plain search grows with the table).
"""

from __future__ import annotations

import random
import statistics
import time

from benchmarks import pages
from benchmarks.harness import Result

SIZES = {"baseline": (500, 1_000), "measured": (50_000, 100_000)}
QUICK = (5_000, 10_000)
EMPLOYER_TERMS = ("tesc", "Tesco Stores", "Tescoe", "Morison", "qzxv")
PARTICIPANT_TERMS = ("smi", "John Smith", "Jonh", "Jonh Smyth", "qzxv")
SYLLABLES = [
    "bar",
    "ton",
    "wick",
    "ley",
    "ham",
    "ford",
    "mor",
    "ris",
    "gren",
    "way",
    "dal",
    "ston",
    "brook",
    "field",
    "kin",
    "ash",
    "cal",
    "ver",
    "lin",
    "den",
    "pol",
    "ark",
]
SUFFIXES = ("Ltd", "Stores", "Garden Centre", "Logistics", "Care", "Foods", "Cafe", "Hotel", "Motors", "")
GIVEN = [
    "Sam",
    "Alex",
    "Jo",
    "Chris",
    "Pat",
    "John",
    "Mary",
    "Aisha",
    "Tom",
    "Zoë",
    "Siobhán",
    "Omar",
    "Priya",
    "Dan",
    "Ellie",
    "Kim",
    "Lee",
    "Ravi",
]
PLANTED_EMPLOYERS = ("Tesco Stores", "Tesco Express", "Morrisons", "Greenway Garden Centre")
PLANTED_PEOPLE = (("John", "Smith"), ("Jon", "Smyth"), ("Joanna", "Smithers"))


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()


def _load(n_employers: int, n_participants: int) -> dict[str, int]:
    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.employers.models import Employer
    from placewell.employers.services import name_key
    from placewell.participants.models import Participant, Status

    rng = random.Random(2026)
    provider = acc.create_organisation(by=None, name="Bench Provider", kind="provider")
    service = acc.create_service(by=None, provider=provider, name="Bench IPS", model="ips")
    manager = acc.create_staff(
        by=None,
        username="manager",
        password="bench-password-not-secret-1",  # noqa: S106 - a throwaway account in a throwaway database
        first_name="Mo",
        last_name="Bench",
        email="manager@example.org",
        role=Role.SERVICE_MANAGER,
        service=service,
    )
    names = [*PLANTED_EMPLOYERS]
    while len(names) < n_employers:
        names.append(f"{_word(rng)} {rng.choice(SUFFIXES)}".strip())
    Employer.objects.bulk_create(
        [Employer(service=service, name=n, name_key=name_key(n), sector="G", size="small") for n in names],
        batch_size=5000,
    )
    people = [*PLANTED_PEOPLE]
    while len(people) < n_participants:
        # A tenth of first names from a short list of common ones, the rest as varied as surnames.
        people.append((rng.choice(GIVEN) if rng.random() < 0.1 else _word(rng), _word(rng)))
    Participant.objects.bulk_create(
        [
            Participant(
                reference=f"PW-S{i:07d}",
                service=service,
                status=Status.ACTIVE,
                given_name=given,
                family_name=family,
            )
            for i, (given, family) in enumerate(people)
        ],
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE employers_employer")
        cur.execute("ANALYZE participants_participant")
    return {"manager": manager.pk, "service": service.pk}


def _searches(users: dict[str, int]) -> dict[str, object]:
    """The two searches, indexed and plain, over each term: times, queries, rows found."""
    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    from placewell.accounts.models import User
    from placewell.accounts.policy import participant_scope
    from placewell.employers.models import Employer
    from placewell.employers.search import search_employers
    from placewell.participants.models import Participant
    from placewell.participants.search import search_participants

    manager = User.objects.get(pk=users["manager"])
    employers = Employer.objects.filter(service_id=users["service"]).select_related("holder")
    people = Participant.objects.reportable().filter(participant_scope(manager))

    def plain_employers(q: str):  # type: ignore[no-untyped-def]
        return employers.filter(name__icontains=q).order_by("name", "id")

    def plain_people(q: str):  # type: ignore[no-untyped-def]
        match = Q(reference__iexact=q) | Q(given_name__icontains=q) | Q(family_name__icontains=q)
        parts = q.split()
        if len(parts) >= 2:
            match |= Q(given_name__icontains=parts[0], family_name__icontains=parts[-1])
        return people.filter(match)

    cases = {
        "employers_indexed": (lambda q: search_employers(employers, q), EMPLOYER_TERMS, 50),
        "employers_plain": (plain_employers, EMPLOYER_TERMS, 50),
        "people_indexed": (lambda q: search_participants(people, q), PARTICIPANT_TERMS, 25),
        "people_plain": (plain_people, PARTICIPANT_TERMS, 25),
    }
    out: dict[str, object] = {}
    for key, (make, terms, per_page) in cases.items():
        times: list[float] = []
        found: dict[str, int] = {}
        per_term: dict[str, float] = {}
        queries = 0
        for term in terms:

            def one(term: str = term, make=make, per_page: int = per_page) -> int:  # type: ignore[no-untyped-def]
                qs = make(term)
                count = qs.count()
                list(qs[:per_page])
                return count

            one()  # warm-up
            mine = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                found[term] = one()
                mine.append(time.perf_counter() - start)
            times += mine
            per_term[term] = statistics.median(mine)
            with CaptureQueriesContext(connection) as ctx:
                one()
            queries = max(queries, len(ctx.captured_queries))
        times.sort()
        out[key] = {
            "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "median": statistics.median(times),
            "queries": queries,
            "found": found,
            "per_term": per_term,
        }
    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname IN "
            "('employers_employer', 'participants_participant', 'employer_name_trgm', "
            "'participant_given_name_trgm', 'participant_family_name_trgm')"
        )
        out["sizes"] = dict(cur.fetchall())
    return out


REPEAT = 20


def worker(n: int, repeat: int) -> None:
    """In the size's own process (``pages.run_size``): migrate, load, search, print the figures."""
    import json

    import django
    from django.core.management import call_command

    global REPEAT
    django.setup()
    REPEAT = repeat
    call_command("migrate", verbosity=0)
    n_employers, n_participants = n, n * 2
    started = time.perf_counter()
    users = _load(n_employers, n_participants)
    loaded = time.perf_counter() - started
    result = _searches(users)
    result["load_seconds"] = loaded
    result["employers"], result["participants"] = n_employers, n_participants
    print("RESULT " + json.dumps(result))


def _mb(n: float) -> str:
    return f"{n / 1_048_576:.1f} MB"


def run(quick: bool) -> list[Result]:
    repeat = 5 if quick else REPEAT
    small = pages.run_size("bench_search", "baseline", SIZES["baseline"][0], repeat)
    large_n = QUICK[0] if quick else SIZES["measured"][0]
    large = pages.run_size("bench_search", "measured", large_n, repeat)
    out = []
    for what, title in (("employers", "employer name search"), ("people", "participant name search")):
        table = "employers_employer" if what == "employers" else "participants_participant"
        indexes = (
            ["employer_name_trgm"]
            if what == "employers"
            else ["participant_given_name_trgm", "participant_family_name_trgm"]
        )
        rows = large["employers" if what == "employers" else "participants"]
        small_rows = small["employers" if what == "employers" else "participants"]
        li, lp = large[f"{what}_indexed"], large[f"{what}_plain"]
        si, sp = small[f"{what}_indexed"], small[f"{what}_plain"]
        sizes = large["sizes"]
        out.append(
            Result(
                name=f"{title}, indexed: {rows:,} rows against {small_rows:,} (PostgreSQL, p95)",
                baseline=f"the same search at {small_rows:,} rows",
                seconds=li["p95"],
                baseline_seconds=si["p95"],
                figures={
                    "p95": f"{li['p95'] * 1000:.1f} ms at {rows:,}, {si['p95'] * 1000:.1f} ms at {small_rows:,}",
                    "median": f"{li['median'] * 1000:.1f} ms at {rows:,}, {si['median'] * 1000:.1f} ms at {small_rows:,}",
                    "plain": (
                        f"icontains p95 {lp['p95'] * 1000:.1f} ms at {rows:,}, {sp['p95'] * 1000:.1f} ms at "
                        f"{small_rows:,} (grows {lp['p95'] / sp['p95']:.1f}x; indexed grows "
                        f"{li['p95'] / si['p95']:.1f}x)"
                    ),
                    "queries": f"{li['queries']} a search (count and page); icontains {lp['queries']}",
                    "found": f"{li['found']} at {rows:,}; icontains {lp['found']}",
                    "by term": ", ".join(
                        f"{t} {li['per_term'][t] * 1000:.1f} ms (icontains {lp['per_term'][t] * 1000:.1f})"
                        for t in li["per_term"]
                    )
                    + f" median at {rows:,}",
                    "sizes": f"table {_mb(sizes[table])}, trigram index "
                    + ", ".join(_mb(sizes[i]) for i in indexes),
                },
                aim="the indexed search at the large size within 2x of the small size at the 95th percentile",
            )
        )
        out.append(
            Result(
                name=f"{title}: indexed against icontains at {rows:,} rows (PostgreSQL, p95)",
                baseline="the icontains search it replaced, same terms, same database",
                seconds=li["p95"],
                baseline_seconds=lp["p95"],
                figures={"note": "the icontains search finds no near spellings; the indexed one does"},
            )
        )
    return out
