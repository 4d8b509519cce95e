"""Analysis plans: the default, validation against the data dictionary, locking and versions."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from placewell.accounts.models import AuditEvent
from placewell.analysis import plan as plans
from placewell.analysis import services
from placewell.analysis.models import AnalysisPlan, PlanLockedError
from tests.trials.helpers import make_trial


@pytest.fixture
def trial(world):  # type: ignore[no-untyped-def]
    return make_trial(world)


def test_the_default_plan_follows_the_trial_and_the_hlt_plan(trial) -> None:  # type: ignore[no-untyped-def]
    content = plans.default_plan(trial)
    names = [g["name"] for g in content["groups"]]
    assert names == [
        "North site · In work",
        "North site · Out of work",
        "South site · Out of work",
        "All North site",
        "All groups",
    ]
    assert [o["column"] for o in content["outcomes"] if o["primary"]] == [
        "employed_13wk",
        "earnings_12m",
        "eq5d_12m",
        "swemwbs_12m",
    ]
    assert content["covariates"][:2] == ["age_band", "gender"] and content["se"] == "HC2"
    assert content["cace"]["receipt"] == "meetings"
    assert plans.validate(content, plans.names_for(trial)) == []


def test_the_hash_is_sha256_of_canonical_json(trial, world) -> None:  # type: ignore[no-untyped-def]
    plan = services.create_plan(by=world.evan, trial=trial)
    canonical = json.dumps(plan.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert plan.content_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    reordered = dict(reversed(list(plan.content.items())))
    assert plans.content_hash(reordered) == plan.content_sha256


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda c: c["outcomes"].append({"column": "happiness", "report": "natural"}), "outcomes",
         "Outcome 'happiness' is not a numeric column of the analysis dataset"),
        (lambda c: c["covariates"].append("shoe_size"), "covariates",
         "Covariate 'shoe_size' is not a column of the analysis dataset"),
        (lambda c: c["groups"][0]["members"].append("Mars site"), "groups",
         "names 'Mars site', which is not one of this trial's groups"),
        (lambda c: c["subgroups"]["variables"].append("star_sign"), "subgroup_variables",
         "Subgroup variable 'star_sign' is not a column"),
        (lambda c: c["subgroups"]["outcomes"].append("job_started_12m_x"), "subgroup_outcomes",
         "is not one of the plan's outcomes"),
        (lambda c: c.update(se="HC9"), "se", "Standard errors must be one of"),
    ],
)  # fmt: skip
def test_a_plan_naming_unknown_things_is_refused_saying_what_to_fix(
    trial, world, change, field, message
) -> None:  # type: ignore[no-untyped-def]
    content = copy.deepcopy(plans.default_plan(trial))
    change(content)
    with pytest.raises(plans.PlanError) as caught:
        services.create_plan(by=world.evan, trial=trial, content=content)
    assert any(f == field and message in m for f, m in caught.value.problems), caught.value.problems
    assert any(hint in str(caught.value) for hint in ("use one of", ": use ", "Standard errors", "use "))
    assert not AnalysisPlan.objects.exists()


def test_a_locked_plan_cannot_change_in_the_model_or_the_service(trial, world) -> None:  # type: ignore[no-untyped-def]
    plan = services.create_plan(by=world.evan, trial=trial)
    plan = services.lock_plan(by=world.evan, plan=plan)
    assert plan.locked_by == world.evan and plan.locked_at is not None
    sha = plan.content_sha256
    event = AuditEvent.objects.filter(record_type="analysis_plan", summary__startswith="Locked").get()
    assert event.changes["sha256"] == sha
    changed = copy.deepcopy(plan.content)
    changed["covariates"] = []
    with pytest.raises(PlanLockedError, match="cannot change: start a new version"):
        services.update_plan(by=world.evan, plan=plan, content=changed)
    plan.content = changed
    with pytest.raises(PlanLockedError):
        plan.save()
    with pytest.raises(PlanLockedError):
        AnalysisPlan.objects.filter(pk=plan.pk).update(content={})
    with pytest.raises(PlanLockedError):
        plan.delete()
    with pytest.raises(PlanLockedError):
        services.lock_plan(by=world.evan, plan=plan)
    fresh = AnalysisPlan.objects.get(pk=plan.pk)
    assert fresh.content_sha256 == sha and fresh.content["covariates"]
    new = services.new_version(by=world.evan, plan=fresh)
    assert (new.version, new.based_on, new.locked_at) == (2, fresh, None)
    assert new.content_sha256 == sha  # the same content until it is edited
    services.update_plan(by=world.evan, plan=new, content=changed)
    new.refresh_from_db()
    assert new.content_sha256 != sha


def test_the_locked_plan_cannot_be_edited_through_the_pages(trial, world, client) -> None:  # type: ignore[no-untyped-def]
    plan = services.lock_plan(by=world.evan, plan=services.create_plan(by=world.evan, trial=trial))
    client.force_login(world.evan)
    url = f"/analysis/trials/{trial.pk}/plans/{plan.version}/edit/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith(f"/plans/{plan.version}/")
    response = client.post(url, {"groups": "x | y", "outcomes": "employed_13wk"})
    assert response.status_code == 302
    assert AnalysisPlan.objects.get(pk=plan.pk).content_sha256 == plan.content_sha256
    page = client.get(f"/analysis/trials/{trial.pk}/plans/{plan.version}/").content.decode()
    assert "Locked" in page and "Edit the plan" not in page and plan.content_sha256 in page


def test_the_plan_form_saves_and_shows_errors_beside_the_field(trial, world, client) -> None:  # type: ignore[no-untyped-def]
    from placewell.analysis.forms import PlanForm

    plan = services.create_plan(by=world.evan, trial=trial)
    client.force_login(world.evan)
    data = {k: ("" if v is None else v) for k, v in PlanForm.initial_from(plan.content).items()}
    data["include_wellbeing"] = ""
    data["covariates"] = "age_band, gender, shoe_size"
    url = f"/analysis/trials/{trial.pk}/plans/{plan.version}/edit/"
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Covariate &#x27;shoe_size&#x27; is not a column of the analysis dataset" in body
    assert 'href="#id_covariates"' in body  # the error summary links to the field
    data["covariates"] = "age_band, gender"
    data["costs"] = "north_site_out_of_work = 2416 | Provider accounts"
    response = client.post(url, data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.content["covariates"] == ["age_band", "gender"]
    cost = plan.content["economics"]["parameters"]["cost_per_treated_recruit"]["north_site_out_of_work"]
    assert cost["value"] == 2416 and cost["source"] == "Provider accounts"
    survey = {o["column"]: o["survey"] for o in plan.content["outcomes"]}
    assert survey["eq5d_12m"] and not survey["employed_13wk"]
