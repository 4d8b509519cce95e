from __future__ import annotations

from django import forms

from placewell.ui.forms import GovukDateField, GovukForm


class TokenForm(GovukForm):
    name = forms.CharField(
        label="What is the token for?",
        help_text="For example, 'Monthly report to the commissioner'. You will see this name in the list.",
        max_length=100,
        error_messages={"required": "Enter what the token is for"},
    )
    expires_on = GovukDateField(
        label="Expiry date (optional)",
        help_text="The token stops working at the start of this day. For example, 27 3 2027. Leave empty for no expiry.",
        required=False,
    )
