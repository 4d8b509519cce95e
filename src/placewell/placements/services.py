"""Job actions: record a job start, end a job, write the in-work support plan. Each is atomic and writes its
audit event (with ``participant_id``) in the same transaction.

A job start moves a person receiving support to "in work" (``participants.services.record_in_work``); a job
end moves them back to receiving support (``record_out_of_work``) unless another job continues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from placewell.accounts import audit, bulk
from placewell.accounts.models import AuditEvent
from placewell.casework import soc
from placewell.employers.models import Employer, Vacancy
from placewell.errors import ActionError
from placewell.participants import services as participant_actions
from placewell.participants.models import Participant, Referral, Status
from placewell.placements import competitive, milestones
from placewell.placements.models import ContractType, EndReason, InWorkPlan, JobStart

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action
MAX_HOURS = Decimal(100)  # more than 100 hours a week is taken as a typing mistake
MAX_HOURLY = Decimal(500)  # more than £500 an hour is taken as a typing mistake
CONTRACT_TYPES = frozenset(ContractType.values)  # made once: ``values`` builds a list on every call
END_REASONS = frozenset(EndReason.values)


class PlacementError(ActionError):
    """Input an action cannot accept."""


def _log(
    by: User | None,
    action: str,
    job: JobStart,
    summary: str,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> None:
    audit.record(
        by,
        action,
        "job_start",
        job.pk,
        participant_id=job.participant_id,
        service_id=job.participant.service_id,
        summary=summary,
        changes=changes,
        request=request,
    )


def referred_on(participant: Participant) -> dt.date | None:
    return participant.referrals.aggregate(first=Min("referral_date"))["first"]


def _decimal(value: Any, field: str, label: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise PlacementError(f"{label} must be a number", field) from None


def check_job_start(
    values: Mapping[str, Any], *, referred: dt.date | None, date_of_birth: dt.date | None
) -> dict[str, Any]:
    """The rules a new job start meets, recorded one at a time (``record_job_start``) or many at once
    (``record_job_starts``): raises ``PlacementError`` naming the field. Returns the employer's name, whether
    the job is self-employment, hours and pay as decimals, and the competitive check's ``result``."""
    contract_type = values.get("contract_type")
    if not str(values.get("job_title") or "").strip():
        raise PlacementError("Enter the job title", "job_title")
    if values.get("soc_code") not in soc.by_code():
        raise PlacementError("Select the kind of job", "soc")
    self_employed = bool(values.get("self_employed")) or contract_type == ContractType.SELF_EMPLOYED
    employer = values.get("employer")
    name = (employer.name if employer else str(values.get("employer_name") or "")).strip()
    if self_employed and not name:
        name = "Self-employed"
    if not name:
        raise PlacementError("Select the employer or enter its name", "employer_name")
    if contract_type not in CONTRACT_TYPES:
        raise PlacementError("Select the contract type", "contract_type")
    hours_d = _decimal(values.get("hours"), "hours", "Hours a week")
    pay_d = _decimal(values.get("hourly_pay"), "hourly_pay", "Hourly pay")
    if hours_d <= 0:
        raise PlacementError("Hours a week must be more than 0", "hours")
    if hours_d > MAX_HOURS:
        raise PlacementError("Hours a week must be 100 or fewer", "hours")
    if pay_d <= 0:
        raise PlacementError("Hourly pay must be more than £0", "hourly_pay")
    if pay_d > MAX_HOURLY:
        raise PlacementError("Hourly pay must be £500 or less: enter the pay for one hour", "hourly_pay")
    started_on = values["started_on"]
    if started_on > timezone.localdate():
        raise PlacementError(
            "The start date must be today or in the past: record the job once they start", "started_on"
        )
    if referred is not None and started_on < referred:
        raise PlacementError(
            f"The start date must be on or after they were referred ({referred.day} {referred:%B %Y})",
            "started_on",
        )
    result = competitive.check(
        started_on=started_on,
        hourly_pay=pay_d,
        date_of_birth=date_of_birth,
        self_employed=self_employed,
        open_to_anyone=values.get("open_to_anyone", True) is not False,
        apprenticeship=contract_type == ContractType.APPRENTICESHIP,
    )
    return {
        "employer_name": name,
        "self_employed": self_employed,
        "hours": hours_d,
        "hourly_pay": pay_d,
        "result": result,
    }


