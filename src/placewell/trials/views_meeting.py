"""The first meeting: eligibility, information and agreement, identifiers and background, baseline
questionnaires, a check page, then randomisation and a neutral result (DWP research report 1025, section 5.1.6).

One question a page (GOV.UK pattern). Each part is saved through its owner's action when the part is
finished (screening and agreement through ``participants.services``), so an abandoned meeting leaves the
parts completed so far and nothing half-done. The same pages run in training mode (``practice``): nothing
is saved and the result is drawn at random outside the trial's sequence, so rehearsing never uses or
reveals a slot (DWP research report 1025, section 5.1.7, training about the trial).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.accounts.policy import Perm
from placewell.participants import services as participants
from placewell.participants.access import get_participant
from placewell.participants.forms import (
    AgreementFormatForm,
    ChooseRuleSetForm,
    StatementForm,
    YesNoQuestionForm,
)
from placewell.participants.lifecycle import InvalidTransition
from placewell.participants.models import (
    Agreement,
    AgreementDocument,
    EligibilityRuleSet,
    Participant,
    Status,
)
from placewell.participants.views_agreement import current_document
from placewell.trials import baseline, services
from placewell.trials.access import get_trial
from placewell.trials.design import TrialError, stratum_for
from placewell.trials.forms import BackgroundForm, RandomiseForm
from placewell.trials.models import Allocation, Trial
from placewell.ui.wizard import SessionWizard

PRACTICE_NAME = "Sam Practice"


@dataclass
class Meeting:
    request: HttpRequest
    trial: Trial
    participant: Participant | None
    wizard: SessionWizard

    @property
    def practice(self) -> bool:
        return self.participant is None

    @property
    def person(self) -> Any:
        if self.participant is not None:
            return self.participant
        return SimpleNamespace(
            full_name=f"{PRACTICE_NAME} (practice)", pk=None, service_id=self.trial.service_id
        )

    def url(self, step: str, *args: object) -> str:
        if self.participant is None:
            return reverse(f"trials:practice_{step}", args=[self.trial.pk, *args])
        return reverse(f"trials:meeting_{step}", args=[self.trial.pk, self.participant.pk, *args])

    def progress(self) -> dict[str, Any]:
        return self.wizard.get("progress") or {}

    def mark(self, **done: Any) -> None:
        self.wizard.save("progress", {**self.progress(), **done})

    def eligible(self) -> bool:
        if self.participant is None:
            return bool(self.progress().get("eligible"))
        return self.participant.status in {Status.ELIGIBLE, Status.AGREED}

    def agreed(self) -> bool:
        if self.participant is None:
            return bool(self.progress().get("agreed"))
        return self.participant.status == Status.AGREED

    def background_done(self) -> bool:
        return bool(self.progress().get("background"))

    def next_url(self) -> str:
        if not self.eligible():
            return self.url("eligibility")
        if not self.agreed():
            return self.url("information")
        if not self.background_done():
            return self.url("background")
        if self.participant is not None and baseline.incomplete_steps(self.participant, self.trial):
            return self.url("baseline")
        return self.url("check")

    def render(self, template: str, context: dict[str, Any], base: str | None = None) -> HttpResponse:
        context = {
            **context,
            "meeting": self,
            "practice": self.practice,
            "p": self.person,
            "base_template": base or template,
            "urls": {
                "background": self.url("background"),
                "before_check": self.url(
                    "baseline" if self.participant is not None and baseline.baseline_steps() else "background"
                ),
                "result": "" if self.practice else self.url("result"),
            },
        }
        return render(self.request, "trials/meeting_page.html" if base else template, context)


def _meeting(request: HttpRequest, trial: int, pk: int | None) -> Meeting:
    t = get_trial(request, trial, Perm.RANDOMISE, with_blindness=True)
    p = None if pk is None else get_participant(request, pk, Perm.RANDOMISE)
    if p is not None and p.service_id != t.service_id:
        raise Http404("No such participant in this trial")
    if t.viewer_blinded:  # type: ignore[attr-defined]
        raise PermissionDenied("You are blind to allocations in this trial")
    return Meeting(request, t, p, SessionWizard(request, f"meeting:{t.pk}:{pk or 'practice'}"))


def _rule_sets(trial: Trial) -> Any:
    own = EligibilityRuleSet.objects.filter(service_id=trial.service_id, is_active=True)
    return own if own.exists() else EligibilityRuleSet.objects.filter(service__isnull=True, is_active=True)


@login_required
def start(request: HttpRequest, trial: int, pk: int | None = None) -> HttpResponse:
    m = _meeting(request, trial, pk)
    if request.method == "GET" and m.practice:
        m.wizard.clear()
    refusal = ""
    already = None
    if m.participant is not None:
        already = Allocation.objects.filter(participant=m.participant).first()
        if already is None:
            problems = services.readiness_problems(m.trial, m.participant, _today())
            status_fixable = m.participant.status in {Status.REFERRED, Status.ELIGIBLE, Status.AGREED}
            if problems and not (status_fixable and problems[0].startswith(("Screen", "Record", "Complete"))):
                refusal = problems[0]
    elif not m.trial.is_recruiting and not m.trial.is_draft:
        refusal = "Recruitment to this trial has closed."
    steps = ["Eligibility", "Information and agreement", "Identifiers and background"]
    if baseline.baseline_steps():
        steps.append("Baseline questionnaires")
    steps += ["Check and randomise", "Tell the person their result and next steps"]
    return m.render(
        "trials/meeting_start.html",
        {"steps": steps, "refusal": refusal, "already": already, "next_url": m.next_url()},
    )


@login_required
def eligibility(request: HttpRequest, trial: int, pk: int | None = None) -> HttpResponse:
    m = _meeting(request, trial, pk)
    rule_sets = _rule_sets(m.trial)
    if rule_sets.count() == 1:
        return redirect(m.url("question", rule_sets.get().pk, 1))
    form = ChooseRuleSetForm(request.POST if request.method == "POST" else None, rule_sets=rule_sets)
    if request.method == "POST" and form.is_valid():
        m.wizard.save("answers", {})
        return redirect(m.url("question", form.cleaned_data["rule_set"].pk, 1))
    return m.render(
        "ui/form_page.html",
        {
            "form": form,
            "title": "",
            "caption": f"Eligibility: {m.person.full_name}",
            "back_url": m.url("start"),
        },
        base="ui/form_page.html",
    )


def _rule_set(m: Meeting, rule_set: int) -> EligibilityRuleSet:
    rs = _rule_sets(m.trial).filter(pk=rule_set).first()
    if rs is None:
        raise Http404("No such rule set")
    return rs


@login_required
def question(
    request: HttpRequest, trial: int, rule_set: int, number: int, pk: int | None = None
) -> HttpResponse:
    m = _meeting(request, trial, pk)
    rs = _rule_set(m, rule_set)
    questions = list(rs.questions.all())
    if not 1 <= number <= len(questions):
        raise Http404("No such question")
    q = questions[number - 1]
    saved = m.wizard.get("answers") or {}
    form = YesNoQuestionForm(
        request.POST if request.method == "POST" else None,
        initial={"answer": saved[q.key]} if q.key in saved else None,
        question=q.text,
        hint=q.hint,
        error=f"Select yes or no: {q.text[0].lower()}{q.text[1:]}",
    )
    if request.method == "POST" and form.is_valid():
        saved[q.key] = form.cleaned_data["answer"]
        m.wizard.save("answers", saved)
        if number < len(questions):
            return redirect(m.url("question", rs.pk, number + 1))
        return redirect(m.url("eligibility_check", rs.pk))
    back = m.url("start") if number == 1 else m.url("question", rs.pk, number - 1)
    return m.render(
        "ui/form_page.html",
        {
            "form": form,
            "title": "",
            "caption": f"Eligibility: question {number} of {len(questions)}",
            "back_url": back,
        },
        base="ui/form_page.html",
    )


@login_required
def eligibility_check(request: HttpRequest, trial: int, rule_set: int, pk: int | None = None) -> HttpResponse:
    m = _meeting(request, trial, pk)
    rs = _rule_set(m, rule_set)
    questions = list(rs.questions.all())
    saved = m.wizard.get("answers") or {}
    missing = [i for i, q in enumerate(questions, 1) if q.key not in saved]
    if missing:
        return redirect(m.url("question", rs.pk, missing[0]))
    answers = {q.key: saved[q.key] == "yes" for q in questions}
    if request.method == "POST":
        reasons = [q.reason_if_not for q in questions if answers[q.key] != q.qualifying_answer]
        if m.participant is not None:
            try:
                screening = participants.screen_participant(
                    by=request.user,
                    participant=m.participant,
                    rule_set=rs,
                    answers=answers,
                    request=request,  # type: ignore[arg-type]
                )
            except (InvalidTransition, participants.ParticipantError) as exc:
                messages.error(request, str(exc))
                return redirect(m.url("start"))
            reasons = screening.reasons
        m.wizard.save("answers", {})
        m.mark(eligible=not reasons)
        if reasons:
            return m.render("trials/meeting_stop.html", {"title": "Not eligible", "reasons": reasons})
        return redirect(m.url("information"))
    rows = [
        (q.text, "Yes" if answers[q.key] else "No", m.url("question", rs.pk, i))
        for i, q in enumerate(questions, 1)
    ]
    return m.render(
        "participants/check_answers.html",
        {
            "rows": rows,
            "title": "Check the eligibility answers",
            "caption": f"{rs.name}: {m.person.full_name}",
            "button": "Save and continue" if not m.practice else "Continue",
            "back_url": rows[-1][2],
        },
        base="participants/check_answers.html",
    )


def _document(m: Meeting) -> AgreementDocument:
    doc = current_document(m.person)  # type: ignore[arg-type]
    if doc is None:
        raise Http404("No information and agreement document is published for this service")
    return doc


@login_required
def information(request: HttpRequest, trial: int, pk: int | None = None) -> HttpResponse:
    m = _meeting(request, trial, pk)
    if not m.eligible():
        return redirect(m.next_url())
    doc = _document(m)
    form = AgreementFormatForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        m.wizard.save("agreement", {})
        return redirect(m.url("statement", form.cleaned_data["format"], 1))
    return m.render(
        "participants/agreement_start.html",
        {"form": form, "doc": doc, "back_url": m.url("start")},
        base="participants/agreement_start.html",
    )


def _statements(m: Meeting, format: str) -> tuple[AgreementDocument, list[Any]]:
    if format not in Agreement.Format.values:
        raise Http404("No such format")
    doc = _document(m)
    return doc, list(doc.statements.all())


@login_required
def statement(
    request: HttpRequest, trial: int, format: str, number: int, pk: int | None = None
) -> HttpResponse:
    m = _meeting(request, trial, pk)
    doc, statements = _statements(m, format)
    if not 1 <= number <= len(statements):
        raise Http404("No such statement")
    s = statements[number - 1]
    saved = m.wizard.get("agreement") or {}
    form = StatementForm(
        request.POST if request.method == "POST" else None,
        initial={"answer": saved[str(s.pk)]} if str(s.pk) in saved else None,
    )
    if request.method == "POST" and form.is_valid():
        saved[str(s.pk)] = form.cleaned_data["answer"]
        m.wizard.save("agreement", saved)
        if number < len(statements):
            return redirect(m.url("statement", format, number + 1))
        return redirect(m.url("agreement_check", format))
    return m.render(
        "participants/agreement_statement.html",
        {
            "form": form,
            "doc": doc,
            "number": number,
            "total": len(statements),
            "text": s.text_easy_read if format == Agreement.Format.EASY_READ else s.text_plain,
            "required": s.required,
            "back_url": m.url("information") if number == 1 else m.url("statement", format, number - 1),
        },
        base="participants/agreement_statement.html",
    )


@login_required
def agreement_check(request: HttpRequest, trial: int, format: str, pk: int | None = None) -> HttpResponse:
    m = _meeting(request, trial, pk)
    doc, statements = _statements(m, format)
    saved = m.wizard.get("agreement") or {}
    missing = [i for i, s in enumerate(statements, 1) if str(s.pk) not in saved]
    if missing:
        return redirect(m.url("statement", format, missing[0]))
    answers = {s.pk: saved[str(s.pk)] == "agreed" for s in statements}
    if request.method == "POST":
        all_agreed = all(answers[s.pk] for s in statements if s.required)
        if m.participant is not None:
            try:
                agreement = participants.record_agreement(
                    by=request.user,  # type: ignore[arg-type]
                    participant=m.participant,
                    document=doc,
                    format=format,
                    answers=answers,
                    request=request,
                )
            except (InvalidTransition, participants.ParticipantError) as exc:
                messages.error(request, str(exc))
                return redirect(m.url("start"))
            all_agreed = agreement.all_required_agreed
        m.wizard.save("agreement", {})
        m.mark(agreed=all_agreed)
        if not all_agreed:
            reasons = [
                "Not every required statement was agreed, so the person cannot take part in the trial."
            ]
            return m.render("trials/meeting_stop.html", {"title": "Agreement not given", "reasons": reasons})
        return redirect(m.url("background"))
    rows = [
        (
            s.text_easy_read if format == Agreement.Format.EASY_READ else s.text_plain,
            "Agrees" if answers[s.pk] else "Does not agree",
            m.url("statement", format, i),
        )
        for i, s in enumerate(statements, 1)
    ]
    return m.render(
        "participants/check_answers.html",
        {
            "rows": rows,
            "title": "Check the answers before you record them",
            "caption": f"{doc.title}, version {doc.version}: {m.person.full_name}",
            "button": "Record agreement",
            "back_url": rows[-1][2],
        },
        base="participants/check_answers.html",
    )


BACKGROUND_FIELDS = (
    "nhs_number",
    "ni_number",
    "employment_status",
    "work_history",
    "activity_limitation",
    "survey_mode",
)


@login_required
def background(request: HttpRequest, trial: int, pk: int | None = None) -> HttpResponse:
    m = _meeting(request, trial, pk)
    if not m.agreed():
        return redirect(m.next_url())
    initial = {f: getattr(m.participant, f) for f in BACKGROUND_FIELDS} if m.participant else {}
    form = BackgroundForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if m.participant is not None:
            try:
                participants.update_details(
                    by=request.user,
                    participant=m.participant,
                    changes=form.cleaned_data,
                    request=request,  # type: ignore[arg-type]
                )
            except (InvalidTransition, participants.ParticipantError) as exc:
                form.add_error(None, str(exc))
        if not form.errors:
            m.mark(background=True)
            return redirect(m.next_url())
    return m.render(
        "ui/form_page.html",
        {
            "form": form,
            "title": "Identifiers and background",
            "caption": m.person.full_name,
            "intro": "The trial uses these answers to choose the person's group, and to check the arms are alike.",
            "back_url": m.url("start"),
        },
        base="ui/form_page.html",
    )


@login_required
def baseline_page(request: HttpRequest, trial: int, pk: int | None = None) -> HttpResponse:
    m = _meeting(request, trial, pk)
    steps = []
    for step in baseline.baseline_steps():
        done = m.practice or (m.participant is not None and step.is_complete(m.participant, m.trial))
        link = "" if m.practice else step.url(m.participant, m.trial, m.url("baseline"))  # type: ignore[arg-type]
        steps.append({"label": step.label, "done": done, "url": link})
    if request.method == "POST":
        if all(s["done"] for s in steps):
            return redirect(m.url("check"))
        messages.error(request, "Complete every baseline questionnaire before randomising.")
    return m.render("trials/meeting_baseline.html", {"steps": steps})


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


@login_required
def check(request: HttpRequest, trial: int, pk: int | None = None) -> HttpResponse:
    m = _meeting(request, trial, pk)
    posted = request.method == "POST"
    # Someone randomised already goes to their result. A submission leaves that check to ``randomise``,
    # which makes it in the query that reads the trial, and asks again only when it refuses.
    if m.participant is not None and not posted and _randomised(m):
        return redirect(m.url("result"))
    if not (m.eligible() and m.agreed()):
        if m.participant is not None and posted and _randomised(m):
            return redirect(m.url("result"))
        return redirect(m.next_url())
    form = RandomiseForm(request.POST if posted else None)
    if posted and m.participant is not None and not form.is_valid() and _randomised(m):
        return redirect(m.url("result"))
    if posted and form.is_valid():
        if m.practice:
            return _practice_result(m)
        try:
            services.randomise(by=request.user, trial=m.trial, participant=m.participant, request=request)  # type: ignore[arg-type]
        except TrialError as exc:
            if _randomised(m):
                return redirect(m.url("result"))
            form.add_error(None, str(exc))
        else:
            m.wizard.clear()
            return redirect(m.url("result"))
    # The person's group is worked out only for showing the page: randomise works it out for itself.
    group = ""
    if m.participant is not None:
        try:
            key, _ = stratum_for(m.trial, m.participant)
            stratum = m.trial.strata.filter(key=key).first()
            group = stratum.label if stratum else "Not a group this trial recruits"
        except TrialError as exc:
            if not form.non_field_errors():
                form.add_error(None, str(exc))
    rows = [
        ("Person", m.person.full_name),
        ("Trial", f"{m.trial.name} ({m.trial.registration_number})"),
        ("Eligibility", "Eligible"),
        ("Agreement", "Agreed to every required statement"),
        (
            "Identifiers and background",
            "Recorded" if m.background_done() or m.participant else "Not recorded",
        ),
    ]
    if m.participant is not None:
        rows.append(("Trial group", group or "Not known"))
    if baseline.baseline_steps():
        rows.append(("Baseline questionnaires", "Complete"))
    return m.render("trials/meeting_check.html", {"form": form, "rows": rows})


def _randomised(m: Meeting) -> bool:
    return Allocation.objects.filter(participant=m.participant).exists()


def _practice_result(m: Meeting) -> HttpResponse:
    """A made-up result, drawn outside the trial's sequence: practising never uses or reveals a slot."""
    arms = list(m.trial.arms.all())
    if not arms:
        raise Http404("This trial has no arms yet")
    arm = secrets.SystemRandom().choices(arms, weights=[a.weight for a in arms])[0]
    audit.record(
        m.request.user,
        AuditEvent.Action.VIEW,
        "trial",
        m.trial.pk,
        service_id=m.trial.service_id,
        summary=f"Practised the first meeting for {m.trial.name}; nothing allocated",
        request=m.request,
    )
    m.wizard.clear()
    return m.render("trials/meeting_result.html", {"arm": arm, "allocation": None})


@login_required
def result(request: HttpRequest, trial: int, pk: int) -> HttpResponse:
    m = _meeting(request, trial, pk)
    allocation = (
        Allocation.objects.filter(trial=m.trial, participant=m.participant)
        .select_related("arm", "trial")
        .first()
    )
    if allocation is None:
        raise Http404("This person has not been randomised in this trial")
    services.record_arm_reveal(by=request.user, allocation=allocation, what="result page", request=request)  # type: ignore[arg-type]
    return m.render("trials/meeting_result.html", {"arm": allocation.arm, "allocation": allocation})


@login_required
def leaflet(request: HttpRequest, trial: int, arm: str) -> HttpResponse:
    t = get_trial(request, trial, Perm.RANDOMISE)
    found = t.arms.filter(Q(code=arm), ~Q(leaflet="")).first()
    if found is None:
        raise Http404("No leaflet")
    return render(request, "trials/leaflet.html", {"trial": t, "arm": found})
