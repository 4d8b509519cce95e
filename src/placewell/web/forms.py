"""GOV.UK Design System rendering for Django forms.

Every form field renders through ``govuk/field.html`` (label, hint, error message beside the field, and the
right component for its widget), and ``govuk/error_summary.html`` links each error to its field, so every
form in Placewell follows the same pattern without per-form markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input pattern asks."""

    template_name = "govuk/date_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = (
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                }
            ),
        )
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, with the GOV.UK error messages for each way it can be wrong."""

    widget = GovukDateWidget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, *args, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        label = (self.label or "Date").capitalize()
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{label} must be a real date, written in numbers", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date", code="invalid") from None

    def clean(self, value: Any) -> Any:
        if self.required and (not value or not any(str(v or "").strip() for v in value)):
            raise ValidationError(self.error_messages["required"], code="required")
        return super().clean(value)


def apply_govuk_messages(form: forms.BaseForm) -> None:
    """Required-field messages in GOV.UK wording: 'Enter ...' or 'Select ...'."""
    default = forms.Field.default_error_messages["required"]
    for field in form.fields.values():
        if field.error_messages.get("required") != default:
            continue  # the form gave its own message
        choice = isinstance(field.widget, forms.RadioSelect | forms.Select | forms.CheckboxSelectMultiple)
        verb = "Select" if choice else "Enter"
        field.error_messages["required"] = f"{verb} {str(field.label or 'an answer').lower()}"


class GovukForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)


class GovukModelForm(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