def check_job_end(started_on: dt.date, ended_on: dt.date, reason: str) -> None:
    """The rules a job's end meets (``end_job``, and a job start recorded as already ended)."""
    if ended_on < started_on:
        raise PlacementError(
            f"The end date must be on or after the start date ({started_on.day} {started_on:%B %Y})",
            "ended_on",
        )
    if ended_on > timezone.localdate():
        raise PlacementError("The end date must be today or in the past", "ended_on")
    if reason not in END_REASONS:
        raise PlacementError("Select why the job ended", "reason")


@transaction.atomic
def record_job_start(
    *,
    by: User,
    participant: Participant,
    job_title: str,
    soc_code: str,
    started_on: dt.date,
    hours: Any,
    hourly_pay: Any,
    contract_type: str,
    employer: Employer | None = None,
    employer_name: str = "",
    vacancy: Vacancy | None = None,
    self_employed: bool = False,
    open_to_anyone: bool = True,
    through_service: bool = True,
    request: HttpRequest | None = None,
) -> JobStart:
    """Record a job start and its competitive-employment check. Pay below the legal minimum is accepted and
    flagged as not competitive, with the reason."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status in {Status.CLOSED, Status.ERASED}:
        raise PlacementError(f"{participant.full_name}'s record is closed, so it cannot take a job start")
    checked = check_job_start(
        {
            "job_title": job_title,
            "soc_code": soc_code,
            "started_on": started_on,
            "hours": hours,
            "hourly_pay": hourly_pay,
            "contract_type": contract_type,
            "employer": employer,
            "employer_name": employer_name,
            "self_employed": self_employed,
            "open_to_anyone": open_to_anyone,
        },
        referred=referred_on(participant),
        date_of_birth=participant.date_of_birth,
    )
    name, self_employed, hours_d, pay_d, result = (
        checked["employer_name"],
        checked["self_employed"],
        checked["hours"],
        checked["hourly_pay"],
        checked["result"],
    )
    job = JobStart.objects.create(
        participant=participant,
        employer=employer,
        employer_name=name,
        vacancy=vacancy,
        job_title=job_title.strip(),
        soc=soc_code,
        started_on=started_on,
        hours=hours_d,
        hourly_pay=pay_d,
        contract_type=contract_type,
        self_employed=self_employed,
        open_to_anyone=open_to_anyone,
        through_service=through_service,
        competitive=result.competitive,
        competitive_reasons=list(result.reasons),
        minimum_rate_pence=result.minimum_pence,
        created_by=by,
    )
    job.participant = participant
    verdict = "competitive" if result.competitive else "not competitive"
    _log(by, A.CREATE, job, f"Recorded a job start ({verdict})", request=request)
    if participant.status == Status.ACTIVE:
        participant_actions.record_in_work(by=by, participant=participant, request=request)
    return job


BULK_BATCH = 1_000  # rows a bulk action writes per INSERT statement


@transaction.atomic
def record_job_starts(
    *,
    by: User | None,
    jobs: Sequence[Mapping[str, Any]],
    numbers: Sequence[int] | None = None,
    how: str = "",
    actor_label: str | None = None,
    history: bool = False,
) -> list[JobStart]:
    """Record many job starts at once, as ``record_job_start`` records one: an open record, the same checks
    (``check_job_start``, and ``check_job_end`` for a job given as already ended), the same competitive check
    and the same audit event for each job; a person receiving support who starts a current job moves to
    "in work". If any row is bad nothing is written and ``BulkRejected`` names every bad row (numbered by
    ``numbers``, or from 1).

    Each of ``jobs`` holds ``record_job_start``'s arguments (``participant``, ``job_title``, ``soc_code``,
    ``started_on``, ``hours``, ``hourly_pay``, ``contract_type``, ``employer`` or ``employer_name``, and the
    flags), and may give ``ended_on``, ``end_reason`` and ``end_note``.

    ``history`` is for loading past jobs: a row may also give ``recorded_by`` and ``recorded_at``, a closed
    record takes jobs (its status now says nothing about then), and nobody's status moves.
    """
    numbers = list(numbers) if numbers is not None else list(range(1, len(jobs) + 1))
    ids = {values["participant"].pk for values in jobs}
    people = Participant.objects.select_for_update().in_bulk(ids) if not history else {}
    referred = dict(
        Referral.objects.filter(participant_id__in=ids)
        .values("participant_id")
        .annotate(first=Min("referral_date"))
        .values_list("participant_id", "first")
    )
    checked: dict[int, dict[str, Any]] = {}

    def check(number: int, values: Mapping[str, Any]) -> None:
        person: Participant = people.get(values["participant"].pk, values["participant"])
        if not history and person.status in {Status.CLOSED, Status.ERASED}:
            raise PlacementError(f"{person.full_name}'s record is closed, so it cannot take a job start")
        checked[number] = check_job_start(
            values, referred=referred.get(person.pk), date_of_birth=person.date_of_birth
        )
        if values.get("ended_on") or values.get("end_reason"):
            if not values.get("ended_on"):
                raise PlacementError("Give the end date: the reason the job ended is given", "ended_on")
            check_job_end(values["started_on"], values["ended_on"], values.get("end_reason", ""))

    bulk.check_rows(zip(numbers, jobs, strict=True), check, PlacementError, "participant")
    records = []
    for number, values in zip(numbers, jobs, strict=True):
        c, ended = checked[number], values.get("ended_on")
        extra = {"created_at": values["recorded_at"]} if history and values.get("recorded_at") else {}
        records.append(
            JobStart(
                participant_id=values["participant"].pk,
                employer=values.get("employer"),
                employer_name=c["employer_name"],
                vacancy=values.get("vacancy"),
                job_title=str(values["job_title"]).strip(),
                soc=values["soc_code"],
                started_on=values["started_on"],
                hours=c["hours"],
                hourly_pay=c["hourly_pay"],
                contract_type=values["contract_type"],
                self_employed=c["self_employed"],
                open_to_anyone=values.get("open_to_anyone", True) is not False,
                through_service=values.get("through_service", True) is not False,
                competitive=c["result"].competitive,
                competitive_reasons=list(c["result"].reasons),
                minimum_rate_pence=c["result"].minimum_pence,
                ended_on=ended,
                end_reason=values.get("end_reason", "") if ended else "",
                end_note=str(values.get("end_note") or "").strip() if ended else "",
                created_by=values.get("recorded_by", by) if history else by,
                **extra,
            )
        )
    JobStart.objects.bulk_create(records, batch_size=BULK_BATCH)
    how = f", {how}" if how else ""
    bulk.audit_many(
        by,
        (
            bulk.Event(
                A.CREATE,
                "job_start",
                job.pk,
                job.participant_id,
                values["participant"].service_id,
                f"Recorded a job start ({'competitive' if job.competitive else 'not competitive'}){how}"
                + (f"; ended: {job.get_end_reason_display().lower()}" if job.ended_on else ""),
                at=job.created_at if history else None,
            )
            for job, values in zip(records, jobs, strict=True)
        ),
        actor_label=actor_label,
    )
    if not history:
        moved: set[int] = set()
        for job in records:
            person = people[job.participant_id]
            if job.ended_on is None and person.status == Status.ACTIVE and person.pk not in moved:
                participant_actions.record_in_work(by=by, participant=person)  # type: ignore[arg-type]
                moved.add(person.pk)
    return records


@transaction.atomic
def change_job_start(
    *,
    by: User | None,
    job: JobStart,
    values: Mapping[str, Any],
    how: str = "",
    actor_label: str | None = None,
    request: HttpRequest | None = None,
) -> JobStart:
    """Change a job start's details (``record_job_start``'s arguments, checked as it checks them, and the
    competitive check run again). A job already ended takes its end date, reason and note from ``values``
    (no end date: it has not ended after all); a job not ended yet that ``values`` end is ended through
    ``end_job``, which moves the person out of work if it was their last. ``how`` says where the change
    came from ("by import 3")."""
    participant = job.participant
    if participant.status == Status.ERASED:
        raise PlacementError("This person's data has been erased, so nothing more can be recorded.")
    checked = check_job_start(
        values, referred=referred_on(participant), date_of_birth=participant.date_of_birth
    )
    ended, reason, note = values.get("ended_on"), values.get("end_reason", ""), values.get("end_note", "")
    if ended:
        check_job_end(values["started_on"], ended, reason)
    result = checked["result"]
    job.employer, job.employer_name = values.get("employer"), checked["employer_name"]
    job.job_title, job.soc = str(values["job_title"]).strip(), values["soc_code"]
    job.started_on, job.hours, job.hourly_pay = values["started_on"], checked["hours"], checked["hourly_pay"]
    job.contract_type, job.self_employed = values["contract_type"], checked["self_employed"]
    job.open_to_anyone = values.get("open_to_anyone", True) is not False
    job.through_service = values.get("through_service", True) is not False
    job.competitive, job.competitive_reasons = result.competitive, list(result.reasons)
    job.minimum_rate_pence = result.minimum_pence
    if job.ended_on is not None:
        job.ended_on = ended
        job.end_reason = reason if ended else ""
        job.end_note = str(note or "").strip()
    job.save()
    audit.record(
        by,
        A.UPDATE,
        "job_start",
        job.pk,
        participant_id=job.participant_id,
        service_id=participant.service_id,
        summary=" ".join(filter(None, ["Job start changed", how])),
        request=request,
        actor_label=actor_label,
    )
    if ended and job.ended_on is None:
        end_job(by=by, job=job, ended_on=ended, reason=reason, note=str(note or ""), request=request)  # type: ignore[arg-type]
    return job


@transaction.atomic
def end_job(
    *,
    by: User,
    job: JobStart,
    ended_on: dt.date,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> JobStart:
    if job.ended_on is not None:
        raise PlacementError("This job has already ended")
    check_job_end(job.started_on, ended_on, reason)
    job.ended_on, job.end_reason, job.end_note = ended_on, reason, note.strip()
    job.save(update_fields=["ended_on", "end_reason", "end_note"])
    _log(by, A.UPDATE, job, f"Job ended: {job.get_end_reason_display().lower()}", request=request)
    participant = Participant.objects.select_for_update().get(pk=job.participant_id)
    others = JobStart.objects.filter(participant=participant, ended_on__isnull=True).exclude(pk=job.pk)
    if participant.status == Status.IN_WORK and not others.exists():
        participant_actions.record_out_of_work(by=by, participant=participant, request=request)
    return job


@transaction.atomic
def save_plan(
    *,
    by: User,
    job: JobStart,
    for_person: str,
    for_employer: str = "",
    review_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> InWorkPlan:
    if not for_person.strip():
        raise PlacementError("Enter the support for the person", "for_person")
    plan, created = InWorkPlan.objects.update_or_create(
        job=job,
        defaults={
            "for_person": for_person.strip(),
            "for_employer": for_employer.strip(),
            "review_on": review_on,
            "updated_by": by,
            "updated_at": timezone.now(),
        },
    )
    _log(by, A.CREATE if created else A.UPDATE, job, "Saved the in-work support plan", request=request)
    return plan


def record_read(*, by: User, participant: Participant, what: str, request: HttpRequest | None = None) -> None:
    audit.record(
        by,
        A.VIEW,
        "job_start",
        "",
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Viewed {what}",
        request=request,
    )


def spells(jobs: Sequence[JobStart]) -> list[milestones.Spell]:
    return [milestones.Spell(j.started_on, j.ended_on, float(j.hours)) for j in jobs]


def sustainment_for(
    jobs: Sequence[JobStart], definition: str = milestones.DEFAULT, today: dt.date | None = None
) -> milestones.Sustainment:
    return milestones.sustainment(spells(jobs), today or timezone.localdate(), definition)


def erase_participant_jobs(participant: Participant, by: User | None = None) -> None:
    """Erasure step: job starts and in-work plans are personal data."""
    JobStart.objects.filter(participant=participant).delete()
