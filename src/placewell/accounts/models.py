"""Who works where: organisations, services, teams and staff, and the append-only audit log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMMISSIONER = "commissioner", "Commissioner"
        PROVIDER = "provider", "Provider"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A supported employment programme run by a provider, with its fidelity model and time limits.

    IPS-LITE in the Health-led Trials allowed 9 months of support to find work and 4 months in work
    (DWP research report 1025, section 1.4); IPS recommends 20 or fewer participants per full-time specialist (section 3.3).
    """

    class Model(models.TextChoices):
        IPS = "ips", "IPS"
        IPS_LITE = "ips_lite", "IPS-LITE"
        SEQF = "seqf", "SEQF"

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services", limit_choices_to={"kind": "provider"}
    )
    commissioner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="commissioned_services",
        null=True,
        blank=True,
        limit_choices_to={"kind": "commissioner"},
    )
    name = models.CharField(max_length=200)
    model = models.CharField("Fidelity model", max_length=20, choices=Model.choices, default=Model.IPS)
    pre_employment_limit_months = models.PositiveSmallIntegerField(
        "Pre-employment support limit (months)", null=True, blank=True, help_text="Leave empty for no limit"
    )
    in_work_limit_months = models.PositiveSmallIntegerField(
        "In-work support limit (months)", null=True, blank=True, help_text="Leave empty for no limit"
    )
    caseload_target = models.PositiveSmallIntegerField(
        "Caseload target per full-time specialist",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    response_working_days = models.PositiveSmallIntegerField(
        "Promised response time (working days)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How many working days a new referral may wait before someone contacts the person. "
        "Weekends and England and Wales bank holidays are not counted.",
    )
    accepts_self_referrals = models.BooleanField(default=True)
    public_description = models.TextField(
        blank=True, help_text="Shown on the self-referral form and every page a participant sees"
    )
    public_area = models.CharField(
        "Area covered", max_length=200, blank=True, help_text="For example, Northshire and Riverside"
    )
    public_phone = models.CharField("Phone number for participants", max_length=40, blank=True)
    public_email = models.EmailField("Email address for participants", blank=True)
    opening_hours = models.CharField(
        "Opening hours", max_length=200, blank=True, help_text="For example, Monday to Friday, 9am to 5pm"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="unique_service_per_provider")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["service__name", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="unique_team_per_service")]

    def __str__(self) -> str:
        return f"{self.name} ({self.service.name})"


class Role(models.TextChoices):
    SPECIALIST = "specialist", "Employment specialist"
    TEAM_LEADER = "team_leader", "Team leader"
    SERVICE_MANAGER = "service_manager", "Service manager"
    EVALUATOR = "evaluator", "Evaluator"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A member of staff. Role, organisation, service and team decide what they may see (accounts.policy)."""

    role = models.CharField(max_length=30, choices=Role.choices, default=Role.SPECIALIST)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    fte = models.DecimalField(
        "Full-time equivalent",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
    )

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class AuditEvent(models.Model):
    """One read or change of a record: who, when, which record, what action, what changed.

    Append-only: the model refuses updates and deletes, a database trigger refuses them too, and each event
    carries a hash chained to the one before (``accounts.audit_chain``), so a rewrite is noticed. It holds no
    personal data: changes to personal fields are recorded by field name only, and free text (such as an
    erasure's reason) is never kept, so erasing a participant leaves the audit trail intact and clean.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        STATUS = "status", "Status changed"
        WITHDRAW = "withdraw", "Withdrew"
        ERASE = "erase", "Erased"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        CONFIGURE = "configure", "Configured"

    # Set before saving (not auto_now_add, which Django sets at insert) because the hash covers it
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=200, help_text="Who acted, kept if the account is removed")
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    record_type = models.CharField(max_length=60, db_index=True)
    record_id = models.CharField(max_length=60, blank=True)
    participant_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    service_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    chain_prev = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Previous event's hash"
    )
    chain_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of this event"
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # MI (insight): each person's status changes in order (when support started and ended)
            models.Index(
                fields=["participant_id", "at"], condition=models.Q(action="status"), name="audit_status_when"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.record_type} {self.record_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        from placewell.accounts import audit_chain

        audit_chain.append([self])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class AuditChainHead(models.Model):
    """The audit hash chain as the last successful check saw it (one row): the next check compares, so that
    events removed from the end of the log are noticed too (accounts.audit_chain)."""

    last_event_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)
    length = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Audit chain of {self.length:,} events"
