"""Fidelity review actions. Each is atomic and writes its audit event (with ``service_id``) in the same
transaction; views, the demo and tests all call these.

Scores are checked by the engine (``engine.fidelity.scoring.item_score``: a whole number in the item's range,
1-5 on both shipped scales) before anything is written, so a bad score anywhere on a page saves nothing. The
total, band and section totals are the engine's :func:`score_review` of the agreed scores, stored as it
returns them.

Independence (Bond et al. 2012, *Psychiatric Services* 63(8):758-763, and the IPS fidelity manual: two
reviewers rate independently, then agree a consensus rating): until both reviewers have submitted, each sees
only their own scores (:func:`visible_rounds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent, Service, User
from placewell.accounts.policy import ROLE_PERMISSIONS, Perm, has_perm, services_in_scope
from placewell.engine.fidelity import FidelityError, ReviewResult, get_scale, score_review
from placewell.engine.fidelity.scoring import item_score
from placewell.errors import ActionError
from placewell.fidelity import evidence
from placewell.fidelity.models import FidelityReview, ItemScore, ReviewAction, Scale

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

A = AuditEvent.Action
R = ItemScore.Round
S = FidelityReview.Status
RECORD = "fidelity_review"


class ReviewError(ActionError):
    """A refused review action, with the form field it concerns (``None`` for the whole form)."""


def _log(
    by: User | None,
    action: str,
    review: FidelityReview,
    summary: str,
    changes: Any = None,
    request: HttpRequest | None = None,
) -> None:
    audit.record(
        by,
        action,
        RECORD,
        review.pk,
        service_id=review.service_id,
        summary=summary,
        changes=changes,
        request=request,
    )


# Who may do what ----------------------------------------------------------------------------------------


def viewable_services(user: User | AnonymousUser) -> QuerySet[Service]:
    """Services whose reviews ``user`` may read: their own service, or an evaluator's organisation's.

    Reviews are aggregate (no participant appears in them), so the scope is the policy's aggregate scope.
    """
    if not has_perm(user, Perm.VIEW_REVIEWS):
        return Service.objects.none()
    return Service.objects.filter(services_in_scope(user))


def may_conduct(user: User | AnonymousUser, service: Service) -> bool:
    """Service managers and team leaders conduct reviews of their own service (``Perm.CONDUCT_REVIEW``)."""
    return has_perm(user, Perm.CONDUCT_REVIEW) and user.service_id == service.pk


def possible_reviewers(service: Service) -> QuerySet[User]:
    """Active staff of ``service`` whose role may conduct reviews."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.CONDUCT_REVIEW in perms]
    return User.objects.filter(service=service, role__in=roles, is_active=True).order_by(
        "first_name", "last_name"
    )


def round_for(review: FidelityReview, user: User | AnonymousUser) -> str | None:
    """The round ``user`` scores in on this review (first or second), or ``None`` if they are not a reviewer."""
    if not user.is_authenticated:
        return None
    if review.first_reviewer_id == user.pk:
        return R.FIRST
    if review.second_reviewer_id == user.pk:
        return R.SECOND
    return None


def submitted(review: FidelityReview, round_: str) -> bool:
    return (review.first_submitted_at if round_ == R.FIRST else review.second_submitted_at) is not None


def visible_rounds(review: FidelityReview, user: User | AnonymousUser) -> set[str]:
    """The rounds of scores ``user`` may see: only their own until every reviewer has submitted."""
    if review.status != S.SCORING:
        return {R.FIRST, R.SECOND, R.CONSENSUS}
    own = round_for(review, user)
    return {own} if own else set()


def default_scale(service: Service) -> str:
    """SEQF for an SEQF service, IPS-25 for IPS and IPS-LITE."""
    return Scale.SEQF if service.model == Service.Model.SEQF else Scale.IPS25


# Checking scores ----------------------------------------------------------------------------------------


def _section_items(scale: str, section: str) -> tuple[str, ...]:
    for s in get_scale(scale).sections:
        if s.key == section:
            return s.items
    raise ReviewError(f"{get_scale(scale).title} has no section {section!r}")


def check_section_scores(scale: str, section: str, scores: Mapping[str, object]) -> dict[str, int]:
    """Every item of the section scored by the engine's rule, or :class:`ReviewError` naming the first fault."""
    chosen = get_scale(scale)
    keys = _section_items(scale, section)
    unknown = [key for key in scores if key not in keys]
    if unknown:
        raise ReviewError(f"{unknown[0]} is not an item of this section")
    out = {}
    for key in keys:
        item = chosen.item(key)
        value = scores.get(key)
        if value is None or value == "":
            raise ReviewError(f"Select a score for {item.name}", key)
        try:
            out[key] = item_score(chosen.id, item, value)
        except FidelityError:
            raise ReviewError(f"The score for {item.name} must be {item.allowed}", key) from None
    return out


