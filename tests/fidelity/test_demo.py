"""The demo step: two earlier reviews of each demo service, with action plans, through the real actions."""

from __future__ import annotations

import random

from placewell.accounts import services as acc
from placewell.fidelity.demo import load_earlier_reviews
from placewell.fidelity.models import FidelityReview, ReviewAction


def test_demo_reviews_rise_and_are_loaded_once(world) -> None:  # type: ignore[no-untyped-def]
    acc.create_service(by=None, provider=world.provider, name="Brightpath IPS", model="ips_lite")
    acc.create_service(by=None, provider=world.provider, name="Steps into Work", model="seqf")
    load_earlier_reviews(random.Random(1), lambda _: None)
    load_earlier_reviews(random.Random(1), lambda _: None)
    bright = list(FidelityReview.objects.filter(service__name="Brightpath IPS").order_by("review_date"))
    steps = list(FidelityReview.objects.filter(service__name="Steps into Work").order_by("review_date"))
    assert [r.band for r in bright] == ["fair", "good"]
    assert [r.scale for r in bright] == ["ips25", "ips25"]
    assert [r.scale for r in steps] == ["seqf", "seqf"]
    assert bright[0].total < bright[1].total and steps[0].total < steps[1].total
    assert all(ReviewAction.objects.filter(review=r).exists() for r in bright + steps)
