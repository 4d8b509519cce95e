"""The upload form: which kind of records, and the file."""

from __future__ import annotations

from django import forms

from placewell.imports.models import Kind
from placewell.ui.forms import GovukForm


class UploadForm(GovukForm):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=Kind.choices,
        widget=forms.RadioSelect(attrs={"legend_class": "govuk-fieldset__legend--m"}),
        error_messages={"required": "Select what the file holds"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file (UTF-8) or an Excel workbook (.xlsx), with the columns of the template",
        error_messages={"required": "Select a file to upload", "empty": "The selected file is empty"},
    )
