"""Fidelity review pages: the list, starting a review, a review's overview, the comparison with earlier
reviews and the printable report. Views are thin: permission, service, render. Scoring pages are in
``views_scoring``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, Service
from placewell.accounts.policy import Perm, has_perm, require
from placewell.engine.fidelity import UNCONFIRMED_NOTICE, get_scale
from placewell.engine.fidelity.suggestion import format_figure
from placewell.fidelity import access, charts, services
from placewell.fidelity.forms import ChooseScaleForm, PastReviewForm, StartReviewForm
from placewell.fidelity.models import FidelityReview, ItemScore
from placewell.insight.tables import SMALL
from placewell.ui.forms import apply_error

R = ItemScore.Round
S = FidelityReview.Status


def own_service(request: HttpRequest) -> Service | None:
    """The service the user conducts reviews for, if any."""
    if not has_perm(request.user, Perm.CONDUCT_REVIEW):
        return None
    if request.user.service_id is None:
        return None
    return Service.objects.filter(pk=request.user.service_id).first()


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_REVIEWS)
    reviews = list(
        FidelityReview.objects.filter(service__in=services.viewable_services(request.user))
        .select_related("service")
        .order_by("service__name", "-review_date", "-id")
    )
    return render(
        request,
        "fidelity/list.html",
        {"reviews": reviews, "can_start": own_service(request) is not None},
    )


@login_required
def review_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CONDUCT_REVIEW)
    service = own_service(request)
    if service is None:
        raise PermissionDenied("You conduct reviews of your own service, and you have none.")
    reviewers = services.possible_reviewers(service).exclude(pk=request.user.pk)
    today = timezone.localdate()
    form = StartReviewForm(
        request.POST or None,
        reviewers=reviewers,
        initial={
            "scale": services.default_scale(service),
            "review_date": today,
            "period_start": today - dt.timedelta(days=364),  # a year of MI, the review's date included
            "period_end": today,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            review = services.start_review(
                by=request.user,
                service=service,
                scale=d["scale"],
                review_date=d["review_date"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                second_reviewer=d["second_reviewer"],
                request=request,
            )
        except services.ReviewError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Review started. Score each section, then submit your scores.")
            return redirect("fidelity:detail", review=review.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Start a fidelity review",
            "caption": service.name,
            "button": "Start review",
            "back_url": reverse("fidelity:list"),
        },
    )


SUPPRESSED = "Not shown: based on fewer than 5 people"


def suppressing(request: HttpRequest) -> bool:
    """Evaluators see figures resting on 1 to 4 people suppressed, as on the dashboards
    (``insight.suppression``)."""
    return getattr(request.user, "role", None) == Role.EVALUATOR


def small(n: int | None) -> bool:
    return n is not None and 0 < n < SMALL


@login_required
def past_review_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record an earlier review from its paper report, so that later reviews compare with it. The scale is
    chosen first (``?scale=``), then the dates, the reviewers' names and every agreed score on one page; the
    engine checks the whole review before anything is saved."""
    require(request.user, Perm.CONDUCT_REVIEW)
    service = own_service(request)
    if service is None:
        raise PermissionDenied("You record reviews of your own service, and you have none.")
    chooser = ChooseScaleForm(request.GET or None)
    if not chooser.is_valid():
        return render(
            request,
            "ui/form_page.html",
            {
                "form": chooser,
                "method": "get",
                "title": "Record an earlier review from its report",
                "caption": service.name,
                "button": "Continue",
                "back_url": reverse("fidelity:list"),
            },
        )
    scale = chooser.cleaned_data["scale"]
    form = PastReviewForm(request.POST or None, scale=scale)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            review = services.record_past_review(
                by=request.user,
                service=service,
                scale=scale,
                review_date=d["review_date"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                reviewer_names=[d["first_reviewer"], d["second_reviewer"]],
                scores=form.scores(),
            )
        except services.ReviewError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Earlier review recorded.")
            return redirect("fidelity:detail", review=review.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": f"Record an earlier {get_scale(scale).title} review",
            "caption": service.name,
            "button": "Record review",
            "back_url": reverse("fidelity:past_new"),
        },
    )


def figure_rows(review: FidelityReview, suppress: bool = False) -> list[dict[str, Any]]:
    """The MI figures the review's scale reads, each written as the engine writes it in its reasons; with
    ``suppress``, a figure resting on 1 to 4 people is not shown."""
    from placewell.fidelity import evidence

    figures = evidence.from_json(review.evidence)
    rows = []
    for item in get_scale(review.scale).items:
        anchors = item.anchors
        if anchors is None:
            continue
        f = figures.get(anchors.figure)
        if f is None:
            continue
        hidden = suppress and small(f.n)
        if hidden:
            shown = SUPPRESSED
        elif f.missing:
            shown = "Not available yet"
        elif f.value is None:
            shown = "No data for the period"
        else:
            shown = f"{format_figure(anchors.kind, f.value)} {anchors.unit}"
        rows.append(
            {
                "item": item,
                "label": f.label or anchors.figure.replace("_", " ").capitalize(),
                "shown": shown,
                "n": "fewer than 5" if hidden else f.n,
                "definition": f.definition or anchors.definition,
            }
        )
    return rows


