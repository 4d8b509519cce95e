"""Every form in Placewell, walked: multiple-choice questions render as GOV.UK checkboxes and keep every ticked
answer, and no message of Django's own wording ("This field is required.", "Ensure this value is greater than
or equal to 1.") can reach a page.

The forms are found, not listed: every module of the ``placewell`` package is imported and every subclass of
Django's ``BaseForm`` defined in it is built. A form whose constructor needs arguments gets them from
``ARGUMENTS``; a new form that needs arguments and is not there fails the walk, so none is left out.

Reference for the expected markup: GOV.UK Design System, "Checkboxes" component (one ``input
type="checkbox"`` per option, all with the question's name, inside a fieldset whose legend is the question).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.core import validators
from django.forms import fields as django_fields
from django.http import QueryDict

import placewell
from placewell.ui.forms import (
    FREE_TEXT_LIMIT,
    GovukForm,
    GovukModelForm,
    apply_govuk_messages,
    is_multiple_choice,
)

# --- finding every form -----------------------------------------------------------------------------------


def _import_everything() -> None:
    for module in pkgutil.walk_packages(placewell.__path__, "placewell."):
        if ".migrations" in module.name:
            continue
        importlib.import_module(module.name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def form_classes() -> list[type[forms.BaseForm]]:
    _import_everything()
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("placewell.") and cls not in {GovukForm, GovukModelForm}
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _users(world: Any) -> Any:
    from placewell.accounts.models import User

    return User.objects.filter(pk__in=[world.alice.pk, world.bob.pk, world.tess.pk])


def _teams(world: Any) -> Any:
    from placewell.accounts.models import Team

    return Team.objects.filter(service=world.service)


def _cells(world: Any) -> list[Any]:
    from placewell.trials.design import StratumCell

    return [StratumCell("a", "North · out of work", {}), StratumCell("b", "North · in work", {})]


def _questions(world: Any) -> Any:
    from placewell.surveys.questionnaire import present_many

    return present_many(["gad7"])[0].questions


def _rule_sets(world: Any) -> Any:
    from placewell.participants.models import EligibilityRuleSet

    return EligibilityRuleSet.objects.all()


def _licensed_instrument(world: Any) -> Any:
    from placewell.engine.measures import INSTRUMENTS

    return INSTRUMENTS["swemwbs"]


def _participants(world: Any) -> Any:
    from placewell.participants.models import Participant
    from tests.conftest import refer

    refer(world, given_name="Rowan", nhs_number="")
    refer(world, given_name="Sam", nhs_number="", email="sam@example.org")
    return Participant.objects.all()


PEOPLE = [("1", "Rowan Example"), ("2", "Sam Example")]

ARGUMENTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "placewell.analysis.forms.StatisticianForm": lambda w: {"queryset": _users(w)},
    "placewell.appointments.forms.BookForm": lambda w: {"staff": [w.alice, w.bob], "venues": []},
    "placewell.casework.forms.TransferForm": lambda w: {"people": PEOPLE, "specialists": PEOPLE},
    "placewell.casework.forms.WeekForm": lambda w: {"specialists": [(1, "Alice"), (2, "Bob")]},
    "placewell.employers.forms.EngagementForm": lambda w: {"people": _participants(w)},
    "placewell.fidelity.forms.ActionForm": lambda w: {"scale": "ips25"},
    "placewell.fidelity.forms.PastReviewForm": lambda w: {"scale": "ips25"},
    "placewell.fidelity.forms.SectionScoresForm": lambda w: {"scale": "ips25", "section": "staffing"},
    "placewell.fidelity.forms.StartReviewForm": lambda w: {"reviewers": _users(w)},
    "placewell.governance.forms.ExtractForm": lambda w: {"services": [(1, "North IPS"), (2, "South IPS")]},
    "placewell.participants.forms.AssignForm": lambda w: {"teams": _teams(w)},
    "placewell.participants.forms.ChooseRuleSetForm": lambda w: {"rule_sets": _rule_sets(w)},
    "placewell.participants.forms.EraseForm": lambda w: {"service": w.service},
    "placewell.participants.forms.FilterForm": lambda w: {"teams": _teams(w), "specialists": _users(w)},
    "placewell.participants.forms.ReferralDetailsForm": lambda w: {"user": w.alice},
    "placewell.participants.forms.YesNoQuestionForm": lambda w: {"question": "Are they over 18?"},
    "placewell.surveys.forms.AdministerStartForm": lambda w: {"invitations": []},
    "placewell.surveys.forms.WordingForm": lambda w: {"instrument": _licensed_instrument(w)},
    "placewell.surveys.questionnaire.AnswersForm": lambda w: {"questions": _questions(w)},
    "placewell.trials.forms.BlindingForm": lambda w: {"staff": _users(w)},
    "placewell.trials.forms.RatioChangeForm": lambda w: {"strata": [], "arm_count": 2, "recruiting": False},
    "placewell.trials.forms.SiteForm": lambda w: {"teams": _teams(w)},
    "placewell.trials.forms.StrataForm": lambda w: {"cells": _cells(w)},
}


def build(cls: type[forms.BaseForm], world: Any, data: Any = None) -> forms.BaseForm:
    name = f"{cls.__module__}.{cls.__qualname__}"
    kwargs = ARGUMENTS[name](world) if name in ARGUMENTS else {}
    try:
        return cls(data, **kwargs)
    except TypeError as exc:
        raise AssertionError(f"{name} needs arguments to be built: add it to ARGUMENTS ({exc})") from exc


def every_form(world: Any) -> list[forms.BaseForm]:
    return [build(cls, world) for cls in form_classes()]


def _give_choices(field: forms.Field, world: Any) -> None:
    """A question whose options are set per request (none here) gets three, so its markup can be checked."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        if field.queryset is None or not field.queryset.exists():
            field.queryset = _users(world)
    elif not list(field.choices):  # type: ignore[attr-defined]
        field.choices = [("x", "X"), ("y", "Y"), ("z", "Z")]  # type: ignore[attr-defined]


