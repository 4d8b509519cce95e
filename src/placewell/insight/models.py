"""Stored MI figure sets: the dashboard or the MI evidence for one scope and period, worked out by the task
queue (``insight.summaries``) so the pages read one row instead of recomputing over every record.

A row holds aggregates only (counts, shares, medians): no names, no record numbers. Small numbers are kept
as they are and suppressed when the page is shown, exactly as for figures computed there and then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Summary(models.Model):
    class Kind(models.TextChoices):
        DASHBOARD = "dashboard", "MI dashboard"
        EVIDENCE = "evidence", "MI evidence"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    service = models.ForeignKey("accounts.Service", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope_key = models.CharField(max_length=60)  # "service/team/specialist" ids, "-" for none
    start = models.DateField()
    end = models.DateField()
    rolling = models.BooleanField(default=False)  # the default period (12 months to today): moves each day
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)  # how long working it out took
    data = models.TextField()  # JSON written by insight.summaries (exact floats, tagged decimals)
    viewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope_key", "start", "end"], name="insight_summary_once")
        ]
        indexes = [models.Index(fields=["viewed_at"], name="insight_summary_viewed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scope_key} {self.start} to {self.end}"
