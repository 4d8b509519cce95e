"""Employer contacts on the person's behalf, job starts and sustainment milestones.

The one module that reads the ``employers`` and ``placements`` apps. When either is not installed, the
extract leaves these columns out (``available()`` is false) rather than fail.

Milestones use ``placements.milestones`` under its default definition (IPS Grow: jobs of at least 4 hours a
week, weeks running on across a change of job with a break of up to 7 days), computed in Python from one query
of all the job starts, as of the extract date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.apps import apps
from django.db.models import Count, Min, Q, QuerySet

from placewell.governance.dictionary import BOOLEAN, DATE, INTEGER, NUMBER, STRING, YES_NO, Column, codes
from placewell.governance.sources import frame
from placewell.participants.models import Participant

EMPLOYERS = "employers: Engagement"
JOBS = "placements: JobStart"


def available() -> bool:
    return apps.is_installed("placewell.employers") and apps.is_installed("placewell.placements")


def employer_contacts(qs: QuerySet[Participant]) -> tuple[pd.DataFrame, list[Column]]:
    from placewell.employers.models import Engagement

    through = Engagement.participants.through
    rows = list(
        through.objects.filter(participant__in=qs.values("pk"))  # type: ignore[misc]  # django-stubs cannot see annotations on an automatic through model
        .order_by()
        .values("participant_id")
        .annotate(
            n=Count("engagement_id", distinct=True),
            f2f=Count("engagement_id", distinct=True, filter=Q(engagement__face_to_face=True)),
            first=Min("engagement__happened_on"),
        )
        .values_list("participant_id", "n", "f2f", "first")
    )
    df = frame(
        rows,
        [
            "participant_id",
            "employer_contacts_n",
            "employer_contacts_face_to_face_n",
            "first_employer_contact_on",
        ],
    )
    columns = [
        Column(
            "employer_contacts_n",
            "Employer contacts made on the person's behalf",
            INTEGER,
            "0 or more",
            EMPLOYERS,
            "Count of employer engagements naming the person",
        ),
        Column(
            "employer_contacts_face_to_face_n",
            "Face-to-face employer contacts on the person's behalf",
            INTEGER,
            "0 or more",
            EMPLOYERS,
            "Count of those engagements held face to face",
        ),
        Column(
            "first_employer_contact_on",
            "Date of the first employer contact on the person's behalf",
            DATE,
            "a date; empty if none",
            EMPLOYERS,
            "Earliest happened_on",
        ),
    ]
    return df, columns


def jobs(qs: QuerySet[Participant], today: dt.date) -> tuple[pd.DataFrame, list[Column]]:
    from placewell.placements import milestones
    from placewell.placements.models import ContractType, JobStart

    rows = list(
        JobStart.objects.filter(participant__in=qs.values("pk"))
        .order_by("participant_id", "started_on", "id")
        .values_list(
            "participant_id",
            "started_on",
            "ended_on",
            "hours",
            "hourly_pay",
            "contract_type",
            "soc",
            "competitive",
            "through_service",
        )
    )
    out: dict[int, dict[str, Any]] = {}
    spells: dict[int, list[milestones.Spell]] = {}
    for pid, start, end, hours, pay, contract, soc, competitive, through in rows:
        spells.setdefault(pid, []).append(milestones.Spell(start, end, float(hours)))
        if pid in out:
            out[pid]["job_starts_n"] += 1
            continue
        out[pid] = {
            "job_starts_n": 1,
            "first_job_started_on": start,
            "first_job_hours": float(hours),
            "first_job_hourly_pay": float(pay),
            "first_job_contract_type": contract,
            "first_job_soc_group": soc,
            "first_job_competitive": competitive,
            "first_job_through_service": through,
        }
    for pid, person in spells.items():
        s = milestones.sustainment(person, today)
        out[pid]["in_work_on_extract_date"] = s.in_work
        out[pid]["weeks_in_work_current"] = s.weeks_in_work
        for m in s.milestones:
            out[pid][f"milestone_{m.weeks}_weeks_on"] = m.reached_on
    df = pd.DataFrame.from_dict(out, orient="index")
    df.index.name = "participant_id"
    definition = milestones.DEFINITIONS[milestones.DEFAULT]
    columns = [
        Column("job_starts_n", "Job starts recorded", INTEGER, "0 or more", JOBS, "Count of job starts"),
        Column(
            "first_job_started_on",
            "Date of the first job start",
            DATE,
            "a date; empty if none",
            JOBS,
            "Earliest started_on",
        ),
        Column("first_job_hours", "First job: contracted hours a week", NUMBER, "0 or more", JOBS, "hours"),
        Column(
            "first_job_hourly_pay", "First job: hourly pay (GBP)", NUMBER, "0 or more", JOBS, "hourly_pay"
        ),
        Column(
            "first_job_contract_type",
            "First job: contract type",
            STRING,
            codes(ContractType),
            JOBS,
            "contract_type",
        ),
        Column(
            "first_job_soc_group",
            "First job: kind of job (SOC 2020 sub-major group)",
            STRING,
            "2-digit SOC 2020 codes",
            JOBS,
            "soc",
        ),
        Column(
            "first_job_competitive",
            "First job: competitive employment",
            BOOLEAN,
            YES_NO,
            JOBS,
            "competitive (placements.competitive: open to anyone, at least the minimum wage, not reserved)",
        ),
        Column(
            "first_job_through_service",
            "First job: found with the service's help",
            BOOLEAN,
            YES_NO,
            JOBS,
            "through_service",
        ),
        Column(
            "in_work_on_extract_date",
            "In work on the day of the extract",
            BOOLEAN,
            YES_NO,
            JOBS,
            f"A counted job open on the extract date ({definition.name} definition)",
        ),
        Column(
            "weeks_in_work_current",
            "Whole weeks of the current run of work",
            INTEGER,
            "0 or more",
            JOBS,
            f"placements.milestones.sustainment, {definition.name} definition: {definition.text}",
        ),
    ]
    for weeks in milestones.MILESTONE_WEEKS:
        columns.append(
            Column(
                f"milestone_{weeks}_weeks_on",
                f"Date {weeks} weeks in work were reached",
                DATE,
                "a date; empty if not reached",
                JOBS,
                f"placements.milestones, {definition.name} definition: {definition.text}",
            )
        )
    return df.reindex(columns=[c.name for c in columns]), columns
