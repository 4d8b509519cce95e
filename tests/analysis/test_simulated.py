"""End to end on a simulated trial with known effects: records, plan, lock, run, report.

The reference is the engine's ``estimate_itt`` (itself tested against statsmodels to 1e-8) applied by hand to
the dataset file the report links to: the run's figures must equal it to 1e-10. The simulation's true
effects (``simulate_trial(...).truth``) must lie inside the report's 95% intervals.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from placewell.analysis import runner, services
from placewell.analysis.dataset import read_parquet
from placewell.analysis.models import RunStatus
from placewell.engine.evaluation import estimate_itt, nonresponse_weights
from tests.analysis.simulated import DATA_CUT, build, plan_content

TRUE_KEYS = {"employed_13wk": "employed_13wk", "earnings_12m": "earnings_12m", "eq5d_12m": "eq5d_12m",
             "swemwbs_12m": "swemwbs_12m"}  # fmt: skip


@pytest.fixture
def simulated(world):  # type: ignore[no-untyped-def]
    return build(world)


def test_report_equals_estimate_itt_on_the_dataset_and_covers_the_truth(world, simulated, client) -> None:  # type: ignore[no-untyped-def]
    content = plan_content(simulated)
    plan = services.create_plan(by=world.evan, trial=simulated.trial, content=content)
    plan = services.lock_plan(by=world.evan, plan=plan)
    run = services.start_run(by=world.evan, trial=simulated.trial, plan=plan)
    run = runner.execute(run, today=DATA_CUT)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.dataset_rows == len(simulated.data) and run.locked_before_data

    # The dataset the report links to, as an evaluator downloads it.
    client.force_login(world.evan)
    body = client.get(f"/analysis/runs/{run.pk}/dataset/").content
    files = zipfile.ZipFile(io.BytesIO(body))
    frame = read_parquet(files.read("analysis_dataset.parquet"))
    assert len(frame) == run.dataset_rows
    csv_frame = pd.read_csv(files.open("analysis_dataset.csv"))
    assert next(iter(csv_frame.columns)) == "pseudo_id" and len(csv_frame) == len(frame)

    impacts = {(r["group"], r["outcome"]): r for r in run.results["impacts"]}
    covariates = content["covariates"]
    checked = 0
    for group in content["groups"]:
        rows = frame.loc[frame["trial_group"].isin(group["members"])]
        strata = ["trial_group"] if len(group["members"]) > 1 else []
        for outcome in content["outcomes"]:
            column = outcome["column"]
            weights = None
            data = rows
            if column in ("eq5d_12m", "swemwbs_12m"):
                covs = list(content["nonresponse"]["covariates"]) + (["trial_group"] if strata else [])
                nr = nonresponse_weights(rows, "responded_12m", "treatment", covs, trim_ratio=5.0)
                data = rows.assign(w=nr.weights)
                weights = "w"
            expected = estimate_itt(data, column, "treatment", covariates, weights, strata, se="HC2")
            got = impacts[(group["name"], column)]
            assert got["effect"] == pytest.approx(expected.effect, abs=1e-10, rel=1e-10), (
                group["name"],
                column,
            )
            assert got["se"] == pytest.approx(expected.se, abs=1e-10, rel=1e-10)
            truth = simulated.truth[{"SCR IW": "SCR IW", "SCR OOW": "SCR OOW", "All SCR": "All SCR",
                                     "WMCA": "WMCA OOW", "All OOW": "All OOW"}[group["name"]]][TRUE_KEYS[column]]  # fmt: skip
            low, high = expected.ci(95)
            assert low <= truth <= high, (group["name"], column, truth, low, high)
            checked += 1
    assert checked == 20

    # The report: Table 2.1, Table 2.2 with Monte Carlo, CACE, subgroups, flow, plan version and lock.
    html = run.report_html
    for text in ("Primary outcomes (the layout of DWP research report 1025, Table 2.1)", "Costs and returns for every £1 spent",
                 "Complier average causal effects", "The effect within each level", "Flow of participants",
                 f"Randomised: {len(simulated.data):,}", "Plan version", run.plan_sha256,
                 "Baseline balance", f"/analysis/runs/{run.pk}/dataset/"):  # fmt: skip
        assert text in html, text
    assert "was not locked" not in html
    assert run.results["economics"]["SCR IW"]["monte_carlo"]["economic"]["draws"] == 2000
    page = client.get(f"/analysis/runs/{run.pk}/").content.decode()
    assert "Table 2.1" in page
    pdf = client.get(f"/analysis/runs/{run.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
