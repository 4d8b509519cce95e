"""The MI adapter (``fidelity.evidence``) against fake figure lists, so these tests do not depend on how the
insight app computes its figures; one integration test reads the live MI.

Thresholds are read from the engine's scale data (``engine/fidelity/ips25.json``, ``seqf.json``); the only
literals are the confirmed caseload cuts (Centre for Mental Health, IPS fidelity scale, UK version: 20 or
fewer scores 5, 21-25 scores 4) and the confirmed top employer-contact cut (at least 6 a week; DWP research
report 1025, section 3.3.2).
"""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from placewell.engine.fidelity import IPS25, SEQF, SUGGESTERS
from placewell.fidelity import evidence
from tests.fidelity.conftest import FakeFigure


def suggest(scale: str, figures: list[FakeFigure]) -> dict[str, evidence.ItemEvidence]:
    return evidence.suggestions(scale, evidence.from_mi(figures))


def test_confirmed_caseload_cuts_through_the_adapter() -> None:
    unit = "participants per full-time specialist"
    assert suggest("ips25", [FakeFigure("average_caseload_per_fte", 20, unit)])["caseload_size"].score == 5
    assert suggest("ips25", [FakeFigure("average_caseload_per_fte", 20.5, unit)])["caseload_size"].score == 4
    assert suggest("ips25", [FakeFigure("average_caseload_per_fte", 25, unit)])["caseload_size"].score == 4
    result = suggest("ips25", [FakeFigure("average_caseload_per_fte", 22.5, unit)])["caseload_size"]
    assert "22.5 participants per full-time employment specialist" in result.reason
    assert not result.provisional


def test_confirmed_employer_contact_cut_through_the_adapter() -> None:
    figure = "employer_contacts_per_specialist_per_week"
    assert suggest("ips25", [FakeFigure(figure, 6, "contacts")])["employer_contact_frequency"].score == 5


@pytest.mark.parametrize("scale", [IPS25, SEQF], ids=["ips25", "seqf"])
def test_every_suggestion_at_each_threshold_from_the_data(scale) -> None:  # type: ignore[no-untyped-def]
    """At each cut the item earns the cut's score; just on the wrong side it earns less."""
    for key in SUGGESTERS[scale.id]:
        anchors = scale.item(key).anchors
        assert anchors is not None
        step = 0.001 if anchors.kind == "share" else 0.5
        for cut in anchors.cuts:
            worse = cut.bound + step if anchors.direction == "lower_is_better" else cut.bound - step
            at = suggest(scale.id, [FakeFigure(anchors.figure, cut.bound, anchors.kind)])[key]
            below = suggest(scale.id, [FakeFigure(anchors.figure, worse, anchors.kind)])[key]
            assert at.score == cut.score, (key, cut)
            assert below.score is not None and below.score < cut.score, (key, cut)


def test_percentages_become_shares() -> None:
    anchors = IPS25.item("competitive_jobs").anchors
    assert anchors is not None
    top = anchors.cuts[0]
    as_percent = FakeFigure("share_of_jobs_competitive", top.bound * 100, "%")
    figures = evidence.from_mi([as_percent])
    assert figures["share_of_jobs_competitive"].value == pytest.approx(top.bound)
    assert evidence.suggestions("ips25", figures)["competitive_jobs"].score == top.score


def test_a_figure_insight_does_not_provide_gives_no_suggestion_and_says_why() -> None:
    result = suggest("seqf", [])["participant_satisfaction"]
    assert result.score is None
    assert evidence.NOT_AVAILABLE in result.reason


def test_a_suppressed_or_unreadable_figure_is_not_available() -> None:
    figures = [
        FakeFigure("share_of_jobs_competitive", 0.9, suppressed=True),
        FakeFigure("share_of_contacts_in_community", float("nan")),
        FakeFigure("share_of_distinct_employers", 1.7),  # a share above 1: the engine refuses it
    ]
    results = suggest("ips25", figures)
    assert evidence.NOT_AVAILABLE in results["competitive_jobs"].reason
    assert evidence.NOT_AVAILABLE in results["community_based_services"].reason
    assert results["diversity_of_employers"].score is None
    assert "could not be read" in results["diversity_of_employers"].reason


def test_no_figure_for_the_period_gives_the_engines_reason() -> None:
    result = suggest("ips25", [FakeFigure("share_of_distinct_job_types", None)])["diversity_of_job_types"]
    assert result.score is None
    assert "no figure for this period" in result.reason


def test_figures_survive_storing_on_a_review() -> None:
    figures = evidence.from_mi([FakeFigure("job_outcome_rate", 0.25, label="Employment rate")])
    again = evidence.from_json(evidence.to_json(figures))
    assert again == figures


def test_without_insight_every_figure_is_unavailable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "placewell.insight.mi", None)  # import raises ImportError
    figures = evidence.collect(object(), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert set(figures) == set(evidence.engine_figure_names())
    assert all(f.missing == evidence.NOT_AVAILABLE for f in figures.values())


def test_integration_with_the_live_mi(world) -> None:  # type: ignore[no-untyped-def]
    """Every figure insight computes reaches the engine under its name."""
    from placewell.insight import mi

    live = mi.evidence(world.service, dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    figures = evidence.collect(world.service, dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    provided = {f.key for f in live}
    for name, figure in figures.items():
        if evidence.SOURCES[name] in provided:
            assert not figure.missing, name
            assert figure.definition, name
        else:
            assert figure.missing == evidence.NOT_AVAILABLE, name
    # The caseload figure is computed whatever the service holds; for an empty service it is zero.
    assert not figures["average_caseload_per_fte"].missing
    results = evidence.suggestions("ips25", figures)
    assert set(results) == set(SUGGESTERS["ips25"])
