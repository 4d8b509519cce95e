"""Name folding and trigram similarity computed in Python, as pg_trgm computes them in PostgreSQL."""

from __future__ import annotations

from fractions import Fraction

import pytest

from placewell.engine import namematch

# Reference values: PostgreSQL 15.20 with pg_trgm, `SELECT similarity('tescoe', 'tesco')` and so on.
PG_TRGM_SIMILARITY = [
    ("tescoe", "tesco", Fraction(5, 8)),  # 0.625
    ("jonh", "john", Fraction(1, 4)),  # 0.25
    ("tescoe", "tesco stores", Fraction(1, 3)),  # 0.33333334 as float4
    ("smyth", "smith", Fraction(1, 3)),
    ("abc", "xyz", Fraction(0)),
    ("", "tesco", Fraction(0)),
]


@pytest.mark.parametrize(("a", "b", "expected"), PG_TRGM_SIMILARITY)
def test_similarity_is_pg_trgms(a: str, b: str, expected: Fraction) -> None:
    assert namematch.similarity_ratio(a, b) == expected


def test_trigrams_pad_each_word() -> None:
    # pg_trgm: SELECT show_trgm('Cat, dog') gives "  c"," ca","at ","cat","  d"," do","dog","og ".
    assert namematch.trigrams("Cat, dog") == {"  c", " ca", "cat", "at ", "  d", " do", "dog", "og "}


def test_fold_removes_case_accents_and_extra_spaces() -> None:
    assert namematch.fold("  Zoë   Ó'Brien ") == "zoe o'brien"
    assert namematch.fold("SIOBHÁN") == "siobhan"
    assert namematch.fold(None) == ""


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("Tesco", "TESCO", 0),
        ("Tesco Express", "tesco", 1),
        ("Greenway Garden Centre", "garden", 2),
        ("John", "Jonh", 3),  # 2 of 8 pieces shared: exactly the threshold
        ("Joanna", "Jonh", 4),  # 2 of 10: below it
        ("Tesco", "  ", 4),
        ("Jo", "Joe", 4),  # similar (0.4) but too short a term for near spellings
    ],
)
def test_rank(name: str, query: str, expected: int) -> None:
    assert namematch.rank(name, query) == expected
