"""Casework forms, rendered with the GOV.UK form renderer (errors beside each field and in the summary).

Forms check the shape of the answers; the rules (no future contacts, 8-hour limit, closed records) live in
``casework.services`` and come back as field errors, so nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from placewell.casework import choices, soc
from placewell.casework.models import ProfileVersion
from placewell.ui.forms import GovukDateField, GovukForm, GovukModelForm

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class ContactForm(GovukForm):
    """The quick entry form: one short page, filled in under a minute."""

    day = GovukDateField(label="Date")
    time = forms.CharField(
        label="Time",
        help_text="For example, 14:30",
        max_length=5,
        widget=forms.TextInput(attrs={"data-width": "5", "inputmode": "numeric"}),
    )
    duration_minutes = forms.IntegerField(
        label="How long it took, in minutes",
        widget=forms.TextInput(attrs={"data-width": "3", "inputmode": "numeric"}),
        error_messages={"invalid": "How long it took must be a whole number of minutes"},
    )
    mode = forms.ChoiceField(label="How", choices=[("", "Select how"), *choices.Mode.choices])
    place = forms.ChoiceField(label="Where", choices=[("", "Select where"), *choices.Place.choices])
    whom = forms.MultipleChoiceField(
        label="Who with", choices=choices.Whom.choices, widget=forms.CheckboxSelectMultiple
    )
    purposes = forms.MultipleChoiceField(
        label="What it was for", choices=choices.Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["whom"].error_messages["required"] = "Select who the contact was with"
        self.fields["purposes"].error_messages["required"] = "Select what the contact was for"

    def clean_time(self) -> dt.time:
        match = TIME_PATTERN.match(self.cleaned_data["time"])
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError("Time must be a real time on the 24-hour clock, like 09:15 or 14:30")
        return dt.time(int(match[1]), int(match[2]))

    def happened_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"]))

    @staticmethod
    def initial_now() -> dict[str, Any]:
        now = timezone.localtime()
        return {
            "day": now.date(),
            "time": f"{now:%H:%M}",
            "whom": ["participant"],
        }

    @staticmethod
    def initial_from(contact: Any) -> dict[str, Any]:
        when = timezone.localtime(contact.happened_at)
        return {
            "day": when.date(),
            "time": f"{when:%H:%M}",
            "duration_minutes": contact.duration_minutes,
            "mode": contact.mode,
            "place": contact.place,
            "whom": contact.whom,
            "purposes": contact.purposes,
            "note": contact.note,
        }


class CorrectionForm(ContactForm):
    reason = forms.CharField(
        label="Reason for the correction",
        help_text="This contact was recorded more than 7 days ago. Say what was wrong.",
        widget=forms.Textarea,
    )


class ProfileForm(GovukModelForm):
    job_types = forms.MultipleChoiceField(
        label="Preferred job types",
        help_text="Standard Occupational Classification 2020 groups",
        required=False,
        choices=soc.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    travel_areas = forms.CharField(
        label="Where they can travel",
        help_text="Towns or postcode districts, separated by commas, for example: Leeds, LS6, Otley",
        required=False,
    )
    hours_wanted = forms.ChoiceField(
        label="Hours wanted", required=False, choices=choices.Hours.choices, widget=forms.RadioSelect
    )
    disclose = forms.ChoiceField(
        label="Tell an employer about their health?",
        required=False,
        choices=choices.Disclosure.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ProfileVersion
        fields = list(ProfileVersion.FIELDS)
        widgets = {"travel_max_minutes": forms.TextInput(attrs={"data-width": "3", "inputmode": "numeric"})}

    def clean_travel_areas(self) -> list[str]:
        parts = [p.strip() for p in self.cleaned_data["travel_areas"].split(",")]
        parts = [p for p in parts if p]
        if len(parts) > 20:
            raise ValidationError("List 20 places or fewer")
        if any(len(p) > 60 for p in parts):
            raise ValidationError("Each place must be 60 characters or fewer")
        return parts

    def prepare_initial(self, version: ProfileVersion | None) -> None:
        if version is not None:
            self.initial["travel_areas"] = ", ".join(version.travel_areas)


class GoalForm(GovukForm):
    text = forms.CharField(
        label="Goal",
        help_text="In the person's own words, for example: a job in a garden centre",
        max_length=300,
    )


class StepForm(GovukForm):
    text = forms.CharField(label="Next step", max_length=300)
    owner = forms.ChoiceField(label="Who will do it", choices=choices.Owner.choices, widget=forms.RadioSelect)
    owner_other = forms.CharField(label="Who else (if someone else)", required=False, max_length=100)
    due_on = GovukDateField(label="By when (optional)", required=False)


class HealthLiaisonForm(GovukForm):
    kind = forms.ChoiceField(label="What kind", choices=choices.LiaisonKind.choices, widget=forms.RadioSelect)
    happened_on = GovukDateField(label="Date")
    with_whom = forms.CharField(label="Who with (name and role)", max_length=200)
    organisation = forms.CharField(label="Team or organisation (optional)", required=False, max_length=200)
    discussed = forms.CharField(label="What was discussed (optional)", required=False, widget=forms.Textarea)
    agreed = forms.CharField(
        label="What was agreed, or the referral made (optional)", required=False, widget=forms.Textarea
    )


class BenefitsForm(GovukForm):
    given_on = GovukDateField(label="Date")
    topics = forms.MultipleChoiceField(
        label="What the advice covered",
        choices=choices.BenefitTopic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    better_off_done = forms.BooleanField(label="A better-off calculation was done", required=False)
    better_off_weekly = forms.DecimalField(
        label="Better off in work by (£ a week, optional)",
        help_text="Use a minus sign if they would be worse off",
        required=False,
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs={"data-width": "5", "inputmode": "decimal"}),
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)


class EndingNoticeForm(GovukForm):
    told_on = GovukDateField(label="Date they were told")
    how = forms.ChoiceField(
        label="How they were told", choices=choices.HowTold.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)


class TransferForm(GovukForm):
    participants = forms.MultipleChoiceField(label="People to transfer", widget=forms.CheckboxSelectMultiple)
    to_specialist = forms.ChoiceField(label="Transfer to")
    reason = forms.CharField(label="Reason for the transfer", max_length=300, widget=forms.Textarea)

    def __init__(
        self, *args: Any, people: list[tuple[str, str]], specialists: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["participants"]).choices = people
        self.fields["participants"].error_messages["required"] = "Select at least one person to transfer"
        cast("forms.ChoiceField", self.fields["to_specialist"]).choices = [
            ("", "Select a specialist"),
            *specialists,
        ]
        self.fields["to_specialist"].error_messages["required"] = "Select the specialist to transfer to"


class WeekForm(GovukForm):
    q = forms.CharField(
        label="Find a person by name", required=False, max_length=100, help_text="Spelling mistakes are fine"
    )
    week = forms.DateField(required=False, widget=forms.HiddenInput)
    specialist = forms.TypedChoiceField(label="Specialist", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, specialists: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if specialists:
            cast("forms.ChoiceField", self.fields["specialist"]).choices = [
                ("", "Everyone in the team"),
                *specialists,
            ]
        else:
            del self.fields["specialist"]
