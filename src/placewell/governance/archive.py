"""The anonymised archive export: what may go to a data archive once personal data is no longer kept.

The Health-led Trials' agreement allowed "an anonymised version of their information" to be stored in the UK
Data Archive after 3 years (DWP research report 1025, sections 1.5 and 5.1.5). Anonymised here means, following the ICO's
anonymisation guidance (2022, chapter 2: the "motivated intruder") and the UK Data Service's guidance on
anonymising quantitative data:

- no identifiers of any kind: no names, contact details, NHS or National Insurance numbers, record numbers,
  references or pseudonyms (a pseudonym would link back to the service's records);
- no free text: every column is a code, a count, a flag or a number;
- no dates: the one calendar variable is the month of referral, and every other date is a whole number of
  months (or, for the first session, days) after referral or randomisation;
- ages in bands, pay rounded to 50p and hours to whole hours;
- k-anonymity: every combination of the quasi-identifiers below is shared by at least ``K`` people, by
  generalising them step by step and suppressing the few records still in small groups (``kanon``).

Quasi-identifiers are what someone who knows a participant could know without the data: the service they
used, when they were referred, their age, gender and ethnic group. Health conditions, outcomes and survey
scores are the archive's content, not quasi-identifiers.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from placewell.governance import kanon
from placewell.governance.dictionary import BOOLEAN, INTEGER, NUMBER, STRING, Column
from placewell.governance.extract import Progress, apply_types, quiet, research_frame
from placewell.participants.choices import EthnicGroup, Gender

K = 5
MAX_SUPPRESSED_SHARE = 0.05  # at most 5% of records removed; beyond that, generalise further
DAYS_PER_MONTH = 365.25 / 12
ARCHIVE = "governance: anonymised archive"

# Copied as they are: codes, flags and counts, none identifying on its own.
KEPT_PREFIXES = ("condition_", "barrier_")
KEPT = (
    "status",
    "referral_source",
    "employment_status_at_referral",
    "work_history_2_years",
    "highest_qualification",
    "activity_limitation",
    "conditions_n",
    "withdrawn_from_service",
    "withdrawn_from_research",
    "trial_registration",
    "arm",
    "treatment",
    "probability_of_treatment",
    "sessions_n",
    "sessions_over_15_min_n",
    "session_minutes_total",
    "sessions_face_to_face_n",
    "sessions_phone_n",
    "sessions_video_n",
    "sessions_text_or_email_n",
    "contacts_on_behalf_n",
    "contacts_with_employer_n",
    "days_randomisation_to_first_session",
    "employer_contacts_n",
    "employer_contacts_face_to_face_n",
    "job_starts_n",
    "first_job_contract_type",
    "first_job_soc_group",
    "first_job_competitive",
    "first_job_through_service",
    "in_work_on_extract_date",
)
SURVEY_SUFFIXES = ("_status", "_mode")  # survey dates are dropped; scores are kept


def _age_fine(age: pd.Series) -> pd.Series:
    bins, labels = [0, 25, 30, 40, 50, 60, 200], ["16-24", "25-29", "30-39", "40-49", "50-59", "60+"]
    return (
        pd.cut(pd.to_numeric(age).astype("float"), bins=bins, labels=labels, right=False)
        .astype("string")
        .fillna("not known")
    )


def _age_coarse(age: pd.Series) -> pd.Series:
    bins, labels = [0, 30, 50, 200], ["16-29", "30-49", "50+"]
    return (
        pd.cut(pd.to_numeric(age).astype("float"), bins=bins, labels=labels, right=False)
        .astype("string")
        .fillna("not known")
    )


def _month(day: pd.Series) -> pd.Series:
    return pd.to_datetime(day).dt.strftime("%Y-%m").astype("string").fillna("not known")


def _quarter(day: pd.Series) -> pd.Series:
    d = pd.to_datetime(day)
    return (d.dt.year.astype("string") + "-Q" + d.dt.quarter.astype("string")).fillna("not known")


def _year(day: pd.Series) -> pd.Series:
    return pd.to_datetime(day).dt.year.astype("string").fillna("not known")


def _gender(values: pd.Series) -> pd.Series:
    mapped = values.map({Gender.FEMALE: "female", Gender.MALE: "male"})
    return mapped.where(values.isin([Gender.FEMALE, Gender.MALE]), "another or not stated").astype("string")


_ETHNIC_FIVE = {
    value: ("not stated" if value == EthnicGroup.NOT_SAID else value.split("_", 1)[0])
    for value in EthnicGroup.values
}


def _ethnic_five(values: pd.Series) -> pd.Series:
    return values.map(_ETHNIC_FIVE).fillna("not stated").astype("string")


def _ethnic_two(values: pd.Series) -> pd.Series:
    five = _ethnic_five(values)
    return five.where(five.isin(["white", "not stated"]), "ethnic minority").astype("string")


LADDERS = (
    kanon.Ladder("service", [("service", lambda s: s.astype("string")), ("all services", kanon.everything)]),
    kanon.Ladder(
        "referral_month",
        [("month", _month), ("quarter", _quarter), ("year", _year), ("all dates", kanon.everything)],
    ),
    kanon.Ladder(
        "age_band",
        [("10-year bands", _age_fine), ("3 bands", _age_coarse), ("all ages", kanon.everything)],
    ),
    kanon.Ladder("gender", [("3 groups", _gender), ("all", kanon.everything)]),
    kanon.Ladder(
        "ethnic_group",
        [
            ("5 ONS groups", _ethnic_five),
            ("white or ethnic minority", _ethnic_two),
            ("all", kanon.everything),
        ],
    ),
)
QUASI_IDENTIFIERS = tuple(lad.column for lad in LADDERS)


@dataclass
class Archive:
    data: pd.DataFrame
    columns: list[Column]
    made_on: dt.date
    result: kanon.Result
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.data)


def _months(later: pd.Series, earlier: pd.Series) -> pd.Series:
    days = (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days
    months = cast(
        "pd.Series", np.floor(days / DAYS_PER_MONTH)
    )  # numpy's stubs say ndarray; a Series stays one
    return months.astype("Int64")


def build_archive(
    service_ids: Sequence[int] | None,
    *,
    k: int = K,
    today: dt.date | None = None,
    progress: Progress = quiet,
) -> Archive:
    rf = research_frame(service_ids, today=today, progress=progress)
    src, by_name = rf.data, {c.name: c for c in rf.columns}
    progress("Coarsening dates, ages and amounts")
    out = pd.DataFrame(index=src.index)
    columns: list[Column] = []
    qi_labels = {
        "service": "Service (generalised to all services where needed for k-anonymity)",
        "referral_month": "Month of first referral (YYYY-MM; generalised to quarter, year or all where needed)",
        "age_band": "Age band at referral (generalised to 3 bands or all where needed)",
        "gender": "Gender: female, male, another or not stated (or all where needed)",
        "ethnic_group": "Ethnic group: ONS high-level groups (or white or ethnic minority, or all, where needed)",
    }
    out["service"] = src["service"]
    out["referral_month"] = src["referred_on"]
    out["age_band"] = src["age_at_referral"]
    out["gender"] = src["gender"]
    out["ethnic_group"] = src["ethnic_group"]
    for name in QUASI_IDENTIFIERS:
        columns.append(
            Column(
                name,
                qi_labels[name],
                STRING,
                "see the label; 'all' where generalised away",
                ARCHIVE,
                "Quasi-identifier, generalised for k-anonymity (see README.txt)",
            )
        )
    keep = [n for n in by_name if n in KEPT or n.startswith(KEPT_PREFIXES)]
    survey = [
        c.name
        for c in rf.columns
        if c.source.startswith("surveys")
        and (c.name.endswith(SURVEY_SUFFIXES) or c.type in (NUMBER, BOOLEAN))
    ]
    for name in [*keep, *survey]:
        out[name] = src[name]
        columns.append(by_name[name])
    derived = {
        "months_referral_to_randomisation": ("randomised_on", "Whole months from referral to randomisation"),
        "months_referral_to_support_start": (
            "support_started_on",
            "Whole months from referral to the start of support",
        ),
        "months_referral_to_support_end": (
            "support_ended_on",
            "Whole months from referral to the end of support",
        ),
        "months_referral_to_first_job": (
            "first_job_started_on",
            "Whole months from referral to the first job start",
        ),
    }
    for name, (date_column, label) in derived.items():
        if date_column in src:
            out[name] = _months(src[date_column], src["referred_on"])
            columns.append(
                Column(
                    name,
                    label,
                    INTEGER,
                    "0 or more; empty if the event has not happened",
                    ARCHIVE,
                    f"floor(({date_column} - referred_on) in days / 30.44)",
                )
            )
    if "first_job_hours" in src:
        out["first_job_hours"] = pd.to_numeric(src["first_job_hours"]).round(0).astype("Int64")
        out["first_job_hourly_pay"] = (pd.to_numeric(src["first_job_hourly_pay"]) * 2).round(0) / 2
        columns += [
            Column(
                "first_job_hours",
                "First job: contracted hours a week, to the nearest hour",
                INTEGER,
                "0 or more",
                ARCHIVE,
                "first_job_hours rounded",
            ),
            Column(
                "first_job_hourly_pay",
                "First job: hourly pay (GBP), to the nearest 50p",
                NUMBER,
                "0 or more",
                ARCHIVE,
                "first_job_hourly_pay rounded to 0.50",
            ),
        ]
        for weeks in (4, 13, 26, 52):
            out[f"reached_{weeks}_weeks_in_work"] = src[f"milestone_{weeks}_weeks_on"].notna()
            columns.append(
                Column(
                    f"reached_{weeks}_weeks_in_work",
                    f"Reached {weeks} weeks in work",
                    BOOLEAN,
                    "true; false",
                    ARCHIVE,
                    f"milestone_{weeks}_weeks_on is set (IPS Grow definition)",
                )
            )
    progress(f"Checking k-anonymity (k = {k}) on {', '.join(QUASI_IDENTIFIERS)}")
    result = kanon.anonymise(
        out.reset_index(drop=True), LADDERS, k=k, max_suppressed_share=MAX_SUPPRESSED_SHARE
    )
    data = result.data.sample(frac=1, random_state=secrets.randbits(32)).reset_index(
        drop=True
    )  # no row order
    data = data[[c.name for c in columns]]
    apply_types(data, columns)
    notes = [
        f"k-anonymity: every combination of {', '.join(QUASI_IDENTIFIERS)} is shared by at least {k} records "
        f"(smallest group {result.smallest_group}).",
        "Generalisation used: " + "; ".join(f"{c}: {lvl}" for c, lvl in result.levels.items()) + ".",
        f"Records suppressed to reach it: {result.suppressed}.",
    ]
    if not rf.jobs_included:
        notes.append("Employer contacts and job outcomes are left out: not installed here.")
    progress(f"Archive ready: {len(data):,} rows ({result.suppressed} suppressed)")
    return Archive(data, columns, rf.made_on, result, notes)


def archive_files(archive: Archive) -> dict[str, bytes]:
    from placewell.governance.dictionary import dictionary_csv
    from placewell.governance.extract import to_csv

    readme = "\n".join(
        [
            "Placewell anonymised archive export",
            "",
            f"Made in {archive.made_on:%B %Y}: {archive.rows} rows, {len(archive.columns)} columns.",
            "No identifiers, no free text, no dates finer than a month; ages in bands.",
            *archive.notes,
            "Every column is described in data_dictionary.csv.",
        ]
    )
    return {
        "archive.csv": to_csv(archive.data, archive.columns).encode(),
        "data_dictionary.csv": dictionary_csv(archive.columns).encode(),
        "README.txt": (readme + "\n").encode(),
    }
