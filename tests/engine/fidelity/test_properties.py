"""Property tests: any valid review totals within range with a band consistent with it; suggestions never
reward a worse figure; agreement figures stay within their bounds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placewell.engine.fidelity import (
    SCALES,
    SUGGESTERS,
    ItemScoreError,
    MissingItemError,
    Scale,
    Suggester,
    inter_rater_agreement,
    linear_weighted_kappa,
    score_review,
)

EXAMPLES = settings(max_examples=60, deadline=None)
SCALE_IDS = sorted(SCALES)


def reviews(scale: Scale) -> st.SearchStrategy[dict[str, int]]:
    """Any complete, valid set of item scores."""
    return st.fixed_dictionaries({item.key: st.integers(item.minimum, item.maximum) for item in scale.items})


@pytest.mark.parametrize("scale_id", SCALE_IDS)
def test_any_valid_review_has_a_total_in_range_and_the_band_holding_it(scale_id: str) -> None:
    scale = SCALES[scale_id]

    @EXAMPLES
    @given(reviews(scale))
    def check(scores: dict[str, int]) -> None:
        result = score_review(scale, scores)
        low, high = scale.total_range
        assert low <= result.total <= high
        assert result.total == sum(scores.values()) == sum(result.section_totals.values())
        band = next(b for b in scale.bands if b.label == result.band)
        assert band.low <= result.total <= band.high
        for section in result.sections:
            assert section.minimum <= section.total <= section.maximum

    check()


@pytest.mark.parametrize("scale_id", SCALE_IDS)
def test_any_review_with_a_score_outside_1_to_5_or_a_gap_is_refused(scale_id: str) -> None:
    scale = SCALES[scale_id]

    @EXAMPLES
    @given(
        reviews(scale),
        st.sampled_from(scale.item_keys),
        st.one_of(st.integers(max_value=0), st.integers(min_value=6), st.none()),
    )
    def check(scores: dict[str, int], key: str, bad: int | None) -> None:
        spoiled: dict[str, object] = {**scores, key: bad}
        with pytest.raises(MissingItemError if bad is None else ItemScoreError):
            score_review(scale, spoiled)

    check()


ALL_SUGGESTERS = [s for suggesters in SUGGESTERS.values() for s in suggesters.values()]


@pytest.mark.parametrize("suggester", ALL_SUGGESTERS, ids=[f"{s.scale}-{s.item}" for s in ALL_SUGGESTERS])
def test_a_better_figure_never_gets_a_lower_suggested_score(suggester: Suggester) -> None:
    anchors = SCALES[suggester.scale].item(suggester.item).anchors
    assert anchors is not None
    top = 1.0 if anchors.kind == "share" else 400.0
    figures = st.floats(0, top, allow_nan=False)

    @EXAMPLES
    @given(figures, figures)
    def check(a: float, b: float) -> None:
        low, high = sorted((a, b))
        better, worse = (low, high) if anchors.direction == "lower_is_better" else (high, low)
        better_score = suggester.function(better).score
        worse_score = suggester.function(worse).score
        assert better_score is not None and worse_score is not None
        assert 1 <= worse_score <= better_score <= 5

    check()


@EXAMPLES
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=25))
def test_agreement_figures_stay_in_bounds_and_kappa_is_symmetric(pairs: list[tuple[int, int]]) -> None:
    first = {f"item{n}": a for n, (a, _) in enumerate(pairs)}
    second = {f"item{n}": b for n, (_, b) in enumerate(pairs)}
    result = inter_rater_agreement(first, second)
    assert 0 <= result.exact_share <= result.within_one_share <= 1
    swapped = linear_weighted_kappa([b for _, b in pairs], [a for a, _ in pairs], range(1, 6))
    if result.weighted_kappa is None:
        assert swapped is None
    else:
        assert swapped is not None
        assert result.weighted_kappa <= 1 + 1e-12
        assert result.weighted_kappa == pytest.approx(swapped)
