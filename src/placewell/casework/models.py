"""Casework records: vocational profile versions, contacts, action plans, health liaison, benefits advice,
transfers and the record that a person was told their support had ended.

Every table here holds personal data about one participant; ``services.erase_participant_casework`` removes it.
State changes go through ``casework.services``.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from placewell.accounts.models import Team
from placewell.casework import choices
from placewell.participants.models import Participant

USER = settings.AUTH_USER_MODEL


class ProfileVersion(models.Model):
    """One saved version of a participant's vocational profile. Versions are never changed or deleted
    (except by erasure); the newest is the current profile. The first version marks the person as engaged
    (the IPS Grow reporting definition: engaged once vocational profiling has started)."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "work_history",
        "job_goals",
        "job_types",
        "hours_wanted",
        "pay_expectation",
        "travel_areas",
        "travel_max_minutes",
        "strengths",
        "skills",
        "qualifications",
        "interests",
        "avoid",
        "health_at_work",
        "disclose",
        "disclose_what",
        "disclose_to",
        "benefits",
        "better_off_done",
    )

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="profile_versions")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    changed_fields = models.JSONField(default=list, blank=True)

    work_history = models.TextField("Work history", blank=True)
    job_goals = models.TextField("Job goals", blank=True)
    job_types = models.JSONField("Preferred job types", default=list, blank=True)
    hours_wanted = models.CharField(max_length=20, choices=choices.Hours.choices, blank=True)
    pay_expectation = models.CharField("Pay expected", max_length=200, blank=True)
    travel_areas = models.JSONField("Where they can travel", default=list, blank=True)
    travel_max_minutes = models.PositiveSmallIntegerField("Longest journey (minutes)", null=True, blank=True)
    strengths = models.TextField(blank=True)
    skills = models.TextField(blank=True)
    qualifications = models.TextField(blank=True)
    interests = models.TextField(blank=True)
    avoid = models.TextField("What they want to avoid", blank=True)
    health_at_work = models.TextField("Health and adjustments that matter for work", blank=True)
    disclose = models.CharField(
        "Tell an employer about their health", max_length=20, choices=choices.Disclosure.choices, blank=True
    )
    disclose_what = models.TextField("What to tell", blank=True)
    disclose_to = models.TextField("Whom to tell", blank=True)
    benefits = models.TextField("Benefits received", blank=True)
    better_off_done = models.BooleanField("Better-off calculation done", default=False)

    class Meta:
        ordering = ["participant", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "version"], name="unique_profile_version")
        ]

    def __str__(self) -> str:
        return f"Profile of {self.participant} (version {self.version})"


class Contact(models.Model):
    """A meeting or other contact: when, how long, how, where, with whom, why, and a note.

    Editable for ``EDIT_WINDOW`` after it was recorded; after that only a correction with a reason.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contacts")
    happened_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=20, choices=choices.Mode.choices)
    place = models.CharField(max_length=20, choices=choices.Place.choices)
    with_participant = models.BooleanField(default=True)
    with_employer = models.BooleanField(default=False)
    with_health = models.BooleanField(default=False)
    with_family = models.BooleanField(default=False)
    purposes = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["participant", "happened_at"], name="contact_participant_when"),
            # MI (insight): each person's first contact with them, and their latest in-work support contact
            models.Index(
                fields=["participant", "happened_at"],
                condition=models.Q(with_participant=True),
                name="contact_with_participant_when",
            ),
            models.Index(
                fields=["participant", "happened_at"],
                condition=models.Q(purposes__icontains="in_work"),
                name="contact_in_work_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} contact on {self.happened_at:%Y-%m-%d}"

    @property
    def whom(self) -> list[str]:
        flags = (
            (self.with_participant, choices.Whom.PARTICIPANT),
            (self.with_employer, choices.Whom.EMPLOYER),
            (self.with_health, choices.Whom.HEALTH),
            (self.with_family, choices.Whom.FAMILY),
        )
        return [w.value for on, w in flags if on]

    def whom_labels(self) -> list[str]:
        return [choices.Whom(w).label for w in self.whom]

    def purpose_labels(self) -> list[str]:
        labels = dict(choices.Purpose.choices)
        return [labels.get(p, p) for p in self.purposes]


class ContactChange(models.Model):
    """An edit (within the week) or a correction (after it, with a reason) of a contact: before and after."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_correction = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{'Correction' if self.is_correction else 'Edit'} of contact {self.contact_id}"


