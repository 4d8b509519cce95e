"""The jobs page (a service manager's view of their service's background jobs) and the schedules page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from placewell.accounts.models import Role
from placewell.accounts.policy import Perm, has_perm, require
from placewell.jobs import runner, schedules
from placewell.jobs.models import Job

JOBS_PER_PAGE = 50


def _jobs_context(request: HttpRequest) -> dict[str, object]:
    require(request.user, Perm.VIEW_JOBS)
    service_id = getattr(request.user, "service_id", None)
    if not service_id:
        raise Http404("No service")
    runner.reap()  # a job whose worker died shows as failed (or queued again) here, not as running
    mine = Job.objects.filter(service_id=service_id)
    counts = {row["state"]: row["n"] for row in mine.values("state").annotate(n=Count("pk")).order_by()}
    state = request.GET.get("state", "")
    shown = mine.filter(state=state) if state in Job.State.values else mine
    page = Paginator(
        shown.select_related("started_by").order_by("-queued_at", "-pk"), JOBS_PER_PAGE
    ).get_page(request.GET.get("page"))
    tabs = [("", "All", sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in Job.State.choices
    ]
    return {
        "page": page,
        "jobs": list(page),
        "state": state if state in Job.State.values else "",
        "tabs": tabs,
        "poll": bool(counts.get(Job.State.QUEUED) or counts.get(Job.State.RUNNING)),
    }


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/jobs.html", _jobs_context(request))


@login_required
def jobs_table(request: HttpRequest) -> HttpResponse:
    """The table alone, for the page's htmx polling while jobs are queued or running."""
    return render(request, "jobs/_jobs_table.html", _jobs_context(request))


@login_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_SCHEDULES)
    admin = getattr(request.user, "role", "") == Role.ADMINISTRATOR
    rows = schedules.overview(include_admin_only=admin)
    return render(request, "jobs/schedules.html", {"rows": rows, "admin": admin})


def _visible_job(request: HttpRequest, pk: int) -> Job:
    """A job its starter may follow, and so may the service manager of its service; others get a 404."""
    job = Job.objects.select_related("started_by").filter(pk=pk).first()
    if job is None:
        raise Http404("No such job")
    mine = job.started_by_id is not None and job.started_by_id == request.user.pk
    managed = (
        has_perm(request.user, Perm.VIEW_JOBS)
        and job.service_id is not None
        and job.service_id == getattr(request.user, "service_id", None)
    )
    if not (mine or managed):
        raise Http404("No such job")
    return job


def _job_context(request: HttpRequest, job: Job) -> dict[str, object]:
    can_download = (
        job.state == Job.State.SUCCEEDED and bool(job.result_file) and job.started_by_id == request.user.pk
    )
    return {"job": job, "poll": job.is_active, "can_download": can_download}


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    return render(request, "jobs/job.html", _job_context(request, job))


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status panel alone, for the page's htmx polling until the job finishes."""
    job = _visible_job(request, pk)
    return render(request, "jobs/_job_status.html", _job_context(request, job))


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file a finished job made, for the person who started it only (it was audited when made)."""
    job = _visible_job(request, pk)
    if not _job_context(request, job)["can_download"] or not default_storage.exists(job.result_file):
        raise Http404("This job has no file to download, or it has been deleted")
    return FileResponse(
        default_storage.open(job.result_file, "rb"), as_attachment=True, filename=job.result_name
    )
