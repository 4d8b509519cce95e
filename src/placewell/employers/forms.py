"""Employer forms, rendered with the GOV.UK form renderer. Forms check the shape of answers; the rules
(no nameless employer, hours up to 100, sensible pay, duplicates) live in ``employers.services`` and come back
as field errors, so nothing is half-saved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from placewell.casework import soc
from placewell.employers import choices
from placewell.ui.forms import GovukDateField, GovukForm

if TYPE_CHECKING:
    from placewell.accounts.models import User
    from placewell.participants.models import Participant

YES_NO = [("yes", "Yes"), ("no", "No")]


def _soc_choices() -> list[tuple[str, str]]:
    return [("", "Select the kind of job"), *((g.code, f"{g.title} ({g.code})") for g in soc.groups())]


class EmployerForm(GovukForm):
    name = forms.CharField(label="Organisation name", max_length=200, required=False)
    sector = forms.ChoiceField(
        label="Sector (SIC 2007 section)", choices=[("", "Select the sector"), *choices.Sector.choices]
    )
    size = forms.ChoiceField(label="Size", choices=choices.Size.choices, widget=forms.RadioSelect)
    disability_confident = forms.ChoiceField(
        label="Disability Confident level", choices=choices.DisabilityConfident.choices, required=False
    )
    holder: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Who holds the relationship", queryset=None, required=False, empty_label="No one yet"
    )
    town = forms.CharField(label="Town", max_length=100, required=False)
    postcode_district = forms.CharField(
        label="Postcode district",
        max_length=4,
        required=False,
        help_text="The first part of the postcode, like LS6",
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = staff  # type: ignore[attr-defined]


class PersonForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200)
    role = forms.CharField(label="Role (optional)", max_length=200, required=False)
    how_to_reach = forms.CharField(label="How to reach them (optional)", max_length=300, required=False)


class EngagementForm(GovukForm):
    happened_on = GovukDateField(label="Date of the contact")
    face_to_face = forms.ChoiceField(label="Was it face to face?", choices=YES_NO, widget=forms.RadioSelect)
    purpose = forms.ChoiceField(
        label="What it was for", choices=choices.Purpose.choices, widget=forms.RadioSelect
    )
    participants: forms.ModelMultipleChoiceField[Participant] = forms.ModelMultipleChoiceField(
        label="On behalf of (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People you support whom the contact was about",
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people  # type: ignore[attr-defined]
        self.fields["participants"].label_from_instance = lambda p: p.full_name  # type: ignore[attr-defined]


class VacancyForm(GovukForm):
    title = forms.CharField(label="Job title", max_length=200, required=False)
    soc = forms.ChoiceField(label="Kind of job (SOC 2020 group)", choices=_soc_choices)
    source = forms.ChoiceField(
        label="Where the vacancy came from", choices=choices.Source.choices, widget=forms.RadioSelect
    )
    hours = forms.DecimalField(
        label="Hours a week",
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    pay = forms.DecimalField(
        label="Pay in pounds",
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    pay_basis = forms.ChoiceField(
        label="The pay is", choices=choices.PayBasis.choices, widget=forms.RadioSelect
    )
    town = forms.CharField(label="Town", max_length=100, required=False)
    postcode_district = forms.CharField(label="Postcode district (optional)", max_length=4, required=False)
    home_based = forms.BooleanField(label="The job is home-based", required=False)
    closing_on = GovukDateField(label="Closing date (optional)", required=False)
    open_to_anyone = forms.BooleanField(
        label="Open to anyone",
        required=False,
        initial=True,
        help_text="Untick if the job is set aside for disabled people",
    )
    apprenticeship = forms.BooleanField(label="It is an apprenticeship", required=False)
    conditions = forms.MultipleChoiceField(
        label="What the job involves (optional)",
        choices=choices.CONDITION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adjustments = forms.MultipleChoiceField(
        label="Adjustments the employer offers (optional)",
        choices=choices.ADJUSTMENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label="Description (optional)", required=False, widget=forms.Textarea)


class MatchForm(GovukForm):
    status = forms.ChoiceField(
        label="What happened", choices=choices.MatchStatus.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Why (needed for not interested)",
        max_length=300,
        required=False,
        help_text="In their words. This is shown on their matches page; it does not change any scores.",
    )
