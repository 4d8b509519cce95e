"""Scoring pages: one page per section for a reviewer's own scores, submitting them, the agreement between
reviewers item by item, the agreed (consensus) scores, completing the review and the action plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.engine.fidelity import UNCONFIRMED_NOTICE, RaterAgreement, get_scale, inter_rater_agreement
from placewell.fidelity import access, services
from placewell.fidelity.forms import ActionForm, SectionScoresForm, score_hints
from placewell.fidelity.models import FidelityReview, ItemScore
from placewell.ui.forms import apply_error

R = ItemScore.Round
S = FidelityReview.Status


def _next_section(review: FidelityReview, key: str) -> str | None:
    keys = [s.key for s in get_scale(review.scale).sections]
    i = keys.index(key)
    return keys[i + 1] if i + 1 < len(keys) else None


def _section_page(
    request: HttpRequest, review: FidelityReview, section_key: str, round_: str, *, agreeing: bool
) -> HttpResponse:
    scale = get_scale(review.scale)
    section = access.section_or_404(scale, section_key)
    rounds: set[str] = {R.FIRST, R.SECOND, R.CONSENSUS} if agreeing else {round_}
    scores = access.all_scores(review, rounds)
    initial: dict[str, Any] = {}
    for key in section.items:
        if agreeing:
            first, second = scores.of(R.FIRST).get(key), scores.of(R.SECOND).get(key)
            agreed = scores.of(R.CONSENSUS).get(key)
            if agreed is None and (second is None or first == second):
                agreed = first  # both gave the same score, or there was one reviewer
            if agreed is not None:
                initial[key] = str(agreed)
            note = scores.notes.get(R.CONSENSUS, {}).get(key)
            if note is None:
                note = "\n".join(
                    n for n in (scores.notes.get(r, {}).get(key) for r in (R.FIRST, R.SECOND)) if n
                )
            initial[f"{key}__note"] = note
        else:
            if key in scores.of(round_):
                initial[key] = str(scores.of(round_)[key])
            initial[f"{key}__note"] = scores.notes.get(round_, {}).get(key, "")
    form = SectionScoresForm(request.POST or None, scale=review.scale, section=section_key, initial=initial)
    if request.method == "POST" and form.is_valid():
        action = services.save_consensus if agreeing else services.save_scores
        try:
            action(
                by=request.user,  # type: ignore[arg-type]
                review=review,
                section=section_key,
                scores=form.scores(),
                notes=form.notes(),
                request=request,
            )
        except services.ReviewError as exc:
            apply_error(form, exc)
        else:
            following = _next_section(review, section_key)
            name = "fidelity:agree" if agreeing else "fidelity:score"
            if following is not None:
                return redirect(name, review=review.pk, section=following)
            messages.success(request, f"{section.name} saved. Every section has been scored.")
            return redirect("fidelity:detail", review=review.pk)
    suggestions = access.suggestions_for(review)
    items = []
    for item in form.items:
        field = form[item.key]
        hints = score_hints(item)
        items.append(
            {
                "item": item,
                "field": field,
                "note": form[f"{item.key}__note"],
                "choices": [(n, hints.get(n, "")) for n in range(item.minimum, item.maximum + 1)],
                "value": str(field.value() or ""),
                "suggestion": suggestions.get(item.key),
                "first": scores.of(R.FIRST).get(item.key) if agreeing else None,
                "second": scores.of(R.SECOND).get(item.key) if agreeing else None,
            }
        )
    sections = scale.sections
    return render(
        request,
        "fidelity/section.html",
        {
            "review": review,
            "form": form,
            "section": section,
            "position": [s.key for s in sections].index(section_key) + 1,
            "count": len(sections),
            "items": items,
            "agreeing": agreeing,
            "notice": UNCONFIRMED_NOTICE,
        },
    )


@login_required
def score_section(request: HttpRequest, review: int, section: str) -> HttpResponse:
    r = access.get_review(request, review, conduct=True)
    round_ = services.round_for(r, request.user)
    if round_ is None:
        raise PermissionDenied("Only this review's reviewers may score it.")
    if r.status != S.SCORING or services.submitted(r, round_):
        messages.info(request, "You have submitted your scores; they can no longer be changed.")
        return redirect("fidelity:detail", review=r.pk)
    return _section_page(request, r, section, round_, agreeing=False)


@login_required
def agree_section(request: HttpRequest, review: int, section: str) -> HttpResponse:
    r = access.get_review(request, review, conduct=True)
    if services.round_for(r, request.user) is None:
        raise PermissionDenied("Only this review's reviewers may record the agreed scores.")
    if r.status != S.AGREEING:
        messages.info(request, "Agreed scores are recorded once every reviewer has submitted.")
        return redirect("fidelity:detail", review=r.pk)
    return _section_page(request, r, section, R.CONSENSUS, agreeing=True)


@login_required
@require_POST
def submit(request: AuthenticatedHttpRequest, review: int) -> HttpResponse:
    r = access.get_review(request, review, conduct=True)
    try:
        r = services.submit_scores(by=request.user, review=r, request=request)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        if r.status == S.AGREEING:
            messages.success(
                request, "Scores submitted. Every reviewer has submitted: agree the scores next."
            )
        else:
            messages.success(
                request, "Scores submitted. The other reviewer's scores stay hidden until they submit."
            )
    return redirect("fidelity:detail", review=r.pk)


@login_required
@require_POST
def complete(request: AuthenticatedHttpRequest, review: int) -> HttpResponse:
    r = access.get_review(request, review, conduct=True)
    try:
        result = services.complete_review(by=request.user, review=r, request=request)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Review complete: {result.total} out of {result.maximum}, {result.band}.")
    return redirect("fidelity:detail", review=r.pk)


def agreement_for(review: FidelityReview, scores: access.ScoreSet) -> RaterAgreement | None:
    """The engine's agreement between the two reviewers, when both have scored every item."""
    first, second = scores.of(R.FIRST), scores.of(R.SECOND)
    if not first or not second or set(first) != set(second) or review.status == S.SCORING:
        return None
    return inter_rater_agreement(first, second, scale=review.scale)