# --- reading the rendered markup --------------------------------------------------------------------------


class Controls(HTMLParser):
    """The form controls in a piece of HTML: each input's type and name, and any select's name."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[tuple[str, str]] = []
        self.selects: list[str] = []
        self.legends = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input":
            self.inputs.append((a.get("type") or "text", a.get("name") or ""))
        elif tag == "select":
            self.selects.append(a.get("name") or "")
        elif tag == "legend":
            self.legends += 1


def controls(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


# --- the walk ---------------------------------------------------------------------------------------------


def test_the_walk_finds_the_forms_with_multiple_choice_questions(world) -> None:  # type: ignore[no-untyped-def]
    """Guards the walk itself: the questions the fault was seen on are among those it checks."""
    found = {
        f"{type(form).__name__}.{name}"
        for form in every_form(world)
        for name, field in form.fields.items()
        if is_multiple_choice(field)
    }
    assert {
        "ContactForm.whom",
        "ContactForm.purposes",
        "ProfileForm.job_types",
        "TrialForm.stratify_by",
        "BlindingForm.staff",
        "SiteForm.teams",
    } <= found
    assert len(form_classes()) >= 60


def test_every_multiple_choice_question_renders_as_checkboxes_and_keeps_every_answer(world) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for form in every_form(world):
        for name, field in list(form.fields.items()):
            if not (is_multiple_choice(field) or getattr(field.widget, "allow_multiple_selected", False)):
                continue
            where = f"{type(form).__module__}.{type(form).__name__}.{name}"
            _give_choices(field, world)
            bound = form[name]
            html = bound.as_field_group()
            found = controls(html)
            options = [str(value) for value, _ in field.choices if str(value) != ""]  # type: ignore[attr-defined]
            types = {kind for kind, input_name in found.inputs if input_name == bound.html_name}
            assert types == {"checkbox"}, f"{where} renders as {types or found.selects or 'nothing'}"
            assert not found.selects, f"{where} renders a select list"
            assert found.legends == 1 and "govuk-checkboxes" in html, where
            assert len(found.inputs) == len(options), (
                f"{where}: {len(found.inputs)} boxes, {len(options)} options"
            )
            # Two ticked answers posted: both are read (a radio or select widget reads only the last).
            posted = QueryDict(mutable=True)
            posted.setlist(bound.html_name, options[:2])
            again = type(form)(posted, **_arguments_of(form, world))
            _give_choices(again.fields[name], world)
            assert [str(v) for v in again[name].data] == options[:2], where
            checked += 1
    assert checked >= 15


def _arguments_of(form: forms.BaseForm, world: Any) -> dict[str, Any]:
    name = f"{type(form).__module__}.{type(form).__qualname__}"
    return ARGUMENTS[name](world) if name in ARGUMENTS else {}


def test_a_multiple_choice_question_given_a_radio_or_select_widget_still_renders_and_saves_checkboxes() -> (
    None
):
    """The cause of the fault, kept from coming back: Django's ``CheckboxSelectMultiple`` is a subclass of
    ``RadioSelect``, and a multiple-choice field may be given any widget; every one becomes checkboxes."""

    class Purposes(GovukForm):
        as_radios = forms.MultipleChoiceField(
            label="What it was for", choices=[("a", "A"), ("b", "B"), ("c", "C")], widget=forms.RadioSelect
        )
        as_select = forms.MultipleChoiceField(label="Who with", choices=[("a", "A"), ("b", "B")])
        as_boxes = forms.MultipleChoiceField(
            label="Job types", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )

    posted = QueryDict(mutable=True)
    for name in ("as_radios", "as_select", "as_boxes"):
        posted.setlist(name, ["a", "b"])
    form = Purposes(posted)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"as_radios": ["a", "b"], "as_select": ["a", "b"], "as_boxes": ["a", "b"]}
    html = str(form)
    found = controls(html)
    assert {kind for kind, _ in found.inputs} == {"checkbox"} and not found.selects
    assert html.count("checked") == 6


# --- messages ---------------------------------------------------------------------------------------------


def _django_default_messages() -> set[str]:
    """Every message Django's form fields and core validators use by default, in English."""
    texts: set[str] = set()
    for value in vars(django_fields).values():
        if isinstance(value, type) and issubclass(value, forms.Field):
            texts.update(str(m) for m in getattr(value, "default_error_messages", {}).values())
    for cls in (forms.ModelChoiceField, forms.ModelMultipleChoiceField):
        texts.update(str(m) for m in cls.default_error_messages.values())
    for value in vars(validators).values():
        if isinstance(value, type) and hasattr(value, "message"):
            texts.add(str(value.message))
    texts.update(
        {
            str(validators.MaxLengthValidator(1).message),
            str(validators.MinLengthValidator(1).message),
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        }
    )
    texts.discard("")
    return texts


