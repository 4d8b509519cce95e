from __future__ import annotations

from typing import Any, cast

from django import forms

from placewell.ui.forms import GovukForm

ALL = "all"


class ExtractForm(GovukForm):
    service = forms.ChoiceField(label="Which service", widget=forms.RadioSelect)
    format = forms.ChoiceField(
        label="File format",
        widget=forms.RadioSelect,
        choices=[
            ("csv", "CSV (opens in a spreadsheet, R, Stata or SPSS)"),
            ("parquet", "Parquet (keeps each column's type; for R, Python or Stata 18)"),
        ],
        initial="csv",
    )

    def __init__(self, *args: Any, services: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(pk), name) for pk, name in services]
        if len(choices) > 1:
            choices.append((ALL, "All of them"))
        cast("forms.ChoiceField", self.fields["service"]).choices = choices
        if len(choices) == 1:
            self.fields["service"].initial = choices[0][0]
