"""Employers, the people there, contacts with employers, vacancies (the ``employers`` app) and job starts
(the ``placements`` app), read-only.

Employer records belong to a service, and as on the employer pages (``employers.views.user_service_id``)
they are for staff with casework access in that service; an evaluator is refused. Job starts are a
participant's records and follow the participant's scope, pseudonymised for evaluators. A contact with an
employer lists only the participants the caller may see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from placewell.accounts.policy import Perm
from placewell.api.access import participant_ref, readable
from placewell.api.common import DATES, dated, listing, strip
from placewell.api.errors import ApiError
from placewell.api.registry import Field, Request, iso, operation
from placewell.employers import choices
from placewell.employers.models import Employer, EmployerContact, Engagement, Location, Vacancy
from placewell.employers.services import service_of
from placewell.participants.models import Participant
from placewell.placements.models import ContractType, EndReason, JobStart

TAG = "Employers and jobs"
STAFF = (Perm.VIEW_PARTICIPANTS,)

EMPLOYER_ITEM = (
    Field("id", "integer"),
    Field("name"),
    Field("sector", choices=tuple(choices.Sector.values)),
    Field("size", choices=tuple(choices.Size.values)),
    Field("disability_confident", choices=("", *choices.DisabilityConfident.values)),
    Field("notes"),
    Field("holder_id", "integer", nullable=True),
    Field("locations", "objects", "Towns and postcode districts"),
    Field("created_at", "date-time"),
)
PERSON_ITEM = (
    Field("id", "integer"),
    Field("employer_id", "integer"),
    Field("name"),
    Field("role"),
    Field("how_to_reach"),
)
ENGAGEMENT_ITEM = (
    Field("id", "integer"),
    Field("employer_id", "integer"),
    Field("specialist_id", "integer"),
    Field("happened_on", "date"),
    Field("face_to_face", "boolean"),
    Field("purpose", choices=tuple(choices.Purpose.values)),
    Field("note"),
    Field("participants", "integers", "Participants it was on behalf of, among those you may see"),
)
VACANCY_ITEM = (
    Field("id", "integer"),
    Field("employer_id", "integer"),
    Field("title"),
    Field("soc", description="SOC 2020 minor group"),
    Field("hours", "decimal"),
    Field("pay", "decimal"),
    Field("pay_basis", choices=tuple(choices.PayBasis.values)),
    Field("hourly_pay", "decimal"),
    Field("town"),
    Field("postcode_district"),
    Field("home_based", "boolean"),
    Field("source", choices=tuple(choices.Source.values)),
    Field("closing_on", "date", nullable=True),
    Field("status", choices=tuple(choices.VacancyStatus.values)),
    Field("open_to_anyone", "boolean"),
    Field("apprenticeship", "boolean"),
    Field("created_at", "date-time"),
)
JOB_ITEM = (
    Field("id", "integer"),
    Field("participant", "participant"),
    Field("employer_id", "integer", nullable=True),
    Field("employer_name", personal=True),
    Field("vacancy_id", "integer", nullable=True),
    Field("job_title", personal=True),
    Field("soc", description="SOC 2020 minor group"),
    Field("started_on", "date"),
    Field("hours", "decimal"),
    Field("hourly_pay", "decimal"),
    Field("contract_type", choices=tuple(ContractType.values)),
    Field("self_employed", "boolean"),
    Field("open_to_anyone", "boolean"),
    Field("through_service", "boolean"),
    Field("competitive", "boolean"),
    Field("competitive_reasons", "array"),
    Field("ended_on", "date", nullable=True),
    Field("end_reason", choices=("", *EndReason.values)),
    Field("end_note", personal=True),
)


def _service_id(ctx: Request) -> int:
    service = service_of(ctx.user)
    if service is None:
        raise ApiError("forbidden", "You are not in a service")
    return service.pk


def _plain(value: Any) -> Any:
    return None if value is None else str(value)


def employer_item(ctx: Request, e: Employer) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.name,
        "sector": e.sector,
        "size": e.size,
        "disability_confident": e.disability_confident,
        "notes": e.notes,
        "holder_id": e.holder_id,
        "locations": [
            {"town": loc.town, "postcode_district": loc.postcode_district} for loc in e.locations.all()
        ],
        "created_at": iso(e.created_at),
    }


@operation(
    "employers/",
    "GET",
    name="employers",
    tag=TAG,
    summary="List the service's employers",
    perms=STAFF,
    params=(Field("sector", "string", "Only this sector", choices=tuple(choices.Sector.values)), *DATES),
    item=EMPLOYER_ITEM,
    paginated=True,
)
def list_employers(ctx: Request) -> tuple[int, Any]:
    rows = Employer.objects.filter(service_id=_service_id(ctx)).prefetch_related(
        Prefetch("locations", queryset=Location.objects.order_by("town", "id"))
    )
    if "sector" in ctx.query:
        rows = rows.filter(sector=ctx.query["sector"])
    rows = dated(rows, "created_at", ctx.query, is_datetime=True)
    return listing(ctx, "employers", rows, employer_item, "employer", "employers", lambda e: [])


@operation(
    "employers/<int:employer>/",
    "GET",
    name="employer",
    tag=TAG,
    summary="One employer, with the people there",
    perms=STAFF,
    item=(*EMPLOYER_ITEM, Field("people", "objects")),
)
def get_employer(ctx: Request) -> tuple[int, Any]:
    e = Employer.objects.filter(service_id=_service_id(ctx), pk=ctx.kwargs["employer"]).first()
    if e is None:
        raise ApiError("not_found", "No such employer")
    people = [{k: v for k, v in person_item(ctx, p).items() if k != "employer_id"} for p in e.people.all()]
    return 200, {**employer_item(ctx, e), "people": people}


def person_item(ctx: Request, p: EmployerContact) -> dict[str, Any]:
    return {
        "id": p.pk,
        "employer_id": p.employer_id,
        "name": p.name,
        "role": p.role,
        "how_to_reach": p.how_to_reach,
    }


@operation(
    "employer-contacts/",
    "GET",
    name="employer_contacts",
    tag=TAG,
    summary="List the people at the service's employers",
    perms=STAFF,
    params=(Field("employer", "integer", "Only the people at this employer", minimum=1),),
    item=PERSON_ITEM,
    paginated=True,
)
def list_people(ctx: Request) -> tuple[int, Any]:
    rows = EmployerContact.objects.filter(employer__service_id=_service_id(ctx))
    if "employer" in ctx.query:
        rows = rows.filter(employer_id=ctx.query["employer"])
    return listing(ctx, "employer-contacts", rows, person_item, "employer", "employer contacts", lambda p: [])


def engagement_item(ctx: Request, g: Engagement) -> dict[str, Any]:
    return {
        "id": g.pk,
        "employer_id": g.employer_id,
        "specialist_id": g.specialist_id,
        "happened_on": iso(g.happened_on),
        "face_to_face": g.face_to_face,
        "purpose": g.purpose,
        "note": g.note,
        "participants": [p.pk for p in g.participants.all()],
    }


@operation(
    "employer-engagements/",
    "GET",
    name="employer_engagements",
    tag=TAG,
    summary="List contacts with employers",
    description="Each contact a specialist made with an employer, and on whose behalf.",
    perms=STAFF,
    params=(
        Field("purpose", "string", "Only contacts for this purpose", choices=tuple(choices.Purpose.values)),
        *DATES,
    ),
    item=ENGAGEMENT_ITEM,
    paginated=True,
)
def list_engagements(ctx: Request) -> tuple[int, Any]:
    visible = Participant.objects.filter(readable(ctx.user)).only("pk")
    rows = Engagement.objects.filter(employer__service_id=_service_id(ctx)).prefetch_related(
        Prefetch("participants", queryset=visible)
    )
    if "purpose" in ctx.query:
        rows = rows.filter(purpose=ctx.query["purpose"])
    rows = dated(rows, "happened_on", ctx.query)
    return listing(
        ctx,
        "employer-engagements",
        rows,
        engagement_item,
        "employer_engagement",
        "employer contacts",
        lambda g: [p.pk for p in g.participants.all()],
    )


def vacancy_item(ctx: Request, v: Vacancy) -> dict[str, Any]:
    return {
        "id": v.pk,
        "employer_id": v.employer_id,
        "title": v.title,
        "soc": v.soc,
        "hours": _plain(v.hours),
        "pay": _plain(v.pay),
        "pay_basis": v.pay_basis,
        "hourly_pay": _plain(v.hourly_pay),
        "town": v.town,
        "postcode_district": v.postcode_district,
        "home_based": v.home_based,
        "source": v.source,
        "closing_on": iso(v.closing_on),
        "status": v.status,
        "open_to_anyone": v.open_to_anyone,
        "apprenticeship": v.apprenticeship,
        "created_at": iso(v.created_at),
    }


@operation(
    "vacancies/",
    "GET",
    name="vacancies",
    tag=TAG,
    summary="List the service's vacancies",
    perms=STAFF,
    params=(
        Field(
            "status", "string", "Only vacancies in this status", choices=tuple(choices.VacancyStatus.values)
        ),
        *DATES,
    ),
    item=VACANCY_ITEM,
    paginated=True,
)
def list_vacancies(ctx: Request) -> tuple[int, Any]:
    rows = Vacancy.objects.filter(employer__service_id=_service_id(ctx))
    if "status" in ctx.query:
        rows = rows.filter(status=ctx.query["status"])
    rows = dated(rows, "created_at", ctx.query, is_datetime=True)
    return listing(ctx, "vacancies", rows, vacancy_item, "vacancy", "vacancies", lambda v: [])


@operation(
    "vacancies/<int:vacancy>/",
    "GET",
    name="vacancy",
    tag=TAG,
    summary="One vacancy",
    perms=STAFF,
    item=VACANCY_ITEM,
)
def get_vacancy(ctx: Request) -> tuple[int, Any]:
    v = Vacancy.objects.filter(employer__service_id=_service_id(ctx), pk=ctx.kwargs["vacancy"]).first()
    if v is None:
        raise ApiError("not_found", "No such vacancy")
    return 200, vacancy_item(ctx, v)


def job_item(ctx: Request, j: JobStart) -> dict[str, Any]:
    item = {
        "id": j.pk,
        "participant": participant_ref(ctx, j.participant_id),
        "employer_id": j.employer_id,
        "employer_name": j.employer_name,
        "vacancy_id": j.vacancy_id,
        "job_title": j.job_title,
        "soc": j.soc,
        "started_on": iso(j.started_on),
        "hours": _plain(j.hours),
        "hourly_pay": _plain(j.hourly_pay),
        "contract_type": j.contract_type,
        "self_employed": j.self_employed,
        "open_to_anyone": j.open_to_anyone,
        "through_service": j.through_service,
        "competitive": j.competitive,
        "competitive_reasons": j.competitive_reasons,
        "ended_on": iso(j.ended_on),
        "end_reason": j.end_reason,
        "end_note": j.end_note,
    }
    return strip(ctx, JOB_ITEM, item)


JOB_PARAMS = (
    Field("status", "string", "current: not ended; ended: ended", choices=("current", "ended")),
    *DATES,
)


def _jobs(ctx: Request, rows: Any) -> tuple[int, Any]:
    if "status" in ctx.query:
        rows = rows.filter(ended_on__isnull=ctx.query["status"] == "current")
    rows = dated(rows, "started_on", ctx.query)
    return listing(ctx, "job-starts", rows, job_item, "job_start", "job starts")


@operation(
    "job-starts/",
    "GET",
    name="job_starts",
    tag=TAG,
    summary="List job starts",
    description="Evaluators see them without employer, job title or notes, with pseudonymised participants.",
    perms=(Perm.VIEW_PARTICIPANTS, Perm.VIEW_PSEUDONYMISED),
    params=JOB_PARAMS,
    item=JOB_ITEM,
    paginated=True,
)
def list_jobs(ctx: Request) -> tuple[int, Any]:
    return _jobs(ctx, JobStart.objects.filter(readable(ctx.user, "participant__")))


@operation(
    "participants/<int:pk>/job-starts/",
    "GET",
    name="participant_job_starts",
    tag=TAG,
    participant=True,
    summary="List one participant's job starts",
    perms=STAFF,
    params=JOB_PARAMS,
    item=JOB_ITEM,
    paginated=True,
)
def participant_jobs(ctx: Request) -> tuple[int, Any]:
    return _jobs(ctx, JobStart.objects.filter(participant=ctx.participant))
