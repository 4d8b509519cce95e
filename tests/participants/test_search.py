"""Participant search: partial names, near spellings, case and accents, best match first, and never anyone
outside the searcher's scope. Every test runs on SQLite and again on PostgreSQL (the db_leg of .ci/run),
where the trigram indexes serve it; the expected results are the same table on both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placewell.accounts.policy import participant_scope
from placewell.participants.models import Participant
from placewell.participants.search import search_participants
from tests.conftest import refer

NORTH = [
    ("John", "Smith"),
    ("Joanna", "Price"),
    ("Zoë", "O'Brien"),
    ("Siobhán", "Kelly"),
    ("Peter", "Johnson"),
]
SOUTH = [("John", "Smithson"), ("Zoe", "Brien")]

# (who searches, what is typed, the people found in order). alice and charlie see their own team's people;
# mandy, the service manager, sees the whole service. "Jonh" shares 2 of John's 8 pieces (0.25, the
# threshold); "Smyth" 3 of Smith's 9; "obrien" 5 of O'Brien's 10.
TABLE = [
    ("alice", "Jonh", ["John Smith"]),  # misspelt
    ("alice", "smith", ["John Smith"]),  # South's John Smithson matches but is out of scope
    ("alice", "Smyth", ["John Smith"]),
    ("alice", "JOHN", ["John Smith", "Peter Johnson"]),  # the same first name, then a last name starting so
    ("alice", "jo", ["John Smith", "Joanna Price", "Peter Johnson"]),  # starting so, closest first
    ("alice", "john smith", ["John Smith"]),  # first and last name
    ("alice", "Jonh Smyth", ["John Smith"]),  # both misspelt
    ("alice", "zoe", ["Zoë O'Brien"]),  # without the accent
    ("alice", "ZOË", ["Zoë O'Brien"]),
    ("alice", "siobhan", ["Siobhán Kelly"]),
    ("alice", "obrien", ["Zoë O'Brien"]),
    ("alice", "xyzzy", []),
    ("charlie", "smith", ["John Smithson"]),  # never North's John Smith
    ("charlie", "Jonh", ["John Smithson"]),
    ("charlie", "siobhan", []),
    ("mandy", "smith", ["John Smith", "John Smithson"]),  # the same last name first
]


@pytest.fixture
def people(world):  # type: ignore[no-untyped-def]
    for given, family in NORTH:
        refer(world, given_name=given, family_name=family, nhs_number="")
    for given, family in SOUTH:
        refer(
            world,
            given_name=given,
            family_name=family,
            nhs_number="",
            team=world.south,
            specialist=world.charlie,
        )
    return world


@pytest.mark.parametrize(("who", "q", "expected"), TABLE)
def test_the_same_people_found_on_every_database_within_scope(
    people, who: str, q: str, expected: list[str]
) -> None:  # type: ignore[no-untyped-def]
    scope = Participant.objects.reportable().filter(participant_scope(getattr(people, who)))
    assert [p.full_name for p in search_participants(scope, q)] == expected


def test_reference_and_case_notes_are_still_searched(people) -> None:  # type: ignore[no-untyped-def]
    kelly = Participant.objects.get(family_name="Kelly")
    scope = Participant.objects.filter(participant_scope(people.alice))
    assert [p.pk for p in search_participants(scope, kelly.reference.lower())] == [kelly.pk]


def test_the_page_says_near_spellings_are_found_and_keeps_its_query_count(client_as, people) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    with CaptureQueriesContext(connection) as small:
        body = client.get("/participants/?q=Jonh").content.decode()
    assert "near spellings are found too" in body and "John Smith" in body and "Smithson" not in body
    for i in range(20):
        refer(people, given_name="Jon", family_name=f"Walker{i}", nhs_number="")
    with CaptureQueriesContext(connection) as large:
        body = client.get("/participants/?q=Jonh").content.decode()
    assert "Jon Walker" in body
    # Fifteen at any size (session, user, scope, count, the page, the audit of what was listed...), and on
    # PostgreSQL one more: the audit chain's advisory lock.
    expected = 15 + (connection.vendor == "postgresql")
    assert len(large.captured_queries) == len(small.captured_queries) == expected
