"""The participant record and the documents of the journey from referral to agreement.

State changes go through ``participants.services``; these models hold data and simple derived values.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models

from placewell.accounts.models import Service, Team
from placewell.participants import choices


class Status(models.TextChoices):
    REFERRED = "referred", "Referred"
    ELIGIBLE = "eligible", "Screened: eligible"
    INELIGIBLE = "ineligible", "Screened: not eligible"
    AGREED = "agreed", "Agreed"
    ACTIVE = "active", "Receiving support"
    IN_WORK = "in_work", "In work"
    CLOSED = "closed", "Closed"
    ERASED = "erased", "Erased"


def new_reference() -> str:
    """A short, unguessable reference that staff can read out (no 0/O or 1/I confusion)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "PW-" + "".join(secrets.choice(alphabet) for _ in range(7))


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def reportable(self) -> ParticipantQuerySet:
        """Records that count in reports: erased records are excluded from every report."""
        return self.exclude(status=Status.ERASED)


class Participant(models.Model):
    # Fields that identify or describe the person; blanked by erasure and never shown to evaluators.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = (
        "given_name",
        "family_name",
        "date_of_birth",
        "email",
        "phone",
        "address",
        "postcode",
        "nhs_number",
        "ni_number",
        "preferred_contact_method",
        "survey_mode",
        "survey_mode_reason",
        "gender",
        "ethnic_group",
        "highest_qualification",
        "health_conditions",
        "activity_limitation",
        "work_history",
        "barriers",
        "about",
    )

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="participants")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="participants"
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="caseload"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REFERRED, db_index=True)

    given_name = models.CharField("First name", max_length=100, blank=True)
    family_name = models.CharField("Last name", max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    preferred_contact_method = models.CharField(
        max_length=20, choices=choices.ContactMethod.choices, blank=True
    )
    contact_language = models.CharField(
        "Language for letters and messages",
        max_length=2,
        choices=[("en", "English"), ("cy", "Welsh")],
        default="en",
        help_text="Messages, letters and questionnaire invitations are written in this language.",
    )
    survey_mode = models.CharField(max_length=20, choices=choices.SurveyMode.choices, blank=True)
    survey_mode_reason = models.CharField(max_length=200, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    ni_number = models.CharField("National Insurance number", max_length=9, blank=True)
    gender = models.CharField(max_length=20, choices=choices.Gender.choices, blank=True)
    ethnic_group = models.CharField(max_length=40, choices=choices.EthnicGroup.choices, blank=True)
    highest_qualification = models.CharField(max_length=30, choices=choices.Qualification.choices, blank=True)
    health_conditions = models.JSONField(default=list, blank=True)
    activity_limitation = models.CharField(
        max_length=20, choices=choices.ActivityLimitation.choices, blank=True
    )
    employment_status = models.CharField(
        "Employment status at referral", max_length=20, choices=choices.EmploymentStatus.choices, blank=True
    )
    work_history = models.CharField(
        "Paid work in the last 2 years", max_length=20, choices=choices.WorkHistory.choices, blank=True
    )
    barriers = models.JSONField(default=list, blank=True)
    about = models.TextField("What they told us about themselves", blank=True)

    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=200, blank=True)
    withdrawn_from_service_at = models.DateTimeField(null=True, blank=True)
    withdrawn_from_research_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [models.Index(fields=["family_name", "given_name", "date_of_birth"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        if self.status == Status.ERASED:
            return "Erased record"
        return f"{self.given_name} {self.family_name}".strip() or self.reference

    @property
    def is_erased(self) -> bool:
        return self.status == Status.ERASED

    @property
    def may_contact_for_research(self) -> bool:
        return self.withdrawn_from_research_at is None and not self.is_erased

    def health_condition_labels(self) -> list[str]:
        labels = dict(choices.HealthCondition.choices)
        return [labels.get(c, c) for c in self.health_conditions]

    def barrier_labels(self) -> list[str]:
        labels = dict(choices.Barrier.choices)
        return [labels.get(b, b) for b in self.barriers]


class Referral(models.Model):
    class Route(models.TextChoices):
        STAFF = "staff", "Entered by staff"
        SELF_FORM = "self_form", "Public self-referral form"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="referrals")
    source = models.CharField(max_length=30, choices=choices.ReferralSource.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referral_date = models.DateField()
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.STAFF)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referral_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} referral on {self.referral_date:%d %B %Y}"


class EligibilityRuleSet(models.Model):
    """A list of screening questions, each with the answer that qualifies.

    A rule set with no service is a template (such as the Health-led Trials' three); a service copies one
    to use it. Rule sets in use are never edited: a changed rule set is a new one.
    """

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="eligibility_rule_sets"
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["service", "key"], name="unique_rule_set_key")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_template(self) -> bool:
        return self.service_id is None


class EligibilityQuestion(models.Model):
    rule_set = models.ForeignKey(EligibilityRuleSet, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    qualifying_answer = models.BooleanField(help_text="The answer that keeps the person eligible")
    reason_if_not = models.CharField(max_length=200, help_text="Recorded when the answer does not qualify")

    class Meta:
        ordering = ["rule_set", "order"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "key"], name="unique_question_key")]

    def __str__(self) -> str:
        return self.text


class Screening(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="screenings")
    rule_set = models.ForeignKey(EligibilityRuleSet, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(help_text="Question key to yes (true) or no (false)")
    eligible = models.BooleanField()
    reasons = models.JSONField(default=list, blank=True, help_text="Why not eligible")
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-screened_at", "-id"]

    def __str__(self) -> str:
        return f"Screening of {self.participant}: {'eligible' if self.eligible else 'not eligible'}"


class AgreementDocument(models.Model):
    """A version of the information sheet and agreement form, in plain-English and easy-read formats.

    Published versions never change: a new version is a new row, so what an earlier participant agreed
    to stays exactly as they saw it.
    """

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="agreement_documents"
    )
    key = models.SlugField(max_length=60)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    information_plain = models.TextField("Information sheet (plain English)")
    information_easy_read = models.TextField("Information sheet (easy read)")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "key", "version"], name="unique_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class AgreementStatement(models.Model):
    document = models.ForeignKey(AgreementDocument, on_delete=models.CASCADE, related_name="statements")
    order = models.PositiveSmallIntegerField()
    text_plain = models.CharField("Statement (plain English)", max_length=500)
    text_easy_read = models.CharField("Statement (easy read)", max_length=500)
    required = models.BooleanField(default=True, help_text="Support cannot start unless this is agreed")

    class Meta:
        ordering = ["document", "order"]

    def __str__(self) -> str:
        return self.text_plain


class Agreement(models.Model):
    class Format(models.TextChoices):
        PLAIN = "plain", "Plain English"
        EASY_READ = "easy_read", "Easy read"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="agreements")
    document = models.ForeignKey(AgreementDocument, on_delete=models.PROTECT, related_name="agreements")
    format = models.CharField(max_length=20, choices=Format.choices)
    all_required_agreed = models.BooleanField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Agreement of {self.participant} to {self.document}"


class AgreementAnswer(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(AgreementStatement, on_delete=models.PROTECT, related_name="+")
    statement_text = models.CharField(max_length=500, help_text="The words shown, as they were shown")
    agreed = models.BooleanField()

    class Meta:
        ordering = ["agreement", "statement__order"]

    def __str__(self) -> str:
        return f"{'Agreed' if self.agreed else 'Did not agree'}: {self.statement_text}"
