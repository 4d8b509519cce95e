"""The pages of "My support": signing in by code or link, the page itself, and the two requests; and the
two staff actions (send a link, mark a request done), which go through the permission policy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from placewell.accounts.policy import Perm, participant_scope, require
from placewell.errors import ActionError
from placewell.participants.access import get_participant
from placewell.participants.models import Participant
from placewell.portal import services
from placewell.portal.forms import AddressForm, CallBackForm, CodeForm
from placewell.portal.models import CallBackRequest, RequestKind
from placewell.portal.page import comparison_leaflet, my_support, upcoming_meetings

PENDING_KEY = "portal_pending_address"

View = Callable[..., HttpResponse]


def participant_required(view: View) -> View:
    """Only a participant's own session opens these pages; a staff session does not."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        p = services.current_participant(request)
        if p is None:
            return redirect("portal:sign_in")
        return view(request, p, *args, **kwargs)

    return wrapped


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, context)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- signing in --------------------------------------------------------------------------------------------


def sign_in(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            address_hash = services.request_code(form.cleaned_data["address"], request)
        except ActionError as exc:
            form.add_error("address", exc.message)
        else:
            request.session[PENDING_KEY] = address_hash
            return redirect("portal:code")
    return _render(request, "portal/sign_in.html", {"form": form})


def code(request: HttpRequest) -> HttpResponse:
    address_hash = request.session.get(PENDING_KEY)
    if not address_hash:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST or None)
    locked = services.lock_for(address_hash) is not None
    if request.method == "POST" and form.is_valid() and not locked:
        try:
            person = services.check_code(address_hash, form.cleaned_data["code"], request)
        except services.Locked:
            locked = True
        except services.WrongCode:
            form.add_error("code", services.wrong_code_message())
        else:
            services.sign_in(request, person)
            return redirect("portal:home")
    if locked:
        return _render(request, "portal/locked.html", {"minutes": services.LOCK_MINUTES})
    return _render(request, "portal/code.html", {"form": form, "minutes": services.CODE_MINUTES})


def link(request: HttpRequest, secret: str) -> HttpResponse:
    """A GET shows a button, so a mail program that opens links to check them does not use the link up."""
    if request.method == "POST":
        person = services.use_link(secret, request)
        if person is not None:
            services.sign_in(request, person)
            return redirect("portal:home")
        return _render(request, "portal/link_expired.html", {"days": services.LINK_DAYS})
    if not services.link_is_usable(secret):
        return _render(request, "portal/link_expired.html", {"days": services.LINK_DAYS})
    return _render(request, "portal/link.html", {})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    messages.success(request, _("You have signed out."))
    return redirect("portal:sign_in")


# --- the page and requests ---------------------------------------------------------------------------------


@participant_required
def home(request: HttpRequest, p: Participant) -> HttpResponse:
    page = my_support(p)
    services.record_view(p, "their own page", request)
    return _render(
        request, "portal/home.html", {"page": page, "p": p, "svc": p.service, "portal_signed_in": True}
    )


@participant_required
def call_back(request: HttpRequest, p: Participant) -> HttpResponse:
    comparison, _leaflet = comparison_leaflet(p)
    form = CallBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.ask(
            participant=p,
            kind=RequestKind.CALL_BACK,
            best_time=form.cleaned_data["best_time"],
            note=form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, _("Thank you. We will call you back."))
        return redirect("portal:home")
    services.record_view(p, "the call back form", request)
    return _render(
        request,
        "portal/request.html",
        {"form": form, "p": p, "kind": "call_back", "comparison": comparison, "portal_signed_in": True},
    )


@participant_required
def rearrange(request: HttpRequest, p: Participant, pk: int) -> HttpResponse:
    meeting = next((a for a in upcoming_meetings(p) if a.pk == pk), None)
    if meeting is None:
        raise Http404("No such meeting")
    form = CallBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.ask(
            participant=p,
            kind=RequestKind.REARRANGE,
            best_time=form.cleaned_data["best_time"],
            note=form.cleaned_data["note"],
            appointment=meeting,
            request=request,
        )
        messages.success(request, _("Thank you. We will call you to find a new time."))
        return redirect("portal:home")
    services.record_view(p, "the form to move a meeting", request)
    return _render(
        request,
        "portal/request.html",
        {"form": form, "p": p, "kind": "rearrange", "meeting": meeting, "portal_signed_in": True},
    )


# --- staff actions -----------------------------------------------------------------------------------------


@login_required
@require_POST
def send_link(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    try:
        message = services.send_link(
            by=request.user,  # type: ignore[arg-type]
            participant=p,
            base_url=request.build_absolute_uri("/"),
            request=request,
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        if message.status in ("not_sent", "failed"):
            messages.error(request, f"The link was not sent. {message.reason}")
        else:
            messages.success(request, "A link to their own page is on its way. It works once, for 7 days.")
    return redirect(reverse("participants:detail", args=[p.pk]) + "#my-support-requests")


@login_required
@require_POST
def request_done(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PARTICIPANT)
    item = get_object_or_404(
        CallBackRequest.objects.select_related("participant"),
        pk=pk,
        participant__in=Participant.objects.filter(participant_scope(request.user)),
    )
    services.mark_done(by=request.user, item=item, request=request)  # type: ignore[arg-type]
    messages.success(request, "The request is marked done.")
    return redirect(reverse("participants:detail", args=[item.participant_id]) + "#my-support-requests")
