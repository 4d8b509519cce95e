"""IPS-25 items that management information can inform: one function per item, from plain figures.

Each function reads its figure against the item's anchors in ``ips25.json`` (or a service's configured variant
passed as ``scale``) and returns a :class:`Suggestion` with the reason in words. What each figure is, and
which anchor figures are confirmed and by which source, is in the data file; in short, the caseload anchors
are confirmed by the public UK version of the scale (Centre for Mental Health) and DWP research report 1025,
six employer contacts a week for the top score by report 1025 section 3.3.2, and the rest are unconfirmed.
"""

from __future__ import annotations

from placewell.engine.fidelity.model import Scale
from placewell.engine.fidelity.suggestion import Suggestion, suggest_item_score


def suggest_caseload_size(
    average_caseload_per_fte: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Caseload size, from the open caseload per full-time-equivalent employment specialist."""
    return suggest_item_score(scale, "caseload_size", average_caseload_per_fte)


def suggest_zero_exclusion(
    share_of_referrals_screened_out: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Zero exclusion, from the share of referrals closed without support other than by the person's choice."""
    return suggest_item_score(scale, "zero_exclusion", share_of_referrals_screened_out)


def suggest_rapid_job_search(
    median_days_to_first_employer_contact: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Rapid job search, from the median days from starting support to first face-to-face employer contact."""
    return suggest_item_score(scale, "rapid_job_search", median_days_to_first_employer_contact)


def suggest_employer_contact_frequency(
    employer_contacts_per_specialist_per_week: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Frequent employer contact, from face-to-face employer contacts per specialist per week."""
    return suggest_item_score(scale, "employer_contact_frequency", employer_contacts_per_specialist_per_week)


def suggest_diversity_of_job_types(
    share_of_distinct_job_types: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Diversity of job types, from distinct job types as a share of job starts."""
    return suggest_item_score(scale, "diversity_of_job_types", share_of_distinct_job_types)


def suggest_diversity_of_employers(
    share_of_distinct_employers: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Diversity of employers, from distinct employers as a share of job starts."""
    return suggest_item_score(scale, "diversity_of_employers", share_of_distinct_employers)


def suggest_competitive_jobs(
    share_of_jobs_competitive: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Competitive jobs, from the share of job starts that are competitive employment."""
    return suggest_item_score(scale, "competitive_jobs", share_of_jobs_competitive)


def suggest_time_unlimited_follow_along(
    median_months_of_in_work_support: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Time-unlimited in-work support, from the median months of in-work support."""
    return suggest_item_score(scale, "time_unlimited_follow_along", median_months_of_in_work_support)


def suggest_community_based_services(
    share_of_contacts_in_community: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Community-based services, from the share of contacts held in the community."""
    return suggest_item_score(scale, "community_based_services", share_of_contacts_in_community)


def suggest_assertive_engagement(
    share_reengaged_after_missed_contact: float | None, *, scale: str | Scale = "ips25"
) -> Suggestion:
    """Assertive engagement and outreach, from the share re-engaged within 30 days of a missed contact."""
    return suggest_item_score(scale, "assertive_engagement", share_reengaged_after_missed_contact)
