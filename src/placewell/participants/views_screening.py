"""Eligibility screening: one question a page, then check answers, then the result is saved at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.policy import Perm
from placewell.participants import services
from placewell.participants.access import get_participant
from placewell.participants.forms import ChooseRuleSetForm, YesNoQuestionForm
from placewell.participants.lifecycle import InvalidTransition
from placewell.participants.models import EligibilityRuleSet, Participant, Status
from placewell.ui.wizard import SessionWizard


def _rule_sets(p: Participant):  # type: ignore[no-untyped-def]
    """The service's own active rule sets, or the templates where the service has none."""
    own = EligibilityRuleSet.objects.filter(service_id=p.service_id, is_active=True)
    return own if own.exists() else EligibilityRuleSet.objects.filter(service__isnull=True, is_active=True)


def _get(
    request: HttpRequest, pk: int, rule_set: int
) -> tuple[Participant, EligibilityRuleSet, SessionWizard]:
    p = get_participant(request, pk, Perm.SCREEN)
    rs = EligibilityRuleSet.objects.filter(
        Q(service_id=p.service_id) | Q(service__isnull=True), pk=rule_set, is_active=True
    ).first()
    if rs is None:
        raise Http404("No such rule set")
    return p, rs, SessionWizard(request, f"screen:{p.pk}:{rs.pk}")


@login_required
def start(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.SCREEN)
    if p.status not in {Status.REFERRED, Status.INELIGIBLE}:
        messages.error(request, "Only a referred person, or one found not eligible before, can be screened.")
        return redirect("participants:detail", pk=p.pk)
    rule_sets = _rule_sets(p)
    if rule_sets.count() == 1:
        rs = rule_sets.get()
        SessionWizard(request, f"screen:{p.pk}:{rs.pk}").clear()
        return redirect("participants:screen_question", pk=p.pk, rule_set=rs.pk, number=1)
    form = ChooseRuleSetForm(request.POST or None, rule_sets=rule_sets)
    if request.method == "POST" and form.is_valid():
        rs = form.cleaned_data["rule_set"]
        SessionWizard(request, f"screen:{p.pk}:{rs.pk}").clear()
        return redirect("participants:screen_question", pk=p.pk, rule_set=rs.pk, number=1)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "",
            "caption": f"Screening: {p.full_name}",
            "back_url": reverse("participants:detail", args=[p.pk]),
        },
    )


@login_required
def question(request: HttpRequest, pk: int, rule_set: int, number: int) -> HttpResponse:
    p, rs, wizard = _get(request, pk, rule_set)
    questions = list(rs.questions.all())
    if not 1 <= number <= len(questions):
        raise Http404("No such question")
    q = questions[number - 1]
    saved = wizard.get("answers") or {}
    initial = {"answer": saved[q.key]} if q.key in saved else None
    form = YesNoQuestionForm(
        request.POST or None,
        initial=initial,
        question=q.text,
        hint=q.hint,
        error=f"Select yes or no: {q.text[0].lower()}{q.text[1:]}",
    )
    if request.method == "POST" and form.is_valid():
        saved[q.key] = form.cleaned_data["answer"]
        wizard.save("answers", saved)
        if number < len(questions):
            return redirect("participants:screen_question", pk=p.pk, rule_set=rs.pk, number=number + 1)
        return redirect("participants:screen_check", pk=p.pk, rule_set=rs.pk)
    back = (
        f"/participants/{p.pk}/"
        if number == 1
        else reverse("participants:screen_question", args=[p.pk, rs.pk, number - 1])
    )
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "",
            "caption": f"{rs.name}: question {number} of {len(questions)}",
            "back_url": back,
        },
    )


@login_required
def check(request: AuthenticatedHttpRequest, pk: int, rule_set: int) -> HttpResponse:
    p, rs, wizard = _get(request, pk, rule_set)
    questions = list(rs.questions.all())
    saved = wizard.get("answers") or {}
    missing = [i for i, q in enumerate(questions, 1) if q.key not in saved]
    if missing:
        return redirect("participants:screen_question", pk=p.pk, rule_set=rs.pk, number=missing[0])
    if request.method == "POST":
        try:
            screening = services.screen_participant(
                by=request.user,
                participant=p,
                rule_set=rs,
                answers={q.key: saved[q.key] == "yes" for q in questions},
                request=request,
            )
        except (InvalidTransition, services.ParticipantError) as exc:
            messages.error(request, str(exc))
            return redirect("participants:detail", pk=p.pk)
        wizard.clear()
        if screening.eligible:
            messages.success(
                request,
                f"{p.full_name} is eligible. Next, go through the information and agreement with them.",
            )
        else:
            messages.info(request, f"{p.full_name} is not eligible: {'; '.join(screening.reasons)}.")
        return redirect("participants:detail", pk=p.pk)
    rows = [
        (
            q.text,
            "Yes" if saved[q.key] == "yes" else "No",
            reverse("participants:screen_question", args=[p.pk, rs.pk, i]),
        )
        for i, q in enumerate(questions, 1)
    ]
    return render(
        request,
        "participants/check_answers.html",
        {
            "rows": rows,
            "title": "Check the screening answers",
            "caption": f"{rs.name}: {p.full_name}",
            "button": "Save screening",
            "back_url": rows[-1][2],
        },
    )
