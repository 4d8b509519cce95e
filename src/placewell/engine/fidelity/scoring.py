"""Scoring a fidelity review: every item checked, then the total, its band and each section's total.

Only complete reviews are totalled. Neither the IPS-25 manual's published bands nor Placewell's SEQF form
allow for an unscored item, and a total with a gap would be read against bands it cannot be compared with.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral
from types import MappingProxyType

from placewell.engine.fidelity.errors import ItemScoreError, MissingItemError, UnknownItemError
from placewell.engine.fidelity.model import Item, ReviewResult, Scale, SectionTotal
from placewell.engine.fidelity.registry import get_scale


def score_review(scale: str | Scale, item_scores: Mapping[str, object]) -> ReviewResult:
    """Total one review.

    ``item_scores`` maps every item key to a whole number in the item's range (1 to 5 on both shipped
    scales); ``None`` counts as unscored. Raises :class:`UnknownScaleError`, :class:`UnknownItemError` (the
    first unknown key), :class:`ItemScoreError` (the first item scored out of range, e.g. 0 or 6, or not a
    whole number) or :class:`MissingItemError` (listing every unscored item), in that order of checking.
    """
    chosen = get_scale(scale)
    scores = check_item_scores(chosen, item_scores)
    total = sum(scores.values())
    low, high = chosen.total_range
    band = chosen.band_for(total)
    by_key = {item.key: item for item in chosen.items}
    sections = tuple(
        SectionTotal(
            key=section.key,
            name=section.name,
            total=sum(scores[key] for key in section.items),
            minimum=sum(by_key[key].minimum for key in section.items),
            maximum=sum(by_key[key].maximum for key in section.items),
        )
        for section in chosen.sections
    )
    return ReviewResult(
        scale=chosen.id,
        version=chosen.version,
        total=total,
        minimum=low,
        maximum=high,
        band=band.label,
        band_description=band.description,
        sections=sections,
        item_scores=MappingProxyType(scores),
    )


def check_item_scores(scale: Scale, item_scores: Mapping[str, object]) -> dict[str, int]:
    """Every item's validated score, in form order; refuses unknown, out-of-range and missing items."""
    known = scale.item_keys
    for key in item_scores:
        if key not in known:
            raise UnknownItemError(scale.id, key, known)
    checked: dict[str, int] = {}
    missing: list[str] = []
    for item in scale.items:
        value = item_scores.get(item.key)
        if value is None:
            missing.append(item.key)
            continue
        checked[item.key] = item_score(scale.id, item, value)
    if missing:
        raise MissingItemError(scale.id, missing)
    return checked


def item_score(scale_id: str, item: Item, value: object) -> int:
    """``value`` as an ``int`` if it is a whole number in ``item``'s range (booleans and text are refused)."""
    number = whole_number(value)
    if number is None or not item.minimum <= number <= item.maximum:
        raise ItemScoreError(scale_id, item.key, value, item.allowed)
    return number


def whole_number(value: object) -> int | None:
    """``value`` as an ``int`` if it is a whole number (an integer, or a float with no fraction), else ``None``.

    Booleans are refused, as ``True`` scored as 1 would hide a form bug.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None
