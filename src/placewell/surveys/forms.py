"""Staff and administrator forms for surveys, in the GOV.UK patterns of ``ui/forms.py``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from placewell.engine.measures import INSTRUMENTS, Instrument
from placewell.participants.choices import SurveyMode
from placewell.surveys.models import ContactAttempt, Invitation, SurveyWave
from placewell.surveys.questionnaire import is_licensed
from placewell.ui.forms import GovukDateField, GovukForm, GovukModelForm

INSTRUMENT_CHOICES = [(i.id, i.title) for i in INSTRUMENTS.values()]


class AdministerStartForm(GovukForm):
    instrument = forms.ChoiceField(
        label="Which questionnaire?", choices=INSTRUMENT_CHOICES, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(
        label="How is it being answered?",
        choices=[
            (SurveyMode.PHONE, "By phone"),
            (SurveyMode.FACE_TO_FACE, "Face to face"),
            (SurveyMode.WEB, "Online, with the person typing"),
        ],
        widget=forms.RadioSelect,
    )
    invitation = forms.TypedChoiceField(
        label="For which survey wave?", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, invitations: list[Invitation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["invitation"]).choices = [("", "Not part of a wave")] + [
            (i.pk, f"{i.wave.name} (due {i.due_date:%-d %B %Y})") for i in invitations
        ]


class CompletedOnForm(GovukForm):
    completed_on = GovukDateField(label="When were the answers given?", help_text="For example, 27 3 2027")

    def clean_completed_on(self) -> Any:
        value = self.cleaned_data["completed_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        return value


class AttemptForm(GovukForm):
    method = forms.ChoiceField(
        label="How did you try to reach them?",
        choices=ContactAttempt.Method.choices,
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label="What happened?", choices=ContactAttempt.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes (optional)", max_length=300, required=False)


class WaveForm(GovukModelForm):
    instruments = forms.MultipleChoiceField(
        label="Questionnaires", choices=INSTRUMENT_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SurveyWave
        fields = [
            "name",
            "offset_months",
            "opens_days_before",
            "closes_days_after",
            "instruments",
            "link_valid_days",
            "max_face_to_face_attempts",
            "max_call_attempts",
            "is_active",
        ]
        labels = {"is_active": "Invite people to this wave"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "offset_months",
            "opens_days_before",
            "closes_days_after",
            "link_valid_days",
            "max_face_to_face_attempts",
            "max_call_attempts",
        ):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric", "data-width": "3"})


class WordingForm(GovukForm):
    """The licensed wording of one instrument: an introduction, and each item's wording and answer labels."""

    licence_reference = forms.CharField(
        label="Licence or registration reference",
        max_length=200,
        help_text="For example, the registration number your licence letter gives",
    )
    title = forms.CharField(label="Title shown to participants", max_length=200)
    stem = forms.CharField(
        label="Introduction", widget=forms.Textarea, help_text="The instructions above the questions"
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert is_licensed(instrument)
        self.instrument = instrument
        self.fields["title"].initial = instrument.title
        for n, item in enumerate(instrument.items, start=1):
            self.fields[f"{item.key}_wording"] = forms.CharField(
                label=f"Question {n} ({item.key}): wording", max_length=500
            )
            shipped = ", ".join(o.label for o in item.options)
            self.fields[f"{item.key}_options"] = forms.CharField(
                label=f"Question {n} ({item.key}): answer labels (optional)",
                widget=forms.Textarea,
                required=False,
                help_text=f"One label a line, {len(item.options)} in all, lowest answer first. "
                f"Leave empty to keep: {shipped}",
            )

    def items(self) -> dict[str, dict[str, Any]]:
        return {
            item.key: {
                "wording": self.cleaned_data[f"{item.key}_wording"],
                "options": [
                    line for line in self.cleaned_data[f"{item.key}_options"].splitlines() if line.strip()
                ],
            }
            for item in self.instrument.items
        }
