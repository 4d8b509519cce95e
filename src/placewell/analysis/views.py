"""Analysis pages: a trial's plans, runs, dataset and linked outcomes; the statistician page for managers.

Every view asks ``analysis.access`` (``Perm.ANALYSE_TRIALS`` and the trial in scope) before it reads
anything; the statistician page asks the trials app's rule for configuring the trial.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from placewell.accounts.models import User
from placewell.accounts.policy import Perm, require
from placewell.analysis import access, linkage, runner, services
from placewell.analysis import plan as plans
from placewell.analysis.downloads import dataset_zip
from placewell.analysis.forms import LinkageForm, PlanForm, StatisticianForm
from placewell.analysis.models import (
    AnalysisPlan,
    AnalysisRun,
    PlanLockedError,
    RunStatus,
    TrialStatistician,
)
from placewell.governance import pseudonyms
from placewell.jobs.queue import QueueUnavailable
from placewell.trials import access as trial_access


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ANALYSE_TRIALS)
    return render(request, "analysis/index.html", {"trials": access.analysable_trials(request.user)})


@login_required
def trial_page(request: HttpRequest, trial: int) -> HttpResponse:
    t = access.get_trial(request, trial)
    try:
        pseudonyms.load_research_key()
        key_problem = ""
    except pseudonyms.PseudonymKeyError as exc:
        key_problem = str(exc)
    return render(
        request,
        "analysis/trial.html",
        {
            "trial": t,
            "plans": list(AnalysisPlan.objects.filter(trial=t).select_related("locked_by", "created_by")),
            "runs": list(
                AnalysisRun.objects.filter(trial=t).defer("dataset_parquet", "report_html", "results")[:20]
            ),
            "linkage": linkage.latest_import(t),
            "statisticians": list(TrialStatistician.objects.filter(trial=t).select_related("user")),
            "has_allocations": t.allocations.exists(),
            "key_problem": key_problem,
        },
    )


@login_required
@require_POST
def create_plan(request: HttpRequest, trial: int) -> HttpResponse:
    t = access.get_trial(request, trial)
    try:
        plan = services.create_plan(by=request.user, trial=t, request=request)  # type: ignore[arg-type]
    except plans.PlanError as exc:
        messages.error(request, f"The default plan could not be made: {exc}")
        return redirect("analysis:trial", trial=t.pk)
    messages.success(request, f"Version {plan.version} of the analysis plan started from the default plan")
    return redirect("analysis:plan_edit", trial=t.pk, version=plan.version)


def _plan(request: HttpRequest, trial: int, version: int) -> AnalysisPlan:
    t = access.get_trial(request, trial)
    return get_object_or_404(
        AnalysisPlan.objects.select_related("trial", "locked_by"), trial=t, version=version
    )


@login_required
def plan_page(request: HttpRequest, trial: int, version: int) -> HttpResponse:
    plan = _plan(request, trial, version)
    return render(
        request,
        "analysis/plan.html",
        {"plan": plan, "trial": plan.trial, "first_read": services.first_outcome_read(plan.trial)},
    )


@login_required
def plan_edit(request: HttpRequest, trial: int, version: int) -> HttpResponse:
    plan = _plan(request, trial, version)
    if plan.is_locked:
        messages.error(
            request, f"Version {plan.version} is locked and cannot change: start a new version from it"
        )
        return redirect("analysis:plan", trial=plan.trial_id, version=plan.version)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_from(plan.content))
    names = plans.names_for(plan.trial)
    if request.method == "POST" and form.is_valid():
        survey = [n for n, c in names.columns.items() if plans.is_survey_column(c)]
        user: User = request.user  # type: ignore[assignment]
        try:
            services.update_plan(
                by=user, plan=plan, content=form.content(plan.content, survey), request=request
            )
        except plans.PlanError as exc:
            for field, message in exc.problems:
                form.add_error(field if field in form.fields else None, message)
        except PlanLockedError as exc:
            messages.error(request, str(exc))
            return redirect("analysis:plan", trial=plan.trial_id, version=plan.version)
        else:
            messages.success(request, f"Version {plan.version} of the analysis plan saved")
            return redirect("analysis:plan", trial=plan.trial_id, version=plan.version)
    return render(
        request,
        "analysis/plan_edit.html",
        {
            "plan": plan,
            "trial": plan.trial,
            "form": form,
            "names": names,
            "columns": list(names.columns.values()),
        },
    )


@login_required
def plan_lock(request: HttpRequest, trial: int, version: int) -> HttpResponse:
    plan = _plan(request, trial, version)
    if request.method == "POST":
        try:
            plan = services.lock_plan(by=request.user, plan=plan, request=request)  # type: ignore[arg-type]
        except (PlanLockedError, plans.PlanError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Version {plan.version} is locked")
        return redirect("analysis:plan", trial=plan.trial_id, version=plan.version)
    return render(request, "analysis/plan_lock.html", {"plan": plan, "trial": plan.trial})


@login_required
@require_POST
def plan_new_version(request: HttpRequest, trial: int, version: int) -> HttpResponse:
    plan = _plan(request, trial, version)
    try:
        new = services.new_version(by=request.user, plan=plan, request=request)  # type: ignore[arg-type]
    except plans.PlanError as exc:
        messages.error(request, f"A new version could not start: {exc}")
        return redirect("analysis:plan", trial=plan.trial_id, version=plan.version)
    messages.success(request, f"Version {new.version} started from version {plan.version}")
    return redirect("analysis:plan_edit", trial=new.trial_id, version=new.version)


@login_required
@require_POST
def plan_run(request: HttpRequest, trial: int, version: int) -> HttpResponse:
    plan = _plan(request, trial, version)
    try:
        with transaction.atomic():  # the run and its queued job are saved together, or neither is
            run = services.start_run(by=request.user, trial=plan.trial, plan=plan, request=request)  # type: ignore[arg-type]
            runner.start(run, by=request.user)
    except (services.AnalysisError, QueueUnavailable) as exc:
        messages.error(request, str(exc))
        return redirect("analysis:plan", trial=plan.trial_id, version=plan.version)
    return redirect("analysis:run", pk=run.pk)


def _run(request: HttpRequest, pk: int) -> AnalysisRun:
    require(request.user, Perm.ANALYSE_TRIALS)
    return get_object_or_404(
        AnalysisRun.objects.select_related("trial", "plan", "plan__locked_by", "started_by"),
        pk=pk,
        trial__in=access.analysable_trials(request.user),
    )


@login_required
def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    pdf = runner.pdf_state(run) if run.status == RunStatus.SUCCEEDED else None
    return render(request, "analysis/run.html", {"run": run, "trial": run.trial, "pdf": pdf})


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    response = render(request, "analysis/_progress.html", {"run": run})
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _finished(request: HttpRequest, pk: int) -> AnalysisRun:
    from django.http import Http404

    run = _run(request, pk)
    if not run.report_html:
        raise Http404("This run has no report")
    return run


@login_required
def run_report_html(request: HttpRequest, pk: int) -> HttpResponse:
    from placewell.analysis import report

    run = _finished(request, pk)
    response = HttpResponse(report.document(run, request.build_absolute_uri("/")), content_type="text/html")
    response["Content-Disposition"] = (
        f'attachment; filename="analysis-{run.trial.registration_number}-run-{run.pk}.html"'
    )
    return response


@login_required
def run_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF as printed once by its background job. Never printed here: if it is not kept yet, it is
    queued (on demand, for a run whose job never ran) and the run page says it is being prepared."""
    run = _finished(request, pk)
    if run.report_pdf is None:
        state = runner.pdf_state(run)
        if state.status == "failed":
            messages.error(request, "The PDF of this report could not be printed. The reason is below.")
            return redirect("analysis:run", pk=run.pk)
        try:
            runner.queue_pdf(run)
        except QueueUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("analysis:run", pk=run.pk)
        run.refresh_from_db(fields=["report_pdf"])
        if run.report_pdf is None:
            messages.info(
                request, "The PDF of this report is being prepared. Try the link again in a minute or two."
            )
            return redirect("analysis:run", pk=run.pk)
    response = HttpResponse(bytes(run.report_pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="analysis-{run.trial.registration_number}-run-{run.pk}.pdf"'
    )
    return response


@login_required
def run_pdf_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF's part of the run page, which asks for it every few seconds while the PDF is prepared."""
    run = _finished(request, pk)
    return render(request, "analysis/_pdf.html", {"run": run, "pdf": runner.pdf_state(run)})


@login_required
@require_POST
def run_pdf_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Prepare the PDF again after its printing failed (or if it was never queued)."""
    run = _finished(request, pk)
    try:
        runner.queue_pdf(run)
    except QueueUnavailable as exc:
        messages.error(request, str(exc))
    else:
        if runner.pdf_state(run).status != "ready":
            messages.info(
                request, "The PDF of this report is being prepared. This page shows when it is ready."
            )
    return redirect("analysis:run", pk=run.pk)


@login_required
def run_dataset(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact dataset a run analysed (CSV, Parquet, dictionary and read-me), audited as an export."""
    from placewell.analysis.downloads import run_files

    run = _finished(request, pk)
    if run.dataset_parquet is None:
        raise Http404("This run's stored dataset was removed after a participant's records were erased")
    named, rows = run_files(run, by=request.user)  # type: ignore[arg-type]
    services.record_release(
        by=request.user,  # type: ignore[arg-type]
        trial=run.trial,
        rows=rows,
        sha256=run.dataset_sha256,
        formats=["csv", "parquet"],
        key_fingerprint=run.key_fingerprint,
        run=run,
        request=request,
    )
    return _zip_response(named, f"analysis-dataset-{run.trial.registration_number}-run-{run.pk}.zip")


def _zip_response(named: dict[str, bytes], filename: str) -> HttpResponse:
    from placewell.governance.extract import zipped

    response = HttpResponse(zipped(named), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def trial_dataset(request: HttpRequest, trial: int) -> HttpResponse:
    """Today's dataset of the trial, for evaluators and the statistician (POST to download)."""
    t = access.get_trial(request, trial)
    if request.method != "POST":
        return redirect("analysis:trial", trial=t.pk)
    try:
        named, ds = dataset_zip(t, by=request.user)  # type: ignore[arg-type]
    except pseudonyms.PseudonymKeyError as exc:
        messages.error(request, str(exc))
        return redirect("analysis:trial", trial=t.pk)
    services.record_release(
        by=request.user,  # type: ignore[arg-type]
        trial=t,
        rows=ds.rows,
        sha256=ds.sha256(),
        formats=["csv", "parquet"],
        key_fingerprint=ds.key_fingerprint,
        request=request,
    )
    return _zip_response(named, f"analysis-dataset-{t.registration_number}-{ds.made_on:%Y-%m-%d}.zip")


@login_required
def linkage_page(request: HttpRequest, trial: int) -> HttpResponse:
    t = access.get_trial(request, trial)
    form = LinkageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = linkage.import_linked_outcomes(
                by=request.user,  # type: ignore[arg-type]
                trial=t,
                file_name=upload.name,
                body=upload.read(),
                request=request,
            )
        except linkage.LinkageError as exc:
            form.add_error("file", str(exc))
        except pseudonyms.PseudonymKeyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{record.people_matched} people linked from {record.rows_read} rows; the match report is below",
            )
            return redirect("analysis:linkage", trial=t.pk)
    return render(
        request, "analysis/linkage.html", {"trial": t, "form": form, "latest": linkage.latest_import(t)}
    )


@login_required
def statisticians(request: HttpRequest, trial: int) -> HttpResponse:
    t = trial_access.get_trial(request, trial, Perm.CONFIGURE_TRIALS)
    candidates = User.objects.filter(is_active=True, role__in=access.STATISTICIAN_ROLES).order_by(
        "last_name", "first_name", "username"
    )
    form = StatisticianForm(request.POST or None, queryset=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.name_statistician(
                by=request.user, trial=t, user=form.cleaned_data["user"], request=request
            )  # type: ignore[arg-type]
        except services.AnalysisError as exc:
            form.add_error("user", str(exc))
        else:
            messages.success(request, "Trial statistician named")
            return redirect("analysis:statisticians", trial=t.pk)
    named = list(TrialStatistician.objects.filter(trial=t).select_related("user"))
    return render(request, "analysis/statisticians.html", {"trial": t, "form": form, "named": named})


@login_required
@require_POST
def remove_statistician(request: HttpRequest, trial: int, pk: int) -> HttpResponse:
    t = trial_access.get_trial(request, trial, Perm.CONFIGURE_TRIALS)
    named = get_object_or_404(TrialStatistician, trial=t, pk=pk)
    services.remove_statistician(by=request.user, statistician=named, request=request)  # type: ignore[arg-type]
    messages.success(request, "Trial statistician removed")
    return redirect(reverse("analysis:statisticians", args=[t.pk]))