@login_required
def review_detail(request: HttpRequest, review: int) -> HttpResponse:
    r = access.get_review(request, review)
    visible = services.visible_rounds(r, request.user)
    scores = access.all_scores(r, visible)
    mine = services.round_for(r, request.user)
    can_conduct = services.may_conduct(request.user, r.service)
    actions = list(r.actions.all())
    scale = get_scale(r.scale)
    names = {item.key: f"{item.number}. {item.name}" for item in scale.items}
    return render(
        request,
        "fidelity/detail.html",
        {
            "review": r,
            "scale": scale,
            "mine": mine if can_conduct else None,
            "my_submitted": services.submitted(r, mine) if mine else False,
            "progress": access.section_progress(r, scores.of(mine)) if mine and can_conduct else [],
            "consensus_progress": access.section_progress(r, scores.of(R.CONSENSUS)),
            "can_conduct": can_conduct,
            "actions": [(a, names.get(a.item, a.item)) for a in actions],
            "figures": figure_rows(r, suppressing(request)),
            "result": r.result,
            "section_rows": _section_rows(r),
            "notice": UNCONFIRMED_NOTICE,
        },
    )


def _section_rows(review: FidelityReview) -> list[dict[str, Any]]:
    """Section totals as stored from the engine's result, with each section's name."""
    if not review.result:
        return []
    scale = get_scale(review.scale)
    stored = review.result.get("sections", {})
    return [
        {"name": s.name, "total": stored[s.key]["total"], "maximum": stored[s.key]["maximum"]}
        for s in scale.sections
        if s.key in stored
    ]


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    """Completed reviews of one service on one scale over time: totals, and every item's agreed score."""
    require(request.user, Perm.VIEW_REVIEWS)
    allowed = list(services.viewable_services(request.user).order_by("name"))
    if not allowed:
        raise PermissionDenied("You have no service whose reviews you may see.")
    wanted = request.GET.get("service", "")
    service = next((s for s in allowed if str(s.pk) == wanted), allowed[0])
    scale_id = request.GET.get("scale", "")
    if scale_id not in ("ips25", "seqf"):
        scale_id = services.default_scale(service)
    scale = get_scale(scale_id)
    reviews = list(
        FidelityReview.objects.filter(service=service, scale=scale_id, status=S.COMPLETE).order_by(
            "review_date", "id"
        )
    )
    by_review: dict[int, dict[str, int]] = {r.pk: {} for r in reviews}
    for review_id, item, score in ItemScore.objects.filter(review__in=reviews, round=R.CONSENSUS).values_list(
        "review_id", "item", "score"
    ):
        by_review[review_id][item] = score
    dates = [f"{r.review_date:%b %Y}" for r in reviews]
    totals = charts.totals_chart(
        scale, [(d, r.total or 0, r.band) for d, r in zip(dates, reviews, strict=True)]
    )
    items = charts.items_chart(scale, dates, [by_review[r.pk] for r in reviews])
    return render(
        request,
        "fidelity/trends.html",
        {
            "service": service,
            "services": allowed,
            "scale": scale,
            "reviews": reviews,
            "totals": totals,
            "items": items,
            "table_rows": [(item, [by_review[r.pk].get(item.key) for r in reviews]) for item in scale.items],
            "dates": dates,
        },
    )


@login_required
def report(request: HttpRequest, review: int) -> HttpResponse:
    """The printable report of a completed review (print stylesheet: ``static/fidelity/print.css``)."""
    r = access.get_review(request, review)
    if r.status != S.COMPLETE:
        messages.info(request, "The report is ready once the review is complete.")
        return redirect("fidelity:detail", review=r.pk)
    scores = access.all_scores(r, {R.FIRST, R.SECOND, R.CONSENSUS})
    from placewell.fidelity.views_scoring import agreement_for

    suggestions: dict[str, Any] = dict(access.suggestions_for(r))
    scale = get_scale(r.scale)
    suppress = suppressing(request)
    if suppress:
        from placewell.fidelity import evidence

        figures = evidence.from_json(r.evidence)
        for item in scale.items:
            figure = figures.get(item.anchors.figure) if item.anchors else None
            if figure is not None and small(figure.n) and item.key in suggestions:
                suggestions[item.key] = {"score": None, "reason": SUPPRESSED}
    rows = [
        {
            "item": item,
            "score": scores.of(R.CONSENSUS).get(item.key),
            "note": scores.notes.get(R.CONSENSUS, {}).get(item.key, ""),
            "suggestion": suggestions.get(item.key),
        }
        for item in scale.items
    ]
    names = {item.key: f"{item.number}. {item.name}" for item in scale.items}
    return render(
        request,
        "fidelity/report.html",
        {
            "review": r,
            "scale": scale,
            "rows": rows,
            "section_rows": _section_rows(r),
            "agreement": agreement_for(r, scores),
            "actions": [(a, names.get(a.item, a.item)) for a in r.actions.all()],
            "figures": figure_rows(r, suppress),
            "notice": UNCONFIRMED_NOTICE,
        },
    )
