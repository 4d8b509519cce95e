"""PHQ-8: the eight-item Patient Health Questionnaire depression scale.

Items 1-8 of the PHQ-9 (the ninth, on thoughts of self-harm, is left out), each answered for the last two weeks
0 "Not at all", 1 "Several days", 2 "More than half the days", 3 "Nearly every day"; total 0-24. Bands 0-4 none
or minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-24 severe; a total of 10 or more suggests
current depression (Kroenke et al. 2009, Journal of Affective Disorders 114:163-73,
doi:10.1016/j.jad.2008.06.026). The PHQ was developed with an educational grant from Pfizer, which states that no
permission is required to reproduce, translate, display or distribute it; the wording ships.

No pro-rating rule is configured: only complete response sets are scored.
"""

from __future__ import annotations

from placewell.engine.measures._common import SummedScale, labelled
from placewell.engine.measures.model import Band, Instrument, Item, MissingRule

FREQUENCY = labelled(
    [(0, "Not at all"), (1, "Several days"), (2, "More than half the days"), (3, "Nearly every day")]
)

CUT_POINT = 10
"""A PHQ-8 total of 10 or more suggests current depression (Kroenke et al. 2009)."""

_WORDING = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself, or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed, or the opposite: being so fidgety or "
    "restless that you have been moving around a lot more than usual",
)

PHQ8 = Instrument(
    id="phq8",
    version="1.0",
    title="PHQ-8",
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items=tuple(Item(f"item{n}", text, 0, 3, FREQUENCY) for n, text in enumerate(_WORDING, start=1)),
    scorer=SummedScale(),
    raw_range=(0, 24),
    value_range=(0, 24),
    bands=(
        Band(0, 4, "none or minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately severe"),
        Band(20, 24, "severe"),
    ),
    source="Kroenke et al. (2009), Journal of Affective Disorders 114:163-73, doi:10.1016/j.jad.2008.06.026.",
    licence="Public domain in practice: no permission is required to reproduce, translate, display or distribute.",
    wording_status="public_domain",
    missing_rule=MissingRule(0, "scored only when all eight items are answered"),
    higher_is_better=False,
)
