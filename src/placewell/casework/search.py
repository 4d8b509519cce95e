"""Fuzzy name search that tolerates typos, over a small set of names (a specialist's caseload).

Each word of the query is compared with each word of the name with ``difflib.SequenceMatcher`` (Ratcliff and
Obershelp's gestalt pattern matching, in the standard library); a word that starts a name word counts as a full
match. The name's score is the mean of each query word's best match, and names scoring ``THRESHOLD`` or more
match. 0.75 keeps one slip in a five-letter word ("Rowen" for "Rowan" scores 0.8) while rejecting unrelated
names; it was chosen by hand on the examples in ``tests/casework/test_search.py``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import TypeVar

T = TypeVar("T")
THRESHOLD = 0.75


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [w for w in "".join(c if c.isalnum() else " " for c in plain).split() if w]


def score(query: str, name: str) -> float:
    """How well ``query`` matches ``name``, from 0 (not at all) to 1 (every word found)."""
    q_words, n_words = _words(query), _words(name)
    if not q_words or not n_words:
        return 0.0
    total = 0.0
    for q in q_words:
        best = 0.0
        for n in n_words:
            if n.startswith(q):
                best = 1.0
                break
            best = max(best, SequenceMatcher(None, q, n).ratio())
        total += best
    return total / len(q_words)


def fuzzy_filter(query: str, items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The items whose name matches the query, best match first (ties keep their order)."""
    scored = [(score(query, name(item)), i, item) for i, item in enumerate(items)]
    return [item for s, _, item in sorted(scored, key=lambda t: (-t[0], t[1])) if s >= THRESHOLD]
