"""Linked administrative outcomes: import a data holder's monthly file, and summarise it per person.

The Health-led Trials linked survey answers to administrative employment, earnings and benefit records by
national identifiers (DWP research report 1025, sections 1.5 and 6.3). Here the data holder never receives an identifier
from the service, nor the service one from them: both sides pseudonymise the NHS number with the same
research key (``governance.pseudonyms.nhs_pseudonym``), so the file is keyed by ``pseudo_nhs_number``.

The file is CSV with exactly the columns ``pseudo_nhs_number, month (YYYY-MM), employed (0/1), earnings
(pounds), out_of_work_benefits (0/1)``, one row per person and month. Every row is checked before anything
is saved; one bad row refuses the whole file, naming the row and column, and nothing is linked. A good file
replaces the trial's previous import, in one transaction, and leaves a match report.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from django.db import transaction

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.analysis.models import LinkageImport, LinkedOutcome
from placewell.errors import ActionError
from placewell.governance import pseudonyms
from placewell.participants.models import Participant
from placewell.trials.models import Allocation, Trial

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

COLUMNS = ("pseudo_nhs_number", "month", "employed", "earnings", "out_of_work_benefits")
KEY = re.compile(r"^[0-9a-f]{64}$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FOLLOW_UP_MONTHS = 12
"""The 12 calendar months after the randomisation month."""
ADMIN_EMPLOYED_MONTHS = 3
"""Administrative data are monthly: 13 weeks in work is taken as 3 or more employed months of the 12."""
MAX_PROBLEMS = 20
MAX_EARNINGS = Decimal("1000000")


class LinkageError(ActionError):
    """The file was refused; ``problems`` names each bad row and column. Nothing was linked."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        super().__init__(f"The file was not imported and nothing was linked: {text}")


@dataclass(frozen=True)
class LinkedRow:
    row: int
    key: str
    month: dt.date
    employed: bool
    earnings: Decimal
    benefits: bool


def _flag(value: str, row: int, column: str, problems: list[str]) -> bool:
    if value not in ("0", "1"):
        problems.append(f"row {row}, column {column}: {value[:12]!r} must be 0 or 1")
        return False
    return value == "1"


def parse(text: str) -> list[LinkedRow]:
    """Every row of the file, checked; LinkageError listing every problem (rows count the header as 1)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise LinkageError(["the file is empty: it needs a header row with " + ", ".join(COLUMNS)])
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [h for h in names if h not in COLUMNS]
    if missing or unknown or len(names) != len(set(names)):
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unexpected column(s) {', '.join(repr(u[:30]) for u in unknown)}")
        if len(names) != len(set(names)):
            parts.append("a column appears twice")
        raise LinkageError(
            [f"the header row has {'; '.join(parts)}; it must be exactly {', '.join(COLUMNS)}"]
        )
    at = {name: names.index(name) for name in COLUMNS}
    rows: list[LinkedRow] = []
    problems: list[str] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            problems.append(f"row {number}: {len(cells)} values where the header has {len(names)}")
            continue
        value = {name: cells[i].strip() for name, i in at.items()}
        before = len(problems)
        key = value["pseudo_nhs_number"].lower()
        if not KEY.match(key):
            digits = re.sub(r"\s", "", key)
            hint = (
                " (this looks like an NHS number itself: pseudonymise it with the research key first)"
                if digits.isdigit() and len(digits) == 10
                else ""
            )
            # The value is never repeated: it could be an identifier that should not be in the file.
            problems.append(
                f"row {number}, column pseudo_nhs_number: not a pseudonym of 64 hexadecimal characters{hint}"
            )
        month = MONTH.match(value["month"])
        if month is None:
            problems.append(
                f"row {number}, column month: {value['month'][:12]!r} is not a month like 2027-03"
            )
        employed = _flag(value["employed"], number, "employed", problems)
        benefits = _flag(value["out_of_work_benefits"], number, "out_of_work_benefits", problems)
        try:
            earnings = Decimal(value["earnings"])
            if not earnings.is_finite() or earnings < 0 or earnings >= MAX_EARNINGS:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                f"row {number}, column earnings: {value['earnings'][:12]!r} must be an amount in pounds, "
                "0 or more, like 1234.56"
            )
            earnings = Decimal(0)
        if len(problems) == before and month is not None:
            rows.append(
                LinkedRow(
                    number,
                    key,
                    dt.date(int(month.group(1)), int(month.group(2)), 1),
                    employed,
                    earnings.quantize(Decimal("0.01")),
                    benefits,
                )
            )
    if problems:
        raise LinkageError(problems)
    if not rows:
        raise LinkageError(["the file has a header but no rows"])
    return rows


def month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def trial_keys(trial: Trial, key: bytes) -> dict[str, tuple[int, dt.date]]:
    """Pseudonymised NHS number -> (participant, randomisation date) for the trial's non-erased people."""
    rows = (
        Allocation.objects.filter(trial=trial, participant__in=Participant.objects.reportable())
        .exclude(participant__nhs_number="")
        .order_by()
        .values_list("participant__nhs_number", "participant_id", "allocated_on")
    )
    out: dict[str, tuple[int, dt.date]] = {}
    for number, pid, on in rows:
        pseudo = pseudonyms.nhs_pseudonym(key, number)
        if pseudo:
            out[pseudo] = (pid, on)
    return out


