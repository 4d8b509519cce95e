"""Trial list, trial page and set-up: design, sites, arms, strata, ratio changes, blinding, locking."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Team, User
from placewell.accounts.policy import Perm, has_perm
from placewell.engine.randomisation import AllocationListError
from placewell.trials import services
from placewell.trials.access import TRIAL_PERMS, get_trial, trial_scope
from placewell.trials.design import TrialError, possible_strata
from placewell.trials.forms import (
    ArmForm,
    BlindingForm,
    ConfirmForm,
    RatioChangeForm,
    SiteForm,
    StrataForm,
    TrialForm,
    UploadListForm,
)
from placewell.trials.models import Trial, TrialState


def _form_page(
    request: HttpRequest, trial: Trial | None, form: Any, title: str, **extra: Any
) -> HttpResponse:
    back = reverse("trials:detail", args=[trial.pk]) if trial else reverse("trials:list")
    context = {
        "form": form,
        "title": title,
        "caption": trial.name if trial else "",
        "back_url": back,
        **extra,
    }
    return render(request, "ui/form_page.html", context)


@login_required
def trial_list(request: HttpRequest) -> HttpResponse:
    if not any(has_perm(request.user, p) for p in TRIAL_PERMS):
        raise PermissionDenied("Your role does not use trials")
    trials = Trial.objects.filter(trial_scope(request.user)).select_related("service").distinct()
    return render(
        request,
        "trials/list.html",
        {"trials": trials, "can_create": has_perm(request.user, Perm.CONFIGURE_TRIALS)},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    trial = next(
        (t for p in TRIAL_PERMS if has_perm(user, p) for t in [get_trial(request, pk, p)]),
        None,
    )
    if trial is None:
        raise PermissionDenied("Your role does not use trials")
    configure = has_perm(user, Perm.CONFIGURE_TRIALS)
    context = {
        "trial": trial,
        "arms": list(trial.arms.all()),
        "sites": list(trial.sites.prefetch_related("teams")),
        "strata": list(trial.strata.all()),
        "ratio_changes": list(trial.ratio_changes.select_related("stratum")),
        "blinded": list(trial.blinded_staff.all()) if configure else [],
        "can_configure": configure and trial.is_draft,
        "can_manage": configure,
        "can_practise": has_perm(user, Perm.RANDOMISE) and not services.is_blinded(user, trial),
        "can_monitor": has_perm(user, Perm.MONITOR_TRIALS),
        "can_see_allocations": has_perm(user, Perm.VIEW_ALLOCATIONS),
        "lock_problems": services.lock_problems(trial) if configure and trial.is_draft else [],
    }
    return render(request, "trials/detail.html", context)


def _trial_form_values(form: TrialForm) -> dict[str, Any]:
    return {k: form.cleaned_data[k] for k in services.UPDATABLE if k in form.cleaned_data}


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.CONFIGURE_TRIALS) or not request.user.service_id:
        raise PermissionDenied("Only a service manager sets up trials")
    form = TrialForm(
        request.POST if request.method == "POST" else None,
        initial={"method": "permuted_blocks", "stratify_by": ["employment_status"]},
    )
    if request.method == "POST" and form.is_valid():
        service = request.user.service
        if service is None:  # not reached: refused above without a service
            raise PermissionDenied("Only a service manager sets up trials")
        try:
            trial = services.create_trial(
                by=request.user,
                service=service,
                request=request,
                **_trial_form_values(form),
            )
        except TrialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Trial created. Next, add its sites and arms.")
            return redirect("trials:detail", pk=trial.pk)
    return _form_page(request, None, form, "Set up a trial")


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    initial = {k: getattr(trial, k) for k in services.UPDATABLE}
    initial["block_multiples"] = ", ".join(map(str, trial.block_multiples))
    form = TrialForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_trial(
                by=request.user, trial=trial, changes=_trial_form_values(form), request=request
            )
        except TrialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Design saved")
            return redirect("trials:detail", pk=trial.pk)
    return _form_page(request, trial, form, "Change the design")


@login_required
def add_site(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    form = SiteForm(
        request.POST if request.method == "POST" else None, teams=Team.objects.filter(service=trial.service)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_site(by=request.user, trial=trial, request=request, **form.cleaned_data)
        except TrialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Site added")
            return redirect("trials:detail", pk=trial.pk)
    return _form_page(request, trial, form, "Add a site")


@login_required
def add_arm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    form = ArmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["is_treatment"] = data["is_treatment"] == "yes"
        try:
            services.add_arm(by=request.user, trial=trial, request=request, **data)
        except TrialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Arm added")
            return redirect("trials:detail", pk=trial.pk)
    return _form_page(request, trial, form, "Add an arm")


@login_required
def strata(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    cells = possible_strata(trial)
    chosen = list(trial.strata.values_list("key", flat=True))
    form = StrataForm(
        request.POST if request.method == "POST" else None, cells=cells, initial={"strata": chosen}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_strata(
                by=request.user, trial=trial, keys=form.cleaned_data["strata"], request=request
            )
        except TrialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Strata saved")
            return redirect("trials:detail", pk=trial.pk)
    return _form_page(request, trial, form, "Choose the groups to recruit")


@login_required
def ratio_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    strata_list = list(trial.strata.all())
    form = RatioChangeForm(
        request.POST if request.method == "POST" else None,
        strata=strata_list,
        arm_count=trial.arms.count(),
        recruiting=trial.is_recruiting,
    )
    if request.method == "POST" and form.is_valid():
        stratum = next((s for s in strata_list if str(s.pk) == form.cleaned_data["stratum"]), None)
        try:
            services.add_ratio_change(
                by=request.user,
                trial=trial,
                effective_from=form.cleaned_data["effective_from"],
                weights=form.cleaned_data["ratio"],
                stratum=stratum,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except TrialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Ratio change saved")
            return redirect("trials:detail", pk=trial.pk)
    arms = ", ".join(a.name for a in trial.arms.all())
    return _form_page(request, trial, form, "Change the ratio from a date", intro=f"Arms in order: {arms}.")


@login_required
def blinding(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    staff = User.objects.filter(is_active=True).filter(team__service=trial.service) | User.objects.filter(
        is_active=True, service=trial.service
    )
    form = BlindingForm(
        request.POST if request.method == "POST" else None,
        staff=staff.distinct(),
        initial={"staff": list(trial.blinded_staff.all())},
    )
    if request.method == "POST" and form.is_valid():
        services.set_blinded_staff(
            by=request.user, trial=trial, staff=form.cleaned_data["staff"], request=request
        )
        messages.success(request, "Blinding saved")
        return redirect("trials:detail", pk=trial.pk)
    return _form_page(request, trial, form, "Staff blind to arms")


@login_required
def upload_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    form = UploadListForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            n = services.upload_allocation_list(
                by=request.user,
                trial=trial,
                data=form.cleaned_data["file"].read(),
                expected_sha256=form.cleaned_data["sha256"],
                request=request,
            )
        except AllocationListError as exc:
            form.add_error("file", exc.summary)
            problems = [str(p) for p in exc.problems]
        except TrialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Allocation list checked and saved: {n} slots")
            return redirect("trials:detail", pk=trial.pk)
    return render(
        request,
        "trials/upload_list.html",
        {
            "form": form,
            "trial": trial,
            "problems": problems,
            "back_url": reverse("trials:detail", args=[trial.pk]),
        },
    )


@login_required
def lock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lock_trial(by=request.user, trial=trial, request=request)
        except TrialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Design locked. Specialists can now randomise.")
            return redirect("trials:detail", pk=trial.pk)
    return _form_page(
        request,
        trial,
        form,
        "Lock the design",
        button="Lock the design",
        intro="Once locked, the arms, strata, method and block sizes cannot change. A secret seed is generated; "
        "no one can see it here.",
    )


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trial = get_trial(request, pk, Perm.CONFIGURE_TRIALS)
    try:
        services.close_recruitment(by=request.user, trial=trial, request=request)
    except TrialError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Recruitment closed")
    return redirect("trials:detail", pk=trial.pk)


STATE_TAGS = {
    TrialState.DRAFT: "govuk-tag--grey",
    TrialState.LOCKED: "govuk-tag--green",
    TrialState.CLOSED: "",
}
