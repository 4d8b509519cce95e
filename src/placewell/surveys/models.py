"""Survey waves, the survey sample, invitations, self-completion links, contact attempts and responses.

The design follows the Health-led Trials' survey protocol (DWP research report 1025, sections 1.5-1.7 and 6, summarised in
``BRIEF.md``, "The HLT trial machinery"): a baseline at agreement and follow-ups at 4 and 12 months, by web,
phone or face to face as chosen at baseline; rolling monthly batches; 5 face-to-face approaches or 12 calls
before a non-response is recorded; and a survey-contact snapshot taken at baseline so that contact-detail
changes recorded by the service are not fed to the survey sample.

State changes go through ``surveys.services``; these models hold data and simple derived values.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from placewell.accounts.models import Service
from placewell.participants.choices import SurveyMode
from placewell.participants.models import Participant

DEFAULT_INSTRUMENTS = ["eq5d5l", "swemwbs", "phq8", "gad7", "ons4"]
"""The Health-led Trials' primary health and wellbeing measures (EQ-5D-5L, SWEMWBS) and the secondary
PHQ-8, GAD-7 and ONS life satisfaction (DWP research report 1025, Table 6.3). A service chooses its own list per wave."""


class SurveyWave(models.Model):
    """One survey time point of a service (or of a trial within it): baseline or a follow-up.

    A follow-up falls due ``offset_months`` after the participant's baseline date; its fieldwork window
    runs from ``opens_days_before`` the due date to ``closes_days_after`` it. ``trial_reference`` is an
    optional label that a trial can use to run its own waves; it is text, not a link to the trials app.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="survey_waves")
    trial_reference = models.CharField(
        max_length=60, blank=True, default="", help_text="Leave empty for the service's own waves"
    )
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    is_baseline = models.BooleanField(default=False)
    offset_months = models.PositiveSmallIntegerField(
        "Months after baseline", default=0, help_text="0 for the baseline; 4 and 12 in the Health-led Trials"
    )
    opens_days_before = models.PositiveSmallIntegerField(
        "Fieldwork opens (days before the due date)", default=0
    )
    closes_days_after = models.PositiveSmallIntegerField(
        "Fieldwork closes (days after the due date)", default=56
    )
    instruments = models.JSONField(default=list, help_text="Instrument ids in the order they are asked")
    link_valid_days = models.PositiveSmallIntegerField("Self-completion links work for (days)", default=28)
    max_face_to_face_attempts = models.PositiveSmallIntegerField(
        "Face-to-face approaches before non-response", default=5
    )
    max_call_attempts = models.PositiveSmallIntegerField("Calls before non-response", default=12)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["service", "trial_reference", "order", "offset_months"]
        constraints = [
            models.UniqueConstraint(fields=["service", "trial_reference", "key"], name="unique_wave_key")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.service.name})"