class Goal(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField("Goal", max_length=300)
    status = models.CharField(
        max_length=20, choices=choices.GoalStatus.choices, default=choices.GoalStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status_changed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["participant", "created_at", "id"]

    def __str__(self) -> str:
        return self.text


class Step(models.Model):
    """A next step towards a goal, with who does it and by when."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField("Next step", max_length=300)
    owner = models.CharField("Who will do it", max_length=20, choices=choices.Owner.choices)
    owner_other = models.CharField("Who else", max_length=100, blank=True)
    due_on = models.DateField("By when", null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["goal", "done_on", "due_on", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def owner_label(self) -> str:
        if self.owner == choices.Owner.OTHER and self.owner_other:
            return self.owner_other
        return self.get_owner_display()


class HealthLiaison(models.Model):
    """A case discussion with the health team, or a referral to a health service (Learning and Work Institute (2024): integration of
    employment support with health care)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="health_liaisons")
    kind = models.CharField(max_length=30, choices=choices.LiaisonKind.choices)
    happened_on = models.DateField("Date")
    with_whom = models.CharField("Who with (name and role)", max_length=200)
    organisation = models.CharField("Team or organisation", max_length=200, blank=True)
    discussed = models.TextField("What was discussed", blank=True)
    agreed = models.TextField("What was agreed", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"


class BenefitsAdvice(models.Model):
    """Benefits counselling given, and any better-off calculation (an IPS principle: DWP research report 1025 and Learning and Work Institute (2024))."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="benefits_advice")
    given_on = models.DateField("Date")
    topics = models.JSONField(default=list, blank=True)
    better_off_done = models.BooleanField("A better-off calculation was done", default=False)
    better_off_weekly = models.DecimalField(
        "Better off by (£ a week)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"Benefits advice on {self.given_on}"

    @property
    def better_off_text(self) -> str:
        if not self.better_off_done:
            return "Not done"
        if self.better_off_weekly is None:
            return "Done"
        amount = abs(self.better_off_weekly)
        return (
            f"Done: £{amount:.2f} a week {'better' if self.better_off_weekly >= 0 else 'worse'} off in work"
        )

    def topic_labels(self) -> list[str]:
        labels = dict(choices.BenefitTopic.choices)
        return [labels.get(t, t) for t in self.topics]


class Transfer(models.Model):
    """A participant moved from one specialist to another, with the reason. The participant's contacts,
    profile and plan stay with the participant, so the new specialist sees the whole history."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="transfers")
    from_specialist = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_specialist = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    transferred_at = models.DateTimeField(default=timezone.now)
    transferred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-transferred_at", "-id"]

    def __str__(self) -> str:
        return f"Transfer of {self.participant} on {self.transferred_at:%Y-%m-%d}"


class EndingNotice(models.Model):
    """The record that a person was told their support had ended: nobody is discharged silently
    (the SESAMI study: people were unsure whether they had been discharged)."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="ending_notice")
    told_on = models.DateField("Date they were told")
    how = models.CharField("How they were told", max_length=20, choices=choices.HowTold.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Ending of support told on {self.told_on}"


class CaseNote(models.Model):
    """A case note on its own, outside any contact: what a specialist needs to remember or pass on.

    Limited to ``MAX_LENGTH`` characters so a note stays a note (longer material belongs in a document the
    service keeps elsewhere). Every read and write is audited without the note's words.
    """

    MAX_LENGTH = 2000

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="case_notes")
    category = models.CharField(max_length=20, choices=choices.NoteCategory.choices)
    text = models.TextField("Note", max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["participant", "created_at"], name="casenote_participant_when")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} note on {self.created_at:%Y-%m-%d}"


class AlertSnooze(models.Model):
    """An alert set aside until a date, with the reason (for example "in hospital, ward staff in touch").

    The alert returns after ``until`` if its cause remains; an alert whose cause is cleared (a contact
    recorded, an employer met) disappears whether snoozed or not.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="alert_snoozes")
    rule = models.CharField(max_length=40)
    until = models.DateField()
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-until", "-id"]
        indexes = [models.Index(fields=["participant", "rule", "until"], name="snooze_participant_rule")]

    def __str__(self) -> str:
        return f"{self.rule} snoozed until {self.until}"
