"""Staff pages: a participant's surveys, administering a questionnaire, invitations and fieldwork lists.

Every page asks the permission policy first; a participant outside the user's scope is a 404 (through
``participants.access.get_participant``), and roles without access to personal records get a 403.

Administering can start from another page (a trial's first meeting asks for the baseline questionnaires): a
``next`` address, accepted only as a path on this site (:func:`local_next`), carries the specialist through
the wave's questionnaires one after another and back to where they came from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Service
from placewell.accounts.policy import Perm, has_perm, participant_scope, require, services_in_scope
from placewell.engine.measures import INSTRUMENTS
from placewell.participants import services as participant_services
from placewell.participants.access import get_participant
from placewell.participants.choices import SurveyMode
from placewell.participants.models import Participant
from placewell.surveys import services
from placewell.surveys.errors import SurveyError
from placewell.surveys.forms import AdministerStartForm, AttemptForm, CompletedOnForm
from placewell.surveys.models import ContactAttempt, Invitation, Response, SurveyWave
from placewell.surveys.questionnaire import (
    AnswersForm,
    missing_wording_message,
    present,
    present_many,
    wording_missing,
)
from placewell.ui.forms import apply_error

PAGE_SIZE = 50


def local_next(request: HttpRequest) -> str:
    """The ``next`` address of the request if it is a path on this site, else an empty string.

    Only a path is accepted (``/trials/...``): not another host, not a scheme such as ``javascript:``, not a
    scheme-relative ``//host`` or a backslash variant, so the page cannot be used to send people elsewhere.
    """
    value = request.POST.get("next") or request.GET.get("next") or ""
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=set(), require_https=False)
    ):
        return ""
    return value


def _administer_url(p: Participant, instrument: str, mode: str, invitation: int | None, next_url: str) -> str:
    query = {"mode": mode}
    if invitation:
        query["invitation"] = str(invitation)
    if next_url:
        query["next"] = next_url
    return reverse("surveys:administer", args=[p.pk, instrument]) + "?" + urlencode(query)


def _still_to_ask(invitation: Invitation | None) -> list[str]:
    """The invitation's questionnaires with nothing sent yet, in the wave's order."""
    if invitation is None:
        return []
    sent = set(
        invitation.responses.filter(state=Response.State.SUBMITTED).values_list("instrument_id", flat=True)
    )
    return [i for i in invitation.wave.instruments if i not in sent]


def _invitations(participant: Participant) -> list[Invitation]:
    return list(
        participant.survey_invitations.select_related("wave").annotate(
            calls=Count("attempts", filter=Q(attempts__method=ContactAttempt.Method.PHONE)),
            visits=Count("attempts", filter=Q(attempts__method=ContactAttempt.Method.FACE_TO_FACE)),
        )
    )


@login_required
def participant_surveys(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk)
    if p.is_erased:
        raise Http404("Erased")
    services.record_scores_view(by=request.user, participant=p, what="survey responses", request=request)
    responses = list(
        p.survey_responses.select_related("entered_by", "invitation__wave").order_by("-started_at")
    )
    context = {
        "p": p,
        "enrolment": getattr(p, "survey_enrolment", None),
        "invitations": _invitations(p),
        "responses": responses,
        "titles": {k: i.title for k, i in INSTRUMENTS.items()},
        "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT),
        "next_url": local_next(request),
    }
    return render(request, "surveys/participant.html", context)


@login_required
@require_POST
def enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    try:
        services.enrol(by=request.user, participant=p, request=request)
    except SurveyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Added to the survey sample; the baseline survey is due today")
        next_url = local_next(request)
        if next_url:
            return redirect(next_url)
    return redirect("surveys:participant", pk=p.pk)


@login_required
def administer_start(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    if p.is_erased:
        raise Http404("Erased")
    invitations = [i for i in _invitations(p) if i.is_open]
    initial: dict[str, Any] = {"invitation": invitations[0].pk} if invitations else {}
    if invitations:
        initial["mode"] = invitations[0].mode if invitations[0].mode != SurveyMode.WEB else SurveyMode.PHONE
    form = AdministerStartForm(request.POST or None, invitations=invitations, initial=initial)
    next_url = local_next(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return redirect(_administer_url(p, data["instrument"], data["mode"], data["invitation"], next_url))
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Administer a questionnaire",
            "caption": p.full_name,
            "back_url": next_url or reverse("surveys:participant", args=[p.pk]),
        },
    )


@login_required
def administer(request: AuthenticatedHttpRequest, pk: int, instrument: str) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    if p.is_erased or instrument not in INSTRUMENTS:
        raise Http404("No such questionnaire")
    mode = request.GET.get("mode", SurveyMode.FACE_TO_FACE)
    if mode not in SurveyMode.values:
        mode = SurveyMode.FACE_TO_FACE
    invitation = None
    if request.GET.get("invitation", "").isdigit():
        invitation = get_object_or_404(Invitation, pk=int(request.GET["invitation"]), participant=p)
    next_url = local_next(request)
    questionnaire = present_many([instrument])[0]
    form = AnswersForm(request.POST or None, questions=questionnaire.questions)
    # Asked from another page (the first meeting), the answers are being given now: today is filled in.
    today = timezone.localdate() if next_url else None
    date_form = CompletedOnForm(request.POST or None, initial={"completed_on": today})
    if request.method == "POST" and form.is_valid() & date_form.is_valid():
        try:
            services.record_response(
                by=request.user,
                participant=p,
                instrument_id=instrument,
                answers=form.answers(),
                mode=mode,
                invitation=invitation,
                completed_on=date_form.cleaned_data["completed_on"],
                request=request,
            )
        except SurveyError as exc:
            target = date_form if exc.field == "completed_on" else form
            apply_error(target, exc)
        else:
            messages.success(request, f"{questionnaire.title} saved")
            if not next_url:
                return redirect("surveys:participant", pk=p.pk)
            remaining = _still_to_ask(invitation)
            if remaining:
                return redirect(_administer_url(p, remaining[0], mode, invitation.pk, next_url))  # type: ignore[union-attr]
            return redirect(next_url)
    position = None
    if next_url and invitation is not None and instrument in invitation.wave.instruments:
        position = (invitation.wave.instruments.index(instrument) + 1, len(invitation.wave.instruments))
    return render(
        request,
        "surveys/administer.html",
        {
            "p": p,
            "q": questionnaire,
            "form": form,
            "date_form": date_form,
            "mode_label": SurveyMode(mode).label,
            "invitation": invitation,
            "position": position,
            "next_url": next_url,
            "back_url": next_url or reverse("surveys:administer_start", args=[p.pk]),
            "cancel_url": next_url or reverse("surveys:participant", args=[p.pk]),
        },
    )


@login_required
def response_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PARTICIPANTS)
    response = get_object_or_404(
        Response.objects.select_related("entered_by", "wording", "invitation__wave"), pk=pk
    )
    p = get_participant(request, response.participant_id)
    services.record_scores_view(
        by=request.user,
        participant=p,
        what=f"{INSTRUMENTS[response.instrument_id].title} response",
        request=request,
    )
    questionnaire = present(response.instrument_id, response.wording)
    rows = [(q.wording, q.label_for(response.answers.get(q.key))) for q in questionnaire.questions]
    return render(
        request,
        "surveys/response.html",
        {
            "p": p,
            "r": response,
            "q": questionnaire,
            "rows": rows,
            "changes": list(response.score_changes.all()),
        },
    )


def _link_refusal(invitation: Invitation) -> str:
    """Why a self-completion link cannot be made for this invitation's wave, or "" when it can."""
    missing = wording_missing(invitation.wave.instruments)
    return missing_wording_message(missing) if missing else ""


