"""Appointment forms, rendered with the GOV.UK form renderer. The rules (no past times, opening hours, no
double booking) live in ``services`` and come back as field errors, so nothing is half-saved."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from placewell.appointments.models import AskedBy, PlaceKind, Venue
from placewell.ui.forms import GovukDateField, GovukForm

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
LENGTHS = [
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (90, "1 hour 30 minutes"),
    (120, "2 hours"),
]


class WhenForm(GovukForm):
    day = GovukDateField(label="Date", help_text="For example, 27 3 2027")
    time = forms.CharField(
        label="Start time",
        help_text="On the 24-hour clock, for example 14:30",
        max_length=5,
        widget=forms.TextInput(attrs={"data-width": "5", "inputmode": "numeric"}),
    )
    duration_minutes = forms.TypedChoiceField(
        label="Length", choices=LENGTHS, coerce=int, initial=60, widget=forms.RadioSelect
    )

    def clean_time(self) -> dt.time:
        match = TIME_PATTERN.match(self.cleaned_data["time"])
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError("Start time must be a real time on the 24-hour clock, like 09:15 or 14:30")
        return dt.time(int(match[1]), int(match[2]))

    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"]))


class BookForm(WhenForm):
    specialist = forms.ChoiceField(label="With whom")
    place_kind = forms.ChoiceField(label="Where", choices=PlaceKind.choices, widget=forms.RadioSelect)
    venue = forms.ChoiceField(label="Which community venue", required=False)
    video_link = forms.URLField(
        label="Video call link (for a video call)", required=False, assume_scheme="https", max_length=200
    )

    field_order = ["day", "time", "duration_minutes", "specialist", "place_kind", "venue", "video_link"]

    def __init__(self, *args: Any, staff: list[Any], venues: list[Venue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {str(s.pk): s for s in staff}
        self.venues = {str(v.pk): v for v in venues}
        cast("forms.ChoiceField", self.fields["specialist"]).choices = [
            (k, s.get_full_name() or str(s)) for k, s in self.staff.items()
        ]
        cast("forms.ChoiceField", self.fields["venue"]).choices = [("", "Select a venue")] + [
            (k, v.name) for k, v in self.venues.items()
        ]
        self.fields["specialist"].error_messages["required"] = "Select who the appointment is with"
        self.fields["place_kind"].error_messages["required"] = "Select where the appointment is"

    def specialist_obj(self) -> Any:
        return self.staff[self.cleaned_data["specialist"]]

    def venue_obj(self) -> Venue | None:
        return self.venues.get(self.cleaned_data.get("venue") or "")


class RescheduleForm(WhenForm):
    asked_by = forms.ChoiceField(
        label="Who asked to move it", choices=AskedBy.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asked_by"].error_messages["required"] = "Select who asked to move the appointment"
        self.fields["reason"].error_messages["required"] = "Enter why the appointment is moving"


class CancelForm(GovukForm):
    asked_by = forms.ChoiceField(
        label="Who asked to cancel it", choices=AskedBy.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asked_by"].error_messages["required"] = "Select who asked to cancel the appointment"
        self.fields["reason"].error_messages["required"] = "Enter why the appointment is cancelled"


class VenueForm(GovukForm):
    name = forms.CharField(label="Venue name", max_length=120)
    address = forms.CharField(label="Address (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the venue's name"
