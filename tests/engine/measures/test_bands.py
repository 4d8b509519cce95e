"""PHQ-8, GAD-7 and ONS4 band edges (INSTRUMENTS.md [V])."""

from __future__ import annotations

import pandas as pd
import pytest

from placewell.engine.measures import get_instrument, score, score_many


def answers_totalling(n_items: int, total: int, top: int = 3) -> dict[str, int]:
    answers: dict[str, int] = {}
    for n in range(1, n_items + 1):
        step = min(top, total)
        answers[f"item{n}"] = step
        total -= step
    assert total == 0
    return answers


# Kroenke et al. (2009), J Affect Disord 114:163-73: 0-4 none/minimal, 5-9 mild, 10-14 moderate,
# 15-19 moderately severe, 20-24 severe.
PHQ8_EDGES = [
    (0, "none or minimal"),
    (4, "none or minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately severe"),
    (19, "moderately severe"),
    (20, "severe"),
    (24, "severe"),
]

# Spitzer et al. (2006): 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
GAD7_EDGES = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(("total", "band"), PHQ8_EDGES)
def test_phq8_band_edges(total: int, band: str) -> None:
    result = score("phq8", answers_totalling(8, total))
    assert (result.raw, result.value, result.band) == (total, total, band)


@pytest.mark.parametrize(("total", "band"), GAD7_EDGES)
def test_gad7_band_edges(total: int, band: str) -> None:
    result = score("gad7", answers_totalling(7, total))
    assert (result.raw, result.value, result.band) == (total, total, band)


def test_band_edges_in_score_many() -> None:
    phq8 = score_many("phq8", pd.DataFrame([answers_totalling(8, t) for t, _ in PHQ8_EDGES]))
    assert list(phq8["band"]) == [band for _, band in PHQ8_EDGES]
    gad7 = score_many("gad7", pd.DataFrame([answers_totalling(7, t) for t, _ in GAD7_EDGES]))
    assert list(gad7["band"]) == [band for _, band in GAD7_EDGES]


def test_cut_points_of_ten_sit_at_the_moderate_band() -> None:
    # Kroenke et al. (2009): 10 or more suggests current depression; Spitzer et al. (2006): cut-point 10.
    from placewell.engine.measures import gad7, phq8

    assert phq8.CUT_POINT == 10 and gad7.CUT_POINT == 10
    assert get_instrument("phq8").band_for(10) == "moderate"
    assert get_instrument("gad7").band_for(10) == "moderate"


def test_public_domain_wording_ships() -> None:
    phq8 = get_instrument("phq8")
    assert phq8.wording_status == "public_domain"
    assert phq8.items[0].wording == "Little interest or pleasure in doing things"
    assert [o.label for o in phq8.items[0].options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]


# ONS personal well-being thresholds (GSS harmonised standard; INSTRUMENTS.md [V]).
POSITIVE = {
    0: "low",
    4: "low",
    5: "medium",
    6: "medium",
    7: "high",
    8: "high",
    9: "very high",
    10: "very high",
}
ANXIETY = {0: "very low", 1: "very low", 2: "low", 3: "low", 4: "medium", 5: "medium", 6: "high", 10: "high"}


@pytest.mark.parametrize("item", ["life_satisfaction", "worthwhile", "happiness"])
@pytest.mark.parametrize(("answer", "band"), sorted(POSITIVE.items()))
def test_ons4_positive_item_band_edges(item: str, answer: int, band: str) -> None:
    result = score("ons4", {item: answer})
    assert result.details[f"{item}_band"] == band
    assert result.value is None and result.raw is None and result.band is None


@pytest.mark.parametrize(("answer", "band"), sorted(ANXIETY.items()))
def test_ons4_anxiety_band_edges(answer: int, band: str) -> None:
    assert score("ons4", {"anxiety": answer}).details["anxiety_band"] == band


def test_ons4_band_edges_in_score_many() -> None:
    answers = sorted(POSITIVE)
    frame = pd.DataFrame(
        {
            "life_satisfaction": answers,
            "worthwhile": answers,
            "happiness": answers,
            "anxiety": sorted(ANXIETY),
        }
    )
    result = score_many("ons4", frame)
    assert list(result["life_satisfaction_band"]) == [POSITIVE[a] for a in answers]
    assert list(result["anxiety_band"]) == [ANXIETY[a] for a in sorted(ANXIETY)]
    assert result["complete"].all()


def test_ons4_has_no_composite_and_bands_each_answered_item() -> None:
    result = score("ons4", {"life_satisfaction": 8, "anxiety": 7})
    assert not result.complete
    assert result.reasons == ("not answered: worthwhile, happiness",)
    assert result.details == {
        "life_satisfaction_band": "high",
        "worthwhile_band": None,
        "happiness_band": None,
        "anxiety_band": "high",
    }