def _get_invitation(request: HttpRequest, pk: int, perm: Perm) -> tuple[Invitation, Participant]:
    require(request.user, perm)
    invitation = get_object_or_404(Invitation.objects.select_related("wave"), pk=pk)
    return invitation, get_participant(request, invitation.participant_id, perm)


@login_required
def invitation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation, p = _get_invitation(request, pk, Perm.VIEW_PARTICIPANTS)
    can_edit = has_perm(request.user, Perm.EDIT_PARTICIPANT)
    form = AttemptForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Perm.EDIT_PARTICIPANT)
        if form.is_valid():
            try:
                services.record_attempt(
                    by=request.user,
                    invitation=invitation,
                    method=form.cleaned_data["method"],
                    outcome=form.cleaned_data["outcome"],
                    notes=form.cleaned_data["notes"],
                    request=request,
                )
            except SurveyError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, "Contact attempt saved")
                return redirect("surveys:invitation", pk=invitation.pk)
    services.record_scores_view(by=request.user, participant=p, what="survey invitation", request=request)
    enrolment = invitation.enrolment
    return render(
        request,
        "surveys/invitation.html",
        {
            "p": p,
            "i": invitation,
            "enrolment": enrolment,
            "attempts": list(invitation.attempts.select_related("recorded_by")),
            "links": list(invitation.links.all()),
            "form": form,
            "can_edit": can_edit,
            "wording_missing": _link_refusal(invitation),
        },
    )


@login_required
@require_POST
def create_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation, p = _get_invitation(request, pk, Perm.EDIT_PARTICIPANT)
    try:
        link, token = services.create_link(by=request.user, invitation=invitation, request=request)
    except SurveyError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:invitation", pk=invitation.pk)
    url = request.build_absolute_uri(reverse("questionnaire:start", args=[token]))
    return render(request, "surveys/link_created.html", {"p": p, "i": invitation, "link": link, "url": url})


@login_required
def fieldwork(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The people invited to a wave whom the user may see, with their fieldwork status."""
    require(request.user, Perm.VIEW_PARTICIPANTS)
    wave = get_object_or_404(
        SurveyWave.objects.select_related("service").filter(
            service__in=Service.objects.filter(services_in_scope(request.user))
        ),
        pk=pk,
    )
    rows = (
        Invitation.objects.filter(
            wave=wave, participant__in=Participant.objects.filter(participant_scope(request.user))
        )
        .select_related("participant")
        .annotate(
            calls=Count("attempts", filter=Q(attempts__method=ContactAttempt.Method.PHONE)),
            visits=Count("attempts", filter=Q(attempts__method=ContactAttempt.Method.FACE_TO_FACE)),
        )
        .order_by("due_date", "id")
    )
    status = request.GET.get("status", "")
    if status in Invitation.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    participant_services.record_list(
        by=request.user,
        participants=[i.participant for i in shown],
        what=f"{wave.name} fieldwork",
        request=request,
    )
    return render(
        request,
        "surveys/fieldwork.html",
        {
            "wave": wave,
            "page": page,
            "rows": shown,
            "status": status,
            "statuses": Invitation.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )
