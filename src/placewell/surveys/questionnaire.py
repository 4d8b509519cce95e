"""Questionnaires built from the instrument library: wording, pages and forms.

The engine (``placewell.engine.measures``) holds each instrument's items, valid ranges and scoring. This module
decides what a person sees: the organisation's licensed wording where the engine marks the wording as licensed
and the organisation has loaded it (``LicensedWording``), otherwise the engine's clearly marked descriptive
stand-in; public-domain and Open Government Licence wording ships as it is (docs/explanation/measures.md,
"Licences and wording"). It also splits a questionnaire into pages: one short instrument a page, or one
question a page for a long one, as the GOV.UK "one thing per page" pattern asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from placewell.engine.measures import Instrument, get_instrument
from placewell.engine.measures.model import UNCONFIRMED_NOTICE
from placewell.surveys.models import LicensedWording
from placewell.ui.forms import GovukForm

LONG_INSTRUMENT = 8
"""An instrument with more questions than this is asked one question a page (MSK-HQ, GSE, job search)."""

LEGEND_L = "govuk-fieldset__legend--l"
LEGEND_M = "govuk-fieldset__legend--m"

PLAIN_INTRO = {
    "swemwbs": gettext_lazy("These questions are about your feelings and thoughts over the last 2 weeks."),
    "eq5d5l": gettext_lazy("These questions are about your health today."),
    "phq8": gettext_lazy("These questions are about how you have been feeling over the last 2 weeks."),
    "gad7": gettext_lazy("These questions are about worry and anxiety over the last 2 weeks."),
    "gse": gettext_lazy("These questions are about how you deal with problems and challenges."),
    "job_search_self_efficacy": gettext_lazy("These questions are about looking for work."),
    "ons4": gettext_lazy(
        "These questions are about how you feel about your life. Choose a number from 0 to 10."
    ),
    "mskhq": gettext_lazy("These questions are about how problems with your joints or muscles affect you."),
    "client_experience": gettext_lazy(
        "These questions are about the support you get from your employment specialist."
    ),
}
"""Plain-English sentences shown before each instrument; our own words, not the instruments' text."""

PLAIN_TITLE = {
    "swemwbs": gettext_lazy("How you have been feeling"),
    "eq5d5l": gettext_lazy("Your health today"),
    "phq8": gettext_lazy("Your mood"),
    "gad7": gettext_lazy("Worry and anxiety"),
    "gse": gettext_lazy("Dealing with problems"),
    "job_search_self_efficacy": gettext_lazy("Looking for work"),
    "ons4": gettext_lazy("How you feel about your life"),
    "mskhq": gettext_lazy("Your joints and muscles"),
    "client_experience": gettext_lazy("The support you get"),
}
"""The heading a participant sees for each instrument: what it is about in plain words, never its code.

Instrument codes ("EQ-5D-5L", "PHQ-8") mean nothing to the person answering, and GOV.UK content design asks
for headings that say what the page is about ("Writing for GOV.UK", GOV.UK Service Manual). Staff pages keep
the instruments' own titles.
"""


def is_licensed(instrument: Instrument) -> bool:
    """Whether the engine marks this instrument's wording as licensed (a stand-in ships)."""
    return instrument.wording_status == "stand_in"


@dataclass(frozen=True)
class Question:
    key: str
    wording: str
    minimum: int
    maximum: int
    options: tuple[tuple[int, str], ...]

    @property
    def is_choice(self) -> bool:
        """Every answer has a label (radios); otherwise a number is typed (the EQ VAS, 0-100)."""
        return len(self.options) == self.maximum - self.minimum + 1

    def label_for(self, value: int | None) -> str:
        if value is None:
            return _("Not answered")
        return next((label for v, label in self.options if v == value), str(value))


@dataclass(frozen=True)
class Questionnaire:
    """One instrument as shown: title, stem, plain-English introduction and questions."""

    instrument: Instrument
    title: str
    stem: str
    intro: str
    questions: tuple[Question, ...]
    wording: LicensedWording | None

    @property
    def id(self) -> str:
        return self.instrument.id

    @property
    def stand_in(self) -> bool:
        return is_licensed(self.instrument) and self.wording is None

    @property
    def plain_title(self) -> str:
        """The participant-facing heading (``PLAIN_TITLE``); "Some questions" for an instrument without one."""
        return str(PLAIN_TITLE.get(self.id, gettext_lazy("Some questions")))

    @property
    def wording_label(self) -> str:
        if self.wording is not None:
            return f"licensed wording v{self.wording.version}"
        return "descriptive stand-in" if self.stand_in else "shipped wording"

    @property
    def is_long(self) -> bool:
        return len(self.questions) > LONG_INSTRUMENT

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)


def latest_wordings(instrument_ids: Iterable[str]) -> dict[str, LicensedWording]:
    """The newest licensed wording of each instrument that has one (one query)."""
    out: dict[str, LicensedWording] = {}
    for wording in LicensedWording.objects.filter(instrument_id__in=list(instrument_ids)).order_by(
        "instrument_id", "-version"
    ):
        out.setdefault(wording.instrument_id, wording)
    return out


