"""Participants and referrals. A referral is made through ``participants.services.refer_participant``, the
same action as the referral pages, so duplicate checks, identifier checks and the audit event are the same.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from placewell.accounts.models import Role, Team, User
from placewell.accounts.policy import Perm
from placewell.api.access import participant_ref, readable
from placewell.api.common import DATES, api_url, dated, listing, strip
from placewell.api.errors import ApiError
from placewell.api.registry import Field, Request, iso, operation
from placewell.participants import choices, services
from placewell.participants.models import Participant, Referral, Status

READ = (Perm.VIEW_PARTICIPANTS, Perm.VIEW_PSEUDONYMISED)
TAG = "Participants"


def _choice(name: str, options: Any, description: str = "", **kw: Any) -> Field:
    return Field(name, "string", description, choices=tuple(options.values), **kw)


PARTICIPANT_ITEM = (
    Field("id", "participant", "The participant's id (a pseudonym for evaluators)"),
    Field("url", "string", "This record in the API", personal=True),
    Field("reference", "string", "The reference staff read out, such as PW-ABCD234", personal=True),
    Field("service_id", "integer"),
    Field("team_id", "integer", nullable=True),
    Field("specialist_id", "integer", nullable=True, personal=True),
    _choice("status", Status),
    Field(
        "employment_status",
        "string",
        "Employment status at referral; empty when not recorded",
        choices=("", *choices.EmploymentStatus.values),
    ),
    Field("created_at", "date-time"),
    Field("closed_at", "date-time", nullable=True),
    Field("withdrawn_from_service_at", "date-time", nullable=True),
    Field("withdrawn_from_research_at", "date-time", nullable=True),
    Field("given_name", personal=True),
    Field("family_name", personal=True),
    Field("date_of_birth", "date", nullable=True, personal=True),
    Field("email", personal=True),
    Field("phone", personal=True),
    Field("address", personal=True),
    Field("postcode", personal=True),
    Field("nhs_number", personal=True),
    Field("ni_number", personal=True),
    Field("preferred_contact_method", personal=True),
    Field("gender", personal=True),
    Field("ethnic_group", personal=True),
    Field("highest_qualification", personal=True),
    Field("health_conditions", "array", personal=True),
    Field("activity_limitation", personal=True),
    Field("work_history", personal=True),
    Field("barriers", "array", personal=True),
)

REFERRAL_ITEM = (
    Field("id", "integer"),
    Field("participant", "participant"),
    _choice("source", choices.ReferralSource),
    Field("referral_date", "date"),
    _choice("route", Referral.Route),
    Field("referrer_name", personal=True),
    Field("referrer_organisation"),
    Field("notes", personal=True),
    Field("created_at", "date-time"),
)


def participant_item(ctx: Request, p: Participant) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": participant_ref(ctx, p.pk),
        "url": api_url(f"participants/{p.pk}/"),
        "reference": p.reference,
        "service_id": p.service_id,
        "team_id": p.team_id,
        "specialist_id": p.specialist_id,
        "status": p.status,
        "employment_status": p.employment_status,
        "created_at": iso(p.created_at),
        "closed_at": iso(p.closed_at),
        "withdrawn_from_service_at": iso(p.withdrawn_from_service_at),
        "withdrawn_from_research_at": iso(p.withdrawn_from_research_at),
    }
    if ctx.personal:
        for name in Participant.PERSONAL_FIELDS:
            if name not in {"survey_mode", "survey_mode_reason", "about"}:
                value = getattr(p, name)
                item[name] = iso(value) if name == "date_of_birth" else value
    return strip(ctx, PARTICIPANT_ITEM, item)


def referral_item(ctx: Request, r: Referral) -> dict[str, Any]:
    item = {
        "id": r.pk,
        "participant": participant_ref(ctx, r.participant_id),
        "source": r.source,
        "referral_date": iso(r.referral_date),
        "route": r.route,
        "referrer_name": r.referrer_name,
        "referrer_organisation": r.referrer_organisation,
        "notes": r.notes,
        "created_at": iso(r.created_at),
    }
    return strip(ctx, REFERRAL_ITEM, item)


@operation(
    "participants/",
    "GET",
    name="participants",
    tag=TAG,
    summary="List participants",
    description="Staff see their scope with personal details; evaluators see pseudonymised records only.",
    perms=READ,
    params=(_choice("status", Status, "Only participants in this status"), *DATES),
    item=PARTICIPANT_ITEM,
    paginated=True,
)
def list_participants(ctx: Request) -> tuple[int, Any]:
    rows = Participant.objects.filter(readable(ctx.user))
    if "status" in ctx.query:
        rows = rows.filter(status=ctx.query["status"])
    rows = dated(rows, "created_at", ctx.query, is_datetime=True)
    return listing(
        ctx, "participants", rows, participant_item, "participant", "participant records", lambda p: [p.pk]
    )


@operation(
    "participants/<int:pk>/",
    "GET",
    name="participant",
    tag=TAG,
    participant=True,
    summary="One participant, with their referrals",
    perms=(Perm.VIEW_PARTICIPANTS,),
    item=(*PARTICIPANT_ITEM, Field("referrals", "objects")),
)
def get_participant(ctx: Request) -> tuple[int, Any]:
    p = ctx.participant
    services.record_view(
        by=ctx.user, participant=p, what="participant record through the API", request=ctx.http
    )
    item = participant_item(ctx, p)
    item["referrals"] = [referral_item(ctx, r) for r in p.referrals.all()]
    return 200, item


@operation(
    "referrals/",
    "GET",
    name="referrals",
    tag=TAG,
    summary="List referrals",
    perms=READ,
    params=(_choice("source", choices.ReferralSource, "Only referrals from this source"), *DATES),
    item=REFERRAL_ITEM,
    paginated=True,
)
def list_referrals(ctx: Request) -> tuple[int, Any]:
    rows = Referral.objects.filter(readable(ctx.user, "participant__"))
    if "source" in ctx.query:
        rows = rows.filter(source=ctx.query["source"])
    rows = dated(rows, "referral_date", ctx.query)
    return listing(ctx, "referrals", rows, referral_item, "participant", "referrals")


REFER_BODY = (
    Field("given_name", "string", "First name", required=True, max_length=100, pattern=r"\S"),
    Field("family_name", "string", "Last name", required=True, max_length=100, pattern=r"\S"),
    _choice("source", choices.ReferralSource, "Who referred them", required=True),
    Field("referral_date", "date", "The day of the referral, today or earlier", required=True),
    Field("team_id", "integer", "Their team: your own unless you manage the service", nullable=True),
    Field("specialist_id", "integer", "Their employment specialist, a member of the team", nullable=True),
    Field("referrer_name", "string", max_length=200),
    Field("referrer_organisation", "string", max_length=200),
    Field("notes", "string", max_length=5000),
    Field("date_of_birth", "date", nullable=True),
    Field("email", "string", max_length=254),
    Field("phone", "string", max_length=30),
    Field("address", "string", max_length=1000),
    Field("postcode", "string", max_length=10),
    Field("nhs_number", "string", "10 digits; spaces and dashes are ignored", max_length=14),
    Field("ni_number", "string", "Such as QQ123456C; spaces are ignored", max_length=13),
    _choice("preferred_contact_method", choices.ContactMethod),
    _choice("employment_status", choices.EmploymentStatus),
)


def _team(ctx: Request, team_id: int | None) -> Team | None:
    user = ctx.user
    if team_id is None:
        return user.team if user.team_id else None
    team = Team.objects.filter(pk=team_id).select_related("service").first()
    allowed = team is not None and (
        team.pk == user.team_id if user.role != Role.SERVICE_MANAGER else team.service_id == user.service_id
    )
    if not allowed:
        raise ApiError("validation_failed", "team_id: you can refer only to your own team")
    return team


@operation(
    "referrals/",
    "POST",
    name="referrals",
    tag=TAG,
    summary="Refer a person",
    description="Creates the participant, in the referred status, with their referral.",
    perms=(Perm.REFER,),
    body=REFER_BODY,
    item=(Field("participant", "object"), Field("referral", "object"), Field("url", "string")),
    created=True,
)
def create_referral(ctx: Request) -> tuple[int, Any]:
    data = dict(ctx.body)
    user = ctx.user
    team = _team(ctx, data.pop("team_id", None))
    service = team.service if team is not None else user.service
    if service is None:
        raise ApiError("forbidden", "You are not in a service, so you cannot refer")
    specialist = None
    specialist_id = data.pop("specialist_id", None)
    if specialist_id is not None:
        specialist = User.objects.filter(pk=specialist_id, team=team, is_active=True).first()
        if specialist is None:
            raise ApiError("validation_failed", "specialist_id: not a member of staff in the team")
    if data.get("email"):
        try:
            validate_email(data["email"])
        except ValidationError:
            raise ApiError(
                "validation_failed", "email: enter an email address like name@example.com"
            ) from None
    try:
        p = services.refer_participant(
            by=user, service=service, team=team, specialist=specialist, request=ctx.http, **data
        )
    except services.ParticipantError as exc:
        raise ApiError("validation_failed", str(exc)) from None
    ctx.participant = p
    referral = p.referrals.get()
    url = api_url(f"participants/{p.pk}/")
    return 201, {
        "participant": participant_item(ctx, p),
        "referral": referral_item(ctx, referral),
        "url": url,
    }
