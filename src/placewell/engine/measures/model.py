"""Instruments as versioned data, and the score a response set gets.

An :class:`Instrument` holds everything a questionnaire page, a scoring run and a report need: items with keys,
wording and labelled response options, the valid range, the missing-item rule, bands, the published source,
the licence note, which facts are still unconfirmed, and the scorer that turns responses into a
:class:`MeasureScore`. Instruments are frozen; a service that configures one (pro-rating, bands, a local job
search scale) makes a variant with its own version string through :meth:`Instrument.variant`, so every stored
score can say exactly which scoring produced it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

WordingStatus = Literal["public_domain", "open_government_licence", "stand_in", "own"]
"""Where an instrument's item wording comes from.

``stand_in``: the wording is licensed; Placewell ships a descriptive stand-in that must be replaced by the
organisation's licensed text before participants see it. ``own``: written for Placewell.
"""

STAND_IN_NOTICE = (
    "Descriptive stand-in: load your organisation's licensed wording before using this questionnaire."
)
UNCONFIRMED_NOTICE = "to be confirmed against the licensed manual"

Detail = str | float | None


@dataclass(frozen=True)
class ResponseOption:
    """One labelled answer: the stored integer and the label shown beside it."""

    value: int
    label: str


@dataclass(frozen=True)
class Item:
    """One question. Valid answers are the whole numbers ``minimum``..``maximum``.

    ``options`` labels the answers (for a 0-100 scale only the ends are labelled). ``scored`` is false for a
    question asked alongside the instrument but kept out of its total (the EQ VAS, the MSK-HQ activity days).
    """

    key: str
    wording: str
    minimum: int
    maximum: int
    options: tuple[ResponseOption, ...]
    scored: bool = True

    @property
    def allowed(self) -> str:
        """The valid answers in words, for error messages."""
        return f"a whole number from {self.minimum} to {self.maximum}"


@dataclass(frozen=True)
class Band:
    """A named band of a score, inclusive at both ends."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class MissingRule:
    """How many scored items may be unanswered and still give a score (by pro-rating), and the rule in words.

    ``max_missing = 0`` (the default everywhere) means only complete response sets are scored.
    """

    max_missing: int = 0
    description: str = "scored only when every item is answered"


@dataclass(frozen=True)
class MeasureScore:
    """The score of one response set.

    ``raw`` is the raw total where the instrument has one; ``value`` the reported score (metric score, index,
    total or mean); ``band`` its band where the instrument has bands; ``complete`` is true only when every item
    was answered; ``reasons`` say why there is no score, or what was noted on the way (an item unanswered, a
    total pro-rated). ``details`` carries instrument-specific extras (the EQ-5D health state and VAS, the ONS4
    item bands) under the same names as the extra columns of :func:`score_many`.
    """

    instrument: str
    version: str
    raw: float | None
    value: float | None
    band: str | None
    complete: bool
    reasons: tuple[str, ...] = ()
    details: Mapping[str, Detail] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        """Whether a score (``value``) was produced."""
        return self.value is not None


class Scorer(Protocol):
    """Turns validated responses into scores, one at a time or as whole columns."""

    @property
    def options(self) -> frozenset[str]:
        """The names of the options this scorer takes."""
        ...

    def score_one(
        self, instrument: Instrument, values: Mapping[str, int | None], options: Mapping[str, Any]
    ) -> MeasureScore:
        """Score one response set whose values have been checked against each item's range."""
        ...

    def score_frame(
        self,
        instrument: Instrument,
        values: Mapping[str, NDArray[np.float64]],
        frame: pd.DataFrame,
        options: Mapping[str, Any],
    ) -> dict[str, Any]:
        """Score many response sets; ``values`` holds one float column per item, NaN where unanswered."""
        ...


@dataclass(frozen=True)
class Instrument:
    """One instrument at one scoring version."""

    id: str
    version: str
    title: str
    stem: str
    items: tuple[Item, ...]
    scorer: Scorer
    value_range: tuple[float, float] | None
    source: str
    licence: str
    wording_status: WordingStatus
    raw_range: tuple[float, float] | None = None
    bands: tuple[Band, ...] = ()
    missing_rule: MissingRule = MissingRule()
    minimal_important_change: float | None = None
    higher_is_better: bool | None = True
    unconfirmed: tuple[str, ...] = ()

    def __hash__(self) -> int:
        """Hash by id and version (the scorer's tables are not hashable); equality still compares all fields."""
        return hash((self.id, self.version))

    @property
    def item_keys(self) -> tuple[str, ...]:
        """The item keys in questionnaire order."""
        return tuple(item.key for item in self.items)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """The items that count towards the score."""
        return tuple(item for item in self.items if item.scored)

    def item(self, key: str) -> Item:
        """The item with this key (``KeyError`` if none)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def band_for(self, value: float) -> str | None:
        """The label of the band holding ``value``, if any."""
        for band in self.bands:
            if band.low <= value <= band.high:
                return band.label
        return None

    def variant(self, version: str, **changes: Any) -> Instrument:
        """A configured copy under a new version string (e.g. a pro-rating rule or a service's own bands)."""
        if version == self.version:
            raise ValueError(f"a variant of {self.id} needs a version other than {self.version!r}")
        return dataclasses.replace(self, version=version, **changes)
