"""Every suggester, collected so the web layer can iterate them: scale id -> item key -> :class:`Suggester`.

A fidelity review page lists each item; where the item has a suggester, the page computes the figures it
names (``Suggester.figures``) from the service's MI for the period and shows ``Suggester.suggest(...)``
beside the reviewer's score. :func:`suggest_all` does that for a whole scale from one mapping of figures.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from placewell.engine.fidelity import ips25_suggesters as ips25
from placewell.engine.fidelity import seqf_suggesters as seqf
from placewell.engine.fidelity.model import Scale
from placewell.engine.fidelity.registry import get_scale
from placewell.engine.fidelity.suggestion import Suggestion

SuggestFunction = Callable[..., Suggestion]


@dataclass(frozen=True)
class Suggester:
    """One item's suggester: the function and the names of the MI figures it needs (its parameters)."""

    scale: str
    item: str
    function: SuggestFunction
    figures: tuple[str, ...]

    def suggest(self, figures: Mapping[str, float | None], *, scale: str | Scale | None = None) -> Suggestion:
        """The suggestion from ``figures`` (a figure that is absent counts as no figure).

        ``scale`` is a configured variant of this suggester's scale; by default the registered scale.
        """
        arguments = {name: figures.get(name) for name in self.figures}
        return self.function(**arguments, scale=scale if scale is not None else self.scale)


def _suggester(scale: str, item: str, function: SuggestFunction) -> Suggester:
    parameters = inspect.signature(function).parameters.values()
    figures = tuple(p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return Suggester(scale, item, function, figures)


_IPS25 = {
    "caseload_size": ips25.suggest_caseload_size,
    "zero_exclusion": ips25.suggest_zero_exclusion,
    "rapid_job_search": ips25.suggest_rapid_job_search,
    "employer_contact_frequency": ips25.suggest_employer_contact_frequency,
    "diversity_of_job_types": ips25.suggest_diversity_of_job_types,
    "diversity_of_employers": ips25.suggest_diversity_of_employers,
    "competitive_jobs": ips25.suggest_competitive_jobs,
    "time_unlimited_follow_along": ips25.suggest_time_unlimited_follow_along,
    "community_based_services": ips25.suggest_community_based_services,
    "assertive_engagement": ips25.suggest_assertive_engagement,
}
_SEQF = {
    "prompt_first_meeting": seqf.suggest_prompt_first_meeting,
    "employer_contact_frequency": seqf.suggest_seqf_employer_contact_frequency,
    "job_outcome_rate": seqf.suggest_job_outcome_rate,
    "job_sustainment_rate": seqf.suggest_job_sustainment_rate,
    "jobs_at_market_rate": seqf.suggest_jobs_at_market_rate,
    "participant_satisfaction": seqf.suggest_participant_satisfaction,
}

SUGGESTERS: Mapping[str, Mapping[str, Suggester]] = MappingProxyType(
    {
        scale: MappingProxyType({item: _suggester(scale, item, fn) for item, fn in functions.items()})
        for scale, functions in (("ips25", _IPS25), ("seqf", _SEQF))
    }
)
"""Scale id -> item key -> suggester, in form order (read-only)."""


def suggesters_for(scale: str | Scale) -> Mapping[str, Suggester]:
    """The suggesters of a scale (a configured variant uses its registered scale's suggesters)."""
    chosen = get_scale(scale)
    return SUGGESTERS.get(chosen.id, MappingProxyType({}))


def suggest_all(scale: str | Scale, figures: Mapping[str, float | None]) -> dict[str, Suggestion]:
    """A suggestion for every item of ``scale`` that has a suggester, by item key, from one set of figures.

    Items whose figures are absent from ``figures`` get a suggestion with no score that says so.
    """
    chosen = get_scale(scale)
    return {
        key: suggester.suggest(figures, scale=chosen) for key, suggester in suggesters_for(chosen).items()
    }
