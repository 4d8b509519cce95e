"""MI-suggested item scores: each suggester at each of its thresholds (just below, at, just above).

The thresholds are read from the scale data, so no unconfirmed anchor figure is written here as an
expectation. Only confirmed figures appear as literals: the caseload ladder (20 or fewer scores 5, 21-25
scores 4, 26-30 scores 3, 31-40 scores 2, 41 or more scores 1: Centre for Mental Health's public UK version
of the IPS fidelity scale, and DWP research report 1025 section 1.2 for 41 or more) and six face-to-face
employer contacts a week for the top score (DWP research report 1025 section 3.3.2, citing Becker et al.
2019).
"""

from __future__ import annotations

import dataclasses

import pytest

from placewell.engine.fidelity import (
    IPS25,
    SCALES,
    SUGGESTERS,
    Cut,
    FidelityError,
    InvalidFigureError,
    Suggester,
    UnknownItemError,
    suggest_all,
    suggest_caseload_size,
    suggest_employer_contact_frequency,
    suggest_item_score,
    suggest_rapid_job_search,
    suggesters_for,
)
from placewell.engine.fidelity.model import Anchors

CASES = [
    (suggester, cut)
    for scale_id, suggesters in SUGGESTERS.items()
    for suggester in suggesters.values()
    for cut in SCALES[scale_id].item(suggester.item).anchors.cuts  # type: ignore[union-attr]
]


def anchors_of(suggester: Suggester) -> Anchors:
    anchors = SCALES[suggester.scale].item(suggester.item).anchors
    assert anchors is not None
    return anchors


def run(suggester: Suggester, value: float | None) -> int | None:
    return suggester.function(value).score


@pytest.mark.parametrize(("suggester", "cut"), CASES, ids=[f"{s.scale}-{s.item}-{c.score}" for s, c in CASES])
def test_each_suggester_at_each_threshold(suggester: Suggester, cut: Cut) -> None:
    anchors = anchors_of(suggester)
    step = 0.001 if anchors.kind == "share" else 0.01
    better, worse = (-step, step) if anchors.direction == "lower_is_better" else (step, -step)
    assert run(suggester, cut.bound) == cut.score
    if cut.bound + better >= 0 and (anchors.kind != "share" or cut.bound + better <= 1):
        assert run(suggester, cut.bound + better) == cut.score
    if cut.bound + worse >= 0:
        assert run(suggester, cut.bound + worse) == cut.score - 1


@pytest.mark.parametrize(
    ("caseload", "score"),
    [
        (12, 5),
        (20, 5),
        (20.5, 4),
        (21, 4),
        (25, 4),
        (25.5, 3),
        (26, 3),
        (30, 3),
        (31, 2),
        (40, 2),
        (41, 1),
        (60, 1),
    ],
)
def test_caseload_size_on_the_published_ladder(caseload: float, score: int) -> None:
    suggestion = suggest_caseload_size(caseload)
    assert suggestion.score == score
    assert not suggestion.provisional  # every caseload anchor is confirmed
    assert f"suggested score is {score}" in suggestion.reason
    assert "Caseload size" in suggestion.reason


@pytest.mark.parametrize(("contacts", "top"), [(5.99, False), (6, True), (6.01, True), (9, True)])
def test_six_employer_contacts_a_week_earn_the_top_score(contacts: float, top: bool) -> None:
    assert (suggest_employer_contact_frequency(contacts).score == 5) is top


def test_reasons_say_the_figure_and_the_anchors_met_and_missed() -> None:
    suggestion = suggest_caseload_size(22.5)
    assert suggestion.reason == (
        "Caseload size: 22.5 participants per full-time employment specialist. That meets score 4's anchor "
        "(at most 25) but not score 5's (at most 20), so the suggested score is 4."
    )
    assert (suggestion.item, suggestion.figure, suggestion.value) == (
        "caseload_size",
        "average_caseload_per_fte",
        22.5,
    )
    assert "top score" in suggest_caseload_size(10).reason
    assert "does not meet score 2's anchor (at most 40)" in suggest_caseload_size(45).reason


def test_a_share_is_written_as_a_percentage_and_unconfirmed_anchors_are_flagged() -> None:
    suggestion = SUGGESTERS["ips25"]["community_based_services"].function(0.455)
    assert "45.5% of contacts in the community" in suggestion.reason
    assert suggestion.provisional and "unconfirmed" in suggestion.reason
    assert suggest_rapid_job_search(10).provisional


def test_no_figure_gives_no_score_and_says_so() -> None:
    suggestion = SUGGESTERS["ips25"]["diversity_of_job_types"].function(None)
    assert suggestion.score is None
    assert "no figure" in suggestion.reason and suggestion.value is None


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), True, "20", [20]])
def test_unusable_figures_are_refused_naming_the_figure(bad: object) -> None:
    with pytest.raises(InvalidFigureError, match="average_caseload_per_fte"):
        suggest_caseload_size(bad)  # type: ignore[arg-type]


def test_a_share_above_one_is_refused() -> None:
    with pytest.raises(InvalidFigureError, match="proportion from 0 to 1"):
        SUGGESTERS["ips25"]["competitive_jobs"].function(95)


def test_items_without_anchors_and_unknown_items_are_refused() -> None:
    with pytest.raises(FidelityError, match="no numeric anchors"):
        suggest_item_score("ips25", "disclosure", 1.0)
    with pytest.raises(UnknownItemError):
        suggest_item_score("ips25", "caseload", 1.0)


def test_a_service_can_configure_its_own_anchors() -> None:
    # DWP research report 1025 (section 1.2) reads the top caseload score as needing under 15; a service that
    # follows that reading configures it as a variant, and the suggestion follows the variant.
    anchors = IPS25.item("caseload_size").anchors
    assert anchors is not None
    stricter = dataclasses.replace(anchors, cuts=(Cut(5, 14.99), *anchors.cuts[1:]))
    variant = IPS25.with_anchors("1.0+caseload-under-15", {"caseload_size": stricter})
    assert suggest_caseload_size(16, scale=variant).score == 4
    assert suggest_caseload_size(14, scale=variant).score == 5
    assert suggest_caseload_size(16).score == 5
    assert any(note.startswith("anchor caseload_size") for note in variant.unconfirmed)
    assert not any(note.startswith("anchor caseload_size") for note in IPS25.unconfirmed)


def test_the_web_layer_can_iterate_suggesters_and_suggest_all_from_one_set_of_figures() -> None:
    figures = {"average_caseload_per_fte": 18.0, "employer_contacts_per_specialist_per_week": 6.5}
    suggestions = suggest_all("ips25", figures)
    assert list(suggestions) == list(suggesters_for("ips25"))
    assert suggestions["caseload_size"].score == 5
    assert suggestions["employer_contact_frequency"].score == 5
    assert suggestions["rapid_job_search"].score is None
    keys = list(suggesters_for(IPS25))
    assert keys == [k for k in IPS25.item_keys if k in keys]  # in form order
    assert SUGGESTERS["ips25"]["caseload_size"].suggest(figures).score == 5
