"""Forms for the participant journey, in GOV.UK patterns (error messages say what to do)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from placewell.accounts.models import Role, Team, User
from placewell.participants import choices, erasure, identifiers
from placewell.participants.models import Agreement, EligibilityRuleSet, Status
from placewell.participants.services import WithdrawalScope
from placewell.ui.forms import GovukDateField, GovukForm

YES_NO = [("yes", "Yes"), ("no", "No")]


class NHSNumberField(forms.CharField):
    """An NHS number, checked with its modulus-11 check digit and kept as 10 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "NHS number")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 14)
        kwargs.setdefault("help_text", "10 digits, for example 485 777 3456")
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"data-width": "10", "inputmode": "numeric", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        try:
            return identifiers.validate_nhs_number(value)
        except identifiers.IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc


class NINumberField(forms.CharField):
    """A National Insurance number, format-checked and kept in capitals without spaces."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "National Insurance number")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("help_text", "For example, AB 12 34 56 C")
        kwargs.setdefault("widget", forms.TextInput(attrs={"data-width": "10", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        try:
            return identifiers.validate_ni_number(value)
        except identifiers.IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc


class PersonForm(GovukForm):
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 1985")
    nhs_number = NHSNumberField(label="NHS number (optional)")

    def clean_date_of_birth(self) -> Any:
        from django.utils import timezone

        value = self.cleaned_data["date_of_birth"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        if value and value.year < 1900:
            raise forms.ValidationError("Date of birth must be after 1900")
        return value


class ContactForm(GovukForm):
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "data-width": "20"}),
    )
    preferred_contact_method = forms.ChoiceField(
        label="How would they like to be contacted?",
        choices=choices.ContactMethod.choices,
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("preferred_contact_method")
        if method == choices.ContactMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter an email address, or choose another way to make contact")
        if (
            method in {choices.ContactMethod.PHONE, choices.ContactMethod.TEXT}
            and not data.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", "Enter a phone number, or choose another way to make contact")
        return data


class ReferralDetailsForm(GovukForm):
    source = forms.ChoiceField(
        label="Who made the referral?", choices=choices.ReferralSource.choices, widget=forms.RadioSelect
    )
    referrer_name = forms.CharField(label="Referrer's name (optional)", required=False, max_length=200)
    referrer_organisation = forms.CharField(
        label="Referrer's organisation (optional)", required=False, max_length=200
    )
    referral_date = GovukDateField(label="Date of referral", help_text="For example, 4 11 2026")
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), empty_label="Choose a team")
    specialist = forms.ModelChoiceField(
        label="Employment specialist (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not yet allocated",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(service=user.service_id).select_related("service")
        if user.role in {Role.SPECIALIST, Role.TEAM_LEADER}:
            teams = teams.filter(pk__in=[] if user.team_id is None else [user.team_id])
        team_field = cast("forms.ModelChoiceField[Any]", self.fields["team"])
        team_field.queryset = teams
        team_field.label_from_instance = lambda team: team.name  # type: ignore[method-assign, assignment]  # set per field; the stubs allow only a method
        cast("forms.ModelChoiceField[Any]", self.fields["specialist"]).queryset = User.objects.filter(
            team__in=teams, role=Role.SPECIALIST, is_active=True
        )

    def clean_referral_date(self) -> Any:
        from django.utils import timezone

        value = self.cleaned_data["referral_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of referral must be today or in the past")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        team, specialist = data.get("team"), data.get("specialist")
        if team and specialist and specialist.team_id != team.pk:
            self.add_error("specialist", f"{specialist} is not in {team.name}: choose someone from that team")
        return data


class ChooseRuleSetForm(GovukForm):
    rule_set: forms.ModelChoiceField[EligibilityRuleSet] = forms.ModelChoiceField(
        label="Which eligibility rules apply?", queryset=None, widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args: Any, rule_sets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["rule_set"]).queryset = rule_sets
        self.fields["rule_set"].widget.attrs["legend_class"] = "govuk-fieldset__legend--l"


class YesNoQuestionForm(GovukForm):
    answer = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True, "legend_class": "govuk-fieldset__legend--l"}),
    )

    def __init__(
        self, *args: Any, question: str, hint: str = "", error: str = "Select yes or no", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = question
        self.fields["answer"].help_text = hint
        self.fields["answer"].error_messages["required"] = error


class AgreementFormatForm(GovukForm):
    format = forms.ChoiceField(
        label="Which version will you go through together?",
        choices=Agreement.Format.choices,
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        help_text="Use easy read if the person prefers short sentences and pictures",
        error_messages={"required": "Select plain English or easy read"},
    )


class StatementForm(GovukForm):
    answer = forms.ChoiceField(
        choices=[("agreed", "They agree"), ("not_agreed", "They do not agree")],
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        label="Does the person agree?",
        error_messages={"required": "Select whether the person agrees with this statement"},
    )


def _not_known_choice(label: str, options: list[tuple[str, str]]) -> forms.ChoiceField:
    """An optional drop-down of the record's categories, starting with "Not known"."""
    return forms.ChoiceField(label=label, required=False, choices=[("", "Not known"), *options])


