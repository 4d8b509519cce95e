"""SWEMWBS: every raw total against the Warwick Medical School conversion table."""

from __future__ import annotations

import pandas as pd
import pytest

from placewell.engine.measures import MissingRule, get_instrument, score, score_many

from ._reference import SWEMWBS_METRIC

ITEMS = [f"item{n}" for n in range(1, 8)]


def responses_totalling(raw: int) -> dict[str, int]:
    """Seven answers 1-5 that add up to ``raw`` (7-35)."""
    extra = raw - 7
    answers = []
    for _ in ITEMS:
        step = min(4, extra)
        answers.append(1 + step)
        extra -= step
    return dict(zip(ITEMS, answers, strict=True))


@pytest.mark.parametrize("raw", range(7, 36))
def test_every_raw_total_converts_as_the_published_table(raw: int) -> None:
    # Source: Warwick Medical School SWEMWBS conversion table (INSTRUMENTS.md [V]); tolerance: exact.
    result = score("swemwbs", responses_totalling(raw))
    assert result.raw == raw
    assert result.value == SWEMWBS_METRIC[raw]
    assert result.complete
    assert result.reasons == ()
    assert result.band is None


def test_score_many_converts_every_raw_total() -> None:
    # Source: Warwick Medical School SWEMWBS conversion table (INSTRUMENTS.md [V]); tolerance: exact.
    frame = pd.DataFrame([responses_totalling(raw) for raw in range(7, 36)], index=range(7, 36))
    result = score_many("swemwbs", frame)
    assert list(result["raw"]) == list(range(7, 36))
    assert list(result["value"]) == [SWEMWBS_METRIC[raw] for raw in range(7, 36)]
    assert result["complete"].all()


def test_the_same_total_in_any_arrangement_gives_the_same_score() -> None:
    assert score("swemwbs", dict(zip(ITEMS, [5, 5, 1, 1, 3, 3, 3], strict=True))).value == SWEMWBS_METRIC[21]
    assert score("swemwbs", dict(zip(ITEMS, [3] * 7, strict=True))).value == SWEMWBS_METRIC[21]


def test_an_unanswered_item_gives_no_score_with_the_reason() -> None:
    # INSTRUMENTS.md: no official pro-rating rule, so only complete responses are scored.
    responses: dict[str, int | None] = dict(responses_totalling(20))
    responses["item4"] = None
    result = score("swemwbs", responses)
    assert (result.raw, result.value, result.complete) == (None, None, False)
    assert result.reasons[0] == "not answered: item4"
    assert "no score" in result.reasons[1]


def test_a_configured_pro_rating_rule_is_a_new_version() -> None:
    # A hand-worked example of the library's pro-rating: six answers of 4 (sum 24) pro-rate to
    # 24 * 7 / 6 = 28, converted by the Warwick table to 25.03.
    prorating = get_instrument("swemwbs").variant(
        "1.0-prorate1", missing_rule=MissingRule(1, "scored when at most one item is unanswered")
    )
    responses: dict[str, int | None] = dict.fromkeys(ITEMS, 4)
    responses["item7"] = None
    result = score(prorating, responses)
    assert (result.version, result.raw, result.value) == ("1.0-prorate1", 28, SWEMWBS_METRIC[28])
    assert not result.complete
    assert result.reasons == ("not answered: item7", "raw total pro-rated from 6 of 7 items")
    with pytest.raises(ValueError, match="needs a version"):
        get_instrument("swemwbs").variant("1.0")


def test_licensed_wording_is_a_marked_stand_in() -> None:
    swemwbs = get_instrument("swemwbs")
    assert swemwbs.wording_status == "stand_in"
    assert all(item.wording.startswith("Stand-in") for item in swemwbs.items)
    assert [option.label for option in swemwbs.items[0].options] == [
        "None of the time",
        "Rarely",
        "Some of the time",
        "Often",
        "All of the time",
    ]
