"""A randomised trial's design, its per-stratum sequence rows and the immutable allocation log.

The allocator itself is the Django-free ``placewell.engine.randomisation``; this module stores what it
needs: the design (arms, ratio schedule, strata, method), one row per stratum holding the engine's small
JSON state (the row ``services.randomise`` locks with ``SELECT ... FOR UPDATE``), the secret seed kept in a
table of its own that no page or form reads, and one append-only row per allocation. See
docs/explanation/randomisation.md and docs/how-to/run-a-trial.md.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from placewell.accounts.models import Service, Team
from placewell.participants import choices
from placewell.participants.models import Participant


class TrialState(models.TextChoices):
    DRAFT = "draft", "Being set up"
    LOCKED = "locked", "Recruiting"
    CLOSED = "closed", "Recruitment closed"


class Method(models.TextChoices):
    BLOCKS = "permuted_blocks", "Stratified permuted blocks"
    MINIMISATION = "minimisation", "Minimisation"
    LIST = "allocation_list", "Uploaded allocation list"


# Participant fields a trial may stratify by, beside the site: (label, the field's choices).
STRATIFICATION_FIELDS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "employment_status": ("Employment status", list(choices.EmploymentStatus.choices)),
    "work_history": ("Paid work in the last 2 years", list(choices.WorkHistory.choices)),
    "activity_limitation": ("Health limits everyday activities", list(choices.ActivityLimitation.choices)),
}


class Trial(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="trials")
    name = models.CharField(max_length=200)
    registration_number = models.CharField(
        max_length=20, unique=True, help_text="ISRCTN followed by 8 digits, for example ISRCTN12345678"
    )
    state = models.CharField(max_length=10, choices=TrialState.choices, default=TrialState.DRAFT)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.BLOCKS)
    block_multiples = models.JSONField(default=list, blank=True)
    stratify_by = models.JSONField(default=list, blank=True, help_text="Participant fields, beside site")
    p_preferred = models.DecimalField(
        "Probability of the preferred arm (minimisation)", max_digits=3, decimal_places=2, default=0.8
    )
    recruitment_opens_on = models.DateField(null=True, blank=True)
    recruitment_closes_on = models.DateField(null=True, blank=True)
    recruitment_target = models.PositiveIntegerField(null=True, blank=True)
    list_checksum = models.CharField(max_length=64, blank=True)
    list_file_sha256 = models.CharField(max_length=64, blank=True)
    minimisation_state = models.JSONField(null=True, blank=True)
    blinded_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="blinded_trials",
        help_text="Staff who must not see arms, such as follow-up survey interviewers",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_draft(self) -> bool:
        return self.state == TrialState.DRAFT

    @property
    def is_recruiting(self) -> bool:
        return self.state == TrialState.LOCKED

    def stratification_labels(self) -> list[str]:
        return [
            "Site",
            *(STRATIFICATION_FIELDS[f][0] for f in self.stratify_by if f in STRATIFICATION_FIELDS),
        ]


class TrialSecret(models.Model):
    """The seed, which is the allocation sequence: never shown on a page, in a form, an export or a log."""

    trial = models.OneToOneField(Trial, on_delete=models.CASCADE, related_name="secret")
    seed = models.CharField(max_length=80)

    def __str__(self) -> str:
        return "Concealed seed"

    def __repr__(self) -> str:
        return "<TrialSecret: concealed>"


class Site(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100)
    teams = models.ManyToManyField(Team, related_name="trial_sites")

    class Meta:
        ordering = ["trial", "code"]
        constraints = [models.UniqueConstraint(fields=["trial", "code"], name="unique_site_code")]

    def __str__(self) -> str:
        return self.name


class Arm(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="arms")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100, help_text="For staff, e.g. Treatment: IPS support")
    participant_label = models.CharField(
        max_length=200, help_text="What the person is told, e.g. Support from an employment specialist"
    )
    is_treatment = models.BooleanField(default=False)
    weight = models.PositiveSmallIntegerField(default=1, help_text="This arm's share of the base ratio")
    next_steps = models.TextField(help_text="Shown to the person with their result")
    leaflet = models.TextField(blank=True, help_text="Printable leaflet, e.g. other local support")

    class Meta:
        ordering = ["trial", "order"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "code"], name="unique_arm_code"),
            models.UniqueConstraint(fields=["trial", "order"], name="unique_arm_order"),
        ]

    def __str__(self) -> str:
        return self.name


class Stratum(models.Model):
    """A group randomised separately, and the row its allocations are serialised on.

    ``state`` is the engine's per-stratum state (``StratumState`` or ``ListState`` as JSON): it shows how
    much of the current block is left, so it is never displayed.
    """

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="strata")
    key = models.CharField(max_length=300)
    label = models.CharField(max_length=200)
    values = models.JSONField()
    target = models.PositiveIntegerField(null=True, blank=True)
    state = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["trial", "label"]
        constraints = [models.UniqueConstraint(fields=["trial", "key"], name="unique_stratum_key")]

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"<Stratum {self.label}>"


class RatioChange(models.Model):
    """From ``effective_from``, allocate in ``stratum`` (or every stratum) with ``weights``, one per arm."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="ratio_changes")
    effective_from = models.DateField()
    stratum = models.ForeignKey(Stratum, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    weights = models.JSONField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trial", "effective_from", "id"]

    def __str__(self) -> str:
        return f"{':'.join(map(str, self.weights))} from {self.effective_from:%d %B %Y}"


class ListEntry(models.Model):
    """One slot of an uploaded allocation list."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="list_entries")
    stratum_key = models.CharField(max_length=300)
    slot = models.PositiveIntegerField()
    arm_code = models.CharField(max_length=30)

    class Meta:
        ordering = ["trial", "stratum_key", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "stratum_key", "slot"], name="unique_list_slot")
        ]

    def __str__(self) -> str:
        return f"slot {self.slot}"


class AppendOnlyQuerySet(models.QuerySet["Allocation"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The allocation log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The allocation log is append-only")


class Allocation(models.Model):
    """One randomisation: who, when, stratum, arm, the ratio in force and the probability of treatment.

    Append-only. ``sealed`` is the engine's full record (block number, size and position, or the
    minimisation probabilities), for the trial statistician only: with the arms already allocated it shows
    how much of a block is left.
    """

    SEALED_FIELDS: ClassVar[tuple[str, ...]] = ("sealed",)

    trial = models.ForeignKey(Trial, on_delete=models.PROTECT, related_name="allocations")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="allocations")
    stratum = models.ForeignKey(Stratum, on_delete=models.PROTECT, related_name="allocations")
    sequence = models.CharField(max_length=300, help_text="The stratum key, or 'trial' for minimisation")
    slot = models.PositiveIntegerField()
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, related_name="allocations")
    method = models.CharField(max_length=20, choices=Method.choices)
    ratio = models.JSONField()
    probability_of_treatment = models.FloatField()
    ratio_effective_from = models.DateField(null=True, blank=True)
    allocated_on = models.DateField(db_index=True)
    randomised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    randomised_at = models.DateTimeField(auto_now_add=True)
    sealed = models.JSONField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "randomised_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant"], name="randomised_once"),
            models.UniqueConstraint(fields=["trial", "sequence", "slot"], name="one_allocation_per_slot"),
        ]

    def __str__(self) -> str:
        return f"Allocation {self.pk}"

    def __repr__(self) -> str:
        return f"<Allocation {self.pk}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The allocation log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The allocation log is append-only")

    @property
    def ratio_text(self) -> str:
        return ":".join(str(w) for w in self.ratio)
