"""Runs, reports, downloads, the command and who may do what."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from placewell.accounts.models import AuditEvent
from placewell.analysis import runner, services
from placewell.analysis.models import AnalysisRun, DatasetRelease, RunStatus
from tests.analysis import simulated
from tests.trials.helpers import make_trial


@pytest.fixture
def small(world):  # type: ignore[no-untyped-def]
    """A small simulated trial (about 200 people) and a plan of the two service-record outcomes."""
    records = simulated.build(world, scale=0.02, seed=7)
    content = simulated.plan_content(records)
    content["outcomes"] = [o for o in content["outcomes"] if not o.get("survey")]
    content["subgroups"] = {"variables": ["gender"], "outcomes": ["employed_13wk"]}
    content["economics"]["draws"] = 200
    return records, content


def _run(world, records, plan):  # type: ignore[no-untyped-def]
    run = services.start_run(by=world.evan, trial=records.trial, plan=plan)
    return runner.execute(run, today=simulated.DATA_CUT)


def test_a_report_names_its_plan_version_hash_and_lock_time(world, small) -> None:  # type: ignore[no-untyped-def]
    records, content = small
    draft = services.create_plan(by=world.evan, trial=records.trial, content=content)
    run = _run(world, records, draft)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert not run.locked_before_data and "This plan was not locked" in run.report_html
    assert f'<dd class="govuk-summary-list__value">{draft.version}</dd>' in run.report_html
    # Locked after the data were read (the run above read them): the report says so.
    late = services.lock_plan(by=world.evan, plan=draft)
    run = _run(world, records, late)
    assert run.status == RunStatus.SUCCEEDED and not run.locked_before_data
    assert "locked after the outcome data were first read" in run.report_html
    assert late.content_sha256 in run.report_html and run.plan_sha256 == late.content_sha256


def test_a_plan_locked_before_the_data_is_reported_as_such(world, small) -> None:  # type: ignore[no-untyped-def]
    records, content = small
    plan = services.lock_plan(
        by=world.evan, plan=services.create_plan(by=world.evan, trial=records.trial, content=content)
    )
    run = _run(world, records, plan)
    assert run.locked_before_data and run.plan_locked_at == plan.locked_at
    assert "Not locked" not in run.report_html and "was not locked" not in run.report_html
    assert f"{plan.locked_at:%Y}" in run.report_html and "Evan Persona" in run.report_html
    assert run.results["plan"]["locked_before_data"] is True
    assert run.results["plan"]["locked_at"] == plan.locked_at.isoformat()


def test_a_run_on_a_trial_with_no_allocations_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    plan = services.create_plan(by=world.evan, trial=trial)
    with pytest.raises(services.AnalysisError, match="No one has been randomised in this trial yet"):
        services.start_run(by=world.evan, trial=trial, plan=plan)
    client.force_login(world.evan)
    response = client.post(f"/analysis/trials/{trial.pk}/plans/{plan.version}/run/", follow=True)
    assert "No one has been randomised in this trial yet" in response.content.decode()
    assert not AnalysisRun.objects.exists()


def test_a_plan_the_data_cannot_satisfy_fails_with_a_message_and_no_results(world, small) -> None:  # type: ignore[no-untyped-def]
    records, content = small
    broken = copy.deepcopy(content)
    broken["outcomes"].append(
        {"column": "admin_employed_13wk", "label": "Admin", "report": "natural", "role": ""}
    )
    plan = services.create_plan(by=world.evan, trial=records.trial, content=broken)
    run = _run(world, records, plan)
    assert run.status == RunStatus.FAILED
    assert "Outcome 'admin_employed_13wk' has 0 recorded values" in run.error and "new version" in run.error
    assert run.results is None and run.report_html == "" and not run.dataset_sha256


def test_pages_downloads_and_audit(world, small, client) -> None:  # type: ignore[no-untyped-def]
    records, content = small
    plan = services.lock_plan(
        by=world.evan, plan=services.create_plan(by=world.evan, trial=records.trial, content=content)
    )
    client.force_login(world.evan)
    response = client.post(f"/analysis/trials/{records.trial.pk}/plans/{plan.version}/run/")
    run = AnalysisRun.objects.get()
    assert response["Location"] == f"/analysis/runs/{run.pk}/"
    page = client.get(f"/analysis/runs/{run.pk}/").content.decode()
    assert "Analysis report" in page and "Download the report (PDF)" in page
    progress = client.get(f"/analysis/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    html = client.get(f"/analysis/runs/{run.pk}/report.html")
    assert html["Content-Disposition"].startswith("attachment") and b"<style>" in html.content
    # Today's dataset: a zip with CSV, Parquet, dictionary and read-me, audited as an export.
    response = client.post(f"/analysis/trials/{records.trial.pk}/dataset/")
    files = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(files.namelist()) == [
        "README.txt", "analysis_dataset.csv", "analysis_dataset.parquet", "data_dictionary.csv"
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="export", record_type="analysis_dataset").count() == 1
    assert DatasetRelease.objects.filter(trial=records.trial, released_to=world.evan).count() == 1


def test_only_evaluators_in_scope_and_the_named_statistician_may_analyse(world, small, client) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts import services as acc
    from placewell.accounts.models import Role

    records, _content = small
    trial = records.trial
    urls = [f"/analysis/trials/{trial.pk}/", "/analysis/"]
    for persona in ("alice", "tess", "mandy", "ada"):
        client.force_login(getattr(world, persona))
        for url in urls:
            assert client.get(url).status_code == 403, (persona, url)
        assert client.post(f"/analysis/trials/{trial.pk}/dataset/").status_code == 403
    client.force_login(world.evan)
    assert client.get(urls[0]).status_code == 200
    other_org = acc.create_organisation(by=None, name="University", kind="commissioner")
    stats = acc.create_staff(
        by=None, username="sam", password="correct-horse-battery-staple-42", first_name="Sam",
        last_name="Statistician", email="sam@example.org", role=Role.EVALUATOR, organisation=other_org,
    )  # fmt: skip
    client.force_login(stats)
    assert client.get(urls[0]).status_code == 404  # outside their organisation, not named
    # The service manager names them on the statistician page; specialists may not.
    client.force_login(world.alice)
    assert client.get(f"/analysis/trials/{trial.pk}/statisticians/").status_code == 403
    client.force_login(world.mandy)
    assert client.get(f"/analysis/trials/{trial.pk}/statisticians/").status_code == 200
    response = client.post(f"/analysis/trials/{trial.pk}/statisticians/", {"user": world.alice.pk})
    assert response.status_code == 200  # a specialist is not offered
    assert client.post(f"/analysis/trials/{trial.pk}/statisticians/", {"user": stats.pk}).status_code == 302
    client.force_login(stats)
    assert client.get(urls[0]).status_code == 200
    body = client.get("/").content.decode()
    assert f"/analysis/trials/{trial.pk}/" in body  # the home panel lists the trial


def test_the_trial_page_links_to_the_analysis(world, small, client) -> None:  # type: ignore[no-untyped-def]
    records, _ = small
    client.force_login(world.evan)
    assert (
        f'href="/analysis/trials/{records.trial.pk}/"'
        in client.get(f"/trials/{records.trial.pk}/").content.decode()
    )
    client.force_login(world.mandy)
    body = client.get(f"/trials/{records.trial.pk}/").content.decode()
    assert f"/analysis/trials/{records.trial.pk}/statisticians/" in body
    assert f'href="/analysis/trials/{records.trial.pk}/"' not in body


def test_the_command_writes_the_report_and_dataset(world, small, tmp_path) -> None:  # type: ignore[no-untyped-def]
    records, content = small
    with pytest.raises(CommandError, match="no analysis plan"):
        call_command("analyse_trial", records.trial.registration_number, "--out", str(tmp_path))
    services.lock_plan(
        by=world.evan, plan=services.create_plan(by=world.evan, trial=records.trial, content=content)
    )
    out = io.StringIO()
    call_command(
        "analyse_trial",
        records.trial.registration_number,
        "--out",
        str(tmp_path),
        stdout=out,
        stderr=io.StringIO(),
    )
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        ["README.txt", "analysis_dataset.csv", "analysis_dataset.parquet", "data_dictionary.csv", "report.html",
         "report.pdf", "results.json"]
    )  # fmt: skip
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "plan version 1" in out.getvalue()


def test_a_trial_with_no_allocations_has_an_empty_dataset(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.analysis.dataset import build_dataset

    trial = make_trial(world)
    ds = build_dataset(trial)
    assert ds.rows == 0 and ds.flow.randomised == 0
    assert list(ds.table().columns) == [c.name for c in ds.columns]


def test_subgroups_are_reported_in_words(world, small) -> None:  # type: ignore[no-untyped-def]
    """The subgroup table names the outcome by its plan label and the variable by its dictionary label, and
    gives the Holm-adjusted test of equal effects once per variable, not on every level."""
    records, content = small
    run = _run(world, records, services.create_plan(by=world.evan, trial=records.trial, content=content))
    assert run.status == RunStatus.SUCCEEDED, run.error
    section = run.report_html.split('id="subgroups"')[1].split("</table>")[0]
    assert "employed_13wk" not in section and "Employment" in section
    rows = section.split('<tr class="govuk-table__row">')[2:]  # after the header row
    levels = len(rows)
    blank = [r for r in rows if '<td class="govuk-table__cell"></td></tr>' in r]
    assert levels >= 2 and len(blank) == levels - 1, section