def _write_scores(
    review: FidelityReview, round_: str, scores: Mapping[str, int], notes: Mapping[str, str]
) -> None:
    for key, score in scores.items():
        ItemScore.objects.update_or_create(
            review=review,
            round=round_,
            item=key,
            defaults={"score": score, "note": notes.get(key, "").strip()},
        )


def scores_of(review: FidelityReview, round_: str) -> dict[str, int]:
    return dict(review.scores.filter(round=round_).values_list("item", "score"))


# Actions ------------------------------------------------------------------------------------------------


def _check_dates(review_date: dt.date, period_start: dt.date, period_end: dt.date) -> None:
    today = timezone.localdate()
    if review_date > today:
        raise ReviewError("The review date must be today or in the past", "review_date")
    if period_start > period_end:
        raise ReviewError("The start of the evidence period must be before its end", "period_start")
    if period_end > review_date:
        raise ReviewError("The evidence period must end on or before the review date", "period_end")


@transaction.atomic
def start_review(
    *,
    by: User,
    service: Service,
    scale: str,
    review_date: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    second_reviewer: User | None = None,
    figures: Mapping[str, evidence.EvidenceFigure] | None = None,
    request: HttpRequest | None = None,
) -> FidelityReview:
    """Start a review of ``service`` with ``by`` as first reviewer; reads the MI evidence for the period."""
    if not may_conduct(by, service):
        raise ReviewError("You may not conduct reviews of this service")
    if scale not in Scale.values:
        raise ReviewError("Select a scale", "scale")
    _check_dates(review_date, period_start, period_end)
    if second_reviewer is not None:
        if second_reviewer.pk == by.pk:
            raise ReviewError("The second reviewer must be someone else", "second_reviewer")
        if not may_conduct(second_reviewer, service):
            raise ReviewError(
                "The second reviewer must be able to conduct reviews of this service", "second_reviewer"
            )
    if figures is None:
        figures = evidence.collect(service, period_start, period_end)
    review = FidelityReview.objects.create(
        service=service,
        scale=scale,
        scale_version=get_scale(scale).version,
        review_date=review_date,
        period_start=period_start,
        period_end=period_end,
        first_reviewer=by,
        first_reviewer_name=by.get_full_name() or by.username,
        second_reviewer=second_reviewer,
        second_reviewer_name=(second_reviewer.get_full_name() or second_reviewer.username)
        if second_reviewer
        else "",
        evidence=evidence.to_json(figures),
    )
    _log(
        by,
        A.CREATE,
        review,
        f"Started {review}",
        {"scale": scale, "review_date": review_date.isoformat()},
        request,
    )
    return review


