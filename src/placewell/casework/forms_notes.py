"""Forms for case notes and for snoozing an alert, in GOV.UK patterns."""

from __future__ import annotations

from django import forms

from placewell.casework import choices
from placewell.casework.models import CaseNote
from placewell.casework.services_notes import SNOOZE_REASON_MAX
from placewell.ui.forms import GovukForm


class CaseNoteForm(GovukForm):
    category = forms.ChoiceField(
        label="What is the note about?", choices=choices.NoteCategory.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Note",
        max_length=CaseNote.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Up to {CaseNote.MAX_LENGTH:,} characters. Write it so the person could read it.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["required"] = "Select what the note is about"
        self.fields["text"].error_messages["required"] = "Enter the note"
        self.fields["text"].error_messages["max_length"] = (
            f"The note must be {CaseNote.MAX_LENGTH:,} characters or fewer. Shorten it, or split it into two notes"
        )


class SnoozeForm(GovukForm):
    days = forms.TypedChoiceField(
        label="How long for?", coerce=int, choices=choices.SnoozeDays.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Why are you snoozing this alert?",
        max_length=SNOOZE_REASON_MAX,
        help_text="For example, 'In hospital; the ward will call me when they are home'. Your team leader can see this.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].error_messages["required"] = "Choose how long to snooze the alert for"
        self.fields["reason"].error_messages["required"] = (
            "Enter why you are snoozing this alert, for example 'In hospital until Friday'"
        )
        self.fields["reason"].error_messages["max_length"] = (
            f"The reason must be {SNOOZE_REASON_MAX} characters or fewer"
        )
