"""Fidelity scales as data, review scoring, MI-suggested item scores and agreement between reviewers.

Django-free. The ``fidelity`` app stores reviews and calls :func:`score_review`; it shows beside each item the
score suggested from the service's management information (:data:`SUGGESTERS`, :func:`suggest_all`) and, when
a second reviewer scores independently, :func:`inter_rater_agreement`. Scales: IPS-25 (Becker et al. 2019,
validated by Bond et al. 2012) and a configurable SEQF form (BASE). Sources, and which anchor figures are
unconfirmed, are in ``ips25.json``, ``seqf.json`` and ``docs/explanation/fidelity.md``.

>>> result = score_review("ips25", {key: 4 for key in IPS25.item_keys})
>>> result.total, result.band, result.section_totals["staffing"]
(100, 'good', 12)
>>> suggest_caseload_size(22.5).score
4
"""

from placewell.engine.fidelity.agreement import (
    ItemAgreement,
    RaterAgreement,
    inter_rater_agreement,
    linear_weighted_kappa,
)
from placewell.engine.fidelity.errors import (
    AgreementError,
    FidelityError,
    InvalidFigureError,
    ItemScoreError,
    MissingItemError,
    ScaleDataError,
    UnknownItemError,
    UnknownScaleError,
)
from placewell.engine.fidelity.ips25_suggesters import (
    suggest_assertive_engagement,
    suggest_caseload_size,
    suggest_community_based_services,
    suggest_competitive_jobs,
    suggest_diversity_of_employers,
    suggest_diversity_of_job_types,
    suggest_employer_contact_frequency,
    suggest_rapid_job_search,
    suggest_time_unlimited_follow_along,
    suggest_zero_exclusion,
)
from placewell.engine.fidelity.model import (
    UNCONFIRMED_NOTICE,
    Anchors,
    Band,
    Cut,
    Item,
    ReviewResult,
    Scale,
    Section,
    SectionTotal,
)
from placewell.engine.fidelity.registry import IPS25, SCALES, SEQF, get_scale
from placewell.engine.fidelity.scoring import score_review
from placewell.engine.fidelity.seqf_suggesters import (
    suggest_job_outcome_rate,
    suggest_job_sustainment_rate,
    suggest_jobs_at_market_rate,
    suggest_participant_satisfaction,
    suggest_prompt_first_meeting,
    suggest_seqf_employer_contact_frequency,
)
from placewell.engine.fidelity.suggesters import SUGGESTERS, Suggester, suggest_all, suggesters_for
from placewell.engine.fidelity.suggestion import Suggestion, suggest_item_score

__all__ = [
    "IPS25",
    "SCALES",
    "SEQF",
    "SUGGESTERS",
    "UNCONFIRMED_NOTICE",
    "AgreementError",
    "Anchors",
    "Band",
    "Cut",
    "FidelityError",
    "InvalidFigureError",
    "Item",
    "ItemAgreement",
    "ItemScoreError",
    "MissingItemError",
    "RaterAgreement",
    "ReviewResult",
    "Scale",
    "ScaleDataError",
    "Section",
    "SectionTotal",
    "Suggester",
    "Suggestion",
    "UnknownItemError",
    "UnknownScaleError",
    "get_scale",
    "inter_rater_agreement",
    "linear_weighted_kappa",
    "score_review",
    "suggest_all",
    "suggest_assertive_engagement",
    "suggest_caseload_size",
    "suggest_community_based_services",
    "suggest_competitive_jobs",
    "suggest_diversity_of_employers",
    "suggest_diversity_of_job_types",
    "suggest_employer_contact_frequency",
    "suggest_item_score",
    "suggest_job_outcome_rate",
    "suggest_job_sustainment_rate",
    "suggest_jobs_at_market_rate",
    "suggest_participant_satisfaction",
    "suggest_prompt_first_meeting",
    "suggest_rapid_job_search",
    "suggest_seqf_employer_contact_frequency",
    "suggest_time_unlimited_follow_along",
    "suggest_zero_exclusion",
    "suggesters_for",
]
