"""Participant list and record pages, and the actions taken from the record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, Team, User
from placewell.accounts.policy import Perm, has_perm, participant_scope, require
from placewell.participants import identifiers, services
from placewell.participants.access import get_participant
from placewell.participants.forms import (
    AssignForm,
    CloseForm,
    DetailsForm,
    EraseForm,
    FilterForm,
    WithdrawForm,
)
from placewell.participants.lifecycle import InvalidTransition
from placewell.participants.models import Participant, Status
from placewell.participants.search import search_participants
from placewell.ui.extensions import participant_panels

PAGE_SIZE = 25


@login_required
def participant_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PARTICIPANTS)
    user = request.user
    scope = Participant.objects.reportable().filter(participant_scope(user))
    teams = Team.objects.filter(pk__in=scope.values("team_id"))
    specialists = User.objects.filter(role=Role.SPECIALIST, team__in=teams)
    form = FilterForm(request.GET or None, teams=teams, specialists=specialists)
    search_box = form.fields["q"]
    search_box.label = "Name, reference, NHS number or words in a case note"
    search_box.help_text = 'Part of a name is enough, and near spellings are found too: "Jonh" finds John.'
    rows = scope.select_related("team", "specialist")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            # Names (partial or near spellings), reference, NHS number and case notes, within the scope.
            rows = search_participants(rows, data["q"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["team"]:
            rows = rows.filter(team=data["team"])
        if data["specialist"]:
            rows = rows.filter(specialist=data["specialist"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    services.record_list(by=user, participants=shown, what="participant list", request=request)  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/list.html",
        {"form": form, "page": page, "rows": shown, "query": query.urlencode()},
    )


def _actions(request: HttpRequest, p: Participant) -> list[tuple[str, str, bool]]:
    """The next steps offered on a record: (label, url name suffix, is a POST button)."""
    user = request.user
    out: list[tuple[str, str, bool]] = []
    if p.status in {Status.REFERRED, Status.INELIGIBLE} and has_perm(user, Perm.SCREEN):
        out.append(("Screen eligibility", "screen", False))
    if p.status == Status.ELIGIBLE and has_perm(user, Perm.RECORD_AGREEMENT):
        out.append(("Record agreement", "agreement", False))
    if p.status == Status.AGREED and has_perm(user, Perm.CHANGE_STATUS):
        out.append(("Start support", "start_support", True))
    if p.status == Status.ACTIVE and has_perm(user, Perm.CHANGE_STATUS):
        out.append(("Record that they started work", "in_work", True))
    if p.status == Status.IN_WORK and has_perm(user, Perm.CHANGE_STATUS):
        out.append(("Record that their job ended", "out_of_work", True))
    return out


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk)
    services.record_view(by=request.user, participant=p, what="participant record", request=request)
    context = {
        "p": p,
        "referrals": list(p.referrals.all()),
        "screenings": list(
            p.screenings.select_related("rule_set", "screened_by").prefetch_related("rule_set__questions")
        ),
        "agreements": list(
            p.agreements.select_related("document", "recorded_by").prefetch_related("answers")
        ),
        "timeline": services.timeline(p),
        "panels": [] if p.is_erased else participant_panels(request, p),
        "actions": _actions(request, p),
        "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT) and not p.is_erased,
        "can_close": has_perm(request.user, Perm.CHANGE_STATUS)
        and p.status not in {Status.CLOSED, Status.ERASED},
        "can_withdraw": has_perm(request.user, Perm.WITHDRAW)
        and not p.is_erased
        and (p.status != Status.CLOSED or p.withdrawn_from_research_at is None),
        "can_erase": has_perm(request.user, Perm.ERASE) and not p.is_erased,
        "nhs_number": identifiers.format_nhs_number(p.nhs_number),
        "ni_number": identifiers.format_ni_number(p.ni_number),
        "duplicate": p.possible_duplicate_of
        if p.possible_duplicate_of_id
        and Participant.objects.filter(
            participant_scope(request.user), pk=p.possible_duplicate_of_id
        ).exists()
        else None,
    }
    return render(request, "participants/detail.html", context)


@login_required
def edit_details(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    if p.is_erased:
        raise Http404("Erased")
    fields = list(DetailsForm.base_fields)
    initial = {f: getattr(p, f) for f in fields}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.update_details(by=request.user, participant=p, changes=changes, request=request)
        except services.ParticipantError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Details saved")
            return redirect("participants:detail", pk=p.pk)
    else:
        services.record_view(
            by=request.user, participant=p, what="participant details for editing", request=request
        )
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Change details",
            "caption": p.full_name,
            "button": "Save details",
            "back_url": reverse("participants:detail", args=[p.pk]),
            "cancel_url": f"/participants/{p.pk}/",
        },
    )


@login_required
def assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    teams = Team.objects.filter(service=p.service_id)
    if request.user.role in {Role.SPECIALIST, Role.TEAM_LEADER}:
        teams = teams.filter(pk__in=[] if p.team_id is None else [p.team_id])
    form = AssignForm(
        request.POST or None, teams=teams, initial={"team": p.team_id, "specialist": p.specialist_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assign(
                by=request.user,
                participant=p,
                team=form.cleaned_data["team"],
                specialist=form.cleaned_data["specialist"],
                request=request,
            )
        except services.ParticipantError as exc:
            form.add_error("specialist", str(exc))
        else:
            messages.success(request, "Allocation saved")
            return redirect("participants:detail", pk=p.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Allocate to a team and specialist",
            "caption": p.full_name,
            "button": "Save",
            "back_url": reverse("participants:detail", args=[p.pk]),
        },
    )


_STATUS_ACTIONS = {
    "start_support": (services.start_support, "Support started"),
    "in_work": (services.record_in_work, "Recorded as in work"),
    "out_of_work": (services.record_out_of_work, "Recorded that the job ended; support continues"),
}


@login_required
@require_POST
def change_status(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    p = get_participant(request, pk, Perm.CHANGE_STATUS)
    if action not in _STATUS_ACTIONS:
        raise Http404("Unknown action")
    func, done = _STATUS_ACTIONS[action]
    try:
        func(by=request.user, participant=p, request=request)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
        # The first meeting's result page goes on to book the first appointment (a path on this site only).
        then = request.POST.get("next", "")
        if then.startswith("/") and url_has_allowed_host_and_scheme(then, allowed_hosts={request.get_host()}):
            return redirect(then)
    return redirect("participants:detail", pk=p.pk)


@login_required
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.CHANGE_STATUS)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close(
                by=request.user, participant=p, reason=form.cleaned_data["reason"], request=request
            )
        except (InvalidTransition, services.ParticipantError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Record closed")
            return redirect("participants:detail", pk=p.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Close this record",
            "caption": p.full_name,
            "button": "Close record",
            "back_url": reverse("participants:detail", args=[p.pk]),
            "cancel_url": f"/participants/{p.pk}/",
        },
    )


@login_required
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.WITHDRAW)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                by=request.user,
                participant=p,
                scope=form.cleaned_data["scope"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except (InvalidTransition, services.ParticipantError) as exc:
            form.add_error("scope", str(exc))
        else:
            messages.success(request, "Withdrawal recorded")
            return redirect("participants:detail", pk=p.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Record a withdrawal",
            "caption": p.full_name,
            "intro": "What the person has told us so far is kept. They will not be contacted for what they withdraw from.",
            "button": "Record withdrawal",
            "back_url": reverse("participants:detail", args=[p.pk]),
            "cancel_url": f"/participants/{p.pk}/",
        },
    )


@login_required
def erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.ERASE)
    form = EraseForm(request.POST or None, service=p.service)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase(by=request.user, participant=p, reason=form.reason(), request=request)
        except (InvalidTransition, services.ParticipantError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Personal data of {p.reference} erased")
            return redirect("participants:list")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Erase this person's data",
            "caption": p.full_name,
            "intro": "Their details, screening answers and agreement records are removed from every table and report. An empty record stays so that counts can be explained. What you enter here is kept in the audit log, so it holds no personal data.",
            "button": "Erase for good",
            "danger": True,
            "back_url": reverse("participants:detail", args=[p.pk]),
            "cancel_url": f"/participants/{p.pk}/",
        },
    )
