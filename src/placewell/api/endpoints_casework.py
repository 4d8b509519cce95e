"""Contacts and vocational profiles. Contacts are recorded through ``casework.services.record_contact`` and
profile versions saved through ``casework.services.save_profile``, the actions the casework pages use."""

from __future__ import annotations

from typing import Any

from placewell.accounts.policy import Perm
from placewell.api.access import participant_ref, readable
from placewell.api.common import DATES, dated, listing, strip
from placewell.api.errors import ApiError
from placewell.api.registry import Field, Request, iso, operation
from placewell.casework import choices, services
from placewell.casework.models import Contact, ProfileVersion

READ = (Perm.VIEW_PARTICIPANTS, Perm.VIEW_PSEUDONYMISED)
TAG = "Casework"

CONTACT_ITEM = (
    Field("id", "integer"),
    Field("participant", "participant"),
    Field("happened_at", "date-time"),
    Field("duration_minutes", "integer"),
    Field("mode", choices=tuple(choices.Mode.values)),
    Field("place", choices=tuple(choices.Place.values)),
    Field("whom", "array", choices=tuple(choices.Whom.values)),
    Field("purposes", "array", choices=tuple(choices.Purpose.values)),
    Field("note", personal=True),
    Field("recorded_by_id", "integer", nullable=True, personal=True),
    Field("created_at", "date-time"),
    Field("corrected_at", "date-time", nullable=True),
)

CONTACT_BODY = (
    Field("happened_at", "date-time", "When it happened, with its time zone; now or earlier", required=True),
    Field(
        "duration_minutes",
        "integer",
        "How long it took, 1 to 480 minutes",
        required=True,
        minimum=1,
        maximum=480,
    ),
    Field("mode", "string", "How it happened", required=True, choices=tuple(choices.Mode.values)),
    Field("place", "string", "Where it happened", required=True, choices=tuple(choices.Place.values)),
    Field("whom", "array", "Who it was with (default: the participant)", choices=tuple(choices.Whom.values)),
    Field("purposes", "array", "What it was for", required=True, choices=tuple(choices.Purpose.values)),
    Field("note", "string", max_length=10000),
)

_TEXT = {f: Field(f, "string", max_length=10000, personal=True) for f in ProfileVersion.FIELDS}
_TEXT.update(
    job_types=Field("job_types", "array", personal=True),
    travel_areas=Field("travel_areas", "array", personal=True),
    hours_wanted=Field("hours_wanted", "string", choices=("", *choices.Hours.values), personal=True),
    pay_expectation=Field("pay_expectation", "string", max_length=200, personal=True),
    travel_max_minutes=Field(
        "travel_max_minutes", "integer", nullable=True, personal=True, minimum=1, maximum=480
    ),
    disclose=Field("disclose", "string", choices=("", *choices.Disclosure.values), personal=True),
    better_off_done=Field("better_off_done", "boolean", personal=True),
)
PROFILE_BODY = tuple(_TEXT[f] for f in ProfileVersion.FIELDS)
PROFILE_ITEM = (
    Field("id", "integer"),
    Field("participant", "participant"),
    Field("version", "integer"),
    Field("created_at", "date-time"),
    Field("created_by_id", "integer", nullable=True, personal=True),
    Field("changed_fields", "array"),
    *PROFILE_BODY,
)


def contact_item(ctx: Request, c: Contact) -> dict[str, Any]:
    item = {
        "id": c.pk,
        "participant": participant_ref(ctx, c.participant_id),
        "happened_at": iso(c.happened_at),
        "duration_minutes": c.duration_minutes,
        "mode": c.mode,
        "place": c.place,
        "whom": c.whom,
        "purposes": c.purposes,
        "note": c.note,
        "recorded_by_id": c.recorded_by_id,
        "created_at": iso(c.created_at),
        "corrected_at": iso(c.corrected_at),
    }
    return strip(ctx, CONTACT_ITEM, item)


def profile_item(ctx: Request, v: ProfileVersion) -> dict[str, Any]:
    item = {
        "id": v.pk,
        "participant": participant_ref(ctx, v.participant_id),
        "version": v.version,
        "created_at": iso(v.created_at),
        "created_by_id": v.created_by_id,
        "changed_fields": v.changed_fields,
        **{f: getattr(v, f) for f in ProfileVersion.FIELDS},
    }
    return strip(ctx, PROFILE_ITEM, item)


