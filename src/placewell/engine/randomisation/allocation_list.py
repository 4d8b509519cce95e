"""Uploaded allocation lists: parse, check and checksum a pre-generated list, and allocate from it.

Some trial statisticians generate the allocation sequence themselves (CONSORT 2010, item 8;
Schulz and Grimes, "Generation of allocation sequences in randomised trials: chance, not choice",
Lancet 2002;359:515-519) and send it as a CSV with its SHA-256 checksum (FIPS 180-4). The list has
one row per slot, with columns ``stratum``, ``slot`` and ``arm`` in any order (others are
ignored); slots in each stratum run 1, 2, 3 ... without gaps or repeats.

Two checksums are kept. ``file_sha256`` is the digest of the bytes uploaded, which is what
``sha256sum`` prints and what the statistician sends. ``checksum`` is the digest of the list's
canonical form (:meth:`AllocationList.to_csv`: header ``stratum,slot,arm``, rows sorted by stratum
then slot, ``\\n`` line ends), so the list can be re-verified from the rows the web layer stores,
at any time, without the original file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from ._random import Stratum, stratum_key
from .allocation import Allocation, check_arms, choose_treatment_arm, treatment_share
from .errors import (
    AllocationListError,
    AllocationListExhaustedError,
    ListProblem,
    StateError,
    UnknownStratumError,
)
from .schedule import check_ratio

__all__ = ["AllocationList", "ListState", "allocate_from_list", "parse_allocation_list"]

_COLUMNS = ("stratum", "slot", "arm")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _normalise_digest(value: str) -> str:
    digest = value.strip().lower().removeprefix("sha256:").strip()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise AllocationListError(
            "The checksum given is not a SHA-256 digest (64 hexadecimal characters); copy it again from "
            "the statistician's message or from the output of sha256sum."
        )
    return digest


@dataclass(frozen=True)
class AllocationList:
    """A checked allocation list: each stratum's arms in slot order, and its checksums."""

    arms: tuple[str, ...]
    entries: Mapping[str, tuple[str, ...]]
    treatment_arm: str
    ratio: tuple[int, ...] | None = None
    file_sha256: str | None = None

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[str, int, str]],
        arms: Sequence[str],
        *,
        treatment_arm: str | None = None,
        ratio: Sequence[int] | None = None,
        strata: Iterable[Stratum] | None = None,
    ) -> AllocationList:
        """Build a list from (stratum, slot, arm) rows, e.g. those the web layer stored, checking them all."""
        names = check_arms(arms, AllocationListError)
        numbered = (
            (index, stratum, str(slot), arm) for index, (stratum, slot, arm) in enumerate(rows, start=1)
        )
        return _build(numbered, names, treatment_arm, ratio, strata, None, "entry")

    @property
    def checksum(self) -> str:
        """SHA-256 of the canonical form; store it and pass it to :meth:`verify` later."""
        return _sha256(self.to_csv())

    def to_csv(self) -> bytes:
        """The canonical CSV (UTF-8): a valid upload whose file checksum equals :attr:`checksum`."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_COLUMNS)
        for stratum in sorted(self.entries):
            writer.writerows((stratum, slot, arm) for slot, arm in enumerate(self.entries[stratum], start=1))
        return buffer.getvalue().encode("utf-8")

    def rows(self) -> list[tuple[str, int, str]]:
        """(stratum, slot, arm) rows in canonical order, for storage."""
        return [
            (s, slot, arm) for s in sorted(self.entries) for slot, arm in enumerate(self.entries[s], start=1)
        ]

    def verify(self, expected_checksum: str) -> None:
        """Raise AllocationListError unless the canonical checksum equals ``expected_checksum``."""
        if self.checksum != _normalise_digest(expected_checksum):
            raise AllocationListError(
                "The allocation list no longer matches its recorded checksum: it has been altered since it "
                "was uploaded. Stop randomising with it and ask the trial statistician to check the list."
            )

    def ratio_for(self, stratum: str) -> tuple[int, ...]:
        """The declared ratio, or the stratum's composition in lowest terms if none was declared."""
        if self.ratio is not None:
            return self.ratio
        counts = [self.entries[stratum].count(arm) for arm in self.arms]
        divisor = reduce(math.gcd, counts)
        return tuple(c // divisor for c in counts) if divisor else tuple(counts)


def parse_allocation_list(
    data: bytes,
    arms: Sequence[str],
    *,
    expected_sha256: str | None = None,
    treatment_arm: str | None = None,
    ratio: Sequence[int] | None = None,
    strata: Iterable[Stratum] | None = None,
) -> AllocationList:
    """Parse and check an uploaded CSV; every bad row is reported by its line number.

    ``expected_sha256`` is the checksum the statistician sent for the file; ``ratio`` the ratio the
    list was generated with (recorded with each allocation; the stratum's own composition if not
    given); ``strata`` the trial's strata, so rows for any other are refused.
    """
    names = check_arms(arms, AllocationListError)
    file_sha256 = _sha256(data)
    if expected_sha256 is not None and _normalise_digest(expected_sha256) != file_sha256:
        raise AllocationListError(
            "The file's SHA-256 checksum does not match the one given: the file may have been altered or a "
            "different file chosen. Check with the trial statistician and upload the file they sent."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AllocationListError(
            "The file is not UTF-8 text; save it as 'CSV UTF-8' and upload it again."
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [c for c in _COLUMNS if c not in header]
    if missing:
        raise AllocationListError(
            f"The first row must be a header naming the columns stratum, slot and arm; missing: {', '.join(missing)}."
        )
    where = [header.index(c) for c in _COLUMNS]

    def records() -> Iterable[tuple[int, str, str, str]]:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(where):
                yield line, "", "", ""
                continue
            yield line, row[where[0]].strip(), row[where[1]].strip(), row[where[2]].strip()

    return _build(records(), names, treatment_arm, ratio, strata, file_sha256, "row")


def _build(
    records: Iterable[tuple[int, str, str, str]],
    arms: tuple[str, ...],
    treatment_arm: str | None,
    ratio: Sequence[int] | None,
    strata: Iterable[Stratum] | None,
    file_sha256: str | None,
    noun: str,
) -> AllocationList:
    treatment = choose_treatment_arm(arms, treatment_arm, AllocationListError)
    declared = None if ratio is None else check_ratio(ratio, len(arms), AllocationListError)
    allowed = None if strata is None else {stratum_key(s) for s in strata}
    problems: list[ListProblem] = []
    seen: dict[str, dict[int, tuple[int, str]]] = {}
    for line, stratum, slot_text, arm in records:
        row_problems = []
        if not stratum and not slot_text and not arm:
            problems.append(ListProblem(line, f"this {noun} needs three values: stratum, slot and arm"))
            continue
        if not stratum:
            row_problems.append("the stratum is blank")
        elif any(unicodedata.category(c) == "Cc" for c in stratum):
            row_problems.append("the stratum contains a line break, tab or other control character")
        elif allowed is not None and stratum not in allowed:
            row_problems.append(f"stratum {stratum!r} is not one of the trial's strata")
        slot = int(slot_text) if slot_text.isdigit() and slot_text.isascii() else 0
        if slot < 1:
            row_problems.append(f"slot {slot_text!r} is not a whole number of at least 1")
        if arm not in arms:
            row_problems.append(f"arm {arm!r} is not one of the trial's arms {list(arms)!r}")
        if not row_problems:
            earlier = seen.setdefault(stratum, {}).get(slot)
            if earlier is not None:
                row_problems.append(
                    f"stratum {stratum!r} slot {slot} was already given in {noun} {earlier[0]}"
                )
            else:
                seen[stratum][slot] = (line, arm)
        problems.extend(ListProblem(line, message) for message in row_problems)
    for stratum, slots in sorted(seen.items()):
        gaps = sorted(set(range(1, max(slots) + 1)) - set(slots))
        if gaps:
            shown = ", ".join(str(g) for g in gaps[:10]) + (
                f" and {len(gaps) - 10} more" if len(gaps) > 10 else ""
            )
            problems.append(
                ListProblem(
                    None, f"stratum {stratum!r} has no slot {shown}; slots must run 1, 2, 3 ... without gaps"
                )
            )
    if problems:
        raise AllocationListError(
            f"The allocation list has {len(problems)} problem(s); nothing was saved. Correct them and upload "
            "the whole list again.",
            tuple(problems),
        )
    if not seen:
        raise AllocationListError("The allocation list has no allocations; upload the list with its rows.")
    entries = {s: tuple(slots[i][1] for i in range(1, len(slots) + 1)) for s, slots in seen.items()}
    return AllocationList(arms, entries, treatment, declared, file_sha256)


@dataclass(frozen=True)
class ListState:
    """How many slots of a stratum's list are used: the value the web layer stores per stratum."""

    stratum: str
    slots_used: int = 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict for one database row."""
        return {"stratum": self.stratum, "slots_used": self.slots_used}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ListState:
        """Rebuild from :meth:`to_json`'s output, refusing anything malformed."""
        stratum, used = data.get("stratum"), data.get("slots_used")
        if not isinstance(stratum, str) or isinstance(used, bool) or not isinstance(used, int) or used < 0:
            raise StateError("The stored list state is malformed; restore it from the audit log.")
        return cls(stratum, used)


def allocate_from_list(
    state: ListState | None, stratum: Stratum, allocation_list: AllocationList
) -> tuple[Allocation, ListState]:
    """Allocate the stratum's next slot from the uploaded list: a pure step."""
    key = stratum_key(stratum)
    if key not in allocation_list.entries:
        raise UnknownStratumError(
            f"The allocation list has no slots for stratum {key!r}; check the participant's stratum fields, "
            "or ask the trial statistician for a list that covers this stratum."
        )
    current = ListState(key) if state is None else state
    if current.stratum != key:
        raise StateError(
            f"The stored state belongs to stratum {current.stratum!r}, not {key!r}; load the row for this stratum."
        )
    arms_in_stratum = allocation_list.entries[key]
    if current.slots_used >= len(arms_in_stratum):
        raise AllocationListExhaustedError(
            f"Every slot for stratum {key!r} in the uploaded list has been used; nothing was allocated. Ask the "
            "trial statistician for an extended list and upload it before randomising more people."
        )
    ratio = allocation_list.ratio_for(key)
    allocation = Allocation(
        stratum=key,
        slot=current.slots_used + 1,
        arm=arms_in_stratum[current.slots_used],
        method="allocation_list",
        arms=allocation_list.arms,
        ratio=ratio,
        treatment_arm=allocation_list.treatment_arm,
        probability_of_treatment=treatment_share(allocation_list.arms, ratio, allocation_list.treatment_arm),
    )
    return allocation, ListState(key, current.slots_used + 1)