@transaction.atomic
def save_scores(
    *,
    by: User,
    review: FidelityReview,
    section: str,
    scores: Mapping[str, object],
    notes: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Save ``by``'s own scores for one section (every item of it) while they have not yet submitted."""
    review = FidelityReview.objects.select_for_update().get(pk=review.pk)
    round_ = round_for(review, by)
    if round_ is None or not may_conduct(by, review.service):
        raise ReviewError("Only this review's reviewers may score it")
    if review.status != S.SCORING or submitted(review, round_):
        raise ReviewError("You have already submitted your scores")
    checked = check_section_scores(review.scale, section, scores)
    _write_scores(review, round_, checked, notes or {})
    _log(by, A.UPDATE, review, f"Scored section {section}", {"round": round_, "section": section}, request)


@transaction.atomic
def submit_scores(*, by: User, review: FidelityReview, request: HttpRequest | None = None) -> FidelityReview:
    """Submit ``by``'s scores once every item is scored; when every reviewer has, agreement can be shown."""
    review = FidelityReview.objects.select_for_update().get(pk=review.pk)
    round_ = round_for(review, by)
    if round_ is None or not may_conduct(by, review.service):
        raise ReviewError("Only this review's reviewers may submit scores")
    if review.status != S.SCORING or submitted(review, round_):
        raise ReviewError("You have already submitted your scores")
    missing = [
        item.name for item in get_scale(review.scale).items if item.key not in scores_of(review, round_)
    ]
    if missing:
        raise ReviewError(f"Score every item before submitting. Not scored yet: {', '.join(missing)}")
    now = timezone.now()
    if round_ == R.FIRST:
        review.first_submitted_at = now
    else:
        review.second_submitted_at = now
    if review.first_submitted_at and (review.second_submitted_at or not review.second_reviewer_id):
        review.status = S.AGREEING
    review.save()
    _log(by, A.UPDATE, review, f"Submitted {round_} reviewer's scores", {"round": round_}, request)
    return review


@transaction.atomic
def save_consensus(
    *,
    by: User,
    review: FidelityReview,
    section: str,
    scores: Mapping[str, object],
    notes: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Record the agreed score of every item of one section, after every reviewer has submitted."""
    review = FidelityReview.objects.select_for_update().get(pk=review.pk)
    if round_for(review, by) is None or not may_conduct(by, review.service):
        raise ReviewError("Only this review's reviewers may record the agreed scores")
    if review.status != S.AGREEING:
        raise ReviewError(
            "Agreed scores are recorded after every reviewer has submitted and before completion"
        )
    checked = check_section_scores(review.scale, section, scores)
    _write_scores(review, R.CONSENSUS, checked, notes or {})
    _log(by, A.UPDATE, review, f"Agreed scores for section {section}", {"section": section}, request)


def _finish(review: FidelityReview) -> ReviewResult:
    result = score_review(review.scale, scores_of(review, R.CONSENSUS))
    review.total, review.band = result.total, result.band
    review.result = result.as_dict()
    review.status = S.COMPLETE
    review.completed_at = timezone.now()
    review.save()
    return result


@transaction.atomic
def complete_review(*, by: User, review: FidelityReview, request: HttpRequest | None = None) -> ReviewResult:
    """Total the agreed scores with the engine and close the review."""
    review = FidelityReview.objects.select_for_update().get(pk=review.pk)
    if round_for(review, by) is None or not may_conduct(by, review.service):
        raise ReviewError("Only this review's reviewers may complete it")
    if review.status != S.AGREEING:
        raise ReviewError("Only a review whose scores are being agreed can be completed")
    agreed = scores_of(review, R.CONSENSUS)
    missing = [item.name for item in get_scale(review.scale).items if item.key not in agreed]
    if missing:
        raise ReviewError(f"Agree a score for every item first. Not agreed yet: {', '.join(missing)}")
    result = _finish(review)
    _log(
        by,
        A.UPDATE,
        review,
        f"Completed {review}: {result.total}, {result.band}",
        result.section_totals,
        request,
    )
    return result


@transaction.atomic
def add_action(
    *,
    by: User | None,
    review: FidelityReview,
    item: str,
    action: str,
    owner: str,
    due_on: dt.date,
    request: HttpRequest | None = None,
) -> ReviewAction:
    """Add a line to the action plan: an item of the review's scale, the action, who owns it and when."""
    if by is not None and not may_conduct(by, review.service):
        raise ReviewError("You may not change this review's action plan")
    if item not in get_scale(review.scale).item_keys:
        raise ReviewError("Select an item of the scale", "item")
    if not action.strip():
        raise ReviewError("Enter the action", "action")
    if not owner.strip():
        raise ReviewError("Enter who owns the action", "owner")
    if due_on < review.review_date:
        raise ReviewError("The due date must be on or after the review date", "due_on")
    row = ReviewAction.objects.create(
        review=review, item=item, action=action.strip(), owner=owner.strip(), due_on=due_on
    )
    _log(
        by,
        A.UPDATE,
        review,
        f"Added an action for {item}",
        {"item": item, "due_on": due_on.isoformat()},
        request,
    )
    return row


@transaction.atomic
def record_past_review(
    *,
    by: User | None,
    service: Service,
    scale: str,
    review_date: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    reviewer_names: Iterable[str],
    scores: Mapping[str, object],
    notes: Mapping[str, str] | None = None,
) -> FidelityReview:
    """Record an earlier review from its paper report (agreed scores only), so later reviews compare with it.

    The whole review is checked by the engine first (every item, each 1-5); nothing is saved otherwise.
    """
    if by is not None and not may_conduct(by, service):
        raise ReviewError("You may not record reviews of this service")
    _check_dates(review_date, period_start, period_end)
    try:
        checked = dict(score_review(scale, scores).item_scores)
    except FidelityError as exc:
        raise ReviewError(str(exc)) from None
    names = [n.strip() for n in reviewer_names if n.strip()]
    if not names:
        raise ReviewError("Name at least one reviewer", "reviewers")
    review = FidelityReview.objects.create(
        service=service,
        scale=scale,
        scale_version=get_scale(scale).version,
        review_date=review_date,
        period_start=period_start,
        period_end=period_end,
        first_reviewer_name=names[0],
        second_reviewer_name=names[1] if len(names) > 1 else "",
        from_paper=True,
        status=S.AGREEING,
    )
    _write_scores(review, R.CONSENSUS, checked, notes or {})
    result = _finish(review)
    _log(
        by,
        A.CREATE,
        review,
        f"Recorded {review} from its report: {result.total}, {result.band}",
        {"scale": scale},
        request=None,
    )
    return review
