"""Recruitment against target (no arms); interim monitoring for the trial team (pooled over arms unless the
viewer may see arms); and for the trial statistician: balance by arm, baseline balance, the allocation list
and the immutable allocation log, all pseudonymised."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.accounts.policy import Perm
from placewell.trials import monitoring
from placewell.trials.access import get_trial
from placewell.trials.models import Allocation

LOG_PAGE = 50


@login_required
def recruitment(request: HttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.MONITOR_TRIALS)
    return render(request, "trials/recruitment.html", {"trial": trial, "r": monitoring.recruitment(trial)})


@login_required
def interim(request: HttpRequest, pk: int) -> HttpResponse:
    """Interim monitoring for the trial team: figures split by arm only for those who may see them."""
    trial = get_trial(request, pk, Perm.MONITOR_TRIALS)
    by_arm = monitoring.may_see_arm_figures(request.user, trial)
    context = {
        "trial": trial,
        "by_arm": by_arm,
        "r": monitoring.recruitment(trial),
        "sites": monitoring.recruitment_by_site(trial),
        "response": monitoring.survey_response(trial, by_arm=by_arm),
        "completeness": monitoring.completeness(trial),
        "baseline": monitoring.baseline_balance(trial) if by_arm else None,
        "flag": monitoring.SMD_FLAG,
    }
    return render(request, "trials/interim.html", context)


@login_required
def balance(request: HttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.VIEW_ALLOCATIONS)
    return render(
        request,
        "trials/balance.html",
        {
            "trial": trial,
            "counts": monitoring.arm_counts(trial),
            "baseline": monitoring.baseline_balance(trial),
            "flag": monitoring.SMD_FLAG,
        },
    )


def _export(request: HttpRequest, trial, what: str, body: str, filename: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        "trial",
        trial.pk,
        service_id=trial.service_id,
        summary=f"Exported {what} for {trial.name}",
        request=request,
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def balance_csv(request: HttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.VIEW_ALLOCATIONS)
    return _export(
        request, trial, "the balance tables", monitoring.balance_csv(trial), f"trial-{trial.pk}-balance.csv"
    )


@login_required
def allocations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.VIEW_ALLOCATIONS)
    return _export(
        request,
        trial,
        "the allocation list",
        monitoring.allocation_csv(trial),
        f"trial-{trial.pk}-allocations.csv",
    )


@login_required
def log(request: HttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.VIEW_ALLOCATIONS)
    rows = (
        Allocation.objects.filter(trial=trial)
        .select_related("stratum", "arm", "randomised_by")
        .order_by("-randomised_at", "-id")
    )
    page = Paginator(rows, LOG_PAGE).get_page(request.GET.get("page"))
    entries = [
        {"a": a, "pseudonym": monitoring.pseudonym(trial.pk, a.participant_id)} for a in page.object_list
    ]
    return render(request, "trials/log.html", {"trial": trial, "page": page, "entries": entries})
