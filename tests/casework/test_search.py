"""Fuzzy name search tolerates typos but not unrelated names (examples chosen by hand, see search.py)."""

from __future__ import annotations

import pytest

from placewell.casework.search import THRESHOLD, fuzzy_filter, score

NAMES = ["Rowan Example", "John Smith", "Siobhan O'Connor", "Agnieszka Kowalski", "Mohammed Ali", "Jon Smyth"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Rowen", "Rowan Example"),
        ("jonh smtih", "John Smith"),
        ("siobahn", "Siobhan O'Connor"),
        ("oconnor", "Siobhan O'Connor"),
        ("Agnieska Kowalsky", "Agnieszka Kowalski"),
        ("Mohamed", "Mohammed Ali"),
        ("kow", "Agnieszka Kowalski"),
    ],
)
def test_typos_are_tolerated(query: str, expected: str) -> None:
    assert expected in fuzzy_filter(query, NAMES, str)[:2]


def test_unrelated_names_do_not_match() -> None:
    assert fuzzy_filter("Bethan", NAMES, str) == []
    assert score("zzz", "John Smith") < THRESHOLD
    assert score("", "John Smith") == 0.0


def test_best_match_first() -> None:
    assert fuzzy_filter("John Smith", NAMES, str)[:2] == ["John Smith", "Jon Smyth"]
