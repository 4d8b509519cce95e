"""Information and agreement: choose the format, go through each statement, check, then record at once."""

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
from placewell.participants.forms import AgreementFormatForm, StatementForm
from placewell.participants.lifecycle import InvalidTransition
from placewell.participants.models import Agreement, AgreementDocument, Participant, Status
from placewell.ui.wizard import SessionWizard


def current_document(p: Participant) -> AgreementDocument | None:
    """The newest published version: the service's own if it has one, otherwise the shared template."""
    published = AgreementDocument.objects.filter(published_at__isnull=False)
    own = published.filter(service_id=p.service_id).order_by("-version").first()
    return own or published.filter(service__isnull=True).order_by("-version").first()


def _get(
    request: HttpRequest, pk: int, document: int, format: str
) -> tuple[Participant, AgreementDocument, SessionWizard]:
    p = get_participant(request, pk, Perm.RECORD_AGREEMENT)
    doc = AgreementDocument.objects.filter(
        Q(service_id=p.service_id) | Q(service__isnull=True), pk=document, published_at__isnull=False
    ).first()
    if doc is None or format not in Agreement.Format.values:
        raise Http404("No such document")
    return p, doc, SessionWizard(request, f"agree:{p.pk}:{doc.pk}:{format}")


def _text(statement, format: str) -> str:  # type: ignore[no-untyped-def]
    return statement.text_easy_read if format == Agreement.Format.EASY_READ else statement.text_plain


@login_required
def start(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.RECORD_AGREEMENT)
    if p.status != Status.ELIGIBLE:
        messages.error(request, "Screen the person as eligible before recording their agreement.")
        return redirect("participants:detail", pk=p.pk)
    doc = current_document(p)
    if doc is None:
        messages.error(
            request,
            "No information and agreement document is published for this service. Ask your administrator.",
        )
        return redirect("participants:detail", pk=p.pk)
    form = AgreementFormatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["format"]
        SessionWizard(request, f"agree:{p.pk}:{doc.pk}:{fmt}").clear()
        return redirect("participants:agreement_statement", pk=p.pk, document=doc.pk, format=fmt, number=1)
    return render(
        request,
        "participants/agreement_start.html",
        {"form": form, "p": p, "doc": doc, "back_url": reverse("participants:detail", args=[p.pk])},
    )


@login_required
def statement(request: HttpRequest, pk: int, document: int, format: str, number: int) -> HttpResponse:
    p, doc, wizard = _get(request, pk, document, format)
    statements = list(doc.statements.all())
    if not 1 <= number <= len(statements):
        raise Http404("No such statement")
    s = statements[number - 1]
    saved = wizard.get("answers") or {}
    key = str(s.pk)
    form = StatementForm(request.POST or None, initial={"answer": saved[key]} if key in saved else None)
    if request.method == "POST" and form.is_valid():
        saved[key] = form.cleaned_data["answer"]
        wizard.save("answers", saved)
        if number < len(statements):
            return redirect(
                "participants:agreement_statement", pk=p.pk, document=doc.pk, format=format, number=number + 1
            )
        return redirect("participants:agreement_check", pk=p.pk, document=doc.pk, format=format)
    back = (
        f"/participants/{p.pk}/agreement/"
        if number == 1
        else reverse("participants:agreement_statement", args=[p.pk, doc.pk, format, number - 1])
    )
    return render(
        request,
        "participants/agreement_statement.html",
        {
            "form": form,
            "p": p,
            "doc": doc,
            "number": number,
            "total": len(statements),
            "text": _text(s, format),
            "required": s.required,
            "back_url": back,
        },
    )


@login_required
def check(request: AuthenticatedHttpRequest, pk: int, document: int, format: str) -> HttpResponse:
    p, doc, wizard = _get(request, pk, document, format)
    statements = list(doc.statements.all())
    saved = wizard.get("answers") or {}
    missing = [i for i, s in enumerate(statements, 1) if str(s.pk) not in saved]
    if missing:
        return redirect(
            "participants:agreement_statement", pk=p.pk, document=doc.pk, format=format, number=missing[0]
        )
    if request.method == "POST":
        try:
            agreement = services.record_agreement(
                by=request.user,
                participant=p,
                document=doc,
                format=format,
                answers={s.pk: saved[str(s.pk)] == "agreed" for s in statements},
                request=request,
            )
        except (InvalidTransition, services.ParticipantError) as exc:
            messages.error(request, str(exc))
            return redirect("participants:detail", pk=p.pk)
        wizard.clear()
        if agreement.all_required_agreed:
            messages.success(request, f"Agreement recorded. {p.full_name} can now start support.")
        else:
            messages.info(
                request, "Answers recorded. Not every required statement was agreed, so support cannot start."
            )
        return redirect("participants:detail", pk=p.pk)
    rows = [
        (
            _text(s, format),
            "Agrees" if saved[str(s.pk)] == "agreed" else "Does not agree",
            reverse("participants:agreement_statement", args=[p.pk, doc.pk, format, i]),
        )
        for i, s in enumerate(statements, 1)
    ]
    return render(
        request,
        "participants/check_answers.html",
        {
            "rows": rows,
            "title": "Check the answers before you record them",
            "caption": f"{doc.title}, version {doc.version}: {p.full_name}",
            "button": "Record agreement",
            "back_url": rows[-1][2],
        },
    )
