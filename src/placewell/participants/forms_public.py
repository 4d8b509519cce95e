"""The public self-referral form: one question a page, plain English."""

from __future__ import annotations

from typing import Any

from django import forms

from placewell.accounts.models import Service
from placewell.participants import choices
from placewell.ui.forms import GovukDateField, GovukForm

L = "govuk-fieldset__legend--l"


class ServiceChoiceForm(GovukForm):
    service = forms.ModelChoiceField(
        label="Which service do you want support from?",
        queryset=Service.objects.none(),
        widget=forms.RadioSelect(attrs={"legend_class": L}),
        empty_label=None,
        error_messages={"required": "Select the service you want support from"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(accepts_self_referrals=True)
        self.fields["service"].label_from_instance = _service_label  # type: ignore[attr-defined]


def _service_label(service: Service) -> str:
    """Name, area and description, so a person can tell the services apart."""
    label = f"{service.name} ({service.public_area})" if service.public_area else service.name
    return f"{label}: {service.public_description}" if service.public_description else label


class NameForm(GovukForm):
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": "Enter your first name"},
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
        error_messages={"required": "Enter your last name"},
    )
    website = forms.CharField(
        label="Leave this box empty", required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class DateOfBirthForm(GovukForm):
    date_of_birth = GovukDateField(
        label="What is your date of birth?",
        help_text="For example, 27 3 1985",
        error_messages={"required": "Enter your date of birth"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].widget.attrs["legend_class"] = L

    def clean_date_of_birth(self) -> Any:
        from django.utils import timezone

        value = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if value and value > today:
            raise forms.ValidationError("Date of birth must be in the past")
        if value and (today.year - value.year) < 16:
            raise forms.ValidationError("You must be 16 or over to refer yourself")
        if value and value.year < 1900:
            raise forms.ValidationError("Date of birth must be after 1900")
        return value


class PublicContactForm(GovukForm):
    preferred_contact_method = forms.ChoiceField(
        label="How should we contact you?",
        choices=choices.ContactMethod.choices[:3],
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        error_messages={"required": "Select how we should contact you"},
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        help_text="For a call or a text message",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "data-width": "20"}),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("preferred_contact_method")
        if method == choices.ContactMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter your email address, or choose another way for us to contact you")
        if (
            method in {choices.ContactMethod.PHONE, choices.ContactMethod.TEXT}
            and not data.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", "Enter your phone number, or choose another way for us to contact you")
        return data


class WorkForm(GovukForm):
    employment_status = forms.ChoiceField(
        label="Are you in paid work at the moment?",
        choices=[
            (choices.EmploymentStatus.IN_WORK, "Yes, I have a job (even if I am off sick)"),
            (choices.EmploymentStatus.OUT_OF_WORK, "No, I am not in paid work"),
        ],
        widget=forms.RadioSelect(attrs={"legend_class": L}),
        error_messages={"required": "Select yes if you are in paid work"},
    )


class HelpForm(GovukForm):
    about = forms.CharField(
        label="What would you like help with?",
        required=False,
        max_length=2000,
        help_text="Optional. For example, the kind of work you want, or what makes work hard at the moment. Do not include anything you would not want the service to know.",
        widget=forms.Textarea(attrs={"label_class": "govuk-label--l"}),
    )
