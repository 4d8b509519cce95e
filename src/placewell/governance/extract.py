"""The pseudonymised research extract: one row per participant, for the evaluation's statisticians.

Assembles the sources (``sources``, ``sources_mi``, ``sources_jobs``) into one frame keyed by person, replaces
the private identifiers with keyed pseudonyms (``pseudonyms``), and writes CSV or Parquet with its data
dictionary. About a dozen queries in all, whatever the number of people: no per-person ORM loop.

What is never extracted: names, contact details, addresses and postcodes, date of birth (ages are given
instead), the NHS and National Insurance numbers themselves, and free text (notes, reasons, "about them").
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from placewell.governance import pseudonyms, sources, sources_jobs, sources_mi
from placewell.governance.dictionary import BOOLEAN, DATE, INTEGER, NUMBER, STRING, Column, dictionary_csv
from placewell.ui.exports import escape_frame

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

Progress = Callable[[str], None]
FORMATS = ("csv", "parquet")
IDS = "governance: keyed HMAC-SHA256 (governance.pseudonyms)"


def quiet(_message: str) -> None:
    return None


@dataclass
class ResearchFrame:
    """The assembled rows, indexed by participant id, with private columns (names starting "_")."""

    data: pd.DataFrame
    columns: list[Column]
    jobs_included: bool
    made_on: dt.date


@dataclass
class Extract:
    data: pd.DataFrame  # public columns only, in dictionary order
    columns: list[Column]
    made_on: dt.date
    key_fingerprint: str
    jobs_included: bool
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.data)


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days.astype("Int64")


def research_frame(
    service_ids: Sequence[int] | None, *, today: dt.date | None = None, progress: Progress = quiet
) -> ResearchFrame:
    """Every source joined onto the people of the chosen services (all services when None)."""
    today = today or timezone.localdate()
    qs = sources.people(service_ids)
    progress("Reading participant records")
    base, columns = sources.record(qs)
    progress(f"{len(base):,} participants; reading referrals, agreements and support dates")
    steps: list[tuple[str, Callable[[], tuple[pd.DataFrame, list[Column]]]]] = [
        ("referrals, agreements and support dates", lambda: sources.referral_and_agreement(qs)),
        ("trial allocations", lambda: sources.allocation(qs)),
        ("casework contacts", lambda: sources_mi.contacts(qs)),
    ]
    jobs_included = sources_jobs.available()
    if jobs_included:
        steps += [
            ("employer contacts", lambda: sources_jobs.employer_contacts(qs)),
            ("job starts and milestones", lambda: sources_jobs.jobs(qs, today)),
        ]
    steps.append(("survey waves and scores", lambda: sources_mi.surveys(qs, service_ids)))
    survey_columns: list[Column] = []
    for label, step in steps:
        progress(f"Reading {label}")
        part, part_columns = step()
        base = base.join(part.reindex(columns=[c.name for c in part_columns]), how="left")
        columns += part_columns
        if label.startswith("survey"):
            survey_columns = part_columns
    sources_mi.fill_survey_status(base, survey_columns)
    age_part, age_columns = sources.ages(base)
    base = base.join(age_part)
    columns += age_columns
    base["days_randomisation_to_first_session"] = _days(base["first_session_on"], base["randomised_on"])
    base["days_referral_to_first_session"] = _days(base["first_session_on"], base["referred_on"])
    columns += [
        Column(
            "days_randomisation_to_first_session",
            "Days from randomisation to the first session",
            INTEGER,
            "whole days (negative if a session came first); empty if either date is missing",
            "derived",
            "first_session_on minus randomised_on (DWP research report 1025, MI: time from randomisation to first session)",
        ),
        Column(
            "days_referral_to_first_session",
            "Days from referral to the first session",
            INTEGER,
            "whole days; empty if either date is missing",
            "derived",
            "first_session_on minus referred_on",
        ),
    ]
    for c in columns:  # counts are zero, not missing, for people with nothing recorded
        if c.type == INTEGER and (c.name.endswith("_n") or c.name == "session_minutes_total"):
            base[c.name] = base[c.name].fillna(0)
    return ResearchFrame(base, columns, jobs_included, today)


def build_extract(
    service_ids: Sequence[int] | None,
    key: bytes,
    *,
    today: dt.date | None = None,
    progress: Progress = quiet,
) -> Extract:
    """The research extract under ``key`` (``pseudonyms.load_research_key()``)."""
    rf = research_frame(service_ids, today=today, progress=progress)
    progress("Pseudonymising identifiers")
    df = rf.data
    ids = pd.DataFrame(index=df.index)
    ids["pseudo_id"] = [pseudonyms.record_pseudonym(key, int(pk)) for pk in df.index]
    ids["pseudo_nhs_number"] = [pseudonyms.nhs_pseudonym(key, v) for v in df["_nhs"]]
    ids["pseudo_ni_number"] = [pseudonyms.ni_pseudonym(key, v) for v in df["_ni"]]
    id_columns = [
        Column(
            "pseudo_id",
            "Pseudonymous row key",
            STRING,
            "20 hexadecimal characters",
            IDS,
            'First 20 hex characters of HMAC-SHA256(key, "participant:" + record number); stable under one key',
        ),
        Column(
            "pseudo_nhs_number",
            "Pseudonymised NHS number, for linkage",
            STRING,
            "64 hexadecimal characters; empty if no NHS number was recorded",
            IDS,
            'HMAC-SHA256(key, "nhs:" + the 10 digits without spaces); the same number gives the same value in every '
            "extract made with the same key",
        ),
        Column(
            "pseudo_ni_number",
            "Pseudonymised National Insurance number, for linkage",
            STRING,
            "64 hexadecimal characters; empty if none was recorded",
            IDS,
            'HMAC-SHA256(key, "ni:" + the number in capitals without spaces)',
        ),
    ]
    columns = id_columns + rf.columns
    data = ids.join(df)[[c.name for c in columns]].reset_index(drop=True)
    apply_types(data, columns)
    notes = (
        [] if rf.jobs_included else ["Employer contacts and job outcomes are left out: not installed here."]
    )
    progress(f"Extract ready: {len(data):,} rows, {len(columns)} columns")
    return Extract(data, columns, rf.made_on, pseudonyms.key_fingerprint(key), rf.jobs_included, notes)


def apply_types(df: pd.DataFrame, columns: Sequence[Column]) -> None:
    """Give every column the pandas type its dictionary entry names (nullable where values may be missing)."""
    for c in columns:
        values = df[c.name]
        if c.type == INTEGER:
            df[c.name] = pd.to_numeric(values).astype("Int64")
        elif c.type == NUMBER:
            df[c.name] = pd.to_numeric(values).astype("Float64")
        elif c.type == BOOLEAN:
            df[c.name] = values.astype("boolean")
        elif c.type == DATE:
            stamps = pd.to_datetime(values)
            df[c.name] = stamps.dt.date.where(stamps.notna(), None).astype(object)
        elif c.type == STRING:
            df[c.name] = values.astype("string")


def to_csv(df: pd.DataFrame, columns: Sequence[Column]) -> str:
    """CSV with ISO dates, true/false and empty cells for missing values (RFC 4180, UTF-8).

    Text cells that a spreadsheet would run as a formula are escaped (placewell.ui.exports).
    """
    out = df.copy()
    for c in columns:
        if c.type == BOOLEAN:
            out[c.name] = out[c.name].map({True: "true", False: "false"}, na_action="ignore")
    return escape_frame(out).to_csv(index=False, lineterminator="\n")


_ARROW = {
    STRING: pa.string(),
    INTEGER: pa.int64(),
    NUMBER: pa.float64(),
    BOOLEAN: pa.bool_(),
    DATE: pa.date32(),
}


def to_parquet(df: pd.DataFrame, columns: Sequence[Column]) -> bytes:
    """Parquet with each column's type and its label and derivation as field metadata."""
    schema = pa.schema(
        [
            pa.field(c.name, _ARROW[c.type], metadata={"label": c.label, "derivation": c.derivation})
            for c in columns
        ]
    )
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def readme(extract: Extract, title: str) -> str:
    lines = [
        title,
        "",
        f"Made on {extract.made_on.isoformat()}: {extract.rows} rows, {len(extract.columns)} columns.",
        f"Pseudonym key fingerprint: {extract.key_fingerprint} (extracts with the same fingerprint link).",
        "Every column is described in data_dictionary.csv.",
        "Withdrawn people are included and flagged; erased records never appear.",
        *extract.notes,
    ]
    return "\n".join(lines) + "\n"


