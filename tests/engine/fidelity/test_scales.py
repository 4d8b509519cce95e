"""The scales as data: IPS-25's and SEQF's structure, the registry, and refusal of malformed scales."""

from __future__ import annotations

import dataclasses

import pytest

from placewell.engine.fidelity import (
    IPS25,
    SCALES,
    SEQF,
    SUGGESTERS,
    Band,
    Cut,
    ScaleDataError,
    UnknownScaleError,
    get_scale,
    score_review,
)


def test_registry_holds_ips25_and_seqf() -> None:
    assert set(SCALES) == {"ips25", "seqf"}
    assert get_scale("ips25") is IPS25
    assert get_scale(SEQF) is SEQF
    with pytest.raises(UnknownScaleError, match="'ips15'"):
        get_scale("ips15")
    with pytest.raises(UnknownScaleError):
        score_review("ips15", {})


def test_ips25_has_25_items_in_three_sections_each_scored_1_to_5() -> None:
    # Baxter et al. 2024 (Disability and Health Journal 17(2):101579), Introduction: 25 items, each scored out
    # of five, on staffing, organisation and services; Bond et al. 2012 (Psychiatric Services 63(8):758-763).
    assert len(IPS25.items) == 25
    assert [s.key for s in IPS25.sections] == ["staffing", "organisation", "services"]
    assert {s.key: len(s.items) for s in IPS25.sections} == {"staffing": 3, "organisation": 8, "services": 14}
    assert all((item.minimum, item.maximum) == (1, 5) for item in IPS25.items)
    assert IPS25.total_range == (25, 125)
    assert [item.number for item in IPS25.items] == list(range(1, 26))


def test_ips25_bands_are_the_manuals() -> None:
    # Becker et al. (2019) as quoted in the IPS-25 manual; DWP research report 1025 section 1.8 prints fair 74-99 and
    # good 100-114.
    assert [(b.low, b.high, b.label) for b in IPS25.bands] == [
        (115, 125, "exemplary"),
        (100, 114, "good"),
        (74, 99, "fair"),
        (25, 73, "not supported employment"),
    ]


def test_ips25_names_items_the_seeds_mention() -> None:
    # Baxter et al. 2024 and DWP research report 1025 name these features of the scale.
    for key in (
        "caseload_size",
        "integration_team_assignment",
        "zero_exclusion",
        "benefits_counselling",
        "disclosure",
        "rapid_job_search",
        "employer_contact_frequency",
        "competitive_jobs",
        "time_unlimited_follow_along",
    ):
        assert key in IPS25.item_keys


def test_seqf_is_structured_around_the_five_phases_plus_outcomes_and_satisfaction() -> None:
    # Baxter et al. 2024, Introduction.
    assert [s.name for s in SEQF.sections] == [
        "Engaging referrals",
        "Vocational profiling",
        "Employer engagement",
        "Job matching and securing work",
        "In-work support",
        "Job outcomes",
        "Client and employer satisfaction",
    ]
    assert all(section.items for section in SEQF.sections)
    assert "integration" not in " ".join(SEQF.item_keys)  # not part of the SEQF model (Baxter et al. 2024)


def test_every_scale_names_its_source_and_keeps_the_manuals_text_out() -> None:
    for scale in SCALES.values():
        assert scale.source and scale.copyright and scale.version
        for item in scale.items:
            assert item.name and item.summary
    assert "Becker" in IPS25.source and "BASE" in SEQF.source


def test_every_unconfirmed_anchor_is_listed_and_every_confirmed_one_names_its_source() -> None:
    for scale in SCALES.values():
        for item in scale.items:
            if item.anchors is None:
                continue
            open_cuts = [cut.score for cut in item.anchors.cuts if not cut.confirmed]
            listed = [note for note in scale.unconfirmed if note.startswith(f"anchor {item.key}:")]
            assert bool(listed) == bool(open_cuts), item.key
            assert item.anchors.definition and item.anchors.unit
    # The caseload anchors are confirmed by the public UK version of the scale; six employer contacts a week
    # for the top score by DWP research report 1025 section 3.3.2.
    assert IPS25.item("caseload_size").anchors is not None
    assert IPS25.item("caseload_size").anchors.confirmed  # type: ignore[union-attr]
    top = IPS25.item("employer_contact_frequency").anchors.cut_for(5)  # type: ignore[union-attr]
    assert top is not None and top.confirmed
    assert any("bands" in note for note in SEQF.unconfirmed)


def test_every_anchored_item_has_a_suggester_and_every_suggester_an_anchored_item() -> None:
    for scale_id, scale in SCALES.items():
        anchored = {item.key for item in scale.items if item.anchors is not None}
        assert set(SUGGESTERS[scale_id]) == anchored
        for key, suggester in SUGGESTERS[scale_id].items():
            anchors = scale.item(key).anchors
            assert anchors is not None
            assert suggester.figures == (anchors.figure,)


def test_a_variant_needs_a_new_version_and_is_checked() -> None:
    with pytest.raises(ValueError, match="version"):
        IPS25.variant(IPS25.version)
    overlapping = (Band(100, 125, "good"), Band(25, 100, "not yet"))
    with pytest.raises(ScaleDataError, match="gaps or overlaps"):
        IPS25.variant("overlap", bands=overlapping)
    short = (Band(74, 125, "fair or better"),)
    with pytest.raises(ScaleDataError, match="expected 25"):
        IPS25.variant("short", bands=short)


def test_anchor_cuts_out_of_order_are_refused() -> None:
    anchors = IPS25.item("caseload_size").anchors
    assert anchors is not None
    muddled = dataclasses.replace(anchors, cuts=(Cut(5, 20), Cut(4, 30), Cut(3, 25), Cut(2, 40)))
    with pytest.raises(ScaleDataError, match="strictly less demanding"):
        IPS25.with_anchors("muddled", {"caseload_size": muddled})
    missing_score = dataclasses.replace(anchors, cuts=(Cut(5, 20), Cut(4, 25), Cut(3, 30)))
    with pytest.raises(ScaleDataError, match="scores 5 down to 2"):
        IPS25.with_anchors("three-cuts", {"caseload_size": missing_score})
    share = IPS25.item("competitive_jobs").anchors
    assert share is not None
    too_big = dataclasses.replace(share, cuts=(Cut(5, 95), Cut(4, 85), Cut(3, 75), Cut(2, 65)))
    with pytest.raises(ScaleDataError, match="proportions"):
        IPS25.with_anchors("percent", {"competitive_jobs": too_big})
    with pytest.raises(KeyError):
        IPS25.with_anchors("nowhere", {"no_such_item": anchors})
