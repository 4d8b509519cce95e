"""Messaging pages: the outbox (service managers), and the participant page's actions (opt-out, send again,
the end of support letter, a letter's PDF). Views are thin: permission, then a service call."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from placewell.accounts.policy import Perm, participant_scope, require, require_in_scope
from placewell.messaging import letters, services
from placewell.messaging.models import Message, OutboxEntry
from placewell.participants.models import Participant

PER_PAGE = 50


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_OUTBOX)
    service_id = getattr(request.user, "service_id", None)
    if not service_id:
        raise Http404("No service")
    entries = (
        OutboxEntry.objects.filter(service_id=service_id)
        .select_related("message")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "messaging/outbox.html", {"page": page, "entries": list(page)})


def _participant(request: HttpRequest, pk: int) -> Participant:
    participant = get_object_or_404(Participant.objects.filter(participant_scope(request.user)), pk=pk)
    require_in_scope(request.user, Perm.EDIT_PARTICIPANT, participant)
    return participant


@login_required
@require_POST
def opt_out(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    wanted = request.POST.get("opted_out") == "yes"
    services.set_opt_out(by=request.user, participant=participant, opted_out=wanted)  # type: ignore[arg-type]
    flash.success(
        request,
        "They will not be sent messages." if wanted else "They will be sent messages again.",
    )
    return redirect("participants:detail", participant.pk)


@login_required
@require_POST
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("participant"), pk=pk)
    participant = _participant(request, message.participant_id)
    try:
        fresh = services.send_again(by=request.user, message=message)  # type: ignore[arg-type]
    except services.MessagingError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, f"The message is {fresh.get_status_display().lower()}.")
    return redirect("participants:detail", participant.pk)


@login_required
@require_POST
def ending_letter(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    try:
        message = services.send_ending_letter(by=request.user, participant=participant)  # type: ignore[arg-type]
    except services.MessagingError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, f"The end of support letter is {message.get_status_display().lower()}.")
    return redirect("participants:detail", participant.pk)


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(
        Message.objects.filter(channel="letter").select_related("participant__service"), pk=pk
    )
    participant = get_object_or_404(
        Participant.objects.filter(participant_scope(request.user)), pk=message.participant_id
    )
    require_in_scope(request.user, Perm.VIEW_PARTICIPANTS, participant)
    services.record_letter_read(by=request.user, message=message)  # type: ignore[arg-type]
    response = HttpResponse(letters.render_pdf(message), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{message.pk}.pdf"'
    return response
