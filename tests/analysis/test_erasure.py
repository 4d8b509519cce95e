"""Erasure reaches the analysis app: the person's linked administrative months are deleted and their row is
taken out of the datasets earlier runs stored; the runs say so. Without the run's research key the stored
dataset is removed rather than kept with the person in it."""

from __future__ import annotations

import datetime as dt

import pytest

from placewell.analysis import dataset, linkage, runner, services
from placewell.analysis.models import AnalysisRun, LinkedOutcome, RunStatus
from placewell.governance.pseudonyms import record_pseudonym
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from tests.analysis import simulated
from tests.analysis.conftest import KEY
from tests.analysis.helpers import DATA_CUT, build, key_of


def _linked_file() -> bytes:
    rows = [f"{key_of(n, KEY)},2026-0{m},1,1000,0" for n in (1, 3) for m in (2, 3)]
    return "\n".join(["pseudo_nhs_number,month,employed,earnings,out_of_work_benefits", *rows]).encode()


def test_erasure_deletes_the_persons_linked_months_only(world) -> None:  # type: ignore[no-untyped-def]
    cohort = build(world)
    linkage.import_linked_outcomes(by=None, trial=cohort.trial, file_name="dwp.csv", body=_linked_file())
    first, third = cohort.people["two_jobs"], cohort.people["before"]
    assert LinkedOutcome.objects.filter(participant=first).count() == 2
    ps.erase(
        by=world.mandy,
        participant=first,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    assert not LinkedOutcome.objects.filter(participant=first).exists()
    assert LinkedOutcome.objects.filter(participant=third).count() == 2
    assert (
        record_pseudonym(KEY, first.pk) not in dataset.build_dataset(cohort.trial, today=DATA_CUT).data.index
    )


@pytest.fixture
def finished_run(world):  # type: ignore[no-untyped-def]
    records = simulated.build(world, scale=0.02, seed=7)
    content = simulated.plan_content(records)
    content["outcomes"] = [o for o in content["outcomes"] if not o.get("survey")]
    content["subgroups"] = {"variables": ["gender"], "outcomes": ["employed_13wk"]}
    content["economics"]["draws"] = 200
    plan = services.create_plan(by=world.evan, trial=records.trial, content=content)
    run = runner.execute(
        services.start_run(by=world.evan, trial=records.trial, plan=plan), today=simulated.DATA_CUT
    )
    assert run.status == RunStatus.SUCCEEDED, run.error
    return records, run


def test_erasure_takes_the_row_out_of_stored_run_datasets(world, finished_run, client_as) -> None:  # type: ignore[no-untyped-def]
    records, run = finished_run
    frame = dataset.read_parquet(bytes(run.dataset_parquet))
    person = records.trial.allocations.first().participant
    assert record_pseudonym(KEY, person.pk) in frame.index
    before_rows, before_sha = run.dataset_rows, run.dataset_sha256
    ps.erase(
        by=world.mandy,
        participant=person,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    run.refresh_from_db()
    after = dataset.read_parquet(bytes(run.dataset_parquet))
    assert record_pseudonym(KEY, person.pk) not in after.index
    assert (run.dataset_rows, len(after), run.rows_erased_since) == (before_rows - 1, before_rows - 1, 1)
    assert run.dataset_sha256 != before_sha
    page = client_as("evan").get(f"/analysis/runs/{run.pk}/").content.decode()
    assert "asked for their records to be erased" in page and f"now has {before_rows - 1} rows" in page


def test_without_the_runs_key_the_stored_dataset_is_removed(
    world, finished_run, monkeypatch, client_as
) -> None:  # type: ignore[no-untyped-def]
    records, run = finished_run
    monkeypatch.setenv("PLACEWELL_PSEUDONYM_KEY", "another-research-key-of-at-least-32-characters")
    ps.erase(
        by=world.mandy,
        participant=records.trial.allocations.first().participant,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    run = AnalysisRun.objects.get(pk=run.pk)
    assert run.dataset_parquet is None and run.rows_erased_since == 1
    client = client_as("evan")
    assert client.get(f"/analysis/runs/{run.pk}/dataset/").status_code == 404
    assert "it was removed" in client.get(f"/analysis/runs/{run.pk}/").content.decode()
