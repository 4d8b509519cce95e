"""Case notes on their own page, and snoozing an alert with a reason."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.policy import Perm
from placewell.casework import alerts, services_notes, worklist
from placewell.casework.forms_notes import CaseNoteForm, SnoozeForm
from placewell.casework.views import apply_error, can_write, participant_for


@login_required
def notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every case note, newest first, with the form to add one (for those who may write)."""
    p = participant_for(request, pk)
    writable = can_write(request, p)
    form = CaseNoteForm(request.POST or None) if writable else None
    if request.method == "POST":
        if form is None:
            raise Http404("Not allowed")
        if form.is_valid():
            try:
                services_notes.add_case_note(
                    by=request.user,
                    participant=p,
                    category=form.cleaned_data["category"],
                    text=form.cleaned_data["text"],
                    request=request,
                )
            except services_notes.CaseworkError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, "Case note added")
                return redirect("casework:notes", pk=p.pk)
    rows = list(p.case_notes.select_related("created_by"))
    services_notes.record_notes_read(by=request.user, participant=p, count=len(rows), request=request)
    return render(
        request,
        "casework/notes.html",
        {"p": p, "form": form, "rows": rows},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def snooze(request: AuthenticatedHttpRequest, pk: int, rule: str) -> HttpResponse:
    """Set one alert aside for a few days, with a reason; it comes back if its cause remains."""
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    current = [a for a in alerts.alerts_for([p]) if a.rule == rule]
    if rule == "not_told":
        current = [a for a in alerts.not_told_of_ending(Q(pk=p.pk)) if a.rule == rule]
    if not current:
        messages.success(request, "That alert has already cleared: nothing to snooze")
        return redirect("home")
    form = SnoozeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_notes.snooze_alert(
                by=request.user,
                participant=p,
                rule=rule,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services_notes.CaseworkError as exc:
            apply_error(form, exc)
        else:
            until = timezone.localdate() + dt.timedelta(days=form.cleaned_data["days"])
            messages.success(request, f"Alert snoozed until {until.day} {until:%B}")
            return redirect("home")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Snooze an alert",
            "caption": p.full_name,
            "intro": f"{current[0].title}. {worklist.HEADINGS[rule]}: {alerts.RULES[rule]} The alert comes back "
            "after the snooze if nothing has changed, and goes for good once its action is done.",
            "button": "Snooze alert",
            "back_url": reverse("home"),
            "cancel_url": "/",
        },
        status=400 if form.errors else 200,
    )
