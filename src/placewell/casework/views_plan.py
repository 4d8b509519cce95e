"""Pages for the action plan (and the printable "my plan"), health liaison, benefits advice and endings."""

from __future__ import annotations

from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.policy import Perm
from placewell.casework import services
from placewell.casework.forms import BenefitsForm, EndingNoticeForm, GoalForm, HealthLiaisonForm, StepForm
from placewell.casework.models import Goal, Step
from placewell.casework.views import apply_error, can_write, participant_for
from placewell.participants.access import get_participant
from placewell.participants.models import Participant, Status


def _goals(p: Participant) -> list[Goal]:
    return list(
        p.goals.prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("done_on", "due_on", "id")))
    )


def _form_page(
    request: HttpRequest, p: Participant, form: object, title: str, button: str, back: str
) -> HttpResponse:
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": p.full_name,
            "button": button,
            "back_url": back,
            "cancel_url": back,
        },
    )


@login_required
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = participant_for(request, pk)
    goals = _goals(p)
    services.record_read(by=request.user, participant=p, what="action plan", request=request)
    return render(
        request,
        "casework/plan.html",
        {"p": p, "goals": goals, "can_write": can_write(request, p), "today": timezone.localdate()},
    )


@login_required
def my_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan in plain English for the person to keep: printable, with a print stylesheet."""
    p = participant_for(request, pk)
    goals = [g for g in _goals(p) if g.status == "open"]
    services.record_read(by=request.user, participant=p, what="'my plan' page", request=request)
    # Written for the person to keep, so in the language they asked to be written to in.
    with translation.override("cy") if p.contact_language == "cy" else nullcontext():
        return render(
            request, "casework/my_plan.html", {"p": p, "goals": goals, "today": timezone.localdate()}
        )


@login_required
def goal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_goal(by=request.user, participant=p, text=form.cleaned_data["text"], request=request)
        except services.CaseworkError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Goal added")
            return redirect("casework:plan", pk=p.pk)
    return _form_page(request, p, form, "Add a goal", "Add goal", f"/casework/participants/{p.pk}/plan/")


@login_required
def step_add(request: AuthenticatedHttpRequest, pk: int, goal_id: int) -> HttpResponse:
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    goal = get_object_or_404(Goal, pk=goal_id, participant=p)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_step(
                by=request.user,
                goal=goal,
                text=data["text"],
                owner=data["owner"],
                owner_other=data["owner_other"],
                due_on=data["due_on"],
                request=request,
            )
        except services.CaseworkError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Next step added")
            return redirect("casework:plan", pk=p.pk)
    return _form_page(
        request, p, form, f"Add a next step: {goal.text}", "Add step", f"/casework/participants/{p.pk}/plan/"
    )


@login_required
@require_POST
def step_done(request: AuthenticatedHttpRequest, pk: int, step_id: int) -> HttpResponse:
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    step = get_object_or_404(Step, pk=step_id, goal__participant=p)
    try:
        services.complete_step(by=request.user, step=step, request=request)
    except services.CaseworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Step marked as done")
    return redirect("casework:plan", pk=p.pk)


@login_required
@require_POST
def goal_status(request: AuthenticatedHttpRequest, pk: int, goal_id: int) -> HttpResponse:
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    goal = get_object_or_404(Goal, pk=goal_id, participant=p)
    try:
        services.set_goal_status(
            by=request.user, goal=goal, status=request.POST.get("status", ""), request=request
        )
    except services.CaseworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Goal marked: {goal.get_status_display().lower()}")
    return redirect("casework:plan", pk=p.pk)


# Health liaison and benefits -------------------------------------------------------------------------------


@login_required
def health(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = participant_for(request, pk)
    services.record_read(
        by=request.user, participant=p, what="health liaison and benefits records", request=request
    )
    return render(
        request,
        "casework/health.html",
        {
            "p": p,
            "liaisons": list(p.health_liaisons.select_related("created_by")),
            "advice": list(p.benefits_advice.select_related("created_by")),
            "can_write": can_write(request, p),
        },
    )


@login_required
def health_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    form = HealthLiaisonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_health_liaison(
                by=request.user, participant=p, request=request, **form.cleaned_data
            )
        except services.CaseworkError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Health liaison recorded")
            return redirect("casework:health", pk=p.pk)
    return _form_page(
        request, p, form, "Record health liaison", "Save", f"/casework/participants/{p.pk}/health/"
    )


@login_required
def benefits_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    form = BenefitsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_benefits_advice(
                by=request.user, participant=p, request=request, **form.cleaned_data
            )
        except services.CaseworkError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Benefits advice recorded")
            return redirect("casework:health", pk=p.pk)
    return _form_page(
        request, p, form, "Record benefits advice", "Save", f"/casework/participants/{p.pk}/health/"
    )


@login_required
def ending(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record that a person whose record is closed was told their support had ended."""
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    if p.status != Status.CLOSED:
        messages.error(
            request, "Close the record, with the reason, before recording that the person was told"
        )
        return redirect("participants:detail", pk=p.pk)
    form = EndingNoticeForm(request.POST or None, initial={"told_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_ending_notice(
                by=request.user, participant=p, request=request, **form.cleaned_data
            )
        except services.CaseworkError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Recorded that they were told their support had ended")
            return redirect("participants:detail", pk=p.pk)
    return _form_page(
        request,
        p,
        form,
        "Record that they were told their support has ended",
        "Save",
        f"/participants/{p.pk}/",
    )