def present(instrument_id: str, wording: LicensedWording | None = None) -> Questionnaire:
    """The questionnaire for an instrument, with licensed wording where it is licensed and loaded."""
    instrument = get_instrument(instrument_id)
    use = wording if is_licensed(instrument) else None
    loaded: Mapping[str, Any] = use.items if use is not None else {}
    questions = []
    for item in instrument.items:
        options = tuple((o.value, o.label) for o in item.options)
        text = item.wording
        given = loaded.get(item.key)
        if given:
            text = given.get("wording") or text
            labels = given.get("options") or []
            if len(labels) == len(options):
                options = tuple(
                    (value, str(label)) for (value, _), label in zip(options, labels, strict=True)
                )
        questions.append(Question(item.key, text, item.minimum, item.maximum, options))
    return Questionnaire(
        instrument=instrument,
        title=use.title if use is not None else instrument.title,
        stem=use.stem if use is not None else instrument.stem,
        intro=str(PLAIN_INTRO.get(instrument.id, "")),
        questions=tuple(questions),
        wording=use,
    )


def present_many(instrument_ids: Iterable[str]) -> list[Questionnaire]:
    ids = list(instrument_ids)
    wordings = latest_wordings(ids)
    return [present(i, wordings.get(i)) for i in ids]


def has_placeholder_wording(instrument: Instrument) -> bool:
    """Whether an instrument's shipped wording is a placeholder still to be confirmed (job-search self-efficacy
    ships nine "Job-search task n" items until a service configures its own)."""
    return any(UNCONFIRMED_NOTICE in item.wording for item in instrument.items)


def wording_missing(instrument_ids: Iterable[str]) -> list[Instrument]:
    """The instruments among these a participant cannot be shown yet: licensed ones whose organisation's
    wording is not loaded, and any whose shipped wording is a placeholder.

    A participant must only ever read an instrument's real wording: a self-completion link cannot be made
    while any of its questionnaires would show a descriptive stand-in (staff administering a questionnaire
    still see the marked stand-in, since they can explain it). One query at most.
    """
    instruments = [get_instrument(i) for i in dict.fromkeys(instrument_ids)]
    licensed = [i.id for i in instruments if is_licensed(i)]
    loaded = (
        set(
            LicensedWording.objects.filter(instrument_id__in=licensed).values_list("instrument_id", flat=True)
        )
        if licensed
        else set()
    )
    return [
        i
        for i in instruments
        if (is_licensed(i) and i.id not in loaded) or (not is_licensed(i) and has_placeholder_wording(i))
    ]


def _names(titles: list[str]) -> str:
    return titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} and {titles[-1]}"


def missing_wording_message(missing: Iterable[Instrument]) -> str:
    """What staff are told when a link cannot be made: which questionnaires, and how to put that right."""
    missing = list(missing)
    licensed = [i.title for i in missing if is_licensed(i)]
    placeholder = [i.title for i in missing if not is_licensed(i)]
    parts = [
        "A self-completion link cannot be made yet: participants must only see a questionnaire's real wording."
    ]
    if licensed:
        parts.append(
            f"The licensed wording of {_names(licensed)} is not loaded. An administrator can load it on the "
            "Licensed wording page, or with: ./run manage load_licensed_wording <wording file>.json."
        )
    if placeholder:
        parts.append(
            f"{_names(placeholder)} still has placeholder wording: an administrator takes it out of this "
            "wave's questionnaires until the service's own wording is set up."
        )
    parts.append("Until then, administer the questionnaire with the person instead.")
    return " ".join(parts)


@dataclass(frozen=True)
class Page:
    """One page of a self-completion questionnaire: a whole instrument, or one question of a long one."""

    questionnaire: Questionnaire
    question_key: str | None = None

    @property
    def questions(self) -> tuple[Question, ...]:
        if self.question_key is None:
            return self.questionnaire.questions
        return (self.questionnaire.question(self.question_key),)


def pages(questionnaires: Iterable[Questionnaire]) -> list[Page]:
    out: list[Page] = []
    for q in questionnaires:
        if q.is_long:
            out.extend(Page(q, question.key) for question in q.questions)
        else:
            out.append(Page(q))
    return out


class AnswersForm(GovukForm):
    """The questions of one page. Every question may be left unanswered: a gap makes the response partial.

    Out-of-range or unknown answers are refused beside the question; the engine checks them again before
    anything is saved.
    """

    def __init__(
        self, *args: Any, questions: Iterable[Question], single: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for q in questions:
            allowed = _("a whole number from %(minimum)s to %(maximum)s") % {
                "minimum": q.minimum,
                "maximum": q.maximum,
            }
            if q.is_choice:
                field: forms.Field = forms.TypedChoiceField(
                    label=q.wording,
                    choices=[(str(v), label) for v, label in q.options],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect(attrs={"legend_class": LEGEND_L if single else LEGEND_M}),
                    error_messages={"invalid_choice": _("Select one of the answers shown")},
                )
            else:
                ends = "; ".join(label for _, label in q.options)
                field = forms.IntegerField(
                    label=q.wording,
                    min_value=q.minimum,
                    max_value=q.maximum,
                    required=False,
                    help_text=_("Enter a number from %(minimum)s to %(maximum)s (%(ends)s)")
                    % {"minimum": q.minimum, "maximum": q.maximum, "ends": ends},
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "data-width": "3"}),
                    error_messages={
                        "invalid": _("Enter %(allowed)s") % {"allowed": allowed},
                        "min_value": _("Enter %(allowed)s") % {"allowed": allowed},
                        "max_value": _("Enter %(allowed)s") % {"allowed": allowed},
                    },
                )
                if single:
                    field.widget.attrs["label_class"] = "govuk-label--l"
            self.fields[q.key] = field

    def answers(self) -> dict[str, int | None]:
        return {key: self.cleaned_data.get(key) for key in self.fields}
