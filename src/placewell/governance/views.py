"""The research extract page: evaluators choose a service and a format and download a zip file holding the
pseudonymised extract, its data dictionary and a read-me. Every download is audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from placewell.accounts.models import Service
from placewell.accounts.policy import Perm, require, services_in_scope
from placewell.governance import extract, pseudonyms
from placewell.governance.forms import ALL, ExtractForm


@login_required
def research_extract(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PSEUDONYMISED)
    in_scope = list(Service.objects.filter(services_in_scope(request.user)).values_list("pk", "name"))
    try:
        key = pseudonyms.load_research_key()
        key_problem = ""
    except pseudonyms.PseudonymKeyError:
        key, key_problem = b"", "not set"
    form = ExtractForm(request.POST or None, services=in_scope)
    if request.method == "POST" and in_scope and not key_problem and form.is_valid():
        chosen = form.cleaned_data["service"]
        ids = [pk for pk, _ in in_scope] if chosen == ALL else [int(chosen)]
        fmt = form.cleaned_data["format"]
        body, _result = extract.download(by=request.user, service_ids=ids, key=key, fmt=fmt, request=request)  # type: ignore[arg-type]
        names = [name for pk, name in in_scope if pk in ids]
        label = slugify(names[0]) if len(names) == 1 else "services"
        response = HttpResponse(body, content_type="application/zip")
        filename = f"research-extract-{label}-{timezone.localdate():%Y-%m-%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request,
        "governance/extract.html",
        {"form": form, "services": in_scope, "key_problem": key_problem, "key_env": pseudonyms.KEY_ENV},
    )
