"""Client experience: how participants rate the support of their employment specialist.

Placewell's own short questionnaire (not a validated instrument), built on client-experience statements
("my employment specialist understands my needs", "has the right skills and expertise",
"I feel I have someone in my corner") and a few more of the same kind. Each statement is answered on a
five-point agreement scale, 1 "Strongly disagree" to 5 "Strongly agree"; the reported score is the mean, 1-5,
and the items are meant to be read one by one as well. Only complete response sets get a mean.
"""

from __future__ import annotations

from placewell.engine.measures._common import SummedScale, labelled
from placewell.engine.measures.model import Instrument, Item, MissingRule

AGREEMENT = labelled(
    [
        (1, "Strongly disagree"),
        (2, "Disagree"),
        (3, "Neither agree nor disagree"),
        (4, "Agree"),
        (5, "Strongly agree"),
    ]
)

_STATEMENTS = (
    ("understands_needs", "My employment specialist understands my needs"),
    ("skills_expertise", "My employment specialist has the right skills and expertise"),
    ("in_my_corner", "I feel I have someone in my corner"),
    ("respects_choices", "My employment specialist respects my choices about work"),
    ("helps_progress", "The support is helping me move towards the work I want"),
    ("would_recommend", "I would recommend this support to a friend in my situation"),
)

CLIENT_EXPERIENCE = Instrument(
    id="client_experience",
    version="1.0",
    title="Client experience",
    stem="How much do you agree or disagree with each statement about the support you get?",
    items=tuple(Item(key, text, 1, 5, AGREEMENT) for key, text in _STATEMENTS),
    scorer=SummedScale(method="mean"),
    raw_range=(6, 30),
    value_range=(1, 5),
    source="Placewell's own questionnaire, after the client-experience statements of DWP research report 1025.",
    licence="Written for Placewell; free to use under the project's licence.",
    wording_status="own",
    missing_rule=MissingRule(0, "scored only when every statement is answered"),
)
