"""Participant search: names (partial and near spellings), reference, NHS number and words in case notes,
within the rows the caller may see, best match first, on any database."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Greatest, Least

from placewell.engine.namematch import fold
from placewell.participants import identifiers
from placewell.participants.models import Participant
from placewell.ui.namesearch import Fold, Similarity, matches, rank

NOTE_SEARCH_MIN = 3


def _with_note_matching(term: str) -> QuerySet:
    """Participants with a case note containing ``term`` (a subquery; case notes belong to casework)."""
    note = apps.get_model("casework", "CaseNote")
    return note.objects.filter(text__icontains=term).values("participant_id").order_by()


def _named(folded: str) -> QuerySet:
    """Ids of participants whose first or last name contains ``folded`` or, for one word, is a near spelling
    of it; for two words or more, also those whose first name contains or nearly spells the first word and
    last name the last ("Jonh Smyth"). A subquery over the whole table that the trigram indexes serve; the
    caller's scope is applied outside it."""
    named = Participant.objects.alias(g=Fold("given_name"), f=Fold("family_name"))
    parts = folded.split()
    if len(parts) == 1:
        match = matches("g", folded) | matches("f", folded)
    else:
        match = (
            Q(g__contains=folded) | Q(f__contains=folded) | (matches("g", parts[0]) & matches("f", parts[-1]))
        )
    return named.filter(match).values("pk").order_by()


def search_participants(rows: QuerySet[Participant], term: str) -> QuerySet[Participant]:
    """The participants of ``rows`` found by ``term``: a name containing it or spelt nearly like it ("Jonh"
    finds John), ignoring case and accents; the reference; the NHS number; or (three letters or more) words
    in a case note. ``rows`` is the caller's scope: whatever matches outside it never appears. Best first:
    the same name or reference, then names starting with the term, then names containing it, then near
    spellings, closest first, then by name."""
    term = term.strip()
    folded = fold(term)
    if not folded:
        return rows
    # One list of ids from the branches, each served by an index of its own (references are upper case, so
    # the unique index finds them), rather than a test of every row in scope against each branch.
    found = _named(folded).union(Participant.objects.filter(reference=term.upper()).values("pk").order_by())
    digits = identifiers.normalise_nhs_number(term)
    if digits.isdigit() and len(digits) == 10:
        found = found.union(Participant.objects.filter(nhs_number=digits).values("pk").order_by())
    if len(term) >= NOTE_SEARCH_MIN:
        found = found.union(_with_note_matching(term))
    match = Q(pk__in=found)
    by_reference = Case(When(reference=term.upper(), then=Value(0)), default=Value(3))
    rows = rows.filter(match).alias(g=Fold("given_name"), f=Fold("family_name"))
    parts = folded.split()
    if len(parts) == 1:
        # Each folded name is worked out a few times a row found, so the ranking uses no more than it needs.
        rows = rows.alias(
            rank=Least(by_reference, rank("g", folded), rank("f", folded)),
            closeness=Greatest(Similarity(F("g"), Value(folded)), Similarity(F("f"), Value(folded))),
        )
    else:
        full = f"{parts[0]} {parts[-1]}"
        rows = rows.alias(whole=Concat(F("g"), Value(" "), F("f"), output_field=CharField())).alias(
            rank=Least(by_reference, rank("whole", full)),
            closeness=Similarity(F("whole"), Value(full)),
        )
    return rows.order_by("rank", "-closeness", "family_name", "given_name", "id")
