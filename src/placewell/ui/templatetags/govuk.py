"""Template helpers for GOV.UK components."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField

from placewell.ui.forms import is_multiple_choice

register = template.Library()


@register.filter
def widget_kind(field: BoundField) -> str:
    """Which GOV.UK component a bound field renders as."""
    widget = field.field.widget
    # Checked before radios: Django's CheckboxSelectMultiple is a subclass of RadioSelect, so testing for
    # radios first rendered every multiple-choice question as radios, which post (and save) one answer.
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if is_multiple_choice(field.field) or isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter
def first_input_id(field: BoundField) -> str:
    """The id the error summary links to: the first radio, checkbox or date part for grouped fields."""
    kind = widget_kind(field)
    if kind in {"radios", "checkboxes", "date"}:
        return f"{field.auto_id}_0"
    return str(field.auto_id)


@register.filter
def input_width(field: BoundField) -> str:
    width = field.field.widget.attrs.get("data-width")
    return f" govuk-input--width-{width}" if width else ""


@register.simple_tag
def status_tag_class(status: str) -> str:
    """Colour of a participant status tag (colour is never the only signal: the text says it too)."""
    return {
        "referred": "govuk-tag--blue",
        "eligible": "govuk-tag--turquoise",
        "ineligible": "govuk-tag--grey",
        "agreed": "govuk-tag--purple",
        "active": "govuk-tag--green",
        "in_work": "govuk-tag--green",
        "closed": "govuk-tag--grey",
        "erased": "govuk-tag--grey",
    }.get(status, "govuk-tag--grey")


@register.filter
def instrument_name(instrument_id: str) -> str:
    """A questionnaire's name as people know it ("GAD-7", "ONS personal well-being (ONS4)"), never its
    internal id ("gad7", "ons4")."""
    from placewell.engine.measures import INSTRUMENTS

    instrument = INSTRUMENTS.get(str(instrument_id))
    return instrument.title if instrument is not None else str(instrument_id)


@register.filter
def character_limit(field: BoundField) -> int | None:
    """The most characters a box of free text takes, for the GOV.UK character count component (which tells
    people the limit as they type, before the form refuses a longer answer); None for other fields."""
    if widget_kind(field) != "textarea":
        return None
    limit = getattr(field.field, "max_length", None)
    return int(limit) if limit else None


@register.filter
def thousands(value: int) -> str:
    """10000 as "10,000"."""
    return f"{int(value):,}"
