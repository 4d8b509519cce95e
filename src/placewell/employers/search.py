"""Employer name search: partial names and near spellings, best match first, on any database."""

from __future__ import annotations

from functools import reduce
from operator import and_

from django.db.models import F, Q, QuerySet, Value

from placewell.employers.models import Employer
from placewell.engine.namematch import fold
from placewell.ui.namesearch import Fold, Similarity, matches, rank


def search_employers(rows: QuerySet[Employer], q: str) -> QuerySet[Employer]:
    """The employers of ``rows`` whose name contains ``q`` or is a near spelling of it ("Tescoe" finds
    "Tesco"), ignoring case and accents: the same name first, then names starting with ``q``, then names
    containing it, then near spellings, closest first; alphabetical within each. An empty ``q`` leaves
    ``rows`` alphabetical. ``rows`` keeps its own filters (the service), so nothing outside them appears."""
    folded = fold(q)
    if not folded:
        return rows.order_by("name", "id")
    # Each word typed must be in the name or nearly spelt by it, so that "Tesco Stores" does not bring every
    # name ending in "Stores" (their similarity to the whole phrase can pass the threshold).
    words = folded.split()
    match = matches("folded_name", folded)
    if len(words) >= 2:
        match = Q(folded_name__contains=folded) | (
            matches("folded_name", folded) & reduce(and_, (matches("folded_name", w) for w in words))
        )
    return (
        rows.alias(folded_name=Fold("name"))
        .filter(match)
        .alias(rank=rank("folded_name", folded), closeness=Similarity(F("folded_name"), Value(folded)))
        .order_by("rank", "-closeness", "name", "id")
    )
