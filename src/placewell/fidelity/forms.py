"""Forms for fidelity reviews, in GOV.UK patterns (``web.forms.GovukForm``: errors beside each field and in
the summary). The scores form is built from the engine's scale data, one page per section."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from placewell.engine.fidelity import Item, Scale, get_scale
from placewell.fidelity.models import Scale as ScaleChoice
from placewell.ui.forms import GovukDateField, GovukForm

if TYPE_CHECKING:
    from placewell.accounts.models import User

SCORES = [(str(n), str(n)) for n in range(1, 6)]  # both shipped scales score every item 1-5


class StartReviewForm(GovukForm):
    scale = forms.ChoiceField(label="Scale", choices=ScaleChoice.choices, widget=forms.RadioSelect)
    review_date = GovukDateField(label="Review date", help_text="For example, 14 3 2026")
    period_start = GovukDateField(
        label="Start of the evidence period", help_text="The MI figures cover this period"
    )
    period_end = GovukDateField(label="End of the evidence period", help_text="On or before the review date")
    second_reviewer: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Second reviewer",
        queryset=None,  # set per request
        required=False,
        empty_label="No second reviewer",
        help_text="They score independently; neither of you sees the other's scores until both have submitted",
    )

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["second_reviewer"]
        field.queryset = reviewers  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


def score_hints(item: Item) -> dict[int, str]:
    """What each score asks for, in words, from the item's numeric anchors (engine scale data).

    Items without anchors have no hints: reviewers score them against the licensed manual.
    """
    anchors = item.anchors
    if anchors is None:
        return {}
    from placewell.engine.fidelity.suggestion import format_figure

    hints = {}
    word = "At most" if anchors.direction == "lower_is_better" else "At least"
    for cut in anchors.cuts:
        hints[cut.score] = f"{word} {format_figure(anchors.kind, cut.bound)} {anchors.unit}"
    lowest = anchors.cut_for(item.minimum + 1)
    if lowest is not None:
        beyond = "More than" if anchors.direction == "lower_is_better" else "Less than"
        hints[item.minimum] = f"{beyond} {format_figure(anchors.kind, lowest.bound)} {anchors.unit}"
    return hints


class SectionScoresForm(GovukForm):
    """A score (1-5) and evidence notes for every item of one section of a scale."""

    def __init__(self, *args: Any, scale: str | Scale, section: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale = get_scale(scale)
        self.section = next(s for s in self.scale.sections if s.key == section)
        self.items = [self.scale.item(key) for key in self.section.items]
        for item in self.items:
            self.fields[item.key] = forms.ChoiceField(
                label=f"{item.number}. {item.name}",
                choices=SCORES,
                widget=forms.RadioSelect,
                help_text=item.summary,
                error_messages={
                    "required": f"Select a score for {item.name}",
                    "invalid_choice": f"The score for {item.name} must be {item.allowed}",
                },
            )
            self.fields[f"{item.key}__note"] = forms.CharField(
                label=f"Evidence notes for {item.name} (optional)",
                required=False,
                max_length=4000,
                widget=forms.Textarea,
            )

    def scores(self) -> dict[str, int]:
        return {item.key: int(self.cleaned_data[item.key]) for item in self.items}

    def notes(self) -> dict[str, str]:
        return {item.key: self.cleaned_data.get(f"{item.key}__note", "") for item in self.items}


class ChooseScaleForm(GovukForm):
    scale = forms.ChoiceField(
        label="Which form was the review done on?", choices=ScaleChoice.choices, widget=forms.RadioSelect
    )


class PastReviewForm(GovukForm):
    """An earlier review from its paper report: dates, the reviewers' names and every agreed score."""

    review_date = GovukDateField(label="Review date", help_text="As on the report, for example 14 3 2024")
    period_start = GovukDateField(label="Start of the period reviewed")
    period_end = GovukDateField(label="End of the period reviewed", help_text="On or before the review date")
    first_reviewer = forms.CharField(label="First reviewer's name", max_length=200)
    second_reviewer = forms.CharField(
        label="Second reviewer's name (optional)", max_length=200, required=False
    )

    def __init__(self, *args: Any, scale: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale = get_scale(scale)
        for item in self.scale.items:
            self.fields[item.key] = forms.ChoiceField(
                label=f"{item.number}. {item.name}: agreed score",
                choices=SCORES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select the agreed score for {item.name}",
                    "invalid_choice": f"The score for {item.name} must be {item.allowed}",
                },
            )

    def scores(self) -> dict[str, int]:
        return {item.key: int(self.cleaned_data[item.key]) for item in self.scale.items}


class ActionForm(GovukForm):
    item = forms.ChoiceField(label="Item", choices=())
    action = forms.CharField(label="Action", max_length=2000, widget=forms.Textarea)
    owner = forms.CharField(label="Owner", max_length=200, help_text="Who will see that it is done")
    due_on = GovukDateField(label="Due date", help_text="For example, 30 6 2026")

    def __init__(self, *args: Any, scale: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = get_scale(scale)
        self.fields["item"].choices = [("", "Choose an item")] + [  # type: ignore[attr-defined]
            (item.key, f"{item.number}. {item.name}") for item in chosen.items
        ]
