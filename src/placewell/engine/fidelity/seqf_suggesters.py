"""SEQF items that management information can inform: one function per item, from plain figures.

Every SEQF anchor is Placewell's own and unconfirmed (see ``seqf.json``), so every suggestion here is
provisional until a service configures a variant with anchors confirmed from BASE's framework.
"""

from __future__ import annotations

from placewell.engine.fidelity.model import Scale
from placewell.engine.fidelity.suggestion import Suggestion, suggest_item_score


def suggest_prompt_first_meeting(
    median_days_referral_to_first_meeting: float | None, *, scale: str | Scale = "seqf"
) -> Suggestion:
    """Prompt first meeting (engaging referrals), from the median days from referral to first meeting."""
    return suggest_item_score(scale, "prompt_first_meeting", median_days_referral_to_first_meeting)


def suggest_seqf_employer_contact_frequency(
    employer_contacts_per_specialist_per_week: float | None, *, scale: str | Scale = "seqf"
) -> Suggestion:
    """Frequent employer contact (employer engagement), from face-to-face employer contacts a week."""
    return suggest_item_score(scale, "employer_contact_frequency", employer_contacts_per_specialist_per_week)


def suggest_job_outcome_rate(job_outcome_rate: float | None, *, scale: str | Scale = "seqf") -> Suggestion:
    """People moving into paid work (job outcomes), from the share of out-of-work participants starting work."""
    return suggest_item_score(scale, "job_outcome_rate", job_outcome_rate)


def suggest_job_sustainment_rate(
    job_sustainment_rate: float | None, *, scale: str | Scale = "seqf"
) -> Suggestion:
    """Jobs that last (job outcomes), from the share of job starts sustained for 13 weeks."""
    return suggest_item_score(scale, "job_sustainment_rate", job_sustainment_rate)


def suggest_jobs_at_market_rate(
    share_of_jobs_competitive: float | None, *, scale: str | Scale = "seqf"
) -> Suggestion:
    """Paid jobs on equal terms (job outcomes), from the share of job starts that are competitive."""
    return suggest_item_score(scale, "jobs_at_market_rate", share_of_jobs_competitive)


def suggest_participant_satisfaction(
    share_of_participants_satisfied: float | None, *, scale: str | Scale = "seqf"
) -> Suggestion:
    """Participants' satisfaction, from the share agreeing their specialist understands their needs."""
    return suggest_item_score(scale, "participant_satisfaction", share_of_participants_satisfied)
