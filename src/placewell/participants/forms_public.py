"""The public self-referral form: one question a page, plain English, and Welsh (every word a person reads
is marked for translation; the Welsh is in ``participants/locale/cy``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from placewell.accounts.models import Service
from placewell.participants import choices
from placewell.ui.forms import GovukDateField, GovukForm

L = "govuk-fieldset__legend--l"

CONTACT_METHODS = [
    (choices.ContactMethod.PHONE, _("Phone call")),
    (choices.ContactMethod.TEXT, _("Text message")),
    (choices.ContactMethod.EMAIL, _("Email")),
    (choices.ContactMethod.POST, _("Letter")),
]
"""The ways of contacting a person, in the page's language (``choices.ContactMethod`` holds staff labels)."""


def page_language() -> str:
    """The page's language as a ``Participant.contact_language`` value."""
    return "cy" if (get_language() or "").startswith("cy") else "en"


CONTACT_LANGUAGES = [("en", _("English")), ("cy", _("Welsh (Cymraeg)"))]
"""The languages a person can be written to in (``Participant.contact_language``)."""


class ServiceChoiceForm(GovukForm):
    service = forms.ModelChoiceField(
        label=_("Which service do you want support from?"),
        queryset=Service.objects.none(),
        widget=forms.RadioSelect(attrs={"legend_class": L}),
        empty_label=None,
        error_messages={"required": _("Select the service you want support from")},
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
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your first name")},
    )
    family_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your last name")},
    )
    website = forms.CharField(
        label=_("Leave this box empty"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class DateOfBirthForm(GovukForm):
    date_of_birth = GovukDateField(
        label=_("What is your date of birth?"),
        help_text=_("For example, 27 3 1985"),
        error_messages={"required": _("Enter your date of birth")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].widget.attrs["legend_class"] = L

    def clean_date_of_birth(self) -> Any:
        from django.utils import timezone

        value = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if value and value > today:
            raise forms.ValidationError(_("Date of birth must be in the past"))
        if value and (today.year - value.year) < 16:
            raise forms.ValidationError(_("You must be 16 or over to refer yourself"))
        if value and value.year < 1900:
            raise forms.ValidationError(_("Date of birth must be after 1900"))
        return value


class PublicContactForm(GovukForm):
    preferred_contact_method = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=CONTACT_METHODS[:3],
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        error_messages={"required": _("Select how we should contact you")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        help_text=_("For a call or a text message"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "data-width": "20"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    contact_language = forms.ChoiceField(
        label=_("Which language should we use when we write to you?"),
        choices=CONTACT_LANGUAGES,
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page's language, unless the person has already answered.
        self.fields["contact_language"].initial = page_language()

    def clean_contact_language(self) -> str:
        """The language chosen; the page's language when the answer is missing (one radio is always
        chosen in a browser, since the page's language is selected to begin with)."""
        return str(self.cleaned_data.get("contact_language") or page_language())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("preferred_contact_method")
        if method == choices.ContactMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error(
                "email", _("Enter your email address, or choose another way for us to contact you")
            )
        if (
            method in {choices.ContactMethod.PHONE, choices.ContactMethod.TEXT}
            and not data.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", _("Enter your phone number, or choose another way for us to contact you"))
        return data


class WorkForm(GovukForm):
    employment_status = forms.ChoiceField(
        label=_("Are you in paid work at the moment?"),
        choices=[
            (choices.EmploymentStatus.IN_WORK, _("Yes, I have a job (even if I am off sick)")),
            (choices.EmploymentStatus.OUT_OF_WORK, _("No, I am not in paid work")),
        ],
        widget=forms.RadioSelect(attrs={"legend_class": L}),
        error_messages={"required": _("Select yes if you are in paid work")},
    )


class HelpForm(GovukForm):
    about = forms.CharField(
        label=_("What would you like help with?"),
        required=False,
        max_length=2000,
        help_text=_(
            "Optional. For example, the kind of work you want, or what makes work hard now. "
            "Only write what you are happy for the service to know."
        ),
        widget=forms.Textarea(attrs={"label_class": "govuk-label--l"}),
    )
