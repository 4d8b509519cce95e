"""Fidelity reviews (the ``fidelity`` app), read-only. Reviews are aggregate, with no participant in them,
so the scope is ``fidelity.services.viewable_services``, the one the review pages use. Totals and bands
are given once a review is complete; reviewers' item scores stay on the pages."""

from __future__ import annotations

from typing import Any

from placewell.accounts.policy import Perm
from placewell.api.common import DATES, dated, listing
from placewell.api.registry import Field, Request, iso, operation
from placewell.fidelity import services
from placewell.fidelity.models import FidelityReview, Scale

REVIEW_ITEM = (
    Field("id", "integer"),
    Field("service_id", "integer"),
    Field("scale", choices=tuple(Scale.values)),
    Field("scale_version"),
    Field("review_date", "date"),
    Field("period_start", "date", "Start of the MI evidence period"),
    Field("period_end", "date", "End of the MI evidence period"),
    Field("status", choices=tuple(FidelityReview.Status.values)),
    Field("total", "integer", nullable=True, description="The agreed total, once the review is complete"),
    Field("band", description="The fidelity band of the total, once the review is complete"),
    Field("completed_at", "date-time", nullable=True),
)


def review_item(ctx: Request, r: FidelityReview) -> dict[str, Any]:
    complete = r.status == FidelityReview.Status.COMPLETE
    return {
        "id": r.pk,
        "service_id": r.service_id,
        "scale": r.scale,
        "scale_version": r.scale_version,
        "review_date": iso(r.review_date),
        "period_start": iso(r.period_start),
        "period_end": iso(r.period_end),
        "status": r.status,
        "total": r.total if complete else None,
        "band": r.band if complete else "",
        "completed_at": iso(r.completed_at),
    }


@operation(
    "fidelity-reviews/",
    "GET",
    name="fidelity_reviews",
    tag="Fidelity",
    summary="List fidelity reviews",
    perms=(Perm.VIEW_REVIEWS,),
    params=(
        Field("status", "string", "Only reviews in this status", choices=tuple(FidelityReview.Status.values)),
        *DATES,
    ),
    item=REVIEW_ITEM,
    paginated=True,
)
def list_reviews(ctx: Request) -> tuple[int, Any]:
    rows = FidelityReview.objects.filter(service__in=services.viewable_services(ctx.user))
    if "status" in ctx.query:
        rows = rows.filter(status=ctx.query["status"])
    rows = dated(rows, "review_date", ctx.query)
    return listing(ctx, "fidelity-reviews", rows, review_item, "fidelity_review", "", lambda r: [])
