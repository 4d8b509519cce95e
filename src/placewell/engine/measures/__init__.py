"""Placewell's outcome-measure library: instruments as versioned data, and exact scoring.

Django-free. The web layer builds questionnaires from :data:`INSTRUMENTS` and stores what :func:`score`
returns; evaluations score whole data sets with :func:`score_many`. Instruments: SWEMWBS, EQ-5D-5L, PHQ-8,
GAD-7, the General Self-Efficacy Scale, job-search self-efficacy (configurable), ONS4, MSK-HQ and client
experience. Sources and licences are in each module's docstring and in ``docs/explanation/measures.md``.
"""

from placewell.engine.measures.errors import (
    InvalidOptionError,
    MeasureError,
    MissingColumnError,
    MissingOptionError,
    OutOfRangeError,
    UnknownInstrumentError,
    UnknownItemError,
)
from placewell.engine.measures.model import (
    STAND_IN_NOTICE,
    UNCONFIRMED_NOTICE,
    Band,
    Instrument,
    Item,
    MeasureScore,
    MissingRule,
    ResponseOption,
)
from placewell.engine.measures.registry import INSTRUMENTS, get_instrument
from placewell.engine.measures.scoring import SCORE_COLUMNS, score, score_many

__all__ = [
    "INSTRUMENTS",
    "SCORE_COLUMNS",
    "STAND_IN_NOTICE",
    "UNCONFIRMED_NOTICE",
    "Band",
    "Instrument",
    "InvalidOptionError",
    "Item",
    "MeasureError",
    "MeasureScore",
    "MissingColumnError",
    "MissingOptionError",
    "MissingRule",
    "OutOfRangeError",
    "ResponseOption",
    "UnknownInstrumentError",
    "UnknownItemError",
    "get_instrument",
    "score",
    "score_many",
]
