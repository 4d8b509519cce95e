"""A 100,000-row contacts file imports in full, with progress, in memory that does not grow with the file.

Memory is measured as the Python heap's allocated blocks (``sys.getallocatedblocks``), sampled at every
progress call (after each batch of rows) through the whole check and import of a 20,000-row file and of a
100,000-row file, as growth over the count after a garbage collection at the start. Keeping each row as
Python objects (a model instance, its field values and a dict) costs at least five blocks a row, so a
100,000-row import that kept its rows would grow by 500,000 blocks or more; the bound is 20,000 blocks for
either file, a fifth of a block a row for the larger. Blocks, not bytes: the test database's own pages
(SQLite's memory, outside the Python heap) do not count, so the figure is the import's memory alone.
tracemalloc would give bytes but slows the run about five-fold. No time is asserted.
"""

from __future__ import annotations

import gc
import sys

from placewell.casework.models import Contact
from placewell.imports import runner, storage
from placewell.imports.models import ImportJob
from tests.imports.conftest import check_and_run, csv_bytes
from tests.imports.test_import_rules import CONTACT_HEADER, REFERRAL_HEADER, referral_rows

PEOPLE = 200
BOUND = 20_000  # heap blocks: a fifth of a block a row at 100,000 rows (see above)


def contact_lines(n: int, prefix: str):  # type: ignore[no-untyped-def]
    yield (",".join(CONTACT_HEADER) + "\r\n").encode()
    for i in range(n):
        minute = i % 60
        line = (
            f"{prefix}-{i},C-{i % PEOPLE + 1},2025-04-{i % 28 + 1:02d} 10:{minute:02d},{30 + i % 60},"
            f"face_to_face,community,job_search; applications,Contact number {i} about the job search\r\n"
        )
        yield line.encode()


def import_measured(world, n: int, prefix: str) -> tuple[int, list[tuple[str, int, int | None]]]:  # type: ignore[no-untyped-def]
    job = ImportJob(service=world.service, kind="contacts", file_name=f"{prefix}.csv", created_by=world.mandy)
    storage.save(job, contact_lines(n, prefix))  # streamed to disk: the file is never in memory whole
    job.save()
    seen: list[tuple[str, int, int | None]] = []
    gc.collect()
    start = sys.getallocatedblocks()
    peak = start

    def progress(*a) -> None:  # type: ignore[no-untyped-def]
        nonlocal peak
        peak = max(peak, sys.getallocatedblocks())
        if a[1] % 10_000 == 0:
            seen.append(a)

    runner.check(job, progress=progress)
    assert job.state == ImportJob.State.CHECKED, job.problems[:3]
    runner.run(job, progress=progress)
    assert job.state == ImportJob.State.DONE, job.failure
    assert job.counts["created"] == n
    assert len(seen) >= n // 10_000  # progress was reported all the way through
    return peak - start, seen


def test_a_100000_row_file_imports_with_progress_in_bounded_memory(world) -> None:  # type: ignore[no-untyped-def]
    check_and_run(world, "referrals", csv_bytes(REFERRAL_HEADER, referral_rows(PEOPLE)))
    small, _ = import_measured(world, 20_000, "S")
    large, progress = import_measured(world, 100_000, "L")
    assert Contact.objects.count() == 120_000
    assert ("writing", 100_000, 100_000) in progress and ("checking", 50_000, None) in progress
    print(f"peak heap growth: 20,000 rows {small:,} blocks, 100,000 rows {large:,} blocks")
    assert small < BOUND and large < BOUND, (small, large)
