from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from placewell.accounts.models import AuditEvent, Role, Service, Team, User
from placewell.ui.forms import GovukForm, GovukModelForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct user name and password. Both are case sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User name"
        self.fields["username"].error_messages["required"] = "Enter your user name"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, for example 123456",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "data-width": "5"}
        ),
        error_messages={"min_length": "The code must be 6 digits", "max_length": "The code must be 6 digits"},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("The code must be 6 digits")
        return code


class AuditFilterForm(GovukForm):
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
    )
    record_type = forms.CharField(label="Record type", required=False, help_text="For example participant")
    participant = forms.CharField(
        label="Participant reference", required=False, help_text="For example PW-ABC1234"
    )
    actor = forms.CharField(label="Staff name", required=False)
    date_from = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    date_to = forms.DateField(label="To (YYYY-MM-DD)", required=False)


class ServiceForm(GovukModelForm):
    class Meta:
        model = Service
        fields = [
            "name",
            "model",
            "pre_employment_limit_months",
            "in_work_limit_months",
            "caseload_target",
            "response_working_days",
            "accepts_self_referrals",
            "public_description",
            "public_area",
            "public_phone",
            "public_email",
            "opening_hours",
        ]
        widgets = {"model": forms.RadioSelect}


class TeamForm(GovukForm):
    name = forms.CharField(label="Team name", max_length=200)


class StaffForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Email address", error_messages={"invalid": "Enter an email address like name@example.org"}
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.select_related("service"),
        required=False,
        help_text="Needed for specialists and team leaders",
    )
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.all(),
        required=False,
        help_text="Needed for service managers",
    )
    fte = forms.DecimalField(
        label="Full-time equivalent",
        min_value=0.05,
        max_value=1,
        decimal_places=2,
        initial=1,
        help_text="For example 1 for full time, 0.6 for 3 days a week",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "4"}),
    )


class NewStaffForm(StaffForm):
    username = forms.CharField(
        label="User name", max_length=150, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    password = forms.CharField(
        label="First password",
        help_text="At least 12 characters. Give it to the person safely; they should change it.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "password",
        "first_name",
        "last_name",
        "email",
        "role",
        "team",
        "service",
        "fte",
    ]

    def clean_username(self) -> str:
        name = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("That user name is taken")
        return name