def write_files(
    extract: Extract, directory: Path, formats: Sequence[str], stem: str = "research_extract"
) -> list[Path]:
    """Write the extract (in each format), its data dictionary and a short read-me into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in files(extract, formats, stem).items():
        path = directory / name
        path.write_bytes(body)
        written.append(path)
    return written


def files(extract: Extract, formats: Sequence[str], stem: str = "research_extract") -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if "csv" in formats:
        out[f"{stem}.csv"] = to_csv(extract.data, extract.columns).encode()
    if "parquet" in formats:
        out[f"{stem}.parquet"] = to_parquet(extract.data, extract.columns)
    out["data_dictionary.csv"] = dictionary_csv(extract.columns).encode()
    out["README.txt"] = readme(extract, "Placewell pseudonymised research extract").encode()
    return out


def zipped(named: dict[str, bytes]) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in named.items():
            archive.writestr(name, body)
    return sink.getvalue()


def download(
    *,
    by: User,
    service_ids: Sequence[int],
    key: bytes,
    fmt: str,
    request: HttpRequest | None = None,
) -> tuple[bytes, Extract]:
    """The zipped extract (``fmt``, its dictionary and read-me) for ``by``, audited as an export.

    Refused (PermissionDenied) unless ``by`` may see pseudonymised data of every service asked for, whoever
    calls it: the policy (``accounts.policy``) is asked here, not only by the page.
    """
    from placewell.accounts.models import Service
    from placewell.accounts.policy import Perm, require, services_in_scope
    from placewell.governance import services

    require(by, Perm.VIEW_PSEUDONYMISED)
    ids = sorted(set(service_ids))
    if not ids or Service.objects.filter(services_in_scope(by), pk__in=ids).count() != len(ids):
        raise PermissionDenied("You may download extracts of your own organisation's services only.")
    result = build_extract(ids, key)
    body = zipped(files(result, [fmt]))
    services.record_export(
        by=by,
        what="research extract",
        rows=result.rows,
        service_id=ids[0] if len(ids) == 1 else None,
        changes={"services": ids, "format": fmt, "key_fingerprint": result.key_fingerprint},
        request=request,
    )
    return body, result
