"""GOV.UK Design System rendering for Django forms.

Every form field renders through ``govuk/field.html`` (label, hint, error message beside the field, and the
right component for its widget), and ``govuk/error_summary.html`` links each error to its field, so every
form in Placewell follows the same pattern without per-form markup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext


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
        # Parts not required one by one, so a missing part gets "must include a month" from ``compress``
        # rather than Django's "Enter a complete value."
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, *args, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        # In the active language: Welsh on a participant page that is shown in Welsh (the words are in
        # ui/locale/cy); the label is the field's own, translated by the form that set it.
        label = str(self.label or gettext("Date")).capitalize()
        day, month, year = (str(part or "").strip() for part in data_list)
        parts = ((gettext("day"), day), (gettext("month"), month), (gettext("year"), year))
        missing = [name for name, part in parts if not part]
        if missing:
            raise ValidationError(
                gettext("%(label)s must include a %(parts)s")
                % {"label": label, "parts": f" {gettext('and')} ".join(missing)},
                code="incomplete",
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(
                gettext("%(label)s must be a real date, written in numbers") % {"label": label},
                code="invalid",
            )
        if len(year) != 4:
            raise ValidationError(gettext("Year must include 4 numbers"), code="invalid")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                gettext("%(label)s must be a real date") % {"label": label}, code="invalid"
            ) from None

    def clean(self, value: Any) -> Any:
        if self.required and (not value or not any(str(v or "").strip() for v in value)):
            raise ValidationError(self.error_messages["required"], code="required")
        return super().clean(value)


FREE_TEXT_LIMIT = 10_000
"""Characters allowed in a box of free text (a note, a description) unless the form sets its own limit: about
four pages of typing, far more than a case note needs, and small enough that a paste of a whole document is
refused with a message rather than saved silently."""

LINE_LIMIT = 500
"""Characters allowed in a one-line text answer unless the form sets its own limit."""

CHOICE_WIDGETS = (forms.RadioSelect, forms.Select, forms.CheckboxSelectMultiple, forms.CheckboxInput)


def is_multiple_choice(field: forms.Field) -> bool:
    """A question that takes any number of answers (``ModelMultipleChoiceField`` is not a subclass of
    ``MultipleChoiceField``, so both are named)."""
    return isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)


def short_label(field: forms.Field, name: str = "") -> str:
    """The field's label as the subject of an error message: without "(optional)" or other brackets."""
    label = str(field.label or name.replace("_", " ") or "The answer")
    label = re.sub(r"\s*\([^)]*\)", "", label).strip().rstrip(":?")
    return label[:1].upper() + label[1:]


def _django_defaults(field: forms.Field) -> set[str]:
    """Django's own wording for this field's messages, so a message the form chose itself is kept."""
    texts: set[str] = set()
    for cls in type(field).__mro__:
        if not cls.__module__.startswith("django."):
            continue  # a Placewell field's own defaults are its chosen wording
        texts.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    for validator in field.validators:
        texts.add(str(getattr(validator, "message", "")))
    return texts


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int | float | Decimal) else "%(limit_value)s"


