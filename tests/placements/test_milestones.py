"""Sustainment milestones across job changes and gaps, under each selectable definition (hand-counted dates).

Week N is complete on day 7N counted from the start (start day = day 1): a start on Monday 1 March 2027
reaches 4 weeks on Sunday 28 March 2027.
"""

from __future__ import annotations

import datetime as dt

from placewell.placements.milestones import Spell, sustainment

D = dt.date


def test_one_continuing_job() -> None:
    s = sustainment([Spell(D(2027, 3, 1), None, 20)], today=D(2027, 6, 1))
    assert s.milestone(4).reached_on == D(2027, 3, 28)
    assert s.milestone(13).reached_on == D(2027, 5, 30)  # 1 March + 90 days
    assert s.milestone(26).reached_on is None and s.milestone(26).due_on == D(2027, 8, 29)
    assert s.in_work and s.weeks_in_work == 13  # 93 days


def test_a_job_ending_the_day_before_a_milestone_does_not_reach_it() -> None:
    s = sustainment([Spell(D(2027, 3, 1), D(2027, 3, 27), 20)], today=D(2027, 6, 1))
    assert s.milestone(4).reached_on is None and s.milestone(4).due_on is None and not s.in_work
    s = sustainment([Spell(D(2027, 3, 1), D(2027, 3, 28), 20)], today=D(2027, 6, 1))
    assert s.milestone(4).reached_on == D(2027, 3, 28)


def test_changing_job_without_a_gap_keeps_counting() -> None:
    jobs = [Spell(D(2027, 3, 1), D(2027, 4, 9), 20), Spell(D(2027, 4, 12), None, 30)]  # weekend between
    s = sustainment(jobs, today=D(2027, 6, 1))
    assert s.milestone(13).reached_on == D(2027, 5, 30)  # counted from 1 March, not 12 April


def test_a_long_gap_starts_the_count_again() -> None:
    jobs = [Spell(D(2027, 3, 1), D(2027, 3, 20), 20), Spell(D(2027, 4, 5), None, 20)]  # 15 days without work
    s = sustainment(jobs, today=D(2027, 5, 10))
    assert s.milestone(4).reached_on == D(2027, 5, 2)  # 5 April + 27 days


def test_weeks_added_up_counts_across_gaps() -> None:
    jobs = [Spell(D(2027, 3, 1), D(2027, 3, 20), 20), Spell(D(2027, 4, 5), None, 20)]
    s = sustainment(jobs, today=D(2027, 5, 10), definition="weeks_added_up")
    # 20 days in March, then 8 more days are needed: 5 to 12 April
    assert s.milestone(4).reached_on == D(2027, 4, 12)


def test_ips_grow_needs_four_hours() -> None:
    jobs = [Spell(D(2027, 3, 1), None, 3)]
    assert sustainment(jobs, today=D(2027, 6, 1)).first_start is None
    assert sustainment(jobs, today=D(2027, 6, 1), definition="weeks_added_up").milestone(4).reached


def test_ips_primary_care_threshold_13_weeks_within_16() -> None:
    # 7+ hours: 10 weeks, a 3-week break, then work again: 13 weeks of work within 16 weeks is met on the
    # 91st day worked, provided the first day worked is still inside the 112-day window.
    jobs = [
        Spell(D(2027, 1, 4), D(2027, 3, 14), 10),
        Spell(D(2027, 4, 5), None, 10),
    ]  # 70 days, then from 5 April
    s = sustainment(jobs, today=D(2027, 9, 1), definition="ips_primary_care")
    # 21 more days after 4 April: 5 to 25 April; the window 4 January to 25 April is 112 days exactly
    assert s.threshold_met_on == D(2027, 4, 25)
    short = [Spell(D(2027, 1, 4), None, 6)]  # fewer than 7 hours: never counts under this definition
    assert sustainment(short, today=D(2027, 9, 1), definition="ips_primary_care").threshold_met_on is None


def test_the_threshold_is_not_met_when_the_work_is_too_spread_out() -> None:
    jobs = [Spell(D(2027, 1, 4), D(2027, 2, 28), 10), Spell(D(2027, 5, 3), D(2027, 6, 6), 10)]  # 56 + 35 days
    s = sustainment(jobs, today=D(2027, 9, 1), definition="ips_primary_care")
    assert s.threshold_met_on is None
