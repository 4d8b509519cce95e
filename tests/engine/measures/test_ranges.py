"""GSE, MSK-HQ, job-search self-efficacy and client experience: ranges and scoring rules."""

from __future__ import annotations

import pytest

from placewell.engine.measures import OutOfRangeError, get_instrument, score
from placewell.engine.measures.job_search_self_efficacy import build


def test_gse_range_is_10_to_40() -> None:
    # Schwarzer and Jerusalem (1995): ten items 1-4, total 10-40, no reversed items (INSTRUMENTS.md [V]).
    gse = get_instrument("gse")
    assert gse.item_keys == tuple(f"item{n}" for n in range(1, 11))
    assert score("gse", {f"item{n}": 1 for n in range(1, 11)}).value == 10
    assert score("gse", {f"item{n}": 4 for n in range(1, 11)}).value == 40
    assert (
        score("gse", {f"item{n}": 1 + n % 4 for n in range(1, 11)}).raw
        == 2 + 3 + 4 + 1 + 2 + 3 + 4 + 1 + 2 + 3
    )
    with pytest.raises(OutOfRangeError, match="item3"):
        score("gse", {"item3": 5})
    with pytest.raises(OutOfRangeError, match="item3"):
        score("gse", {"item3": 0})
    assert [o.label for o in gse.items[0].options] == [
        "Not at all true",
        "Hardly true",
        "Moderately true",
        "Exactly true",
    ]
    assert gse.bands == ()


def test_mskhq_range_is_0_to_56_and_activity_days_are_not_in_the_total() -> None:
    # Hill et al. (2016), BMJ Open 6:e012331: 14 items 0-4, total 0-56, higher is better, a separate
    # physical-activity question 0-7 days, minimal important change 5.5 (INSTRUMENTS.md [V]).
    mskhq = get_instrument("mskhq")
    assert tuple(item.key for item in mskhq.scored_items) == tuple(f"item{n}" for n in range(1, 15))
    worst = {f"item{n}": 0 for n in range(1, 15)}
    best = {f"item{n}": 4 for n in range(1, 15)}
    assert score("mskhq", {**worst, "activity_days": 7}).value == 0
    assert score("mskhq", {**best, "activity_days": 0}).value == 56
    assert score("mskhq", {**best, "activity_days": 0}).complete
    without_days = score("mskhq", best)
    assert without_days.value == 56 and not without_days.complete
    assert mskhq.minimal_important_change == 5.5
    assert mskhq.higher_is_better is True
    assert mskhq.wording_status == "stand_in"
    with pytest.raises(OutOfRangeError, match="activity_days"):
        score("mskhq", {**best, "activity_days": 8})


def test_unconfirmed_facts_are_flagged_not_shipped() -> None:
    # INSTRUMENTS.md marks MSK-HQ bands and item order, and the job search scale, as unconfirmed [U].
    assert get_instrument("mskhq").bands == ()
    assert "severity bands" in get_instrument("mskhq").unconfirmed
    assert get_instrument("job_search_self_efficacy").unconfirmed
    assert get_instrument("swemwbs").unconfirmed


def test_job_search_self_efficacy_is_configurable() -> None:
    local = build(
        version="service-a-1",
        items=[("applying", "Filling in an application"), ("interview", "Going to an interview")],
        options=[(0, "Not at all"), (1, "A bit"), (2, "A lot")],
        method="sum",
    )
    result = score(local, {"applying": 2, "interview": 1})
    assert (result.instrument, result.version, result.value) == ("job_search_self_efficacy", "service-a-1", 3)
    assert local.value_range == (0, 4)
    with pytest.raises(OutOfRangeError, match="interview"):
        score(local, {"interview": 3})
    with pytest.raises(ValueError, match="consecutive"):
        build("x", [("a", "A")], options=[(1, "one"), (3, "three")])


def test_job_search_placeholder_scores_the_mean_of_nine_items() -> None:
    placeholder = get_instrument("job_search_self_efficacy")
    assert len(placeholder.items) == 9
    answers = dict(zip(placeholder.item_keys, [1, 2, 3, 4, 5, 5, 4, 3, 2], strict=True))
    assert score(placeholder, answers).value == 29 / 9


def test_client_experience_reports_the_mean_agreement() -> None:
    client = get_instrument("client_experience")
    keys = client.item_keys
    assert {"understands_needs", "skills_expertise", "in_my_corner"} <= set(keys)
    result = score("client_experience", dict.fromkeys(keys, 4))
    assert (result.raw, result.value) == (4 * len(keys), 4.0)
    assert client.value_range == (1, 5)
    assert client.items[0].options[0].label == "Strongly disagree"
