"""The jobs page (service managers, their own service only) and the schedules page (service managers and
administrators; administrators also see the machinery's own schedules), with every persona."""

from __future__ import annotations

import pytest
from django_q.models import Schedule

from placewell.accounts.models import Service
from placewell.jobs.models import Job
from placewell.jobs.schedules import ensure_schedules

REFUSED_JOBS = ["alice", "bob", "charlie", "tess", "evan", "ada"]
REFUSED_SCHEDULES = ["alice", "bob", "charlie", "tess", "evan"]


def _job(service: Service, label: str, state: str, **kw: object) -> Job:
    return Job.objects.create(kind="t", label=label, func="x.y", service=service, state=state, **kw)


@pytest.mark.parametrize("name", REFUSED_JOBS)
def test_jobs_page_refuses_everyone_but_service_managers(client_as, name) -> None:
    assert client_as(name).get("/jobs/").status_code == 403
    assert client_as(name).get("/jobs/table/").status_code == 403


def test_jobs_page_lists_the_managers_own_services_jobs_in_every_state(client_as, world) -> None:
    other = Service.objects.create(
        name="Elsewhere IPS", provider=world.service.provider, model=world.service.model
    )
    _job(world.service, "Check import 1 (referrals)", Job.State.QUEUED)
    _job(
        world.service,
        "Analysis run 2",
        Job.State.RUNNING,
        progress_done=3,
        progress_total=9,
        message="Fitting",
    )
    _job(world.service, "Run import 3", Job.State.FAILED, failure="The uploaded file is no longer there")
    _job(world.service, "PDF of run 2", Job.State.SUCCEEDED, message="PDF ready")
    _job(other, "Someone else's import", Job.State.QUEUED)
    page = client_as("mandy").get("/jobs/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Check import 1 (referrals)",
        "Analysis run 2",
        "3 of 9: Fitting",
        "Run import 3",
        "The uploaded file is no longer there",
        "PDF ready",
        "All (4)",
        "Failed (1)",
    ):
        assert text in html
    assert "Someone else" not in html
    assert 'hx-get="/jobs/table/"' in html  # polls while jobs are queued or running
    failed = client_as("mandy").get("/jobs/?state=failed").content.decode()
    assert "Run import 3" in failed and "Analysis run 2" not in failed


def test_jobs_page_stops_polling_when_nothing_is_queued_or_running(client_as, world) -> None:
    _job(world.service, "Done", Job.State.SUCCEEDED)
    assert "hx-get" not in client_as("mandy").get("/jobs/table/").content.decode()


@pytest.mark.parametrize("name", REFUSED_SCHEDULES)
def test_schedules_page_refuses_other_roles(client_as, name) -> None:
    assert client_as(name).get("/jobs/schedules/").status_code == 403


def test_schedules_page_shows_each_schedule_with_next_run(client_as, world) -> None:
    ensure_schedules()
    manager = client_as("mandy").get("/jobs/schedules/").content.decode()
    for name in (
        "Monthly survey invitations",
        "Daily alert sweep",
        "Retention review (dry run)",
        "Audit trail check",
    ):
        assert name in manager
    assert "Worker heartbeat" not in manager  # the machinery's own schedules are for administrators
    admin = client_as("ada").get("/jobs/schedules/").content.decode()
    assert "Worker heartbeat" in admin and "Stopped jobs" in admin
    assert "Not run yet" in admin


def test_a_schedule_with_an_invalid_expression_is_shown_with_a_clear_message(client_as, world) -> None:
    ensure_schedules()
    Schedule.objects.filter(name="Daily alert sweep").update(cron="0 25 * * *")  # there is no hour 25
    html = client_as("mandy").get("/jobs/schedules/").content.decode()
    assert "This schedule will not run: &#x27;0 25 * * *&#x27; is not a valid cron expression" in html


def test_a_job_page_is_for_its_starter_and_its_service_manager(client_as, world) -> None:
    job = _job(
        world.service, "Research extract (CSV) of 1 service", Job.State.RUNNING, started_by=world.alice
    )
    assert client_as("alice").get(f"/jobs/{job.pk}/").status_code == 200
    assert client_as("mandy").get(f"/jobs/{job.pk}/").status_code == 200
    for name in ("bob", "charlie", "tess", "evan", "ada"):
        assert client_as(name).get(f"/jobs/{job.pk}/").status_code == 404, name
        assert client_as(name).get(f"/jobs/{job.pk}/status/").status_code == 404, name
    html = client_as("alice").get(f"/jobs/{job.pk}/status/").content.decode()
    assert f'hx-get="/jobs/{job.pk}/status/"' in html


def test_a_failed_job_page_says_why(client_as, world) -> None:
    job = _job(
        world.service, "Run import 9", Job.State.FAILED, started_by=world.mandy, failure="The file changed"
    )
    html = client_as("mandy").get(f"/jobs/{job.pk}/").content.decode()
    assert "The job did not finish" in html and "The file changed" in html and "hx-get" not in html


def test_only_the_starter_downloads_the_file_a_job_made(client_as, world, settings, tmp_path) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    name = default_storage.save("jobs/1/extract.zip", ContentFile(b"PK-zip-bytes"))
    job = _job(
        world.service,
        "Extract",
        Job.State.SUCCEEDED,
        started_by=world.mandy,
        result_file=name,
        result_name="extract.zip",
    )
    other = _job(
        world.service,
        "Extract",
        Job.State.SUCCEEDED,
        started_by=world.alice,
        result_file=name,
        result_name="extract.zip",
    )
    response = client_as("mandy").get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-zip-bytes"
    assert 'filename="extract.zip"' in response["Content-Disposition"]
    assert (
        client_as("mandy").get(f"/jobs/{other.pk}/download/").status_code == 404
    )  # her service, not her file
    default_storage.delete(name)
    assert client_as("mandy").get(f"/jobs/{job.pk}/download/").status_code == 404


def test_a_failed_schedule_run_shows_its_reason_not_a_traceback(db) -> None:
    from placewell.jobs.schedules import _outcome

    stored = "Audit event 4 has been changed since it was written. : Traceback (most recent call last):\n  File x\nJobFailed: Audit"
    assert _outcome(stored) == "Audit event 4 has been changed since it was written."


def test_the_jobs_page_makes_the_same_queries_for_3_jobs_as_for_30(client_as, world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("mandy")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/jobs/").status_code == 200
        return len(captured)

    for n in range(3):
        _job(world.service, f"Job {n}", Job.State.FAILED, started_by=world.alice, failure="why")
    few = queries()
    for n in range(27):
        _job(world.service, f"More {n}", Job.State.SUCCEEDED, started_by=world.bob)
    assert queries() == few
