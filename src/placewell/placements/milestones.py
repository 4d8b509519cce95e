"""Sustainment milestones from a person's jobs: 4, 13, 26 and 52 weeks in work, under a chosen definition.

Pure Python (no database), so the rules are easy to test and to explain. A job is a spell from its start to
its end (the last day worked; open while the job continues). Definitions, selectable on the page:

- ``ips_grow``: IPS Grow reporting. A job start needs at least 4 hours of paid work (read here as contracted
  hours of 4 or more a week); job starts include second and later jobs, so a person who changes job keeps
  counting. Weeks in work run continuously across job changes; a break of up to ``GAP_DAYS`` between one job
  and the next is a change of job, not a gap; a longer break starts the count again.
- ``ips_primary_care``: the IPS in Primary Care threshold outcome: work of at least 7 hours a week for 13
  weeks within a 16-week window. Milestones count continuous weeks in jobs of 7 hours or more.
- ``weeks_added_up``: every week in work added up since the first job start, gaps or not (the Health-led
  Trials' outcome counts weeks in work in the 12 months after randomisation; DWP research report 1025, Table 6.3).

Week N is complete on the 7N-th day counted from the start: someone who starts on Monday 1 March reaches 4
weeks on Sunday 28 March if they are still in work that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

MILESTONE_WEEKS = (4, 13, 26, 52)
GAP_DAYS = 7  # a break of a week or less between jobs is a change of job (a weekend, a notice period)
THRESHOLD_WEEKS, THRESHOLD_WINDOW_WEEKS, THRESHOLD_HOURS = 13, 16, 7.0  # IPS in Primary Care


@dataclass(frozen=True)
class Definition:
    key: str
    name: str
    min_hours: float
    cumulative: bool
    threshold: bool
    text: str


DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            "ips_grow",
            "IPS Grow",
            4.0,
            False,
            False,
            "Jobs of at least 4 hours a week; second and later jobs count; weeks run on across a change of job "
            f"with a break of {GAP_DAYS} days or less, and start again after a longer gap.",
        ),
        Definition(
            "ips_primary_care",
            "IPS in Primary Care",
            THRESHOLD_HOURS,
            False,
            True,
            "Jobs of at least 7 hours a week. The threshold outcome is met once the person has worked 13 weeks "
            "within 16 weeks.",
        ),
        Definition(
            "weeks_added_up",
            "Weeks in work added up",
            0.0,
            True,
            False,
            "Every week in any paid job since the first job start, added up, with or without gaps.",
        ),
    )
}
DEFAULT = "ips_grow"


@dataclass(frozen=True)
class Spell:
    start: dt.date
    end: dt.date | None  # last day worked; None while the job continues
    hours: float


@dataclass(frozen=True)
class Milestone:
    weeks: int
    reached_on: dt.date | None  # the day it was reached, if it has been
    due_on: dt.date | None  # the day it will be reached if the person stays in work, if not yet reached

    @property
    def reached(self) -> bool:
        return self.reached_on is not None


@dataclass(frozen=True)
class Sustainment:
    definition: Definition
    first_start: dt.date | None
    weeks_in_work: int  # whole weeks: of the current run (continuous) or in all (added up)
    in_work: bool
    milestones: tuple[Milestone, ...] = field(default=())
    threshold_met_on: dt.date | None = None

    def milestone(self, weeks: int) -> Milestone:
        return next(m for m in self.milestones if m.weeks == weeks)


def _runs(spells: Sequence[Spell], today: dt.date, gap_days: int) -> list[tuple[dt.date, dt.date, bool]]:
    """Merge spells into runs of work (start, last day, still going), bridging breaks of ``gap_days`` or less."""
    runs: list[list[object]] = []
    for sp in sorted(spells, key=lambda x: x.start):
        if sp.start > today:
            continue
        ongoing = sp.end is None or sp.end >= today
        end = today if ongoing else sp.end
        assert end is not None
        if runs and (sp.start - runs[-1][1]).days - 1 <= gap_days:  # type: ignore[operator]
            last = runs[-1]
            if end >= last[1]:  # type: ignore[operator]
                last[1], last[2] = end, ongoing
            else:
                last[2] = bool(last[2]) or ongoing
        else:
            runs.append([sp.start, end, ongoing])
    return [(r[0], r[1], bool(r[2])) for r in runs]  # type: ignore[misc]


def _days_worked(spells: Sequence[Spell], today: dt.date) -> set[dt.date]:
    days: set[dt.date] = set()
    for sp in spells:
        end = min(sp.end or today, today)
        day = sp.start
        while day <= end:
            days.add(day)
            day += dt.timedelta(days=1)
    return days


def _threshold(spells: Sequence[Spell], today: dt.date) -> dt.date | None:
    """The first day on which 13 weeks (91 days) of work fall within the 16 weeks (112 days) ending that day."""
    worked = sorted(_days_worked(spells, today))
    need, window = THRESHOLD_WEEKS * 7, THRESHOLD_WINDOW_WEEKS * 7
    lo = 0
    for hi, day in enumerate(worked):
        while (day - worked[lo]).days >= window:
            lo += 1
        if hi - lo + 1 >= need:
            return day
    return None


def sustainment(spells: Sequence[Spell], today: dt.date, definition: str = DEFAULT) -> Sustainment:
    """Milestones for one person's jobs, as they stand on ``today``."""
    d = DEFINITIONS[definition]
    counted = [sp for sp in spells if sp.hours >= d.min_hours and sp.start <= today]
    if not counted:
        return Sustainment(d, None, 0, False, tuple(Milestone(w, None, None) for w in MILESTONE_WEEKS))
    first = min(sp.start for sp in counted)
    in_work = any(sp.end is None or sp.end >= today for sp in counted)
    milestones = []
    if d.cumulative:
        worked = sorted(_days_worked(counted, today))
        for w in MILESTONE_WEEKS:
            n = w * 7
            reached = worked[n - 1] if len(worked) >= n else None
            due = today + dt.timedelta(days=n - len(worked)) if reached is None and in_work else None
            milestones.append(Milestone(w, reached, due))
        weeks = len(worked) // 7
    else:
        runs = _runs(counted, today, GAP_DAYS)
        for w in MILESTONE_WEEKS:
            reached = None
            for start, end, _ongoing in runs:
                day = start + dt.timedelta(days=w * 7 - 1)
                if day <= end:
                    reached = day
                    break
            current = runs[-1]
            due = current[0] + dt.timedelta(days=w * 7 - 1) if reached is None and current[2] else None
            milestones.append(Milestone(w, reached, due))
        current = runs[-1]
        weeks = ((current[1] - current[0]).days + 1) // 7 if current[2] else 0
    threshold = _threshold(counted, today) if d.threshold else None
    return Sustainment(d, first, weeks, in_work, tuple(milestones), threshold)
