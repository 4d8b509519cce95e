"""The demo's draft plan for the full-size trial: the Health-led Trials' five groups with their published
costs, unlocked; locked and run, it gives costs and returns (Table 2.2) with the Monte Carlo spread."""

from __future__ import annotations

from placewell.accounts.models import Role, User
from placewell.analysis import demo, runner, services
from placewell.analysis.models import AnalysisPlan, RunStatus
from placewell.engine.evaluation import load_parameters
from placewell.trials import demo_fullsize


def test_the_demo_plan_is_a_draft_with_the_seeds_groups_and_costs(world) -> None:  # type: ignore[no-untyped-def]
    User.objects.create_user(username="eve", password="x" * 20, role=Role.EVALUATOR)
    loaded = demo_fullsize.load_fullsize_trial(scale=0.05, progress=lambda _m: None)
    assert loaded is not None
    messages: list[str] = []
    demo.demo_step(None, messages.append)  # type: ignore[arg-type]
    demo.demo_step(None, messages.append)  # type: ignore[arg-type]  # again: nothing more
    plan = AnalysisPlan.objects.get(trial=loaded.trial)
    assert len(messages) == 1 and not plan.is_locked and plan.created_by.username == "eve"
    shipped = load_parameters()
    names = [g["name"] for g in plan.content["groups"]]
    assert names == ["SCR IW", "SCR OOW", "All SCR", "WMCA", "All OOW"]
    assert all(f"cost_per_treated_recruit.{g['cost_key']}" in shipped for g in plan.content["groups"])
    content = dict(plan.content)
    content["economics"] = {**content["economics"], "draws": 500}
    content["subgroups"] = {"variables": [], "outcomes": []}
    small = services.create_plan(by=plan.created_by, trial=loaded.trial, content=content)
    run = runner.execute(services.start_run(by=plan.created_by, trial=loaded.trial, plan=small))
    assert run.status == RunStatus.SUCCEEDED, run.error
    # Seed 001, Table 2.2: cost per recruit to the treatment group, SCR IW £2,116 (the shipped parameter).
    assert "Costs and returns" in run.report_html and "2,116" in run.report_html
    assert set(run.results["economics"]) == set(names)
