"""Forms for trial set-up and the first meeting, in GOV.UK patterns (errors say what to do)."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils import timezone

from placewell.accounts.models import Team, User
from placewell.participants import choices
from placewell.participants.forms import NHSNumberField, NINumberField
from placewell.trials.design import TrialError, normalise_registration
from placewell.trials.models import STRATIFICATION_FIELDS, Method
from placewell.ui.forms import GovukDateField, GovukForm


class TrialForm(GovukForm):
    name = forms.CharField(label="Trial name", max_length=200)
    registration_number = forms.CharField(
        label="Registration number",
        max_length=30,
        help_text="ISRCTN followed by 8 digits, for example ISRCTN12345678",
        widget=forms.TextInput(attrs={"data-width": "20", "spellcheck": "false"}),
    )
    method = forms.ChoiceField(
        label="How are people allocated?",
        choices=Method.choices,
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
    )
    block_multiples = forms.CharField(
        label="Block sizes, as multiples of the ratio (permuted blocks only)",
        required=False,
        initial="1, 2, 3",
        help_text="For example, 1, 2, 3: each block holds 1, 2 or 3 times the ratio, chosen at random",
        widget=forms.TextInput(attrs={"data-width": "10"}),
    )
    stratify_by = forms.MultipleChoiceField(
        label="Randomise separately by site and by",
        required=False,
        choices=[(k, v[0]) for k, v in STRATIFICATION_FIELDS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="Taken from the participant's record",
    )
    recruitment_opens_on = GovukDateField(label="Recruitment opens", help_text="For example, 1 10 2026")
    recruitment_closes_on = GovukDateField(label="Recruitment closes", help_text="For example, 30 9 2027")
    recruitment_target = forms.IntegerField(
        label="Recruitment target",
        min_value=1,
        help_text="The number of people to randomise",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "data-width": "5"}),
        error_messages={"invalid": "Enter the recruitment target as a whole number, like 400"},
    )

    def clean_registration_number(self) -> str:
        try:
            return normalise_registration(self.cleaned_data["registration_number"])
        except TrialError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_block_multiples(self) -> list[int]:
        raw = self.cleaned_data["block_multiples"].strip()
        if not raw:
            return [1, 2, 3]
        parts = [p for p in re.split(r"[\s,]+", raw) if p]
        if not all(p.isdigit() and 1 <= int(p) <= 10 for p in parts):
            raise forms.ValidationError("Enter whole numbers from 1 to 10, separated by commas, like 1, 2, 3")
        values = [int(p) for p in parts]
        if len(set(values)) != len(values):
            raise forms.ValidationError("List each block size once")
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("recruitment_opens_on"), data.get("recruitment_closes_on")
        if opens and closes and closes < opens:
            self.add_error("recruitment_closes_on", "Recruitment must close on or after the day it opens")
        return data


class SiteForm(GovukForm):
    name = forms.CharField(label="Site name", max_length=100, help_text="For example, Sheffield City Region")
    code = forms.SlugField(
        label="Short code",
        max_length=30,
        help_text="Letters, numbers and hyphens, for example scr",
        widget=forms.TextInput(attrs={"data-width": "10"}),
        error_messages={"invalid": "Enter a short code of letters, numbers and hyphens, like scr"},
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams that recruit at this site",
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Any]", self.fields["teams"])
        field.queryset = teams
        field.label_from_instance = lambda team: team.name  # type: ignore[method-assign, assignment]  # set per field; the stubs allow only a method


class ArmForm(GovukForm):
    name = forms.CharField(
        label="Arm name (for staff)", max_length=100, help_text="For example, Treatment: IPS"
    )
    code = forms.SlugField(
        label="Short code",
        max_length=30,
        help_text="For example, treatment or control",
        widget=forms.TextInput(attrs={"data-width": "10"}),
        error_messages={"invalid": "Enter a short code of letters, numbers and hyphens, like control"},
    )
    is_treatment = forms.ChoiceField(
        label="Is this the treatment arm?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect(attrs={"inline": True}),
    )
    weight = forms.IntegerField(
        label="Share of the ratio",
        min_value=1,
        max_value=20,
        initial=1,
        help_text="For 1:1 give each arm 1; for 2:1 give the treatment arm 2",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "data-width": "2"}),
    )
    participant_label = forms.CharField(
        label="What the person is told their result is",
        max_length=200,
        help_text="Neutral words, for example: Support from an employment specialist",
    )
    next_steps = forms.CharField(label="Next steps to tell the person", widget=forms.Textarea)
    leaflet = forms.CharField(
        label="Printable leaflet (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="For example, other local support, for the person to take away",
    )


class StrataForm(GovukForm):
    strata = forms.MultipleChoiceField(
        label="Which groups does the trial recruit?",
        widget=forms.CheckboxSelectMultiple(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        help_text="A group left out is refused at randomisation",
    )

    def __init__(self, *args: Any, cells: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["strata"]).choices = [(c.key, c.label) for c in cells]
        self.fields["strata"].error_messages["required"] = "Select at least one group to recruit"


class RatioChangeForm(GovukForm):
    effective_from = GovukDateField(label="From", help_text="For example, 1 1 2027")
    stratum = forms.ChoiceField(label="For which group?", required=False)
    ratio = forms.CharField(
        label="Ratio",
        max_length=40,
        help_text="One whole number per arm in the order listed, separated by colons, like 2:1",
        widget=forms.TextInput(attrs={"data-width": "5"}),
    )
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, strata: Any, arm_count: int, recruiting: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arm_count = arm_count
        self.recruiting = recruiting
        cast("forms.ChoiceField", self.fields["stratum"]).choices = [
            ("", "Every group"),
            *[(str(s.pk), s.label) for s in strata],
        ]

    def clean_ratio(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data["ratio"].split(":")]
        if len(parts) != self.arm_count or not all(p.isdigit() and int(p) >= 1 for p in parts):
            raise forms.ValidationError(
                f"Enter {self.arm_count} whole numbers of at least 1 separated by colons, like 2:1"
            )
        return [int(p) for p in parts]

    def clean_effective_from(self) -> Any:
        value = self.cleaned_data["effective_from"]
        if value and self.recruiting and value <= timezone.localdate():
            raise forms.ValidationError("The trial is recruiting, so the change must start tomorrow or later")
        return value


class BlindingForm(GovukForm):
    staff = forms.ModelMultipleChoiceField(
        label="Staff who must not see arms",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        help_text="For example, follow-up survey interviewers. They see that a person was randomised, never the arm.",
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelMultipleChoiceField[Any]", self.fields["staff"]).queryset = staff


class UploadListForm(GovukForm):
    file = forms.FileField(label="Allocation list (CSV)", help_text="Columns stratum, slot and arm")
    sha256 = forms.CharField(
        label="SHA-256 checksum from the trial statistician",
        max_length=80,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )


class ConfirmForm(GovukForm):
    confirm = forms.BooleanField(
        label="I understand the design cannot change once it is locked",
        error_messages={"required": "Confirm that you understand the design cannot change once locked"},
    )


class BackgroundForm(GovukForm):
    """Identifiers and background collected in the first meeting (DWP research report 1025, section 5.1.6)."""

    nhs_number = NHSNumberField()
    ni_number = NINumberField()
    employment_status = forms.ChoiceField(
        label="Are they in work?",
        choices=choices.EmploymentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they are in work or out of work"},
    )
    work_history = forms.ChoiceField(
        label="Paid work in the last 2 years",
        choices=choices.WorkHistory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how much paid work they have done in the last 2 years"},
    )
    activity_limitation = forms.ChoiceField(
        label="How much do their health conditions limit everyday activities?",
        choices=choices.ActivityLimitation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how much their health conditions limit everyday activities"},
    )
    survey_mode = forms.ChoiceField(
        label="How would they like to answer follow-up surveys?",
        choices=choices.SurveyMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they would like to answer follow-up surveys"},
    )


class RandomiseForm(GovukForm):
    confirm = forms.BooleanField(
        label="The person is here, has had the information and agrees to be randomised",
        error_messages={"required": "Confirm the person is here and agrees to be randomised"},
    )
