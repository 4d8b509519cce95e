"""Job matching: how well a vacancy fits a participant's vocational profile, with the reasons in words.

Matching suggests; the participant decides (IPS "client choice", DWP research report 1025 and Learning and Work Institute (2024)). Scores follow the rules
in ``scoring.py``; ``vectorised.py`` ranks many rows at once with the same rules; ``minimum_wage.py`` holds the
dated UK minimum wage table that decides whether a job is competitive employment.
"""

from placewell.engine.matching.minimum_wage import SOURCE, NoRateError, Rate, age_on, minimum_rate, rates
from placewell.engine.matching.model import (
    ADJUSTMENTS,
    CONDITIONS,
    HOURS_LABELS,
    Match,
    Profile,
    Reason,
    Vacancy,
)
from placewell.engine.matching.scoring import pounds, rank_key, score
from placewell.engine.matching.text import adjustments_in, conditions_in, pay_expected_pence
from placewell.engine.matching.vectorised import (
    ProfileTable,
    Ranking,
    VacancyTable,
    rank_participants,
    rank_vacancies,
    score_profiles,
    score_vacancies,
)

__all__ = [
    "ADJUSTMENTS",
    "CONDITIONS",
    "HOURS_LABELS",
    "SOURCE",
    "Match",
    "NoRateError",
    "Profile",
    "ProfileTable",
    "Ranking",
    "Rate",
    "Reason",
    "Vacancy",
    "VacancyTable",
    "adjustments_in",
    "age_on",
    "conditions_in",
    "minimum_rate",
    "pay_expected_pence",
    "pounds",
    "rank_key",
    "rank_participants",
    "rank_vacancies",
    "rates",
    "score",
    "score_profiles",
    "score_vacancies",
]
