from __future__ import annotations

from django import forms

from placewell.documents.checks import ALLOWED
from placewell.documents.models import Category


class UploadForm(forms.Form):
    category = forms.ChoiceField(
        label="What kind of document is it?",
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of document this is"},
    )
    file = forms.FileField(
        label="Choose the file",
        allow_empty_file=True,  # an empty file is refused (and audited) by services.upload
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED)}),
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty: choose the file again, or check that it saved properly",
        },
    )
