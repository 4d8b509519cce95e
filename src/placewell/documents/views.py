"""Uploading and downloading documents. Views are thin: the participant comes through the permission policy
(out of scope is 404), the actions in ``services`` check, store and audit."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.policy import Perm
from placewell.documents import checks, scanner, services
from placewell.documents.checks import Refusal
from placewell.documents.forms import UploadForm
from placewell.documents.models import Document
from placewell.participants.access import get_participant


@login_required
def upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    if p.is_erased:
        return redirect("participants:detail", p.pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.upload(
                by=request.user,
                participant=p,
                category=form.cleaned_data["category"],
                file=form.cleaned_data["file"],
                request=request,
            )
        except Refusal as refusal:
            form.add_error("category" if refusal.reason == "category" else "file", str(refusal))
        else:
            note = "It will open once the virus scan has finished." if doc.scan_status == "pending" else ""
            messages.success(request, f"{doc.get_category_display()} uploaded. {note}".strip())
            return redirect(reverse("participants:detail", args=[p.pk]) + "#documents-heading")
    return render(
        request,
        "documents/upload.html",
        {
            "p": p,
            "form": form,
            "allowed": checks.ALLOWED_LABEL,
            "limit": checks.describe_size(checks.max_bytes()),
            "scanned": scanner.configured(),
        },
    )


@login_required
def download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    doc = get_object_or_404(Document, pk=pk)
    doc.participant = get_participant(request, doc.participant_id, Perm.VIEW_PARTICIPANTS)
    try:
        handle = services.open_document(by=request.user, document=doc, request=request)
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("participants:detail", doc.participant_id)
    name = doc.original_name or f"document{PurePath(doc.original_name).suffix}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=doc.content_type)
    response["Cache-Control"] = "no-store"
    return response
