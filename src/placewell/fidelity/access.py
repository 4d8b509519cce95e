"""Finding a review the signed-in user may see, and the page data shared by the review pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from placewell.accounts.policy import Perm, require
from placewell.engine.fidelity import Scale, get_scale
from placewell.fidelity import evidence, services
from placewell.fidelity.models import FidelityReview, ItemScore

if TYPE_CHECKING:
    from django.http import HttpRequest

R = ItemScore.Round


def get_review(request: HttpRequest, pk: int, *, conduct: bool = False) -> FidelityReview:
    """The review, if its service is one whose reviews the user may see (404 otherwise, as for participants).

    With ``conduct`` the user must also be able to conduct reviews of its service (403 otherwise).
    """
    require(request.user, Perm.VIEW_REVIEWS)
    review = get_object_or_404(
        FidelityReview.objects.select_related("service", "first_reviewer", "second_reviewer"),
        pk=pk,
        service__in=services.viewable_services(request.user),
    )
    if conduct and not services.may_conduct(request.user, review.service):
        raise PermissionDenied("Your role does not allow you to conduct reviews of this service.")
    return review


def section_or_404(scale: Scale, key: str) -> Any:
    for section in scale.sections:
        if section.key == key:
            return section
    raise Http404("No such section")


@dataclass
class ScoreSet:
    """Every score of a review by round and item, read in one query."""

    scores: dict[str, dict[str, int]]
    notes: dict[str, dict[str, str]]

    def of(self, round_: str) -> dict[str, int]:
        return self.scores.get(round_, {})


def all_scores(review: FidelityReview, visible: set[str]) -> ScoreSet:
    scores: dict[str, dict[str, int]] = {}
    notes: dict[str, dict[str, str]] = {}
    if visible:
        for row in review.scores.filter(round__in=visible).values("round", "item", "score", "note"):
            scores.setdefault(row["round"], {})[row["item"]] = row["score"]
            notes.setdefault(row["round"], {})[row["item"]] = row["note"]
    return ScoreSet(scores, notes)


def suggestions_for(review: FidelityReview) -> dict[str, evidence.ItemEvidence]:
    return evidence.suggestions(review.scale, evidence.from_json(review.evidence))


def section_progress(review: FidelityReview, scored: dict[str, int]) -> list[dict[str, Any]]:
    scale = get_scale(review.scale)
    return [
        {
            "key": s.key,
            "name": s.name,
            "done": sum(1 for k in s.items if k in scored),
            "count": len(s.items),
        }
        for s in scale.sections
    ]
