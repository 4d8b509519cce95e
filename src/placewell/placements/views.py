"""Job pages for one participant (jobs with milestones, job start, job end, in-work plan) and the service's
job outcomes. Views are thin: permission, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.policy import Perm, has_perm
from placewell.employers.models import Employer, Vacancy
from placewell.participants.access import get_participant
from placewell.placements import milestones, services
from placewell.placements.forms import JobEndForm, JobStartForm, PlanForm
from placewell.placements.models import InWorkPlan, JobStart
from placewell.ui.forms import apply_error


def chosen_definition(request: HttpRequest) -> str:
    key = request.GET.get("definition", milestones.DEFAULT)
    return key if key in milestones.DEFINITIONS else milestones.DEFAULT


@login_required
def jobs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk)
    rows = list(JobStart.objects.filter(participant=p).select_related("plan").order_by("started_on", "id"))
    definition = chosen_definition(request)
    result = services.sustainment_for(rows, definition)
    services.record_read(by=request.user, participant=p, what="jobs and milestones", request=request)
    return render(
        request,
        "placements/jobs.html",
        {
            "p": p,
            "rows": rows,
            "s": result,
            "definitions": milestones.DEFINITIONS.values(),
            "chosen": definition,
            "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT),
            "limit": p.service.in_work_limit_months,
        },
    )


@login_required
def job_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    employers = Employer.objects.filter(service_id=p.service_id).order_by("name")
    initial: dict[str, object] = {
        "open_to_anyone": True,
        "through_service": True,
        "started_on": timezone.localdate(),
    }
    vacancy = None
    if request.GET.get("vacancy", "").isdigit():
        vacancy = Vacancy.objects.filter(
            pk=int(request.GET["vacancy"]), employer__service_id=p.service_id
        ).first()
        if vacancy is not None:
            initial.update(
                employer=vacancy.employer_id,
                job_title=vacancy.title,
                soc=vacancy.soc,
                hours=vacancy.hours,
                hourly_pay=vacancy.hourly_pay,
                open_to_anyone=vacancy.open_to_anyone,
            )
    form = JobStartForm(request.POST or None, employers=employers, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = services.record_job_start(
                by=request.user,
                participant=p,
                employer=d["employer"],
                employer_name=d["employer_name"],
                vacancy=vacancy,
                job_title=d["job_title"],
                soc_code=d["soc"],
                started_on=d["started_on"],
                hours=d["hours"],
                hourly_pay=d["hourly_pay"],
                contract_type=d["contract_type"],
                open_to_anyone=d["open_to_anyone"],
                through_service=d["through_service"],
                request=request,
            )
        except services.PlacementError as exc:
            apply_error(form, exc)
        else:
            verdict = "competitive employment" if job.competitive else "not competitive employment (see why)"
            messages.success(request, f"Job start recorded: {verdict}")
            return redirect("placements:jobs", pk=p.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Record a job start",
            "caption": p.full_name,
            "button": "Save job start",
            "back_url": reverse("placements:jobs", args=[p.pk]),
        },
    )


@login_required
def job_end(request: AuthenticatedHttpRequest, pk: int, job: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    row = get_object_or_404(JobStart, pk=job, participant=p)
    form = JobEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_job(by=request.user, job=row, request=request, **form.cleaned_data)
        except services.PlacementError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Job end recorded")
            return redirect("placements:jobs", pk=p.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": f"End of {row.job_title} at {row.employer_name}",
            "caption": p.full_name,
            "button": "Save job end",
            "back_url": reverse("placements:jobs", args=[p.pk]),
        },
    )


@login_required
def plan(request: AuthenticatedHttpRequest, pk: int, job: int) -> HttpResponse:
    p = get_participant(request, pk, Perm.EDIT_PARTICIPANT)
    row = get_object_or_404(JobStart, pk=job, participant=p)
    current = InWorkPlan.objects.filter(job=row).first()
    initial = (
        {
            "for_person": current.for_person,
            "for_employer": current.for_employer,
            "review_on": current.review_on,
        }
        if current
        else {}
    )
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_plan(by=request.user, job=row, request=request, **form.cleaned_data)
        except services.PlacementError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "In-work support plan saved")
            return redirect("placements:jobs", pk=p.pk)
    limit = p.service.in_work_limit_months
    intro = (
        f"The service offers in-work support for up to {limit} months from the job start. Record in-work support "
        "contacts with the person in their contacts, and with the employer as an employer contact."
        if limit
        else "The service's in-work support has no time limit. Record in-work support contacts as usual."
    )
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "In-work support plan",
            "caption": f"{p.full_name}: {row.job_title}",
            "intro": intro,
            "button": "Save plan",
            "back_url": reverse("placements:jobs", args=[p.pk]),
        },
    )


@login_required
def outcomes_page(request: HttpRequest) -> HttpResponse:
    """Job outcomes for the services whose aggregate figures the user may see."""
    from placewell.accounts.models import Service
    from placewell.accounts.policy import require, services_in_scope
    from placewell.placements.outcomes import outcomes

    require(request.user, Perm.VIEW_AGGREGATES)
    in_scope = list(Service.objects.filter(services_in_scope(request.user)).order_by("name"))
    chosen = next(
        (s for s in in_scope if str(s.pk) == request.GET.get("service")), in_scope[0] if in_scope else None
    )
    definition = chosen_definition(request)
    result = outcomes([chosen.pk] if chosen else [], definition, timezone.localdate())
    return render(
        request,
        "placements/outcomes.html",
        {
            "o": result,
            "services": in_scope,
            "chosen_service": chosen,
            "definitions": milestones.DEFINITIONS.values(),
            "chosen": definition,
            "definition": milestones.DEFINITIONS[definition],
        },
    )
