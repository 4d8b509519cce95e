"""Import uploads through Django's storage API: private files, read back on any server, and deleted once
imported or abandoned."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from django.utils import timezone

from placewell.imports import runner, storage
from placewell.imports.models import ImportJob
from tests.imports.conftest import csv_bytes
from tests.imports.test_import_rules import REFERRAL_HEADER, referral_rows


@pytest.fixture(autouse=True)
def upload_folder(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PLACEWELL_IMPORT_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


def uploaded(world, rows: int = 3) -> ImportJob:  # type: ignore[no-untyped-def]
    job = ImportJob(service=world.service, kind="referrals", file_name="People.CSV", created_by=world.mandy)
    storage.save(job, [csv_bytes(REFERRAL_HEADER, referral_rows(rows))])
    job.save()
    return job


def test_an_upload_is_readable_by_placewells_user_only(world, upload_folder) -> None:  # type: ignore[no-untyped-def]
    job = uploaded(world)
    file = upload_folder / job.token / "upload.csv"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    assert storage.exists(job) and storage.stored_sha256(job) == job.file_sha256
    storage.publish(job, "checking", 2, None)
    assert stat.S_IMODE((file.parent / "progress.json").stat().st_mode) == 0o600
    assert storage.progress(job) == {"phase": "checking", "done": 2, "total": None}


def test_the_default_storage_is_the_imports_folder_under_var(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_IMPORT_DIR = ""
    options = settings.STORAGES["imports"]["OPTIONS"]
    assert settings.STORAGES["imports"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert options["location"] == str(settings.VAR_DIR / "imports")
    assert (options["file_permissions_mode"], options["directory_permissions_mode"]) == (0o600, 0o700)
    assert storage.base_dir() == settings.VAR_DIR / "imports"


def test_checked_and_imported_the_upload_is_gone(world, upload_folder) -> None:  # type: ignore[no-untyped-def]
    job = runner.check(uploaded(world))
    assert job.state == ImportJob.State.CHECKED and storage.exists(job)
    job = runner.run(job)
    assert job.state == ImportJob.State.DONE
    assert not storage.exists(job) and not (upload_folder / job.token).exists()


def test_an_upload_that_vanished_before_its_check_says_so(world) -> None:  # type: ignore[no-untyped-def]
    job = uploaded(world)
    storage.discard(job)
    with pytest.raises(FileNotFoundError), storage.local_copy(job):
        pass
    job = runner.check(job)
    assert job.state == ImportJob.State.INVALID
    assert job.column_problems[0]["message"] == "The uploaded file is no longer there: upload it again"


def test_abandoned_uploads_are_deleted_after_a_day(world, upload_folder, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_IMPORT_KEEP_HOURS = 24
    now = timezone.now()
    waiting = runner.check(uploaded(world))  # checked, never confirmed
    fresh = runner.check(uploaded(world))  # checked an hour ago: still within the day
    importing = uploaded(world)
    ImportJob.objects.filter(pk=waiting.pk).update(checked_at=now - dt.timedelta(hours=25))
    ImportJob.objects.filter(pk=fresh.pk).update(checked_at=now - dt.timedelta(hours=1))
    ImportJob.objects.filter(pk=importing.pk).update(
        state=ImportJob.State.IMPORTING, created_at=now - dt.timedelta(days=3)
    )
    finished = uploaded(world)
    ImportJob.objects.filter(pk=finished.pk).update(state=ImportJob.State.DONE)  # a crash left its file
    orphan = upload_folder / "0123456789abcdef0123456789abcdef"
    orphan.mkdir(mode=0o700)
    (orphan / "upload.csv").write_bytes(b"no job was ever saved for this")
    two_days_ago = (now - dt.timedelta(days=2)).timestamp()
    os.utime(orphan / "upload.csv", (two_days_ago, two_days_ago))

    counts = storage.purge_abandoned(now=now)

    assert counts == {"finished": 1, "expired": 1, "orphaned": 1}
    waiting.refresh_from_db()
    assert waiting.state == ImportJob.State.FAILED
    assert waiting.failure.startswith(
        "The file was checked but not imported within 24 hours, so it was deleted"
    )
    assert not storage.exists(waiting) and not storage.exists(finished) and not orphan.exists()
    assert storage.exists(fresh) and storage.exists(importing)  # waiting less than a day, or being imported
    fresh.refresh_from_db()
    assert fresh.state == ImportJob.State.CHECKED


def test_a_young_orphan_is_kept(world, upload_folder) -> None:  # type: ignore[no-untyped-def]
    orphan = upload_folder / "fedcba9876543210fedcba9876543210"
    orphan.mkdir(parents=True, mode=0o700)
    (orphan / "upload.csv").write_bytes(b"an upload whose job is being saved right now")
    assert storage.purge_abandoned() == {"finished": 0, "expired": 0, "orphaned": 0}
    assert orphan.exists()


def test_the_command_reports_what_it_deleted(world, upload_folder) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command

    job = uploaded(world)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.INVALID)
    out = StringIO()
    call_command("purge_import_uploads", stdout=out)
    assert out.getvalue().strip() == (
        "Deleted 0 uploads not imported in time, 1 left by finished imports and 0 that belonged to no import."
    )
    assert not storage.exists(job)


@pytest.fixture
def object_storage(settings):  # type: ignore[no-untyped-def]
    """Uploads in a storage with no files on this machine's disk (Django's in-memory storage, like S3), so
    reading goes through a private temporary copy."""
    settings.PLACEWELL_IMPORT_DIR = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return storage.files()


def test_an_import_from_object_storage_is_read_through_a_private_copy(world, object_storage) -> None:  # type: ignore[no-untyped-def]
    job = uploaded(world, rows=4)
    with storage.local_copy(job) as copy:
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700 and copy.read_bytes().startswith(
            b"external_id"
        )
    assert not copy.exists()  # the copy is gone once read
    job = runner.run(runner.check(job))
    assert job.state == ImportJob.State.DONE and job.counts["created"] == 4
    assert not storage.exists(job) and object_storage.listdir(job.token)[1] == []  # no file is left


def test_abandoned_uploads_are_purged_from_object_storage(world, object_storage) -> None:  # type: ignore[no-untyped-def]
    job = runner.check(uploaded(world))
    ImportJob.objects.filter(pk=job.pk).update(checked_at=timezone.now() - dt.timedelta(hours=25))
    assert storage.purge_abandoned() == {"finished": 0, "expired": 1, "orphaned": 0}
    assert object_storage.listdir(job.token)[1] == []
