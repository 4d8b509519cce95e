"""Demo fidelity reviews: two earlier reviews of each demo service, recorded from their paper reports with
action plans, so the comparison charts have a history to show.

Brightpath IPS (IPS-LITE, reviewed on IPS-25) moves from "fair" to "good", the range the Health-led Trials'
2019 reviews spanned (DWP research report 1025, section 1.8); time-unlimited in-work support stays low by
design in a time-limited model (the same report's first exception). Steps into Work is reviewed on the SEQF
form. The totals are demo values, not published figures.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from placewell.accounts.models import Service
from placewell.engine.fidelity import get_scale
from placewell.fidelity import services
from placewell.fidelity.models import FidelityReview

PLANS = {
    # service name: scale, reviewer names, (days before today, target total), items held low, actions
    "Brightpath IPS": (
        "ips25",
        ("Mohammed Hussain", "Tara Whitfield"),
        ((430, 86), (65, 104)),
        {"time_unlimited_follow_along": 2},
        [
            (
                "employer_contact_frequency",
                "Block two half-days a week for face-to-face employer visits.",
                "Tara Whitfield",
            ),
            (
                "integration_team_contact",
                "Join the community mental health team's weekly meeting.",
                "Mohammed Hussain",
            ),
            (
                "caseload_size",
                "Keep open caseloads at 20 or fewer; review at each supervision.",
                "Tara Whitfield",
            ),
        ],
    ),
    "Steps into Work": (
        "seqf",
        ("Grace Obi", "Liam Doyle"),
        ((400, 78), (50, 91)),
        {},
        [
            ("prompt_first_meeting", "Offer a first meeting within a week of referral.", "City team"),
            (
                "job_sustainment_rate",
                "Plan in-work support with each person before they start work.",
                "City team",
            ),
        ],
    ),
}


def demo_scores(
    scale_id: str, target: int, rng: random.Random, fixed: dict[str, int], start: dict[str, int] | None = None
) -> dict[str, int]:
    """Item scores (1-5) adding up to ``target``, holding ``fixed`` items and, if given, never below ``start``."""
    scale = get_scale(scale_id)
    scores = dict(start) if start else dict.fromkeys(scale.item_keys, 3)
    scores.update(fixed)
    free = [key for key in scale.item_keys if key not in fixed]
    floor = start or {}
    while sum(scores.values()) != target:
        key = rng.choice(free)
        if sum(scores.values()) < target and scores[key] < 5:
            scores[key] += 1
        elif sum(scores.values()) > target and scores[key] > max(1, floor.get(key, 1)):
            scores[key] -= 1
    return scores


def load_earlier_reviews(rng: random.Random, progress: Callable[[str], None]) -> None:
    today = timezone.localdate()
    made = 0
    for name, (scale, reviewers, reviews, fixed, actions) in PLANS.items():
        service = Service.objects.filter(name=name).first()
        if service is None or FidelityReview.objects.filter(service=service).exists():
            continue
        previous = None
        for index, (days_ago, target) in enumerate(reviews):
            review_date = today - dt.timedelta(days=days_ago)
            scores = demo_scores(scale, target, rng, fixed, previous)
            review = services.record_past_review(
                by=None,
                service=service,
                scale=scale,
                review_date=review_date,
                period_start=review_date - dt.timedelta(days=365),
                period_end=review_date - dt.timedelta(days=1),
                reviewer_names=reviewers,
                scores=scores,
                notes=dict.fromkeys(list(scores)[:3], "Recorded from the paper report."),
            )
            for item, action, owner in actions if index == 0 else actions[:1]:
                services.add_action(
                    by=None,
                    review=review,
                    item=item,
                    action=action,
                    owner=owner,
                    due_on=review_date + dt.timedelta(days=90),
                )
            previous = scores
            made += 1
    progress(f"Fidelity reviews: {made}")
