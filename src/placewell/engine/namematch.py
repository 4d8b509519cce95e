"""Name matching that reads the same on every database: folding (case and accents) and trigram similarity.

The similarity is the one PostgreSQL's pg_trgm extension documents for ``similarity()`` and the ``%``
operator: each word (a run of letters and digits) is padded with two spaces in front and one behind, its
three-character pieces are collected into a set, and the similarity of two strings is the number of pieces
they share divided by the number of distinct pieces in either. PostgreSQL computes it in its index; on
SQLite the same function runs here, so both databases find the same people.
"""

from __future__ import annotations

import re
from fractions import Fraction

# Near spellings are found at or above this similarity. pg_trgm's default is 0.3; "Jonh" for "John" shares
# 2 of 8 pieces (0.25), so the threshold is a quarter.
THRESHOLD = Fraction(1, 4)
# Terms shorter than this are matched as parts of names only: "smi" shares the piece "  s" with every name
# starting with s, so a near-spelling search for it would read most of the index and find noise.
NEAR_MIN = 4

# Accented Latin letters (and curly apostrophes) and what they fold to, one for one. PostgreSQL's
# placewell_fold() uses the same two strings with translate() (employers migration 0002), so both databases
# fold a name alike; a test on PostgreSQL checks they agree.
FOLD_FROM = (
    "àáâãäåāăąÀÁÂÃÄÅĀĂĄçćĉċčÇĆĈĊČďđĎĐèéêëēĕėęěÈÉÊËĒĔĖĘĚĝğġģĜĞĠĢĥħĤĦìíîïĩīĭįıÌÍÎÏĨĪĬĮİĵĴķĶĺļľŀłĹĻĽĿŁñńņň"
    "ÑŃŅŇòóôõöøōŏőÒÓÔÕÖØŌŎŐŕŗřŔŖŘśŝşšŚŜŞŠţťŧŢŤŦùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲŵŴýÿŷÝŸŶźżžŹŻŽ\u2019\u2018"
)
FOLD_TO = (
    "aaaaaaaaaaaaaaaaaaccccccccccddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiiijjkkllllllllllnnnn"
    "nnnnoooooooooooooooooorrrrrrssssssssttttttuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzz''"
)
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # what PostgreSQL's \s matches


def fold(text: str | None) -> str:
    """Lower case without accents or surplus spaces: "  Zoë  Ó'Brien " -> "zoe o'brien"."""
    if not text:
        return ""
    return _SPACE.sub(" ", text.translate(_FOLD).lower()).strip(" \t\n\r\f\v")


def trigrams(text: str) -> frozenset[str]:
    """The set of padded three-character pieces of each word of ``text`` (lower-cased)."""
    out: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        out.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(out)


def similarity_ratio(a: str, b: str) -> Fraction:
    """Shared pieces over all distinct pieces, as an exact fraction (0 when either has none)."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return Fraction(0)
    shared = len(ta & tb)
    return Fraction(shared, len(ta) + len(tb) - shared)


def similarity(a: str, b: str) -> float:
    return float(similarity_ratio(a, b))


def is_similar(a: str, b: str, threshold: Fraction = THRESHOLD) -> bool:
    """pg_trgm's ``a % b`` at ``threshold``."""
    return similarity_ratio(a, b) >= threshold


def rank(name: str, query: str) -> int:
    """0 the same name, 1 the name starts with the query, 2 it contains it, 3 a near spelling, 4 neither.
    Both arguments are folded first."""
    n, q = fold(name), fold(query)
    if not q:
        return 4
    if n == q:
        return 0
    if n.startswith(q):
        return 1
    if q in n:
        return 2
    if len(q) >= NEAR_MIN and is_similar(n, q):
        return 3
    return 4
