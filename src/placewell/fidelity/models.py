"""Fidelity reviews: who reviewed which service on what date against which scale, each reviewer's item
scores, the agreed (consensus) scores, the engine's result and the action plan.

Scores and totals come from ``placewell.engine.fidelity``: the stored ``total``, ``band`` and ``result`` are
the engine's :class:`ReviewResult` for the consensus scores, written once when the review is completed and
never recomputed by hand. Nothing here is personal data about participants; the MI evidence is aggregate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from placewell.accounts.models import Service


class Scale(models.TextChoices):
    IPS25 = "ips25", "IPS-25"
    SEQF = "seqf", "SEQF"


class FidelityReview(models.Model):
    class Status(models.TextChoices):
        SCORING = "scoring", "Reviewers scoring"
        AGREEING = "agreeing", "Agreeing scores"
        COMPLETE = "complete", "Complete"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="fidelity_reviews")
    scale = models.CharField(max_length=10, choices=Scale.choices)
    scale_version = models.CharField(max_length=60)
    review_date = models.DateField()
    period_start = models.DateField("Start of the MI evidence period")
    period_end = models.DateField("End of the MI evidence period")
    first_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_reviewer_name = models.CharField(max_length=200)
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_reviewer_name = models.CharField(max_length=200, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    second_submitted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCORING)
    from_paper = models.BooleanField(
        default=False, help_text="An earlier review recorded from its paper report (agreed scores only)"
    )
    evidence = models.JSONField(default=dict, blank=True, help_text="The MI figures for the period, as read")
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=60, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="The engine's ReviewResult.as_dict()")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-review_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")), name="fidelity_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scale_display()} review of {self.service} on {self.review_date:%-d %B %Y}"

    @property
    def has_second_reviewer(self) -> bool:
        return bool(self.second_reviewer_id or self.second_reviewer_name)

    @property
    def reviewer_names(self) -> list[str]:
        return [n for n in (self.first_reviewer_name, self.second_reviewer_name) if n]


class ItemScore(models.Model):
    """One item's score in one round: a reviewer's own (first, second) or the agreed one (consensus)."""

    class Round(models.TextChoices):
        FIRST = "first", "First reviewer"
        SECOND = "second", "Second reviewer"
        CONSENSUS = "consensus", "Agreed"

    review = models.ForeignKey(FidelityReview, on_delete=models.CASCADE, related_name="scores")
    round = models.CharField(max_length=10, choices=Round.choices)
    item = models.CharField(max_length=60)
    score = models.PositiveSmallIntegerField()
    note = models.TextField("Evidence notes", blank=True)

    class Meta:
        ordering = ["review", "round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "round", "item"], name="fidelity_one_score_per_item"),
            # Both shipped scales score every item 1-5 (engine/fidelity/ips25.json, seqf.json).
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="fidelity_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.score} ({self.get_round_display()})"


class ReviewAction(models.Model):
    """One line of the review's action plan: what will be done about an item, by whom, by when."""

    review = models.ForeignKey(FidelityReview, on_delete=models.CASCADE, related_name="actions")
    item = models.CharField(max_length=60)
    action = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.item}: {self.action[:60]}"