class SurveyEnrolment(models.Model):
    """A participant's place in the survey sample, with the contact snapshot taken at baseline.

    The snapshot is what survey fieldwork uses. Later changes to the participant record (casework) do not
    change it, so that the treatment group's better-kept contact details do not raise its response rate
    (DWP research report 1025: treatment-group contact-detail changes were deliberately not fed to the survey sample).
    """

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="survey_enrolment")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    trial_reference = models.CharField(max_length=60, blank=True, default="")
    baseline_date = models.DateField()
    mode = models.CharField(max_length=20, choices=SurveyMode.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    snapshot_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS = ("email", "phone", "address", "postcode")

    class Meta:
        ordering = ["baseline_date", "id"]

    def __str__(self) -> str:
        return f"Survey sample: {self.participant}"


class Invitation(models.Model):
    """An invitation of one sample member to one wave, and its fieldwork outcome."""

    class Status(models.TextChoices):
        ISSUED = "issued", "Invited"
        STARTED = "started", "Started"
        RESPONDED = "responded", "Responded"
        NON_RESPONSE = "non_response", "Non-response"
        WITHDRAWN = "withdrawn", "Withdrew"

    OPEN = (Status.ISSUED, Status.STARTED)

    enrolment = models.ForeignKey(SurveyEnrolment, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="survey_invitations")
    wave = models.ForeignKey(SurveyWave, on_delete=models.PROTECT, related_name="invitations")
    due_date = models.DateField()
    window_opens = models.DateField()
    window_closes = models.DateField()
    batch = models.CharField(max_length=7, help_text="The monthly batch (YYYY-MM) that issued it")
    mode = models.CharField(max_length=20, choices=SurveyMode.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ISSUED, db_index=True)
    outcome_reason = models.CharField(max_length=200, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "wave"], name="unique_invitation")]

    def __str__(self) -> str:
        return f"{self.wave.name} invitation for {self.participant}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class SurveyLink(models.Model):
    """A single-use, expiring self-completion link. Only a hash of the token is kept."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    instruments = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Link for {self.invitation}"


class LicensedWording(models.Model):
    """An organisation's licensed wording of an instrument, loaded from its own licensed copy.

    Each load is a new version; a response records the version its participant saw. ``items`` maps each item
    key to ``{"wording": str, "options": [label, ...]}`` (labels lowest value first; empty keeps the shipped
    labels).
    """

    instrument_id = models.CharField(max_length=40, db_index=True)
    version = models.PositiveSmallIntegerField()
    instrument_version = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    stem = models.TextField()
    items = models.JSONField()
    licence_reference = models.CharField(
        max_length=200, help_text="Your licence or registration reference, for the record"
    )
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["instrument_id", "version"], name="unique_wording_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} licensed wording, version {self.version}"


class Response(models.Model):
    """One instrument answered by one participant: the answers, how and by whom, and the engine's score."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "Being filled in"
        SUBMITTED = "submitted", "Sent"

    class Via(models.TextChoices):
        STAFF = "staff", "Entered by staff"
        LINK = "link", "Participant, by link"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="survey_responses")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    link = models.ForeignKey(
        SurveyLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    instrument_id = models.CharField(max_length=40, db_index=True)
    instrument_version = models.CharField(max_length=40)
    wording = models.ForeignKey(
        LicensedWording, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    wording_label = models.CharField(max_length=60, help_text="Which wording was shown")
    answers = models.JSONField(default=dict)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    mode = models.CharField(max_length=20, choices=SurveyMode.choices)
    via = models.CharField(max_length=10, choices=Via.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(null=True, blank=True, help_text="The day the answers were given")
    submitted_at = models.DateTimeField(null=True, blank=True)
    scoring_version = models.CharField(max_length=40, blank=True)
    raw = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=60, blank=True)
    complete = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["completed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "instrument_id"],
                condition=models.Q(link__isnull=False),
                name="one_response_per_instrument_per_link",
            )
        ]

    def __str__(self) -> str:
        from placewell.engine.measures import INSTRUMENTS

        instrument = INSTRUMENTS.get(self.instrument_id)
        name = instrument.title if instrument is not None else self.instrument_id
        return f"{name} response of {self.participant}"

    @property
    def is_partial(self) -> bool:
        return self.state == self.State.SUBMITTED and not self.complete


class ScoreChange(models.Model):
    """A stored score recomputed under a new scoring version: what it was and what it became."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="score_changes")
    at = models.DateTimeField(auto_now_add=True)
    old_version = models.CharField(max_length=40)
    new_version = models.CharField(max_length=40)
    old_value = models.FloatField(null=True, blank=True)
    new_value = models.FloatField(null=True, blank=True)
    old_band = models.CharField(max_length=60, blank=True)
    new_band = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.response}: {self.old_version} -> {self.new_version}"


class ContactAttempt(models.Model):
    """One approach to a sample member for a wave: by phone, face to face, or in writing."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        FACE_TO_FACE = "face_to_face", "Face-to-face approach"
        EMAIL = "email", "Email"
        TEXT = "text", "Text message"
        LETTER = "letter", "Letter"

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", "No answer"
        MESSAGE_LEFT = "message_left", "Left a message"
        CALL_BACK = "call_back", "Asked to be contacted again"
        REFUSED = "refused", "Did not want to take part"
        WRONG_DETAILS = "wrong_details", "Contact details did not work"
        SENT = "sent", "Sent"
        COMPLETED = "completed", "Questionnaire completed"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="attempts")
    method = models.CharField(max_length=20, choices=Method.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    at = models.DateTimeField()
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.at:%d %B %Y}: {self.get_outcome_display()}"
