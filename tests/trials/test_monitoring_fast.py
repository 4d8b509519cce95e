"""Balance and interim monitoring read the full-size trial in a fixed number of queries, and give the same
figures as the code they replaced.

The references are ``legacy_baseline_balance`` and ``legacy_survey_response`` in
``benchmarks/bench_trial_monitoring.py``: the computations as they were before they were made fast (every
allocation and its participant as model instances; every invitation counted in Python), kept there as the
benchmark's baseline. Both run on the same loaded trial; every count, mean, proportion and standardised
difference must be the same value, not merely close.
"""

from __future__ import annotations

import pytest
from benchmarks.bench_trial_monitoring import (
    legacy_baseline_balance,
    legacy_baseline_questionnaires,
    legacy_survey_response,
)
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from placewell.participants.models import Participant, Status
from placewell.trials import demo_fullsize, monitoring
from placewell.trials.models import Allocation


@pytest.fixture
def loaded(world):  # type: ignore[no-untyped-def]
    """About a hundred randomised people from the full-size loader, in a service the world's evaluator (evan)
    covers, with some baseline answers missing so that the not-recorded paths are exercised."""
    result = demo_fullsize.load_fullsize_trial(scale=0.01, progress=lambda _m: None)
    assert result is not None
    service = result.trial.service
    service.commissioner = world.commissioner
    service.save(update_fields=["commissioner"])
    ids = result.participant_ids.tolist()
    Participant.objects.filter(pk__in=ids[:4]).update(gender="", work_history="", ethnic_group="")
    Participant.objects.filter(pk__in=ids[4:6]).update(date_of_birth=None, activity_limitation="")
    Participant.objects.filter(pk__in=ids[6:8]).update(health_conditions=[])
    return result


def test_balance_equals_the_model_instance_computation(loaded) -> None:  # type: ignore[no-untyped-def]
    trial = loaded.trial
    fast, reference = monitoring.baseline_balance(trial), legacy_baseline_balance(trial)
    assert fast == reference  # every cell, n and SMD float identical
    assert fast["n"] == len(loaded.participant_ids) > 50
    ages = next(r for r in fast["rows"] if r["label"] == "Age (years)")
    assert sum(c["n"] for c in ages["cells"]) == fast["n"] - 2  # the two without a date of birth
    stress = next(r for r in fast["rows"] if r["label"] == "Stress or anxiety")
    assert sum(c["n"] for c in stress["cells"]) == fast["n"]  # no conditions listed counts as "no"
    # Erased people leave both computations alike.
    Participant.objects.filter(pk__in=loaded.participant_ids[10:20].tolist()).update(status=Status.ERASED)
    after = monitoring.baseline_balance(trial)
    assert after == legacy_baseline_balance(trial) and after["n"] == fast["n"] - 10


@pytest.mark.parametrize("by_arm", [False, True])
def test_survey_response_equals_the_per_invitation_count(loaded, by_arm) -> None:  # type: ignore[no-untyped-def]
    trial = loaded.trial
    fast = monitoring.survey_response(trial, by_arm=by_arm)
    assert fast == legacy_survey_response(trial, by_arm=by_arm)
    assert len(fast["waves"]) >= 2 and all(w["invited"] > 0 for w in fast["waves"])
    if by_arm:
        for wave in fast["waves"]:
            assert sum(a["invited"] for a in wave["arms"]) == wave["invited"]
            assert sum(a["responded"] for a in wave["arms"]) == wave["responded"]
    Participant.objects.filter(pk__in=loaded.participant_ids[::3].tolist()).update(status=Status.ERASED)
    assert monitoring.survey_response(trial, by_arm=by_arm) == legacy_survey_response(trial, by_arm=by_arm)


def test_completeness_equals_the_per_response_count(loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import Response

    trial = loaded.trial
    ids = loaded.participant_ids.tolist()
    baseline = Response.objects.filter(invitation__wave__is_baseline=True, participant_id__in=ids)
    baseline.filter(participant_id__in=ids[:3]).update(complete=False)  # answered in part
    baseline.filter(participant_id__in=ids[3:5]).delete()  # not answered
    fast = monitoring.completeness(trial)
    monkeypatch.setattr(monitoring, "_baseline_questionnaires", legacy_baseline_questionnaires)
    assert monitoring.completeness(trial) == fast
    questionnaires = {q["label"]: q for q in fast["questionnaires"]}
    assert {q["missing"] for q in questionnaires.values()} == {2}
    assert {q["partial"] for q in questionnaires.values()} == {3}


def test_months_equal_the_database_month_truncation(loaded) -> None:  # type: ignore[no-untyped-def]
    """Counts by month are grouped by day in SQL and by month in Python; the reference is Django's own
    TruncMonth grouping on the same allocations."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    trial = loaded.trial
    allocations = Allocation.objects.filter(trial=trial).exclude(participant__status=Status.ERASED).order_by()
    by_month = allocations.annotate(month=TruncMonth("allocated_on")).values_list("month")
    expected = list(by_month.annotate(n=Count("id")).order_by("month").values_list("month", "n"))
    assert len(expected) >= 3
    assert [(r["month"], r["n"]) for r in monitoring.recruitment(trial)["months"]] == expected
    arms = [a.pk for a in trial.arms.all()]
    grouped = by_month.values_list("month", "arm_id").annotate(n=Count("id"))
    cells = {(m, a): n for m, a, n in grouped.values_list("month", "arm_id", "n")}
    months = monitoring.arm_counts(trial)["months"]
    assert [m["month"] for m in months] == [m for m, _ in expected]
    assert all(m["counts"] == [cells.get((m["month"], a), 0) for a in arms] for m in months)
    sites = monitoring.recruitment_by_site(trial)
    assert [sum(c["n"] for c in row["counts"]) for row in sites["rows"]] == [n for _, n in expected]


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["interim", "balance"])
def test_query_count_does_not_grow_with_the_trial(loaded, client, world, page) -> None:  # type: ignore[no-untyped-def]
    """The same number of queries for all of the trial and for half of it (the other half erased): each
    figure is one aggregate or one pass over tuples, never a query per person."""
    client.force_login(world.evan)  # sees arms, so the interim page includes baseline balance
    url = reverse(f"trials:{page}", args=[loaded.trial.pk])
    client.get(url)  # sessions and caches settle
    full = _queries(client, url)
    Participant.objects.filter(pk__in=loaded.participant_ids[::2].tolist()).update(status=Status.ERASED)
    assert _queries(client, url) == full
    assert full <= {"interim": 25, "balance": 15}[page]
