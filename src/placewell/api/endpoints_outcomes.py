"""Survey responses with their scores, and trial allocations (read-only).

Arms follow the trials app's rule (``trials.checks.may_see_arms``): a role with ``VIEW_ARMS`` sees them,
except staff named as blinded for a trial, who see ``null``. Every list that shows arms writes an audit event
saying so, as every reveal on the pages does (``trials.services.record_arm_reveal``).
"""

from __future__ import annotations

from typing import Any

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.accounts.policy import Perm, has_perm
from placewell.api import pagination
from placewell.api.access import participant_ref, readable
from placewell.api.common import DATES, dated, listing, strip
from placewell.api.registry import Field, Request, iso, operation
from placewell.participants.choices import SurveyMode
from placewell.participants.models import Status
from placewell.surveys.models import Response
from placewell.trials.access import trial_scope
from placewell.trials.models import Allocation, Method, Trial

TAG = "Outcomes"

RESPONSE_ITEM = (
    Field("id", "integer"),
    Field("participant", "participant"),
    Field("instrument_id"),
    Field("instrument_version"),
    Field(
        "wave", nullable=True, description="The survey wave's key, when the response answers an invitation"
    ),
    Field("state", choices=tuple(Response.State.values)),
    Field("mode", choices=tuple(SurveyMode.values)),
    Field("via", choices=tuple(Response.Via.values)),
    Field("completed_on", "date", nullable=True),
    Field("submitted_at", "date-time", nullable=True),
    Field("answers", "object", "Item answers by item id"),
    Field("scoring_version"),
    Field("raw", "number", nullable=True),
    Field("value", "number", nullable=True),
    Field("band"),
    Field("complete", "boolean", "All items needed for a score were answered"),
    Field("entered_by_id", "integer", nullable=True, personal=True),
)

ALLOCATION_ITEM = (
    Field("id", "integer"),
    Field("trial_id", "integer"),
    Field("participant", "participant"),
    Field("stratum"),
    Field("arm", nullable=True, description="The arm's code; null for staff blinded to this trial"),
    Field("treatment", "boolean", nullable=True, description="Whether the arm is the treatment arm"),
    Field("method", choices=tuple(Method.values)),
    Field("probability_of_treatment", "number"),
    Field("allocated_on", "date"),
    Field("randomised_at", "date-time"),
)


def response_item(ctx: Request, r: Response) -> dict[str, Any]:
    item = {
        "id": r.pk,
        "participant": participant_ref(ctx, r.participant_id),
        "instrument_id": r.instrument_id,
        "instrument_version": r.instrument_version,
        "wave": r.invitation.wave.key if r.invitation is not None else None,
        "state": r.state,
        "mode": r.mode,
        "via": r.via,
        "completed_on": iso(r.completed_on),
        "submitted_at": iso(r.submitted_at),
        "answers": r.answers,
        "scoring_version": r.scoring_version,
        "raw": r.raw,
        "value": r.value,
        "band": r.band,
        "complete": r.complete,
        "entered_by_id": r.entered_by_id,
    }
    return strip(ctx, RESPONSE_ITEM, item)


@operation(
    "survey-responses/",
    "GET",
    name="survey_responses",
    tag=TAG,
    summary="List survey responses and their scores",
    perms=(Perm.VIEW_PARTICIPANTS, Perm.VIEW_PSEUDONYMISED),
    params=(
        Field("status", "string", "Only responses in this state", choices=tuple(Response.State.values)),
        Field("instrument", "string", "Only responses to this instrument, such as swemwbs", max_length=40),
        *DATES,
    ),
    item=RESPONSE_ITEM,
    paginated=True,
)
def list_responses(ctx: Request) -> tuple[int, Any]:
    rows = Response.objects.filter(readable(ctx.user, "participant__")).select_related("invitation__wave")
    if "status" in ctx.query:
        rows = rows.filter(state=ctx.query["status"])
    if "instrument" in ctx.query:
        rows = rows.filter(instrument_id=ctx.query["instrument"])
    rows = dated(rows, "completed_on", ctx.query)
    return listing(ctx, "survey-responses", rows, response_item, "survey_response", "survey responses")


@operation(
    "allocations/",
    "GET",
    name="allocations",
    tag=TAG,
    summary="List trial allocations (read-only)",
    description="Arms are null for staff blinded to the trial. Sealed allocation details are never given.",
    perms=(Perm.VIEW_ARMS, Perm.VIEW_ALLOCATIONS),
    params=(Field("trial", "integer", "Only this trial's allocations", minimum=1), *DATES),
    item=ALLOCATION_ITEM,
    paginated=True,
)
def list_allocations(ctx: Request) -> tuple[int, Any]:
    user = ctx.user
    if ctx.personal:
        rows = Allocation.objects.filter(readable(user, "participant__"))
    else:
        trials = Trial.objects.filter(trial_scope(user)).values("pk")
        rows = Allocation.objects.filter(trial__in=trials).exclude(participant__status=Status.ERASED)
    if "trial" in ctx.query:
        rows = rows.filter(trial_id=ctx.query["trial"])
    rows = dated(rows, "allocated_on", ctx.query).select_related("stratum", "arm")
    blinded = (
        set(user.blinded_trials.values_list("pk", flat=True)) if has_perm(user, Perm.VIEW_ARMS) else None
    )
    found, cursor = pagination.page("allocations", rows, ctx.query)
    items = []
    revealed = []
    for a in found:
        sees = blinded is not None and a.trial_id not in blinded
        if sees:
            revealed.append(a.participant_id)
        items.append(
            strip(
                ctx,
                ALLOCATION_ITEM,
                {
                    "id": a.pk,
                    "trial_id": a.trial_id,
                    "participant": participant_ref(ctx, a.participant_id),
                    "stratum": a.stratum.label,
                    "arm": a.arm.code if sees else None,
                    "treatment": a.arm.is_treatment if sees else None,
                    "method": a.method,
                    "probability_of_treatment": a.probability_of_treatment,
                    "allocated_on": iso(a.allocated_on),
                    "randomised_at": iso(a.randomised_at),
                },
            )
        )
    if found:
        audit.record(
            user,
            AuditEvent.Action.LIST,
            "trial_allocation",
            "",
            summary=f"Listed {len(found)} trial allocations through the API"
            + (f", seeing the arm of {len(revealed)}" if revealed else ""),
            changes={"ids": sorted({a.participant_id for a in found}), "arms_seen": sorted(set(revealed))},
            request=ctx.http,
        )
    return 200, pagination.envelope(ctx.http, items, cursor)
