"""A service's job outcomes: job starts, competitive share, the share from hidden or developed vacancies,
sustainment milestones, and the diversity of jobs and employers (inputs to the IPS-25 fidelity items on
diversity of job types and diversity of employers). Aggregates only: no names."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from placewell.casework import soc
from placewell.employers.choices import Source
from placewell.employers.services import name_key
from placewell.participants.models import Status
from placewell.placements import milestones
from placewell.placements.models import JobStart


@dataclass
class Outcomes:
    job_starts: int = 0
    people: int = 0
    competitive: int = 0
    from_hidden_or_developed: int = 0
    with_vacancy: int = 0
    job_types: list[tuple[str, int, float]] = field(default_factory=list)  # (label, n, share)
    employers: list[tuple[str, int, float]] = field(default_factory=list)
    distinct_types: int = 0
    distinct_employers: int = 0
    reached: dict[int, int] = field(default_factory=dict)  # milestone weeks -> people who reached it
    threshold_met: int = 0

    def share(self, n: int) -> float:
        return n / self.job_starts if self.job_starts else 0.0


def _shares(counter: Counter[str], total: int) -> list[tuple[str, int, float]]:
    return [(k, n, n / total) for k, n in counter.most_common()]


def outcomes(service_ids: Iterable[int], definition: str, today: dt.date) -> Outcomes:
    """Two queries at most: the job starts (with their vacancy's source) of the services' reportable records."""
    rows = list(
        JobStart.objects.filter(participant__service_id__in=list(service_ids))
        .exclude(participant__status=Status.ERASED)
        .values_list(
            "participant_id",
            "soc",
            "employer_name",
            "competitive",
            "vacancy__source",
            "started_on",
            "ended_on",
            "hours",
        )
        .order_by("participant_id", "started_on")
    )
    out = Outcomes(job_starts=len(rows))
    if not rows:
        out.reached = dict.fromkeys(milestones.MILESTONE_WEEKS, 0)
        return out
    types = Counter(soc.label(r[1][:1]).removeprefix("Any job in: ") for r in rows)
    names: dict[str, str] = {}
    employer_counts: Counter[str] = Counter()
    for r in rows:
        key = name_key(r[2])
        names.setdefault(key, r[2])
        employer_counts[names[key]] += 1
    out.competitive = sum(1 for r in rows if r[3])
    out.with_vacancy = sum(1 for r in rows if r[4])
    out.from_hidden_or_developed = sum(1 for r in rows if r[4] in {Source.HIDDEN, Source.DEVELOPED})
    out.job_types = _shares(types, len(rows))
    out.employers = _shares(employer_counts, len(rows))
    out.distinct_types, out.distinct_employers = len(types), len(employer_counts)
    by_person: dict[int, list[milestones.Spell]] = {}
    for r in rows:
        by_person.setdefault(r[0], []).append(milestones.Spell(r[5], r[6], float(r[7])))
    out.people = len(by_person)
    out.reached = dict.fromkeys(milestones.MILESTONE_WEEKS, 0)
    for spells in by_person.values():
        s = milestones.sustainment(spells, today, definition)
        for m in s.milestones:
            out.reached[m.weeks] += m.reached
        out.threshold_met += s.threshold_met_on is not None
    return out
