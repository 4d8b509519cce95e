"""A service manager follows background jobs in a real browser: the jobs page (every state, a failure with
its reason), a running job's own page polling until the worker finishes it, and the schedules page with an
invalid expression explained; an administrator sees the schedules. axe-core checks every page, also at
320 px."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, sign_in


def _job(world, label: str, state: str, **kw):  # type: ignore[no-untyped-def]
    from placewell.jobs.models import Job

    return Job.objects.create(kind="t", label=label, func="x.y", service=world.service, state=state, **kw)


def test_service_manager_follows_jobs_and_schedules(page, world) -> None:  # type: ignore[no-untyped-def]
    from django_q.models import Schedule

    from placewell.jobs.models import Job
    from placewell.jobs.schedules import ensure_schedules

    ensure_schedules()
    Schedule.objects.filter(name="Daily alert sweep").update(cron="0 25 * * *")
    _job(world, "Check import 1 (referrals)", Job.State.QUEUED, started_by=world.mandy)
    running = _job(
        world, "Analysis run 2 of trial 1 (plan version 1)", Job.State.RUNNING, started_by=world.mandy,
        progress_done=3, progress_total=10, message="Estimating impacts", heartbeat_at=timezone.now(),
    )  # fmt: skip
    _job(
        world,
        "Run import 3 (contacts)",
        Job.State.FAILED,
        failure="The uploaded file is no longer there: upload it again",
    )
    _job(world, "PDF of the report of analysis run 2", Job.State.SUCCEEDED, message="PDF ready")

    sign_in(page, "mandy", PASSWORD)
    page.get_by_role("link", name="Background jobs").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Background jobs").is_visible()
    assert page.get_by_text("The uploaded file is no longer there: upload it again").is_visible()
    assert page.get_by_text("3 of 10: Estimating impacts").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Failed (1)").click()
    page.wait_for_load_state()
    table = page.get_by_role("table", name="Failed jobs, newest first")
    assert table.get_by_text("Run import 3 (contacts)").is_visible()
    assert table.get_by_text("Check import 1").count() == 0
    assert_accessible(page)

    page.goto(f"/jobs/{running.pk}/")
    assert page.get_by_role("heading", name="Analysis run 2 of trial 1 (plan version 1)").is_visible()
    assert page.get_by_text("This page updates by itself").is_visible()
    assert_accessible(page)
    # The worker finishes the job; the page's polling shows it without a reload.
    Job.objects.filter(pk=running.pk).update(
        state=Job.State.SUCCEEDED, message="Finished", finished_at=timezone.now()
    )
    page.get_by_text("Finished", exact=True).first.wait_for()
    assert page.get_by_text("This page updates by itself").count() == 0
    assert_accessible(page)

    page.goto("/jobs/schedules/")
    assert page.get_by_role("heading", name="Schedules").is_visible()
    assert page.get_by_text(
        "This schedule will not run: '0 25 * * *' is not a valid cron expression"
    ).is_visible()
    assert page.get_by_role("rowheader", name="Monthly survey invitations").count() == 1
    assert_accessible(page)


def test_jobs_pages_at_320_px(phone_page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.jobs.models import Job
    from placewell.jobs.schedules import ensure_schedules

    ensure_schedules()
    _job(
        world,
        "Run import 3 (contacts)",
        Job.State.FAILED,
        failure="The records changed since the file was checked",
    )
    sign_in(phone_page, "mandy", PASSWORD)
    for url in ("/jobs/", "/jobs/schedules/"):
        phone_page.goto(url)
        assert_accessible(phone_page)
        assert_no_horizontal_scroll(phone_page)


def test_administrator_sees_every_schedule(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.jobs.schedules import ensure_schedules

    ensure_schedules()
    sign_in(page, "ada", PASSWORD)
    page.get_by_role("link", name="Schedules").click()
    page.wait_for_load_state()
    assert page.get_by_role("rowheader", name="Worker heartbeat").count() == 1
    assert_accessible(page)


def test_evaluator_makes_a_research_extract_as_a_job_and_downloads_it(
    page, world, settings, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Each format the form offers (its one service is chosen already), then the job's page with the file to
    download, read back as a zip holding the chosen format."""
    import io
    import zipfile

    from placewell.governance.pseudonyms import KEY_ENV, KEY_FILE_ENV
    from placewell.jobs.models import Job

    monkeypatch.setenv(KEY_ENV, "browser-extract-test-key-0123456789-abcdefgh")
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    sign_in(page, "evan", PASSWORD)
    for fmt, label, member in (
        ("csv", "CSV", "research_extract.csv"),
        ("parquet", "Parquet", "research_extract.parquet"),
    ):
        page.goto("/governance/research-extract/")
        assert_accessible(page)
        page.get_by_label(label).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Make the extract").click()
        job = Job.objects.filter(kind="governance.extract").latest("pk")
        assert job.args[2] == fmt and job.state == Job.State.SUCCEEDED
        assert page.get_by_role("heading", name=job.label).is_visible()
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Download {job.result_name}").click()
        body = Path(download.value.path()).read_bytes()
        assert member in zipfile.ZipFile(io.BytesIO(body)).namelist()
