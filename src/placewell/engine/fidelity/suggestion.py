"""Suggesting an item's score from a management-information figure, with the reason in words.

A suggestion is evidence for the reviewer, never the score itself: the reviewer scores every item against the
manual and records why. The suggestion reads one MI figure (defined in the item's :class:`Anchors`) against
the item's anchor cuts: with ``lower_is_better`` the top score needs the figure to be at most its bound, with
``higher_is_better`` at least its bound (bounds inclusive, figures not rounded: an average caseload of 20.5 is
above 20). A figure that meets no cut earns the item's bottom score. When a cut deciding the suggestion is
unconfirmed, the suggestion is marked ``provisional`` and its reason says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from placewell.engine.fidelity.errors import FidelityError, InvalidFigureError, UnknownItemError
from placewell.engine.fidelity.model import UNCONFIRMED_NOTICE, Anchors, Cut, FigureKind, Item, Scale
from placewell.engine.fidelity.registry import get_scale


@dataclass(frozen=True)
class Suggestion:
    """An MI-suggested item score and why.

    ``score`` is ``None`` when there is no figure (for example no job starts in the period, so no diversity
    of job types); ``reason`` then says so. ``provisional`` is true when an unconfirmed anchor decided it.
    """

    score: int | None
    reason: str
    item: str
    figure: str
    value: float | None
    provisional: bool


def suggest_item_score(scale: str | Scale, item_key: str, value: float | None) -> Suggestion:
    """Suggest a score for any item that has anchors, from its figure (``None`` when there is no figure).

    Raises :class:`UnknownItemError` for an item the scale lacks, :class:`FidelityError` for an item without
    anchors, and :class:`InvalidFigureError` for a figure that is not a finite number of at least 0 (and, for
    a share, at most 1).
    """
    chosen = get_scale(scale)
    try:
        item = chosen.item(item_key)
    except KeyError:
        raise UnknownItemError(chosen.id, item_key, chosen.item_keys) from None
    anchors = item.anchors
    if anchors is None:
        raise FidelityError(
            f"{chosen.id}: item {item_key} has no numeric anchors; it is scored by the reviewer"
        )
    if value is None:
        return Suggestion(
            None,
            f"{item.name}: there is no figure for this period ({anchors.figure.replace('_', ' ')}), "
            "so no score is suggested.",
            item.key,
            anchors.figure,
            None,
            False,
        )
    number = check_figure(anchors, value)
    score = score_for(item, anchors, number)
    met = anchors.cut_for(score)
    missed = anchors.cut_for(score + 1)
    deciding = [cut for cut in (met, missed) if cut is not None]
    provisional = any(not cut.confirmed for cut in deciding)
    reason = _reason(item, anchors, number, score, met, missed)
    if provisional:
        reason += f" The anchor figures deciding this are unconfirmed ({UNCONFIRMED_NOTICE})."
    return Suggestion(score, reason, item.key, anchors.figure, number, provisional)


def score_for(item: Item, anchors: Anchors, value: float) -> int:
    """The highest score whose cut ``value`` meets, or the item's bottom score."""
    for cut in anchors.cuts:
        if anchors.meets(value, cut):
            return cut.score
    return item.minimum


def check_figure(anchors: Anchors, value: object) -> float:
    """``value`` as a float if it is a finite number of at least 0 (at most 1 for a share)."""
    allowed = "a proportion from 0 to 1" if anchors.kind == "share" else "a finite number of at least 0"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidFigureError(anchors.figure, value, allowed)
    number = float(value)
    if not math.isfinite(number) or number < 0 or (anchors.kind == "share" and number > 1):
        raise InvalidFigureError(anchors.figure, value, allowed)
    return number


def format_figure(kind: FigureKind, value: float) -> str:
    """A figure as a reader expects it: a share as a percentage, anything else to at most two decimals."""
    if kind == "share":
        return f"{_trim(value * 100)}%"
    return _trim(value)


def _trim(number: float) -> str:
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _anchor_text(anchors: Anchors, cut: Cut) -> str:
    comparison = "at most" if anchors.direction == "lower_is_better" else "at least"
    return f"{comparison} {format_figure(anchors.kind, cut.bound)}"


def _reason(
    item: Item, anchors: Anchors, value: float, score: int, met: Cut | None, missed: Cut | None
) -> str:
    opening = f"{item.name}: {format_figure(anchors.kind, value)} {anchors.unit}."
    if met is not None and missed is None:
        why = f"That meets the top score's anchor ({_anchor_text(anchors, met)})"
    elif met is not None and missed is not None:
        why = (
            f"That meets score {score}'s anchor ({_anchor_text(anchors, met)}) "
            f"but not score {missed.score}'s ({_anchor_text(anchors, missed)})"
        )
    else:
        assert missed is not None
        why = f"That does not meet score {missed.score}'s anchor ({_anchor_text(anchors, missed)})"
    return f"{opening} {why}, so the suggested score is {score}."
