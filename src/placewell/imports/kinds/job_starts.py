"""Job starts, with their competitive-employment check, and the end of jobs that have ended.

The rules are ``placements.services.record_job_start``'s, row by row: an open record, a job title, a SOC
2020 group, an employer (or self-employment), hours above 0 and at most 100 a week, pay above £0 and at most
£500 an hour, a start date today or earlier and not before the person was referred; and an end date, where
given, on or after the start and today or earlier, with its reason (``end_job``'s rules). The competitive check
is ``placements.competitive.check`` itself. These checks run on the preview too, naming the file's
columns; new job starts are then written through ``placements.services.record_job_starts``, a chunk of rows
at a time, which checks them again with ``record_job_start``'s own validators, writes each job's audit event
and moves a person receiving support who starts a current job to "in work", as the single action does.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from django.db.models import Min
from django.utils import timezone

from placewell.casework import soc
from placewell.employers.models import Employer
from placewell.imports import columns as c
from placewell.imports.kinds.base import Importer, Problems, Row
from placewell.imports.kinds.contacts import PARTICIPANT_ID, PARTICIPANT_REF, find_participants
from placewell.imports.models import ExternalRecord, Kind, Outcome
from placewell.participants.models import Referral, Status
from placewell.placements import competitive
from placewell.placements.models import ContractType, EndReason, JobStart
from placewell.placements.services import (
    MAX_HOURLY,
    MAX_HOURS,
    change_job_start,
    record_job_starts,
)

BULK_FIELDS = (
    "employer",
    "employer_name",
    "job_title",
    "started_on",
    "hours",
    "hourly_pay",
    "contract_type",
    "self_employed",
    "open_to_anyone",
    "through_service",
)
SOC_CHOICES = tuple((g.code, g.title) for g in soc.groups() if g.level == "sub-major")


def _long(day: object) -> str:
    return f"{day:%d/%m/%Y}"


class JobStartImporter(Importer):
    model = JobStart
    bulk_columns: ClassVar[dict[str, str]] = {
        "participant": "participant_external_id",
        "reason": "end_reason",
    }
    spec = c.Spec(
        kind=Kind.JOB_STARTS,
        title="Job starts",
        summary="Jobs participants started, each checked for competitive employment.",
        columns=(
            c.Column(
                "external_id",
                "The job's id in your old system",
                "text",
                c.external_id,
                required=True,
                format="unique in the file",
                example="J-301",
            ),
            PARTICIPANT_ID,
            PARTICIPANT_REF,
            c.Column(
                "employer_external_id",
                "The employer's id in your old system, as in the employers file",
                "text",
                c.external_id,
                required_note="unless employer_name is given or the job is self-employment",
                example="E-0042",
            ),
            c.Column(
                "employer_name",
                "The employer's name, if not in an employers file",
                "text",
                c.text(200),
                example="Greenway Garden Centre",
            ),
            c.Column(
                "job_title",
                "Job title",
                "text",
                c.text(200),
                required=True,
                example="Garden centre assistant",
            ),
            c.Column(
                "soc",
                "Kind of job: the SOC 2020 sub-major group (2 digits)",
                "choice",
                c.choice(SOC_CHOICES, "soc"),
                required=True,
                choices=SOC_CHOICES,
                example="92",
            ),
            c.Column(
                "started_on",
                "Start date",
                "date",
                c.date,
                required=True,
                format=c.DATE_FORMAT,
                example="2025-04-01",
            ),
            c.Column(
                "hours",
                "Contracted hours a week",
                "number",
                c.number,
                required=True,
                format="more than 0, at most 100",
                example="20",
            ),
            c.Column(
                "hourly_pay",
                "Hourly pay in pounds",
                "number",
                c.number,
                required=True,
                format="more than 0, at most 500; a £ sign is allowed",
                example="12.80",
            ),
            c.Column(
                "contract_type",
                "Contract type",
                "choice",
                c.choice(ContractType, "contract_type"),
                required=True,
                choices=c.pairs_of(ContractType),
                example="permanent",
            ),
            c.Column(
                "open_to_anyone",
                "Open to anyone, not set aside for disabled people (yes if empty)",
                "yes or no",
                c.yes_no,
                format="yes or no",
                example="yes",
            ),
            c.Column(
                "through_service",
                "Found with the service's help (yes if empty)",
                "yes or no",
                c.yes_no,
                format="yes or no",
                example="yes",
            ),
            c.Column("ended_on", "End date, if the job has ended", "date", c.date, format=c.DATE_FORMAT),
            c.Column(
                "end_reason",
                "Why the job ended",
                "choice",
                c.choice(EndReason, "end_reason"),
                required_note="when ended_on is given",
                choices=c.pairs_of(EndReason),
            ),
            c.Column("end_note", "A note about the end of the job", "text", c.text(5000)),
        ),
        notes=(
            "Give each job's person by participant_external_id (their id in your old system) or by "
            "participant_reference (their Placewell record number).",
        ),
        one_of=(("participant_external_id", "participant_reference"),),
    )

    def check_rows(self, rows: Sequence[Row], problems: Problems) -> None:
        find_participants(self, rows, problems)
        rows = [r for r in rows if r.extra["participant"] is not None]
        people = {r.extra["participant"].pk for r in rows}
        referred = dict(
            Referral.objects.filter(participant_id__in=people)
            .values("participant_id")
            .annotate(first=Min("referral_date"))
            .values_list("participant_id", "first")
        )
        employer_ids = {r.values.get("employer_external_id") for r in rows} - {"", None}
        employer_of = dict(
            ExternalRecord.objects.filter(
                service=self.service, kind=Kind.EMPLOYERS, external_id__in=employer_ids
            ).values_list("external_id", "object_id")
        )
        employers = Employer.objects.filter(service=self.service).in_bulk(set(employer_of.values()))
        jobs = JobStart.objects.in_bulk([r.mapping.object_id for r in rows if r.mapping is not None])
        for row in rows:
            self._check_row(row, referred, employer_of, employers, jobs, problems)

    def _check_row(
        self, row: Row, referred: dict, employer_of: dict, employers: dict, jobs: dict, problems: Problems
    ) -> None:  # type: ignore[type-arg]
        v, person, today = row.values, row.extra["participant"], timezone.localdate()
        if row.outcome == Outcome.CREATED and person.status in {Status.CLOSED, Status.ERASED}:
            problems.add(
                row,
                "participant_external_id",
                f"{person.reference}'s record is closed, so it cannot take a job start",
            )
            return
        if row.mapping is not None:
            job = jobs.get(row.mapping.object_id)
            if job is None or job.participant_id != person.pk:
                problems.add(
                    row,
                    "external_id",
                    f"the job imported as {row.external_id} has since been deleted or belongs to someone else",
                )
                return
            row.extra["job"] = job
        employer = None
        if v.get("employer_external_id"):
            employer = employers.get(employer_of.get(v["employer_external_id"]))
            if employer is None:
                problems.add(
                    row,
                    "employer_external_id",
                    f"no employer of {self.service.name} has the external id {c.shown(v['employer_external_id'])}: import the employers file first, or give employer_name",
                )
        self_employed = v.get("contract_type") == ContractType.SELF_EMPLOYED
        name = (employer.name if employer else v.get("employer_name", "")).strip() or (
            "Self-employed" if self_employed else ""
        )
        if not name and not v.get("employer_external_id"):
            problems.add(
                row,
                "employer_name",
                "give employer_external_id or employer_name (or the contract type self_employed)",
            )
        hours, pay = v.get("hours"), v.get("hourly_pay")
        if hours is not None and hours <= 0:
            problems.add(row, "hours", f"{hours} is not more than 0: hours a week must be more than 0")
        elif hours is not None and hours > MAX_HOURS:
            problems.add(row, "hours", f"{hours} is more than 100: hours a week must be 100 or fewer")
        if pay is not None and pay <= 0:
            problems.add(row, "hourly_pay", f"£{pay} is not more than £0: hourly pay must be more than £0")
        elif pay is not None and pay > MAX_HOURLY:
            problems.add(row, "hourly_pay", f"£{pay} is more than £500: enter the pay for one hour")
        started, ended = v.get("started_on"), v.get("ended_on")
        if started and started > today:
            problems.add(
                row, "started_on", f"{_long(started)} is in the future: record the job once they start"
            )
        first = referred.get(person.pk)
        if started and first and started < first:
            problems.add(
                row, "started_on", f"{_long(started)} is before the person was referred ({_long(first)})"
            )
        if ended and started and ended < started:
            problems.add(row, "ended_on", f"{_long(ended)} is before the start date ({_long(started)})")
        if ended and ended > today:
            problems.add(
                row, "ended_on", f"{_long(ended)} is in the future: the end date must be today or in the past"
            )
        if ended and not v.get("end_reason"):
            problems.add(row, "end_reason", "say why the job ended: the end date is given")
        if v.get("end_reason") and not ended:
            problems.add(row, "ended_on", "give the end date: the end reason is given")
        if not row.ok:
            return
        row.extra.update(employer=employer, employer_name=name, self_employed=self_employed)
        row.extra["check"] = competitive.check(
            started_on=started,
            hourly_pay=Decimal(pay),
            date_of_birth=person.date_of_birth,
            self_employed=self_employed,
            open_to_anyone=v.get("open_to_anyone") is not False,
            apprenticeship=v.get("contract_type") == ContractType.APPRENTICESHIP,
        )

    def _fields(self, row: Row) -> dict[str, object]:
        v, result = row.values, row.extra["check"]
        return {
            "employer": row.extra["employer"],
            "employer_name": row.extra["employer_name"],
            "job_title": v["job_title"].strip(),
            "soc": v["soc"],
            "started_on": v["started_on"],
            "hours": v["hours"],
            "hourly_pay": v["hourly_pay"],
            "contract_type": v["contract_type"],
            "self_employed": row.extra["self_employed"],
            "open_to_anyone": v.get("open_to_anyone") is not False,
            "through_service": v.get("through_service") is not False,
            "competitive": result.competitive,
            "competitive_reasons": list(result.reasons),
            "minimum_rate_pence": result.minimum_pence,
        }

    def write_rows(self, rows: Sequence[Row]) -> None:
        new = []
        for row in rows:
            if row.outcome == Outcome.UPDATED:
                self._update(row)
            else:
                new.append(row)
        if not new:
            return
        jobs = []
        for row in new:
            fields = self._fields(row)
            jobs.append(
                {
                    **{k: fields[k] for k in BULK_FIELDS},
                    "participant": row.extra["participant"],
                    "soc_code": fields["soc"],
                    "ended_on": row.values.get("ended_on"),
                    "end_reason": row.values.get("end_reason", ""),
                    "end_note": row.values.get("end_note", ""),
                }
            )
        added = record_job_starts(
            by=self.by,
            jobs=jobs,
            numbers=[row.number for row in new],
            how=f"imported from {self.source_label}",
            actor_label=self.actor_label,
        )
        for row, job in zip(new, added, strict=True):
            row.extra["object"] = job

    def _update(self, row: Row) -> None:
        fields = self._fields(row)
        values = {
            **{k: fields[k] for k in BULK_FIELDS},
            "soc_code": fields["soc"],
            "ended_on": row.values.get("ended_on"),
            "end_reason": row.values.get("end_reason", ""),
            "end_note": row.values.get("end_note", ""),
        }
        row.extra["object"] = change_job_start(
            by=self.by,
            job=row.extra["job"],
            values=values,
            how=f"by {self.source_label}",
            actor_label=self.actor_label,
        )