def shown_messages(field: forms.Field) -> list[str]:
    """The messages a field can put on a page: its own, and a validator's where the field does not replace
    it (``Field.run_validators`` swaps in the field's message for the validator's code)."""
    shown = [str(m) for m in field.error_messages.values()]
    for validator in field.validators:
        code = getattr(validator, "code", None)
        if code not in field.error_messages:
            shown.append(str(getattr(validator, "message", "")))
    return shown


def test_no_form_can_show_a_django_default_message(world) -> None:  # type: ignore[no-untyped-def]
    defaults = _django_default_messages()
    assert "Ensure this value is greater than or equal to %(limit_value)s." in defaults
    assert "This field is required." in defaults
    offenders = []
    for form in every_form(world):
        apply_govuk_messages(form)  # what happens before every clean
        for name, field in form.fields.items():
            for message in shown_messages(field):
                if message in defaults:
                    offenders.append(f"{type(form).__module__}.{type(form).__name__}.{name}: {message!r}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (forms.IntegerField(label="How long it took, in minutes", min_value=1), "0", "must be 1 or more"),
        (forms.IntegerField(label="Hours (optional)", max_value=100), "101", "Hours must be 100 or less"),
        (forms.IntegerField(label="Hours"), "ten", "Hours must be a whole number"),
        (forms.DecimalField(label="Hourly pay", max_digits=5, decimal_places=2), "1.234", "2 decimal places"),
        (forms.DecimalField(label="Hourly pay"), "lots", "Hourly pay must be a number"),
        (forms.EmailField(label="Email"), "nope", "like name@example.com"),
        (forms.ChoiceField(label="Mode", choices=[("a", "A")]), "b", "Select mode from the options shown"),
        (forms.CharField(label="Name", max_length=5), "abcdefg", "Name must be 5 characters or fewer"),
        (
            forms.CharField(label="Note (optional)", widget=forms.Textarea),
            "x" * (FREE_TEXT_LIMIT + 1),
            "10,000",
        ),
        (forms.CharField(label="Name"), "", "Enter name"),
    ],
)
def test_common_validators_speak_govuk(field: forms.Field, value: str, expected: str) -> None:
    form_class = type("OneQuestion", (GovukForm,), {"answer": field})
    form = form_class({"answer": value})
    assert not form.is_valid()
    message = form.errors["answer"][0]
    assert expected in message, message
    assert message not in _django_default_messages()


def test_free_text_has_a_limit_unless_the_form_sets_its_own(world) -> None:  # type: ignore[no-untyped-def]
    unlimited = [
        f"{type(form).__name__}.{name}"
        for form in every_form(world)
        if apply_govuk_messages(form) is None  # what happens before every clean
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
        and field.max_length is None
        and not any(isinstance(v, validators.MaxLengthValidator) for v in field.validators)
    ]
    assert not unlimited, unlimited


def test_a_box_of_free_text_tells_people_its_limit_as_they_type() -> None:
    """GOV.UK Design System, "Character count": the limit is shown under the box (and counted down by GOV.UK
    Frontend's script), so a long note is shortened before it is refused."""

    class Note(GovukForm):
        note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)
        short = forms.CharField(label="Reason", max_length=300, widget=forms.Textarea)
        line = forms.CharField(label="Name")

    form = Note()
    note, short, line = (form[name].as_field_group() for name in ("note", "short", "line"))
    assert 'data-module="govuk-character-count" data-maxlength="10000"' in note
    assert "You can enter up to 10,000 characters" in note
    assert 'aria-describedby="id_note-info"' in note and "govuk-js-character-count" in note
    assert 'data-maxlength="300"' in short and "You can enter up to 300 characters" in short
    assert "govuk-character-count" not in line
