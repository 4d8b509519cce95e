"""Named exceptions for the fidelity engine.

Every refusal is a :class:`FidelityError` (itself a ``ValueError``) whose message names the scale, the item or
figure and the offending value, so a review form can show it beside the right field and nothing is half-saved.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AgreementError",
    "FidelityError",
    "InvalidFigureError",
    "ItemScoreError",
    "MissingItemError",
    "ScaleDataError",
    "UnknownItemError",
    "UnknownScaleError",
]


class FidelityError(ValueError):
    """Base class: a review, a figure or a scale definition the engine refuses."""


class UnknownScaleError(FidelityError):
    """No scale with this id is registered."""

    def __init__(self, scale_id: object, known: Sequence[str]) -> None:
        self.scale_id = scale_id
        super().__init__(f"unknown fidelity scale {scale_id!r}; known scales: {', '.join(known)}")


class UnknownItemError(FidelityError):
    """Item scores name an item the scale does not have."""

    def __init__(self, scale_id: str, item: object, known: Sequence[str]) -> None:
        self.scale_id = scale_id
        self.item = item
        super().__init__(f"{scale_id}: unknown item {item!r}; its items are {', '.join(known)}")


class MissingItemError(FidelityError):
    """One or more items have no score. Every missing item is listed, so they can all be fixed at once."""

    def __init__(self, scale_id: str, missing: Sequence[str]) -> None:
        self.scale_id = scale_id
        self.missing = tuple(missing)
        noun = "item has" if len(self.missing) == 1 else "items have"
        super().__init__(
            f"{scale_id}: {len(self.missing)} {noun} no score ({', '.join(self.missing)}); "
            "a review is totalled only when every item is scored"
        )


class ItemScoreError(FidelityError):
    """An item score is not a whole number within the scale's range (for example 0 or 6 on a 1-5 item)."""

    def __init__(self, scale_id: str, item: str, value: object, allowed: str) -> None:
        self.scale_id = scale_id
        self.item = item
        self.value = value
        super().__init__(f"{scale_id}: {item} = {value!r} is refused: expected {allowed}")


class InvalidFigureError(FidelityError):
    """A management-information figure given to a suggester is not a usable number."""

    def __init__(self, figure: str, value: object, allowed: str) -> None:
        self.figure = figure
        self.value = value
        super().__init__(f"figure {figure} = {value!r} is refused: expected {allowed}")


class AgreementError(FidelityError):
    """Two reviewers' item scores cannot be compared (different items, or no items at all)."""


class ScaleDataError(FidelityError):
    """A scale definition (a shipped data file or a configured variant) is malformed."""
