from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from placewell.portal.models import BestTime, CallBackRequest


class AddressForm(forms.Form):
    address = forms.CharField(
        label=_("Your email address or mobile phone number"),
        help_text=_("Use the one your employment specialist has for you."),
        max_length=254,
        error_messages={"required": _("Enter your email address or mobile phone number")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your 6-digit code"),
        help_text=_("It is in the message we sent you."),
        max_length=12,
        error_messages={"required": _("Enter the 6-digit code from the message")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class CallBackForm(forms.Form):
    best_time = forms.ChoiceField(
        label=_("When is a good time to call you?"),
        choices=[
            (BestTime.ANY, _("Any time")),
            (BestTime.MORNING, _("Morning")),
            (BestTime.AFTERNOON, _("Afternoon")),
            (BestTime.EVENING, _("Early evening")),
        ],
        initial=BestTime.ANY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time")},
    )
    note = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        required=False,
        max_length=CallBackRequest.NOTE_LIMIT,
        widget=forms.Textarea,
        error_messages={"max_length": _("Your note must be 500 characters or fewer")},
    )
