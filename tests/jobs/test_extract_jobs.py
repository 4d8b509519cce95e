"""The research extract as a job: the page queues it; a key missing when the worker runs, an account or a
service gone, a permission lost meanwhile, or a broker that is down, each ends with a clear message and no
file and no audit event of an export."""

from __future__ import annotations

import pytest
from django_q.conf import Conf

from placewell.accounts.models import AuditEvent, Role
from placewell.governance import tasks
from placewell.governance.pseudonyms import KEY_ENV, KEY_FILE_ENV
from placewell.jobs.models import Job


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "jobs-extract-test-key-0123456789-abcdefghij")
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


@pytest.fixture
def files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _exports() -> int:
    return AuditEvent.objects.filter(action="export", record_type="governance_export").count()


def test_the_extract_job_makes_the_file_for_its_requester(world, participant, key, files) -> None:
    job = tasks.queue_research_extract(by=world.evan, service_ids=[world.service.pk], fmt="csv")
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.failure
    assert job.result_name.startswith("research-extract-") and job.result_name.endswith(".zip")
    assert (files / job.result_file).is_file()
    # A referral who has not yet agreed is not in the extract.
    assert job.message == "Extract ready to download: 0 people"
    assert _exports() == 1


def test_a_key_missing_when_the_worker_runs_fails_saying_what_to_do(world, files, monkeypatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    job = tasks.queue_research_extract(by=world.evan, service_ids=[world.service.pk], fmt="csv")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure == tasks.KEY_MISSING
    assert job.result_file == "" and _exports() == 0


def test_a_permission_lost_before_the_worker_runs_fails_and_makes_nothing(world, key, files) -> None:
    from placewell.accounts.models import User

    User.objects.filter(pk=world.evan.pk).update(role=Role.SPECIALIST)  # moved to another role meanwhile
    job = tasks.queue_research_extract(by=world.evan, service_ids=[world.service.pk], fmt="csv")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure.endswith("No extract was made.")
    assert job.result_file == "" and _exports() == 0


def test_an_account_removed_before_the_worker_runs_fails_saying_so(world, key, files) -> None:
    from placewell.accounts.models import User

    User.objects.filter(pk=world.evan.pk).update(is_active=False)
    job = tasks.queue_research_extract(by=world.evan, service_ids=[world.service.pk], fmt="csv")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.failure == "The account that asked for this extract no longer exists, so no extract was made."


def test_the_page_with_the_broker_down_says_so_and_queues_nothing(
    client_as, world, key, settings, monkeypatch
) -> None:
    settings.PLACEWELL_TASK_BROKER = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:1/0")
    response = client_as("evan").post(
        "/governance/research-extract/", {"service": str(world.service.pk), "format": "csv"}
    )
    assert response.status_code == 200
    assert "task queue is not reachable, so nothing was saved" in response.content.decode()
    assert not Job.objects.exists() and _exports() == 0
