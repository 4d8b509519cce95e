"""Helpers for import tests: files written to a temporary folder, and jobs checked and run synchronously."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def import_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PLACEWELL_IMPORT_DIR = str(tmp_path / "imports")
    return settings


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "utf-8", bom: bool = False
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    body = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + body) if bom else body


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def new_job(world, kind: str, body: bytes, name: str = "file.csv", by=None):  # type: ignore[no-untyped-def]
    """An uploaded, saved job, as the upload page makes one."""
    from placewell.imports import storage
    from placewell.imports.models import ImportJob

    job = ImportJob(service=world.service, kind=kind, file_name=name, created_by=by or world.mandy)
    storage.save(job, [body])
    job.save()
    return job


def check(world, kind: str, body: bytes, name: str = "file.csv"):  # type: ignore[no-untyped-def]
    from placewell.imports import runner

    return runner.check(new_job(world, kind, body, name))


def check_and_run(world, kind: str, body: bytes, name: str = "file.csv"):  # type: ignore[no-untyped-def]
    from placewell.imports import runner

    job = check(world, kind, body, name)
    assert job.state == "checked", [*job.column_problems, *job.problems]
    return runner.run(job)


def messages(job) -> list[str]:  # type: ignore[no-untyped-def]
    from placewell.imports.models import problem_text

    return [problem_text(p) for p in [*job.column_problems, *job.problems]]


def write_file(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path