class DetailsForm(GovukForm):
    """The participant record (every field optional except the name)."""

    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"data-width": "20", "inputmode": "tel"}),
    )
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea)
    postcode = forms.CharField(
        label="Postcode", required=False, max_length=10, widget=forms.TextInput(attrs={"data-width": "10"})
    )
    preferred_contact_method = _not_known_choice(
        "Preferred way to be contacted", choices.ContactMethod.choices
    )
    survey_mode = _not_known_choice("How they want to answer surveys", choices.SurveyMode.choices)
    survey_mode_reason = forms.CharField(
        label="Reason for the survey mode (optional)",
        required=False,
        max_length=200,
        help_text="For example, uses British Sign Language",
    )
    nhs_number = NHSNumberField()
    ni_number = NINumberField()
    gender = _not_known_choice("Gender", choices.Gender.choices)
    ethnic_group = _not_known_choice("Ethnic group", choices.EthnicGroup.choices)
    highest_qualification = _not_known_choice("Highest qualification", choices.Qualification.choices)
    health_conditions = forms.MultipleChoiceField(
        label="Health conditions lasting 12 months or more",
        required=False,
        choices=choices.HealthCondition.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    activity_limitation = _not_known_choice(
        "How much do their conditions limit everyday activities?", choices.ActivityLimitation.choices
    )
    employment_status = _not_known_choice("Employment status at referral", choices.EmploymentStatus.choices)
    work_history = _not_known_choice("Paid work in the last 2 years", choices.WorkHistory.choices)
    barriers = forms.MultipleChoiceField(
        label="What has made it difficult to find work?",
        required=False,
        choices=choices.Barrier.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class FilterForm(GovukForm):
    q = forms.CharField(label="Name, reference or NHS number", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *[(s.value, s.label) for s in Status if s != Status.ERASED]],
    )
    team = forms.ModelChoiceField(
        label="Team", required=False, queryset=Team.objects.none(), empty_label="Any team"
    )
    specialist = forms.ModelChoiceField(
        label="Specialist", required=False, queryset=User.objects.none(), empty_label="Anyone"
    )

    def __init__(self, *args: Any, teams: Any, specialists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams
        cast("forms.ModelChoiceField[Any]", self.fields["specialist"]).queryset = specialists


class WithdrawForm(GovukForm):
    scope = forms.ChoiceField(
        label="What is the person withdrawing from?",
        choices=WithdrawalScope.CHOICES,
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
    )
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=150,
        help_text="Only if the person wants to give one",
    )


class CloseForm(GovukForm):
    reason = forms.CharField(
        label="Why is the record being closed?",
        max_length=200,
        help_text="For example, moved out of the area, or support finished",
    )


class EraseForm(GovukForm):
    """The reason for an erasure as three facts, no free text (participants.erasure explains why)."""

    requested_on = GovukDateField(label="Date of the person's request", help_text="For example, 20 11 2026")
    agreed_by = forms.ChoiceField(
        label="Who agreed the erasure?",
        choices=(),
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        error_messages={"required": "Choose who agreed the erasure"},
    )
    reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=30,
        help_text=(
            "The request's reference in your organisation's log, such as DSR-2026-014. "
            "Do not enter names, NHS numbers, phone numbers or email addresses."
        ),
    )
    confirm = forms.BooleanField(
        label="I understand that the person's details will be removed for good and cannot be recovered",
        error_messages={"required": "Confirm that you understand the details cannot be recovered"},
    )

    def __init__(self, *args: Any, service: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        cast("forms.ChoiceField", self.fields["agreed_by"]).choices = erasure.agreed_by_choices(service)

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if problem := erasure.reference_problem(reference):
            raise forms.ValidationError(problem)
        return reference

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "requested_on" in data and "agreed_by" in data:
            for name, problem in erasure.problems(self.reason(), self.service).items():
                if name not in self.errors:
                    self.add_error(name, problem)
        return data

    def reason(self) -> erasure.ErasureReason:
        data = self.cleaned_data
        return erasure.ErasureReason(data["requested_on"], data["agreed_by"], data.get("reference", ""))


class AssignForm(GovukForm):
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), empty_label="Choose a team")
    specialist = forms.ModelChoiceField(
        label="Employment specialist",
        required=False,
        queryset=User.objects.none(),
        empty_label="Not yet allocated",
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams
        cast("forms.ModelChoiceField[Any]", self.fields["specialist"]).queryset = User.objects.filter(
            team__in=teams, role=Role.SPECIALIST, is_active=True
        )
