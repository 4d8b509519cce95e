"""Fidelity scales as frozen data, and the result of scoring one review.

A :class:`Scale` holds what a review form, a scoring run and a report need: sections and items (in our own
words, with the published source named), the whole-number range every item is scored in, the bands of the
total, and for each item that management information (MI) can inform, its numeric :class:`Anchors`. Scales
are frozen; a service that configures one (its own anchor figures, bands confirmed from a licensed manual)
makes a variant with its own version string through :meth:`Scale.variant`, so every stored review can say
exactly which scoring produced it.

An anchor figure that could not be confirmed from the domain seeds or a named public summary has no
``source`` on its :class:`Cut`; such cuts are listed in the scale's ``unconfirmed`` notes, shown as "to be
confirmed" and never used as a test expectation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Direction = Literal["lower_is_better", "higher_is_better"]
"""Whether a smaller figure (a caseload, a number of days) or a larger one (a share) earns the higher score."""

FigureKind = Literal["count", "days", "months", "share"]
"""How a figure is written in a reason: a share is a proportion from 0 to 1, shown as a percentage."""

UNCONFIRMED_NOTICE = "to be confirmed against the licensed manual"


@dataclass(frozen=True)
class Band:
    """A named band of the total, inclusive at both ends."""

    low: int
    high: int
    label: str
    description: str = ""

    def __contains__(self, total: object) -> bool:
        return isinstance(total, int) and self.low <= total <= self.high


@dataclass(frozen=True)
class Cut:
    """The figure an item needs to earn ``score``: at most ``bound`` when lower is better, else at least.

    ``source`` names where the figure is confirmed; ``None`` means it is unconfirmed.
    """

    score: int
    bound: float
    source: str | None = None

    @property
    def confirmed(self) -> bool:
        """Whether the figure is confirmed by a named source."""
        return self.source is not None


@dataclass(frozen=True)
class Anchors:
    """The numeric anchors of one item: which MI figure informs it and the figure each score needs.

    ``cuts`` run from the top score down to one above the bottom score; a figure that meets none of them
    earns the bottom score. ``definition`` says exactly what the figure is, so the MI that feeds it can be
    computed the same way by every service.
    """

    figure: str
    definition: str
    unit: str
    kind: FigureKind
    direction: Direction
    cuts: tuple[Cut, ...]
    note: str = ""

    def meets(self, value: float, cut: Cut) -> bool:
        """Whether ``value`` is good enough for ``cut``'s score (bounds are inclusive)."""
        return value <= cut.bound if self.direction == "lower_is_better" else value >= cut.bound

    def cut_for(self, score: int) -> Cut | None:
        """The cut for ``score``, or ``None`` for the bottom score (which needs nothing)."""
        for cut in self.cuts:
            if cut.score == score:
                return cut
        return None

    @property
    def confirmed(self) -> bool:
        """Whether every cut is confirmed by a named source."""
        return all(cut.confirmed for cut in self.cuts)


@dataclass(frozen=True)
class Item:
    """One fidelity item, named and summarised in our own words; scored ``minimum``..``maximum``."""

    key: str
    number: int
    section: str
    name: str
    summary: str
    minimum: int
    maximum: int
    anchors: Anchors | None = None

    @property
    def allowed(self) -> str:
        """The valid scores in words, for error messages."""
        return f"a whole number from {self.minimum} to {self.maximum}"


@dataclass(frozen=True)
class Section:
    """A section (IPS-25) or phase (SEQF) of a scale, holding its items' keys in form order."""

    key: str
    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Scale:
    """One fidelity scale at one scoring version."""

    id: str
    version: str
    title: str
    source: str
    copyright: str
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    unconfirmed: tuple[str, ...] = ()

    @property
    def item_keys(self) -> tuple[str, ...]:
        """Item keys in form order."""
        return tuple(item.key for item in self.items)

    @property
    def total_range(self) -> tuple[int, int]:
        """The lowest and highest possible totals."""
        return sum(i.minimum for i in self.items), sum(i.maximum for i in self.items)

    def item(self, key: str) -> Item:
        """The item with this key (``KeyError`` if none)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def band_for(self, total: int) -> Band:
        """The band holding ``total`` (bands cover the whole total range; checked when the scale is built)."""
        for band in self.bands:
            if total in band:
                return band
        raise ValueError(f"{self.id}: no band holds a total of {total}")

    def variant(self, version: str, **changes: Any) -> Scale:
        """A configured copy under a new version string, checked as a shipped scale is."""
        from placewell.engine.fidelity._load import check_scale

        if version == self.version:
            raise ValueError(f"a variant of {self.id} needs a version other than {self.version!r}")
        return check_scale(dataclasses.replace(self, version=version, **changes))

    def with_anchors(self, version: str, anchors: Mapping[str, Anchors]) -> Scale:
        """A variant whose items in ``anchors`` (by item key) use the service's own anchor figures."""
        unknown = [key for key in anchors if key not in self.item_keys]
        if unknown:
            raise KeyError(f"{self.id} has no item {unknown[0]!r}")
        items = tuple(
            dataclasses.replace(item, anchors=anchors[item.key]) if item.key in anchors else item
            for item in self.items
        )
        return self.variant(version, items=items)


@dataclass(frozen=True)
class SectionTotal:
    """The total of one section's items, with its possible range."""

    key: str
    name: str
    total: int
    minimum: int
    maximum: int


@dataclass(frozen=True)
class ReviewResult:
    """The scored review: the total, its band, and the total of each section.

    ``item_scores`` holds the validated scores in form order; ``band_description`` says what the band means.
    """

    scale: str
    version: str
    total: int
    minimum: int
    maximum: int
    band: str
    band_description: str
    sections: tuple[SectionTotal, ...]
    item_scores: Mapping[str, int]

    @property
    def section_totals(self) -> dict[str, int]:
        """Each section's total by section key."""
        return {section.key: section.total for section in self.sections}

    @property
    def share_of_maximum(self) -> float:
        """The total as a share of the highest possible total (0 to 1), for comparing scales of any length."""
        return self.total / self.maximum

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record of the result, for storing beside the review."""
        return {
            "scale": self.scale,
            "version": self.version,
            "total": self.total,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "band": self.band,
            "sections": {s.key: {"total": s.total, "maximum": s.maximum} for s in self.sections},
            "items": dict(self.item_scores),
        }
