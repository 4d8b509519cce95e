"""Employer name search: partial names, near spellings, case and accents, best match first, within the
service. Every test runs on SQLite and again on PostgreSQL (the db_leg of .ci/run), where the trigram index
serves it; the expected results are the same table on both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placewell.accounts import services as acc
from placewell.employers.models import Employer
from placewell.employers.search import search_employers
from tests.employers.conftest import make_employer

NAMES = [
    "Tesco",
    "Tesco Express",
    "Greenway Garden Centre",
    "Café Rouge",
    "Morrisons",
    "Best Western",
    "Bramwick Stores",
]

# (what is typed, the names found in order). Near spellings: "Tescoe" shares 5 of Tesco's 8 pieces (0.625) and
# 5 of Tesco Express's 16 (0.31); "Morison" 6 of Morrisons' 12 (0.5); the threshold is 0.25.
TABLE = [
    ("tesco", ["Tesco", "Tesco Express"]),  # the same name, then one starting with it
    ("TESCO", ["Tesco", "Tesco Express"]),
    ("Tescoe", ["Tesco", "Tesco Express"]),  # misspelt: closest first
    ("express", ["Tesco Express"]),  # part of a name
    ("garden", ["Greenway Garden Centre"]),
    ("cafe", ["Café Rouge"]),  # without the accent
    ("CAFÉ ROUGE", ["Café Rouge"]),
    ("Morison", ["Morrisons"]),
    ("  best   western ", ["Best Western"]),  # spaces as typed
    ("xyzzy", []),
    # Every word typed must be in the name or nearly spelt by it: "Bramwick Stores" shares "stores" with the
    # phrase (0.35 of it) but not "tescoe".
    ("Tescoe Stores", []),
    ("bramwik stores", ["Bramwick Stores"]),
]


@pytest.fixture
def employers(world):  # type: ignore[no-untyped-def]
    for name in NAMES:
        make_employer(world, name=name)
    # Another service's employers match many queries but must never appear.
    other = acc.create_service(
        by=None,
        provider=world.provider,
        name="Other IPS",
        model="ips_lite",
        pre_employment_limit_months=9,
        in_work_limit_months=4,
    )
    for name in ("Tesco", "Tesco Metro", "Café Rouge"):
        Employer.objects.create(service=other, name=name, name_key=name.lower(), sector="G", size="small")
    return world.service


@pytest.mark.parametrize(("q", "expected"), TABLE)
def test_the_same_names_found_on_every_database(employers, q: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    rows = search_employers(Employer.objects.filter(service=employers), q)
    assert [e.name for e in rows] == expected


def test_an_empty_search_lists_every_employer_alphabetically(employers) -> None:  # type: ignore[no-untyped-def]
    rows = search_employers(Employer.objects.filter(service=employers), "  ")
    assert [e.name for e in rows] == sorted(NAMES)


def test_the_page_finds_near_spellings_says_so_and_keeps_its_query_count(client_as, employers) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    with CaptureQueriesContext(connection) as small:
        body = client.get("/employers/?q=Tescoe").content.decode()
    assert "near spellings are found" in body and 'aria-describedby="q-hint"' in body
    assert body.index(">Tesco<") < body.index(">Tesco Express<") and "Tesco Metro" not in body
    for i in range(30):
        Employer.objects.create(
            service=employers, name=f"Tescow {i}", name_key=f"tescow {i}", sector="G", size="small"
        )
    with CaptureQueriesContext(connection) as large:
        body = client.get("/employers/?q=Tescoe").content.decode()
    assert "Tescow 29" in body or "Next page" in body
    # Session, user, two-factor device, service; the count, the page of employers with their holders and the
    # page's last contacts (three for the search, at any size); the session saved (savepoint, update, release).
    assert len(large.captured_queries) == len(small.captured_queries) == SEARCH_PAGE_QUERIES


SEARCH_PAGE_QUERIES = 10


@pytest.mark.postgres
def test_postgresql_serves_the_search_from_the_trigram_index_and_agrees_with_python(employers) -> None:  # type: ignore[no-untyped-def]
    from placewell.engine import namematch

    rows = search_employers(Employer.objects.all(), "Tescoe")
    with connection.cursor() as cur:
        # On a table this small the planner prefers reading it all; forbidding that shows the index can serve
        # both the partial-name and the near-spelling test (benchmarks/bench_search.py times it at size).
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        sql, params = rows.query.sql_with_params()
        cur.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(r[0] for r in cur.fetchall())
        assert "employer_name_trgm" in plan, plan
        pairs = [
            ("Tescoe", "Tesco Express"),
            ("Jonh", "John"),
            ("Siobhán", "SIOBHAN KELLY"),
            ("Zoë", "  Zoe  O\u2019Brien\t"),
            ("x", namematch.FOLD_FROM),
        ]
        for a, b in pairs:
            cur.execute("SELECT similarity(placewell_fold(%s), placewell_fold(%s))", [a, b])
            pg = cur.fetchone()[0]
            assert pg == pytest.approx(namematch.similarity(namematch.fold(a), namematch.fold(b)), abs=1e-6)
            cur.execute("SELECT placewell_fold(%s)", [b])
            assert cur.fetchone()[0] == namematch.fold(b)
