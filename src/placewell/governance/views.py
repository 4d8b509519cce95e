"""The research extract page: evaluators choose a service and a format; a background job builds the zip file
holding the pseudonymised extract, its data dictionary and a read-me (``governance.tasks``), audits it, and
offers it for download on the job's page to the evaluator who asked."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Service
from placewell.accounts.policy import Perm, require, services_in_scope
from placewell.governance import pseudonyms, tasks
from placewell.governance.forms import ALL, ExtractForm
from placewell.jobs.queue import QueueUnavailable


@login_required
def research_extract(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PSEUDONYMISED)
    in_scope = list(Service.objects.filter(services_in_scope(request.user)).values_list("pk", "name"))
    try:
        pseudonyms.load_research_key()
        key_problem = ""
    except pseudonyms.PseudonymKeyError:
        key_problem = "not set"
    form = ExtractForm(request.POST or None, services=in_scope)
    if request.method == "POST" and in_scope and not key_problem and form.is_valid():
        chosen = form.cleaned_data["service"]
        ids = [pk for pk, _ in in_scope] if chosen == ALL else [int(chosen)]
        fmt = form.cleaned_data["format"]
        try:
            job = tasks.queue_research_extract(by=request.user, service_ids=ids, fmt=fmt)
        except QueueUnavailable as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("jobs:job", pk=job.pk)
    return render(
        request,
        "governance/extract.html",
        {
            "form": form,
            "services": in_scope,
            "key_problem": key_problem,
            "key_env": pseudonyms.KEY_ENV,
            "keep_days": settings.PLACEWELL_JOB_FILE_DAYS,
        },
    )
