"""The General Self-Efficacy Scale (GSE).

Ten statements, each answered 1 "Not at all true", 2 "Hardly true", 3 "Moderately true", 4 "Exactly true";
total 10-40, higher is more self-efficacy; no items are reversed and there are no official cut-offs
(Schwarzer and Jerusalem 1995, in Weinman, Wright, Johnston (eds.), Measures in Health Psychology: a user's
portfolio, pp. 35-37). The total is reported; a service that reports the item mean (1-4) configures a variant
with ``SummedScale(method="mean")``.

The wording is the authors' copyright, offered by them for research use with citation; the terms for routine
service use are not confirmed, so Placewell ships descriptive stand-ins until the organisation loads the wording.
No pro-rating rule is configured: only complete response sets are scored.
"""

from __future__ import annotations

from placewell.engine.measures._common import SummedScale, labelled
from placewell.engine.measures.model import STAND_IN_NOTICE, Instrument, Item, MissingRule

OPTIONS = labelled([(1, "Not at all true"), (2, "Hardly true"), (3, "Moderately true"), (4, "Exactly true")])

_TOPICS = (
    "solving difficult problems by trying hard enough",
    "finding ways to get what one wants when opposed",
    "sticking to aims and accomplishing goals",
    "dealing efficiently with unexpected events",
    "handling unforeseen situations through resourcefulness",
    "solving most problems by investing the necessary effort",
    "staying calm in difficulties by relying on coping abilities",
    "finding several solutions when confronted with a problem",
    "thinking of a solution when in trouble",
    "handling whatever comes one's way",
)

GSE = Instrument(
    id="gse",
    version="1.0",
    title="General Self-Efficacy Scale",
    stem=f"{STAND_IN_NOTICE} How true each statement is of the participant.",
    items=tuple(
        Item(f"item{n}", f"Stand-in: {topic}", 1, 4, OPTIONS) for n, topic in enumerate(_TOPICS, start=1)
    ),
    scorer=SummedScale(),
    raw_range=(10, 40),
    value_range=(10, 40),
    source=(
        "Schwarzer and Jerusalem (1995), Generalized Self-Efficacy scale, in Weinman, Wright, Johnston (eds.), "
        "Measures in Health Psychology: a user's portfolio, NFER-Nelson, pp. 35-37."
    ),
    licence=(
        "Copyright the authors, offered for research use with citation; terms for service use "
        "to be confirmed. Wording is loaded by the organisation."
    ),
    wording_status="stand_in",
    missing_rule=MissingRule(0, "scored only when all ten items are answered"),
    unconfirmed=("licence terms for routine service use",),
)
