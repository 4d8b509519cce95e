"""GAD-7: the seven-item Generalised Anxiety Disorder scale.

Seven items, each answered for the last two weeks on the PHQ's 0-3 frequency scale; total 0-21. Bands 0-4
minimal, 5-9 mild, 10-14 moderate, 15-21 severe; 10 is the screening cut-point (Spitzer, Kroenke, Williams,
Lowe 2006, Archives of Internal Medicine 166:1092-7, doi:10.1001/archinte.166.10.1092). Like the PHQ, no
permission is required to reproduce, translate, display or distribute it; the wording ships.

No pro-rating rule is configured: only complete response sets are scored.
"""

from __future__ import annotations

from placewell.engine.measures._common import SummedScale
from placewell.engine.measures.model import Band, Instrument, Item, MissingRule
from placewell.engine.measures.phq8 import FREQUENCY

CUT_POINT = 10
"""The GAD-7 screening cut-point (Spitzer et al. 2006)."""

_WORDING = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)

GAD7 = Instrument(
    id="gad7",
    version="1.0",
    title="GAD-7",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=tuple(Item(f"item{n}", text, 0, 3, FREQUENCY) for n, text in enumerate(_WORDING, start=1)),
    scorer=SummedScale(),
    raw_range=(0, 21),
    value_range=(0, 21),
    bands=(Band(0, 4, "minimal"), Band(5, 9, "mild"), Band(10, 14, "moderate"), Band(15, 21, "severe")),
    source=(
        "Spitzer, Kroenke, Williams, Lowe (2006), Archives of Internal Medicine 166:1092-7, "
        "doi:10.1001/archinte.166.10.1092."
    ),
    licence="Public domain in practice: no permission is required to reproduce, translate, display or distribute.",
    wording_status="public_domain",
    missing_rule=MissingRule(0, "scored only when all seven items are answered"),
    higher_is_better=False,
)