def _contacts(ctx: Request, rows: Any) -> tuple[int, Any]:
    if "mode" in ctx.query:
        rows = rows.filter(mode=ctx.query["mode"])
    rows = dated(rows, "happened_at", ctx.query, is_datetime=True)
    return listing(ctx, "contacts", rows, contact_item, "contact", "contacts")


CONTACT_PARAMS = (
    Field("mode", "string", "Only contacts made this way", choices=tuple(choices.Mode.values)),
    *DATES,
)


@operation(
    "contacts/",
    "GET",
    name="contacts",
    tag=TAG,
    summary="List contacts",
    description="Evaluators see them without notes and with pseudonymised participants.",
    perms=READ,
    params=CONTACT_PARAMS,
    item=CONTACT_ITEM,
    paginated=True,
)
def list_contacts(ctx: Request) -> tuple[int, Any]:
    return _contacts(ctx, Contact.objects.filter(readable(ctx.user, "participant__")))


@operation(
    "participants/<int:pk>/contacts/",
    "GET",
    name="participant_contacts",
    tag=TAG,
    participant=True,
    summary="List one participant's contacts",
    perms=(Perm.VIEW_PARTICIPANTS,),
    params=CONTACT_PARAMS,
    item=CONTACT_ITEM,
    paginated=True,
)
def participant_contacts(ctx: Request) -> tuple[int, Any]:
    return _contacts(ctx, Contact.objects.filter(participant=ctx.participant))


@operation(
    "participants/<int:pk>/contacts/",
    "POST",
    name="participant_contacts",
    tag=TAG,
    participant=True,
    summary="Record a contact",
    perms=(Perm.EDIT_PARTICIPANT,),
    body=CONTACT_BODY,
    item=CONTACT_ITEM,
    created=True,
)
def record_contact(ctx: Request) -> tuple[int, Any]:
    try:
        contact = services.record_contact(
            by=ctx.user, participant=ctx.participant, request=ctx.http, **ctx.body
        )
    except services.CaseworkError as exc:
        raise ApiError("validation_failed", f"{exc.field}: {exc}" if exc.field else str(exc)) from None
    return 201, contact_item(ctx, contact)


@operation(
    "vocational-profiles/",
    "GET",
    name="vocational_profiles",
    tag=TAG,
    summary="List vocational profile versions",
    description="Every saved version; the highest version of a participant is their current profile.",
    perms=(Perm.VIEW_PARTICIPANTS,),
    params=DATES,
    item=PROFILE_ITEM,
    paginated=True,
)
def list_profiles(ctx: Request) -> tuple[int, Any]:
    rows = dated(
        ProfileVersion.objects.filter(readable(ctx.user, "participant__")), "created_at", ctx.query, True
    )
    return listing(
        ctx, "vocational-profiles", rows, profile_item, "vocational_profile", "vocational profiles"
    )


@operation(
    "participants/<int:pk>/vocational-profile/",
    "GET",
    name="participant_profile",
    tag=TAG,
    participant=True,
    summary="List one participant's vocational profile versions",
    perms=(Perm.VIEW_PARTICIPANTS,),
    item=PROFILE_ITEM,
    paginated=True,
)
def participant_profile(ctx: Request) -> tuple[int, Any]:
    rows = ProfileVersion.objects.filter(participant=ctx.participant)
    return listing(ctx, "profile", rows, profile_item, "vocational_profile", "vocational profiles")


@operation(
    "participants/<int:pk>/vocational-profile/",
    "POST",
    name="participant_profile",
    tag=TAG,
    participant=True,
    summary="Save a new version of the vocational profile",
    description="Give only the fields that change; the others are kept from the current version. "
    "Answers 200 with the current version when nothing changed.",
    perms=(Perm.EDIT_PARTICIPANT,),
    body=PROFILE_BODY,
    item=PROFILE_ITEM,
    created=True,
    also=(200,),
)
def save_profile(ctx: Request) -> tuple[int, Any]:
    minutes = ctx.body.get("travel_max_minutes")
    if minutes is not None and not 0 < minutes <= services.MAX_DURATION_MINUTES:
        raise ApiError("validation_failed", "travel_max_minutes: must be between 1 and 480 minutes")
    try:
        version = services.save_profile(
            by=ctx.user, participant=ctx.participant, values=ctx.body, request=ctx.http
        )
    except services.CaseworkError as exc:
        raise ApiError("validation_failed", f"{exc.field}: {exc}" if exc.field else str(exc)) from None
    if version is None:
        current = services.current_profile(ctx.participant)
        return 200, profile_item(ctx, current)  # type: ignore[arg-type]
    return 201, profile_item(ctx, version)