@transaction.atomic
def import_linked_outcomes(
    *,
    by: User | None,
    trial: Trial,
    file_name: str,
    body: bytes,
    key: bytes | None = None,
    request: HttpRequest | None = None,
) -> LinkageImport:
    """Check the whole file, then replace the trial's linked outcomes with it and record the match report."""
    key = key if key is not None else pseudonyms.load_research_key()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LinkageError(["the file is not UTF-8 text: save it as CSV (UTF-8)"]) from None
    rows = parse(text)
    people = trial_keys(trial, key)
    seen: set[tuple[str, dt.date]] = set()
    unmatched: set[str] = set()
    duplicates: list[int] = []
    outside = 0
    matched: set[str] = set()
    keep: list[LinkedRow] = []
    for r in rows:
        if (r.key, r.month) in seen:
            duplicates.append(r.row)
            continue
        seen.add((r.key, r.month))
        if r.key not in people:
            unmatched.add(r.key)
            continue
        matched.add(r.key)
        after = month_number(r.month) - month_number(people[r.key][1])
        if not 1 <= after <= FOLLOW_UP_MONTHS:
            outside += 1
        keep.append(r)
    LinkedOutcome.objects.filter(trial=trial).delete()
    report: dict[str, Any] = {
        "duplicate_rows": duplicates[:MAX_PROBLEMS],
        "people_in_trial_with_nhs_number": len(people),
        "people_not_in_file": len(set(people) - matched),
        "rows_linked": len(keep),
    }
    record = LinkageImport.objects.create(
        trial=trial,
        file_name=file_name[:200],
        file_sha256=hashlib.sha256(body).hexdigest(),
        key_fingerprint=pseudonyms.key_fingerprint(key),
        rows_read=len(rows),
        people_matched=len(matched),
        unmatched_keys=len(unmatched),
        duplicate_rows=len(duplicates),
        months_outside_window=outside,
        report=report,
        imported_by=by if by is not None and by.is_authenticated else None,
    )
    LinkedOutcome.objects.bulk_create(
        [
            LinkedOutcome(
                trial=trial,
                linkage=record,
                pseudo_nhs_number=r.key,
                participant_id=people[r.key][0],
                month=r.month,
                employed=r.employed,
                earnings=r.earnings,
                out_of_work_benefits=r.benefits,
            )
            for r in keep
        ],
        batch_size=2000,
    )
    audit.record(
        by,
        AuditEvent.Action.CREATE,
        "linkage_import",
        record.pk,
        service_id=trial.service_id,
        summary=(
            f"Linked administrative outcomes for {trial.registration_number}: {len(rows)} rows read, "
            f"{len(matched)} people matched, {len(unmatched)} keys not matched"
        ),
        changes={"file_sha256": record.file_sha256, "key_fingerprint": record.key_fingerprint, **report},
        request=request,
    )
    return record


def latest_import(trial: Trial) -> LinkageImport | None:
    return LinkageImport.objects.filter(trial=trial).first()


ADMIN_COLUMNS = (
    "admin_linked",
    "admin_months_employed_12m",
    "admin_employed_13wk",
    "admin_earnings_12m",
    "admin_benefit_months_12m",
)


def admin_outcomes(trial: Trial, pseudo_nhs: pd.Series, randomised_on: pd.Series) -> pd.DataFrame:
    """Per person (the index of ``pseudo_nhs``): linked or not, and the 12 months after the randomisation
    month summarised. People with no linked row are missing (not zero) on every outcome; a linked person's
    months without a row count as not employed, no earnings and no benefits."""
    out = pd.DataFrame(index=pseudo_nhs.index, columns=list(ADMIN_COLUMNS), dtype=float)
    out["admin_linked"] = 0
    rows = list(
        LinkedOutcome.objects.filter(trial=trial)
        .order_by()
        .values_list("pseudo_nhs_number", "month", "employed", "earnings", "out_of_work_benefits")
    )
    if not rows:
        return out
    linked = pd.DataFrame.from_records(rows, columns=["key", "month", "employed", "earnings", "benefits"])
    owner: Mapping[str, Any] = {k: pid for pid, k in pseudo_nhs.items() if isinstance(k, str) and k}
    linked["pid"] = linked["key"].map(owner)
    linked = linked.dropna(subset=["pid"])
    if linked.empty:
        return out
    linked["pid"] = linked["pid"].astype(pseudo_nhs.index.dtype)
    start = randomised_on.map(lambda d: month_number(d))
    linked["after"] = linked["month"].map(month_number) - linked["pid"].map(start)
    window = linked.loc[(linked["after"] >= 1) & (linked["after"] <= FOLLOW_UP_MONTHS)]
    people = pd.Index(linked["pid"].unique())
    out.loc[people, "admin_linked"] = 1
    sums = (
        window.assign(earnings=window["earnings"].astype(float))
        .groupby("pid")[["employed", "earnings", "benefits"]]
        .sum()
    )
    sums = sums.reindex(people, fill_value=0)
    out.loc[people, "admin_months_employed_12m"] = sums["employed"].to_numpy(dtype=float)
    out.loc[people, "admin_earnings_12m"] = sums["earnings"].to_numpy(dtype=float)
    out.loc[people, "admin_benefit_months_12m"] = sums["benefits"].to_numpy(dtype=float)
    months = out["admin_months_employed_12m"]
    out["admin_employed_13wk"] = np.where(
        months.isna(), np.nan, (months >= ADMIN_EMPLOYED_MONTHS).astype(float)
    )
    return out