@login_required
def agreement(request: HttpRequest, review: int) -> HttpResponse:
    """The two reviewers' scores item by item, once both have submitted: exact, within one, weighted kappa."""
    r = access.get_review(request, review)
    if r.status == S.SCORING:
        messages.info(request, "Agreement is shown once every reviewer has submitted their scores.")
        return redirect("fidelity:detail", review=r.pk)
    scores = access.all_scores(r, {R.FIRST, R.SECOND, R.CONSENSUS})
    result = agreement_for(r, scores)
    scale = get_scale(r.scale)
    rows = []
    if result is not None:
        for a in result.by_item:
            item = scale.item(a.item)
            rows.append({"item": item, "a": a, "agreed": scores.of(R.CONSENSUS).get(a.item)})
    return render(
        request,
        "fidelity/agreement.html",
        {
            "review": r,
            "scale": scale,
            "agreement": result,
            "rows": rows,
            "can_agree": r.status == S.AGREEING
            and services.may_conduct(request.user, r.service)
            and services.round_for(r, request.user) is not None,
            "first_section": scale.sections[0].key,
        },
    )


@login_required
def action_new(request: AuthenticatedHttpRequest, review: int) -> HttpResponse:
    r = access.get_review(request, review, conduct=True)
    form = ActionForm(request.POST or None, scale=r.scale)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_action(
                by=request.user,
                review=r,
                item=d["item"],
                action=d["action"],
                owner=d["owner"],
                due_on=d["due_on"],
                request=request,
            )
        except services.ReviewError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Action added to the plan.")
            return redirect("fidelity:detail", review=r.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Add an action",
            "caption": str(r),
            "button": "Add action",
            "back_url": reverse("fidelity:detail", args=[r.pk]),
        },
    )
