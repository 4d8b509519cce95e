"""The report's PDF is printed once per run by a background job and kept on the run; the download serves the
kept file and never prints; the run page says when the PDF is being prepared (with its job's progress) and
why it failed; the same people as before may see it."""

from __future__ import annotations

import pytest
from django_q.conf import Conf

from placewell.analysis import report, runner, services
from placewell.analysis.models import AnalysisRun, RunStatus
from placewell.jobs.models import Job
from tests.analysis import simulated


@pytest.fixture
def finished(world):  # type: ignore[no-untyped-def]
    """A finished run of a small simulated trial, whose PDF has not been queued yet."""
    records = simulated.build(world, scale=0.02, seed=7)
    content = simulated.plan_content(records)
    content["outcomes"] = [o for o in content["outcomes"] if not o.get("survey")][:1]
    content["subgroups"] = {}
    content["economics"]["draws"] = 100
    plan = services.lock_plan(
        by=world.evan, plan=services.create_plan(by=world.evan, trial=records.trial, content=content)
    )
    run = runner.execute(
        services.start_run(by=world.evan, trial=records.trial, plan=plan), today=simulated.DATA_CUT
    )
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.report_pdf is None
    return run


def _pdf_job() -> Job:
    return Job.objects.get(kind=runner.PDF_JOB)


def _never_print(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise AssertionError("the PDF was printed while someone waited")


def test_the_job_prints_the_pdf_once_and_keeps_it_on_the_run(world, finished, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    runner.queue_pdf(finished)  # django-q2's sync mode: the worker's job runs here
    job = _pdf_job()
    assert job.state == Job.State.SUCCEEDED and job.message.startswith("PDF ready (")
    assert (job.progress_done, job.progress_total) == (2, 2)
    stored = bytes(AnalysisRun.objects.get(pk=finished.pk).report_pdf)
    assert stored.startswith(b"%PDF")
    monkeypatch.setattr(report, "pdf", _never_print)
    client.force_login(world.evan)
    page = client.get(f"/analysis/runs/{finished.pk}/").content.decode()
    assert "Download the report (PDF)" in page and "being prepared" not in page
    download = client.get(f"/analysis/runs/{finished.pk}/report.pdf")
    assert download.status_code == 200 and download.content == stored  # the kept file, not printed again
    assert download["Content-Type"] == "application/pdf"
    runner.queue_pdf(finished)
    assert Job.objects.filter(kind=runner.PDF_JOB).count() == 1  # kept: not queued again


def test_a_pdf_being_prepared_shows_its_progress_and_the_download_waits(
    world, finished, client, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Conf, "SYNC", False)  # a worker will take it, later
    monkeypatch.setattr(report, "pdf", _never_print)
    runner.queue_pdf(finished)
    Job.objects.filter(kind=runner.PDF_JOB).update(
        state=Job.State.RUNNING, progress_done=1, progress_total=2, message="Writing the 32 pages to the PDF"
    )
    client.force_login(world.evan)
    page = client.get(f"/analysis/runs/{finished.pk}/").content.decode()
    assert "The PDF of the report is being prepared: 50%. Writing the 32 pages to the PDF." in page
    assert f'hx-get="/analysis/runs/{finished.pk}/pdf/"' in page  # the page asks again every few seconds
    assert "Download the report (PDF)" not in page
    fragment = client.get(f"/analysis/runs/{finished.pk}/pdf/").content.decode()
    assert "being prepared" in fragment
    response = client.get(f"/analysis/runs/{finished.pk}/report.pdf", follow=True)
    assert response.redirect_chain[-1][0] == f"/analysis/runs/{finished.pk}/"
    assert "The PDF of this report is being prepared" in response.content.decode()
    assert Job.objects.filter(kind=runner.PDF_JOB).count() == 1  # asked again, still the one job
    AnalysisRun.objects.filter(pk=finished.pk).update(report_pdf=b"%PDF-1.7 kept")
    Job.objects.filter(kind=runner.PDF_JOB).update(state=Job.State.SUCCEEDED)
    fragment = client.get(f"/analysis/runs/{finished.pk}/pdf/").content.decode()
    assert "Download the report (PDF)" in fragment and "hx-get" not in fragment  # polling stops when ready


def test_a_run_without_a_pdf_job_queues_one_on_demand(world, finished, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Conf, "SYNC", False)
    client.force_login(world.evan)
    assert (
        "Prepare and download the report (PDF)"
        in client.get(f"/analysis/runs/{finished.pk}/").content.decode()
    )
    client.get(f"/analysis/runs/{finished.pk}/report.pdf")
    assert _pdf_job().state == Job.State.QUEUED
    assert "being prepared" in client.get(f"/analysis/runs/{finished.pk}/").content.decode()


def test_a_failed_printing_says_why_and_can_be_prepared_again(world, finished, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("No font found for the report's tables")

    monkeypatch.setattr(report, "pdf", broken)
    runner.queue_pdf(finished)
    job = _pdf_job()
    assert job.state == Job.State.FAILED
    assert "could not be printed to PDF (No font found for the report's tables)" in job.failure
    client.force_login(world.evan)
    page = client.get(f"/analysis/runs/{finished.pk}/").content.decode()
    assert "The PDF of the report was not made." in page
    assert "No font found for the report&#x27;s tables" in page and "Prepare the PDF again" in page
    response = client.get(f"/analysis/runs/{finished.pk}/report.pdf", follow=True)
    assert response["Content-Type"].startswith("text/html")  # no file: the page with the reason
    assert "could not be printed" in response.content.decode()
    assert Job.objects.filter(kind=runner.PDF_JOB).count() == 1  # a download does not retry a failure
    monkeypatch.undo()
    monkeypatch.setattr(Conf, "SYNC", True)
    response = client.post(f"/analysis/runs/{finished.pk}/pdf/prepare/")
    assert response.status_code == 302
    assert Job.objects.filter(kind=runner.PDF_JOB).count() == 2
    assert bytes(AnalysisRun.objects.get(pk=finished.pk).report_pdf).startswith(b"%PDF")
    assert "Download the report (PDF)" in client.get(f"/analysis/runs/{finished.pk}/").content.decode()


def test_who_may_see_the_pdf_is_unchanged(world, finished, client) -> None:  # type: ignore[no-untyped-def]
    AnalysisRun.objects.filter(pk=finished.pk).update(report_pdf=b"%PDF-1.7 kept")
    urls = [f"/analysis/runs/{finished.pk}/report.pdf", f"/analysis/runs/{finished.pk}/pdf/"]
    for persona in ("alice", "tess", "mandy", "ada"):
        client.force_login(getattr(world, persona))
        for url in urls:
            assert client.get(url).status_code == 403, (persona, url)
        assert client.post(f"/analysis/runs/{finished.pk}/pdf/prepare/").status_code == 403
    client.force_login(world.evan)
    assert client.get(urls[0]).content == b"%PDF-1.7 kept"
    assert client.get(urls[1]).status_code == 200
