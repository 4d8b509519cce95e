"""Agreement between two reviewers who scored the same items independently.

Three figures, item by item and overall: the share of items given exactly the same score, the share within
one point, and Cohen's weighted kappa with linear weights, which discounts the agreement two reviewers would
reach by chance given how often each uses each score (Cohen 1968, Psychological Bulletin 70(4):213-220;
linear weights as in Cicchetti and Allison 1971). With categories c_1 < ... < c_k, observed proportions O_ij,
and expected proportions E_ij = (row share i) x (column share j), the disagreement weight is
w_ij = |c_i - c_j| / (c_k - c_1) and kappa_w = 1 - sum(w O) / sum(w E). When sum(w E) is 0 (both reviewers
gave every item the same single score) kappa is undefined and is reported as ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from placewell.engine.fidelity.errors import AgreementError, ItemScoreError, UnknownItemError
from placewell.engine.fidelity.model import Item, Scale
from placewell.engine.fidelity.registry import get_scale
from placewell.engine.fidelity.scoring import item_score


@dataclass(frozen=True)
class ItemAgreement:
    """One item's two scores; ``difference`` is the second reviewer's score minus the first's."""

    item: str
    first: int
    second: int

    @property
    def difference(self) -> int:
        """The second score minus the first."""
        return self.second - self.first

    @property
    def exact(self) -> bool:
        """Whether both reviewers gave the same score."""
        return self.first == self.second

    @property
    def within_one(self) -> bool:
        """Whether the scores are at most one point apart."""
        return abs(self.difference) <= 1


@dataclass(frozen=True)
class RaterAgreement:
    """Two reviewers' agreement over the items both scored."""

    items: int
    exact_share: float
    within_one_share: float
    weighted_kappa: float | None
    categories: tuple[int, ...]
    by_item: tuple[ItemAgreement, ...]


def inter_rater_agreement(
    first: Mapping[str, object],
    second: Mapping[str, object],
    *,
    scale: str | Scale | None = None,
    categories: Sequence[int] | None = None,
) -> RaterAgreement:
    """Compare two reviewers' item scores (item key -> score); both must score the same items.

    With ``scale`` the keys must be its items and scores are checked against each item's range, and the
    categories default to that range (1 to 5 on both shipped scales); the items need not be complete, so
    agreement can be shown while a review is in progress. Without ``scale``, ``categories`` default to 1-5.
    Raises :class:`AgreementError` when the reviewers scored different items or none, and
    :class:`ItemScoreError` or :class:`UnknownItemError` for a score or item the scale refuses.
    """
    if set(first) != set(second):
        only_first = sorted(set(first) - set(second))
        only_second = sorted(set(second) - set(first))
        raise AgreementError(
            "the reviewers scored different items: "
            f"only the first scored {only_first or 'none'}, only the second scored {only_second or 'none'}"
        )
    if not first:
        raise AgreementError("neither reviewer has scored any item")
    chosen = get_scale(scale) if scale is not None else None
    levels = _categories(chosen, categories)
    keys = list(first)
    if chosen is not None:
        for key in keys:
            if key not in chosen.item_keys:
                raise UnknownItemError(chosen.id, key, chosen.item_keys)
        keys = [key for key in chosen.item_keys if key in first]
    by_item = tuple(
        ItemAgreement(key, _score(chosen, levels, key, first[key]), _score(chosen, levels, key, second[key]))
        for key in keys
    )
    n = len(by_item)
    return RaterAgreement(
        items=n,
        exact_share=sum(a.exact for a in by_item) / n,
        within_one_share=sum(a.within_one for a in by_item) / n,
        weighted_kappa=linear_weighted_kappa([a.first for a in by_item], [a.second for a in by_item], levels),
        categories=levels,
        by_item=by_item,
    )


def linear_weighted_kappa(
    first: Sequence[int], second: Sequence[int], categories: Sequence[int]
) -> float | None:
    """Cohen's weighted kappa with linear disagreement weights (formula in the module docstring)."""
    levels = tuple(categories)
    n = len(first)
    if n == 0 or n != len(second):
        raise AgreementError("weighted kappa needs two equally long, non-empty lists of scores")
    span = levels[-1] - levels[0]
    row = {c: sum(1 for v in first if v == c) / n for c in levels}
    column = {c: sum(1 for v in second if v == c) / n for c in levels}
    observed = sum(abs(a - b) / span for a, b in zip(first, second, strict=True)) / n
    expected = sum(row[i] * column[j] * abs(i - j) / span for i in levels for j in levels)
    if expected == 0:
        return None
    return 1 - observed / expected


def _categories(scale: Scale | None, categories: Sequence[int] | None) -> tuple[int, ...]:
    if categories is not None:
        levels = tuple(sorted(set(categories)))
    elif scale is not None:
        lows = {item.minimum for item in scale.items}
        highs = {item.maximum for item in scale.items}
        if len(lows) != 1 or len(highs) != 1:
            raise AgreementError(f"{scale.id}: items have different ranges; give the categories explicitly")
        levels = tuple(range(lows.pop(), highs.pop() + 1))
    else:
        levels = (1, 2, 3, 4, 5)
    if len(levels) < 2:
        raise AgreementError("agreement needs at least two score categories")
    return levels


def _score(scale: Scale | None, levels: tuple[int, ...], key: str, value: object) -> int:
    if scale is not None:
        return item_score(scale.id, scale.item(key), value)
    pseudo = Item(key, 0, "", key, "", levels[0], levels[-1])
    number = item_score("agreement", pseudo, value)
    if number not in levels:
        raise ItemScoreError("agreement", key, value, f"one of {', '.join(map(str, levels))}")
    return number
