"""MSK-HQ: the Musculoskeletal Health Questionnaire.

Fourteen items, each scored 0-4 with 4 the best state; total 0-56, higher is better; a separate
physical-activity question (a number of days, 0-7) is asked alongside but not counted in the total; the minimal
important change is 5.5 points
(Hill et al. 2016, BMJ Open 6:e012331, doi:10.1136/bmjopen-2016-012331).

Severity bands and the item order on the form are not confirmed, so no bands ship (a service configures them as
a variant) and the items below follow the domains in the order of the development paper, marked unconfirmed.
The wording is licensed (Keele University); Placewell ships descriptive stand-ins. The physical-activity
question has key ``activity_days``. Only complete response sets are scored.
"""

from __future__ import annotations

from placewell.engine.measures._common import SummedScale, labelled
from placewell.engine.measures.model import STAND_IN_NOTICE, Instrument, Item, MissingRule

MINIMAL_IMPORTANT_CHANGE = 5.5
"""Minimal important change in the MSK-HQ total (Hill et al. 2016)."""

OPTIONS = labelled(
    [
        (4, "4: no symptoms or difficulty (best)"),
        (3, "3: slight"),
        (2, "2: moderate"),
        (1, "1: severe"),
        (0, "0: extreme or unable (worst)"),
    ]
)

_TOPICS = (
    "pain or stiffness during the day",
    "pain or stiffness during the night",
    "walking",
    "washing and dressing",
    "physical activity levels",
    "work or daily routine",
    "social activities and hobbies",
    "needing help from others",
    "sleep",
    "fatigue or low energy",
    "emotional well-being",
    "understanding of the condition and its treatment",
    "confidence in managing symptoms",
    "overall impact of symptoms",
)

MSKHQ = Instrument(
    id="mskhq",
    version="1.0",
    title="MSK-HQ",
    stem=f"{STAND_IN_NOTICE} How the participant's joint or muscle symptoms have affected them.",
    items=(
        *(Item(f"item{n}", f"Stand-in: {topic}", 0, 4, OPTIONS) for n, topic in enumerate(_TOPICS, start=1)),
        Item(
            "activity_days",
            "Stand-in: number of days of physical activity (0-7)",
            0,
            7,
            labelled([(0, "0 days"), (7, "7 days")]),
            scored=False,
        ),
    ),
    scorer=SummedScale(),
    raw_range=(0, 56),
    value_range=(0, 56),
    source="Hill et al. (2016), BMJ Open 6:e012331, doi:10.1136/bmjopen-2016-012331.",
    licence="Licensed (Keele University); item wording is loaded by the organisation from its licensed copy.",
    wording_status="stand_in",
    missing_rule=MissingRule(0, "scored only when all fourteen scored items are answered"),
    minimal_important_change=MINIMAL_IMPORTANT_CHANGE,
    unconfirmed=("severity bands", "item order on the form"),
)
