"""Bulk import pages: upload, the preview of every problem and every outcome, progress while the file is
checked and imported, and the report. Only a service manager may import, and only into their own service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.policy import Perm, require
from placewell.imports import runner, storage, tasks, templates_files
from placewell.imports.forms import UploadForm
from placewell.imports.kinds import SPECS
from placewell.imports.models import ExternalRecord, ImportJob, Kind, Outcome
from placewell.imports.readers import FileProblem, sniff
from placewell.jobs.queue import QueueUnavailable
from placewell.participants.models import Participant

REPORT_ROWS_PER_PAGE = 100


def _service_id(request: HttpRequest) -> int:
    require(request.user, Perm.IMPORT_DATA)
    service_id = getattr(request.user, "service_id", None)
    if not service_id:
        raise Http404("No service")
    return int(service_id)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    service_id = _service_id(request)
    try:
        return ImportJob.objects.select_related("service", "created_by").get(pk=pk, service_id=service_id)
    except ImportJob.DoesNotExist:
        raise Http404("No such import") from None


def _spec(request: HttpRequest, kind: str):  # type: ignore[no-untyped-def]
    _service_id(request)
    if kind not in SPECS:
        raise Http404("No such kind of import")
    return SPECS[kind]


@login_required
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    service_id = _service_id(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob(
            service_id=service_id,
            kind=form.cleaned_data["kind"],
            file_name=upload.name[:255],
            created_by=request.user,
        )
        try:
            if upload.size > storage.max_bytes():
                raise storage.TooBig(
                    f"The file is {storage.describe_size(upload.size)}: the most that can be imported at once is "
                    f"{storage.describe_size(storage.max_bytes())}. Split it into smaller files"
                )
            storage.save(job, upload.chunks())
            with storage.local_copy(job) as path:
                sniff(path, job.file_name)
        except (storage.TooBig, FileProblem) as exc:
            storage.discard(job)
            form.add_error("file", str(exc))
        else:
            try:
                with transaction.atomic():
                    job.save()
                    tasks.queue_check(job, request.user)
            except QueueUnavailable as exc:
                storage.discard(job)
                form.add_error("file", str(exc))
            else:
                return redirect("imports:job", job=job.pk)
    jobs = ImportJob.objects.filter(service_id=service_id).select_related("created_by")[:10]
    return render(request, "imports/start.html", {"form": form, "specs": SPECS.values(), "jobs": jobs})


@login_required
def dictionary(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec(request, kind)
    return render(request, "imports/dictionary.html", {"spec": spec})


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def template_csv(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec(request, kind)
    return _download(templates_files.csv_template(spec), "text/csv; charset=utf-8", f"placewell-{kind}.csv")


@login_required
def template_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec(request, kind)
    return _download(
        templates_files.xlsx_template(spec),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"placewell-{kind}.xlsx",
    )


def _progress_context(job: ImportJob) -> dict[str, object]:
    state = storage.progress(job) if job.is_running else {"done": job.processed_rows, "total": job.total_rows}
    return {"job": job, "progress": state, "poll": job.is_running}


@login_required
def job_page(request: HttpRequest, job: int) -> HttpResponse:
    the_job = _job(request, job)
    if the_job.is_running:
        return render(request, "imports/progress.html", _progress_context(the_job))
    if the_job.state in {ImportJob.State.CHECKED, ImportJob.State.INVALID}:
        return render(request, "imports/preview.html", {"job": the_job, "spec": SPECS[the_job.kind]})
    rows = (
        ExternalRecord.objects.filter(job=the_job).order_by("row_number", "pk")
        if the_job.state == ImportJob.State.DONE
        else ExternalRecord.objects.none()
    )
    page = Paginator(
        rows.values("row_number", "external_id", "outcome", "participant_id"), REPORT_ROWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    references = dict(
        Participant.objects.filter(
            pk__in=[r["participant_id"] for r in page if r["participant_id"]]
        ).values_list("pk", "reference")
    )
    outcomes = dict(Outcome.choices)
    listed = [
        {
            **r,
            "outcome_label": outcomes.get(r["outcome"], r["outcome"]),
            "reference": references.get(r["participant_id"]),
        }
        for r in page
    ]
    return render(
        request,
        "imports/report.html",
        {"job": the_job, "page": page, "rows": listed, "kind_label": Kind(the_job.kind).label},
    )


@login_required
def progress(request: HttpRequest, job: int) -> HttpResponse:
    the_job = _job(request, job)
    response = render(request, "imports/_progress.html", _progress_context(the_job))
    if not the_job.is_running and request.headers.get("HX-Request"):
        response["HX-Redirect"] = reverse("imports:job", kwargs={"job": the_job.pk})
    return response


@login_required
@require_POST
def confirm(request: AuthenticatedHttpRequest, job: int) -> HttpResponse:
    the_job = _job(request, job)
    try:
        with transaction.atomic():
            if runner.claim(the_job):
                tasks.queue_import(the_job, request.user)
    except QueueUnavailable as exc:
        messages.error(request, str(exc))
    return redirect(reverse("imports:job", kwargs={"job": the_job.pk}))