def govuk_messages(field: forms.Field, name: str = "") -> dict[str, str]:
    """GOV.UK Design System error messages for one field: say what is wrong and what to do, in the field's
    own words ("How long it took must be 1 or more"), instead of Django's "Ensure this value is greater than or
    equal to 1." (GOV.UK Design System, "Error message" component: "Be clear and concise ... Use the same
    words as the label")."""
    label = short_label(field, name)
    lower = label[:1].lower() + label[1:]
    choose = f"Select {lower} from the options shown"  # noqa: S608 (a message, not SQL)
    messages = {
        # The limit comes from the validator, not the field: a model's own validator may be stricter.
        "min_value": f"{label} must be %(limit_value)s or more",
        "max_value": f"{label} must be %(limit_value)s or less",
        "step_size": f"{label} must be a multiple of %(limit_value)s",
        "min_length": f"{label} must be %(limit_value)d characters or more",
        "max_length": (
            f"{label} must be {_number(getattr(field, 'max_length', None))} characters or fewer: "
            "shorten it and try again"
        ),
        "max_digits": f"{label} must be a number with no more than %(max)s digits",
        "max_decimal_places": f"{label} must have no more than %(max)s decimal places",
        "max_whole_digits": f"{label} must have no more than %(max)s digits before the decimal point",
        "null_characters_not_allowed": f"{label} must not contain hidden control characters: retype it",
        "invalid_choice": choose,
        "invalid_list": choose,
        "invalid_pk_value": choose,
        "incomplete": f"Enter all of {lower}",
        "unique": f"{label} is already in use: enter a different one",
    }
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{label} must be a whole number, like 3"
    if isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{label} must be a number, like 12.50"
    if isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = "Enter a web address in the correct format, like https://www.example.com"
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = f"{label} must be a real date and time, like 27/3/2025 14:30"
    elif isinstance(field, forms.DateField):
        messages["invalid"] = f"{label} must be a real date, like 27/3/2025"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"{label} must be a real time on the 24-hour clock, like 14:30"
    elif isinstance(field, forms.MultiValueField):
        messages["invalid"] = f"Enter {lower} in full"
    elif isinstance(field, forms.FileField):
        messages.update(
            contradiction="Either choose a new file or remove the current one, not both",
            invalid=f"Select {lower} to upload",
            missing=f"Select {lower} to upload",
            empty="The selected file is empty: choose the file again or another file",
            max_length="The file's name is too long: rename the file and choose it again",
        )
    elif isinstance(field, forms.JSONField):
        messages["invalid"] = f"{label} must be valid JSON"
    return messages


def prepare_govuk_field(field: forms.Field, name: str = "") -> None:
    """Make one field follow the house patterns, keeping whatever the form chose for itself:

    - a multiple-choice question uses checkboxes, whose posted values are all read (a radio or select widget
      reads one, so ticking two purposes saved one);
    - free text has a length limit (``FREE_TEXT_LIMIT``, ``LINE_LIMIT``);
    - required-field messages in GOV.UK wording ("Enter ..." or "Select ..."), and the other messages from
      ``govuk_messages`` in place of Django's defaults.
    """
    keep_widget = (forms.CheckboxSelectMultiple, forms.MultipleHiddenInput)
    if is_multiple_choice(field) and not isinstance(field.widget, keep_widget):
        widget = forms.CheckboxSelectMultiple(attrs=field.widget.attrs)
        widget.choices = field.widget.choices
        field.widget = widget
    free_text = type(field) is forms.CharField and field.max_length is None
    if (
        free_text
        and isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
    ):
        limit = FREE_TEXT_LIMIT if isinstance(field.widget, forms.Textarea) else LINE_LIMIT
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
    defaults = _django_defaults(field)
    default_required = str(forms.Field.default_error_messages["required"])
    if str(field.error_messages.get("required", default_required)) == default_required:
        verb = "Select" if isinstance(field.widget, CHOICE_WIDGETS) else "Enter"
        field.error_messages["required"] = f"{verb} {str(field.label or 'an answer').lower()}"
    for code, message in govuk_messages(field, name).items():
        current = field.error_messages.get(code)
        if current is None or str(current) in defaults:
            field.error_messages[code] = message


def apply_govuk_messages(form: forms.BaseForm) -> None:
    """Apply ``prepare_govuk_field`` to every field of a form (safe to run more than once)."""
    for name, field in form.fields.items():
        prepare_govuk_field(field, name)


class GovukForm(forms.Form):
    """The base of every Placewell form. Fields added in a subclass's ``__init__`` are prepared too, because
    preparation runs again before the data is read and cleaned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)

    def full_clean(self) -> None:
        apply_govuk_messages(self)
        super().full_clean()


class GovukModelForm(forms.ModelForm):
    """``GovukForm`` for forms that edit a model."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)

    def full_clean(self) -> None:
        apply_govuk_messages(self)
        super().full_clean()


def apply_error(form: forms.BaseForm, exc: Exception, aliases: Mapping[str, str] | None = None) -> None:
    """Show an action's refusal beside the field it concerns, or at the top of the form when the field is not
    on this form. ``aliases`` maps a service's field name to the form's where they differ (``starts_at`` is
    entered as ``day``)."""
    field = getattr(exc, "field", None) or ""
    field = (aliases or {}).get(field, field)
    form.add_error(field if field in form.fields else None, str(exc))
