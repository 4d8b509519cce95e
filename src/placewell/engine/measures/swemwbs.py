"""SWEMWBS: the Short Warwick-Edinburgh Mental Wellbeing Scale.

Seven positively worded statements about the last two weeks, each answered 1 "None of the time" to 5 "All of
the time"; the raw score is the sum, 7-35 (Stewart-Brown et al. 2009, Health and Quality of Life Outcomes 7:15,
doi:10.1186/1477-7525-7-15). The reported score is the metric score, the Rasch conversion of the raw total
published by Warwick Medical School (7 -> 7.00 ... 35 -> 35.00), read from ``swemwbs_conversion.json`` beside
this module, which names its source.

No official pro-rating rule for unanswered items was found, so only complete response sets are scored; a
service that adopts a documented rule configures it as a variant (``MissingRule(max_missing=...)``).

The item wording is licensed (free to use after registering with the copyright holders, University of
Warwick); Placewell ships descriptive stand-ins until the organisation loads its registered wording. The
response labels below are the scale's five frequency anchors.
"""

from __future__ import annotations

import json

from placewell.engine.measures._common import SummedScale, labelled, read_data
from placewell.engine.measures.model import STAND_IN_NOTICE, Instrument, Item, MissingRule


def load_conversion() -> dict[int, float]:
    """The raw-to-metric conversion table from ``swemwbs_conversion.json`` (Warwick Medical School)."""
    table = json.loads(read_data("swemwbs_conversion.json"))["raw_to_metric"]
    return {int(raw): float(metric) for raw, metric in table.items()}


CONVERSION = load_conversion()

OPTIONS = labelled(
    [(1, "None of the time"), (2, "Rarely"), (3, "Some of the time"), (4, "Often"), (5, "All of the time")]
)

_TOPICS = (
    "optimism about the future",
    "feeling useful",
    "feeling relaxed",
    "dealing with problems well",
    "thinking clearly",
    "feeling close to other people",
    "making up one's own mind about things",
)

SWEMWBS = Instrument(
    id="swemwbs",
    version="1.0",
    title="SWEMWBS",
    stem=f"{STAND_IN_NOTICE} How often the participant has felt each of the following over the last two weeks.",
    items=tuple(
        Item(f"item{n}", f"Stand-in: {topic}", 1, 5, OPTIONS) for n, topic in enumerate(_TOPICS, start=1)
    ),
    scorer=SummedScale(conversion=CONVERSION),
    raw_range=(7, 35),
    value_range=(7.0, 35.0),
    source=(
        "Stewart-Brown et al. (2009), Health and Quality of Life Outcomes 7:15, doi:10.1186/1477-7525-7-15; "
        "metric conversion table: Warwick Medical School."
    ),
    licence=(
        "Licensed: free to use after registering with the copyright holders (University of Warwick). "
        "Item wording is loaded by the organisation from its registered copy."
    ),
    wording_status="stand_in",
    missing_rule=MissingRule(
        0, "scored only when all seven items are answered (no official pro-rating rule)"
    ),
    unconfirmed=("missing-item rule (no official pro-rating rule found)",),
)
