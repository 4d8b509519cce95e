"""The MI dashboards: one function per chart, each returning a :class:`tables.Chart` with
its definition in words. A fixed number of queries per chart, whatever the size of the service.

The list: referrals by source; the journey from referral to a sustained job; days from
referral to first contact and from engagement to first employer contact; contacts (per person, over 15
minutes, modes); caseload over time against target; employer contacts per week; job starts and
sustainment; the employment rate among people out of work (IPS Grow); early leavers; and change in wellbeing
and health scores from baseline (SWEMWBS and EQ-5D-5L, the measures 'Someone in my corner' recommends).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import numpy as np
from django.db.models import Count

from placewell.casework import caseload as caseload_definition
from placewell.casework.choices import Mode
from placewell.insight import mi_jobs, queries
from placewell.insight.scope import Period, Scope, fte_in_post
from placewell.insight.tables import Cell, Chart
from placewell.participants.choices import ReferralSource
from placewell.participants.models import Referral

# IPS: at least 6 face-to-face employer contacts a week (DWP research report 1025, section 3.3.2).
EMPLOYER_CONTACTS_A_WEEK = 6


def _share_rows(counts: list[tuple[str, int]]) -> tuple[list[tuple[str, list[Cell]]], list[Cell]]:
    total = sum(n for _, n in counts)
    rows = [(label, [Cell(n), Cell(n / total if total else None, "share", of=0)]) for label, n in counts]
    return rows, [Cell(total), Cell(1.0 if total else None, "share", of=0)]


def referrals_by_source(scope: Scope, period: Period) -> Chart:
    found = dict(
        Referral.objects.filter(
            participant_id__in=scope.participant_ids(),
            referral_date__gte=period.start,
            referral_date__lte=period.end,
        )
        .values("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
        .order_by()
    )
    rows, total = _share_rows([(label, found.get(value, 0)) for value, label in ReferralSource.choices])
    return Chart(
        "referrals",
        "Referrals by source",
        "Referrals received in the period, by who referred the person. A person referred twice counts twice.",
        ["Source", "Referrals", "Share"],
        rows,
        additive=[0],
        total=total,
        axis="referrals",
    )


def journey(scope: Scope, period: Period) -> Chart:
    stages = mi_jobs.funnel(scope, period)
    first = stages[0][1] if stages else 0
    rows = [(label, [Cell(n), Cell(n / first if first else None, "share", of=0)]) for label, n in stages]
    return Chart(
        "journey",
        "From referral to a sustained job",
        "People first referred in the period, and how many of them had reached each step by the period's "
        "end: screened eligible, agreed to take part, engaged (vocational profile started, the IPS Grow "
        "definition), had a face-to-face employer contact on their behalf, started a job, and stayed in a job "
        "for 13 weeks (91 days counting the start day).",
        ["Step", "People", "Share of those referred"],
        rows,
        sequential=True,
        axis="people",
    )


def _days_chart(key: str, title: str, definition: str, days: np.ndarray) -> Chart:
    bands = queries.day_band_counts(days)
    median, n = queries.median_days(days)
    rows, total = _share_rows(bands)
    return Chart(
        key,
        title,
        definition,
        ["Time taken", "People", "Share"],
        rows,
        additive=[0],
        total=total,
        headline=[("Median (days)", Cell(median, "days", base=n)), ("People", Cell(n))],
        axis="people",
    )


def referral_to_first_contact(scope: Scope, period: Period) -> Chart:
    return _days_chart(
        "first-contact",
        "Days from referral to first contact",
        "For people whose first contact with the service fell in the period: the days from their first "
        "referral to that contact.",
        queries.referral_to_first_contact(scope, period),
    )


def engaged_to_employer_contact(scope: Scope, period: Period) -> Chart:
    return _days_chart(
        "first-employer-contact",
        "Days from engagement to first employer contact",
        "For people whose first face-to-face employer contact on their behalf fell in the period: the days "
        "from being engaged (vocational profile started) to that contact. IPS aims for the first employer "
        "contact within 30 days.",
        mi_jobs.engaged_to_first_employer_contact(scope, period),
    )


def contacts(scope: Scope, period: Period) -> Chart:
    s = queries.contact_summary(scope, period)
    rows, total = _share_rows([(label, s[f"mode_{value}"]) for value, label in Mode.choices])
    people = s["people"]
    return Chart(
        "contacts",
        "Contacts and how they happened",
        "Contacts recorded with or about participants in the period, by mode. Contacts per person divides "
        "the contacts by the people who had any; the share over 15 minutes follows the Health-led Trials' "
        "count of sessions over 15 minutes (DWP research report 1025).",
        ["Mode", "Contacts", "Share"],
        rows,
        additive=[0],
        total=total,
        headline=[
            ("Contacts per person", Cell(s["contacts"] / people if people else None, "number", base=people)),
            ("People with a contact", Cell(people)),
            (
                "Share over 15 minutes",
                Cell(s["long"] / s["contacts"] if s["contacts"] else None, "share", base=s["contacts"]),
            ),
        ],
        axis="contacts",
    )


def _per_full_time(n: int, fte: Decimal) -> float | None:
    value = caseload_definition.per_full_time(n, fte)
    return None if value is None else float(value)


def caseload(scope: Scope, period: Period) -> Chart:
    days = period.week_ends()
    counts = queries.caseload_on(scope, days)
    fte = fte_in_post(scope)
    target = Decimal(scope.service.caseload_target) * fte
    rows = [
        (
            f"{d:%-d %b %Y}",
            [Cell(n), Cell(float(target), "number"), Cell(_per_full_time(n, fte), "number")],
        )
        for d, n in zip(days, counts, strict=True)
    ]
    return Chart(
        "caseload",
        "Caseload over time against target",
        f"{caseload_definition.DEFINITION} Shown at the end of each week, against "
        f"the service's target of {scope.service.caseload_target} per full-time specialist times the full-time "
        f"equivalents in post ({fte:g}).",
        ["Week ending", "Open caseload", "Target", "Per full-time specialist"],
        rows,
        kind="line",
        plot=[0, 1],
        axis="people",
    )


def employer_contacts(scope: Scope, period: Period) -> Chart:
    weeks = mi_jobs.engagements_by_week(scope, period)
    monday = period.start - dt.timedelta(days=period.start.weekday())
    rows = []
    while monday <= period.end:
        f2f, other = weeks.get(monday, (0, 0))
        rows.append((f"{monday:%-d %b %Y}", [Cell(f2f), Cell(other)]))
        monday += dt.timedelta(days=7)
    fte = fte_in_post(scope)
    total_f2f = sum(c[0].value for _, c in rows)  # type: ignore[misc]
    per = total_f2f / (float(fte) * period.weeks) if fte else None
    return Chart(
        "employer-contacts",
        "Employer contacts per week",
        "Contacts with employers by the specialists in this view, each week (Monday to Sunday), face to face "
        f"and otherwise. IPS expects at least {EMPLOYER_CONTACTS_A_WEEK} face-to-face employer contacts a "
        "week per full-time specialist.",
        ["Week beginning", "Face to face", "Other"],
        rows,
        kind="columns",
        plot=[0, 1],
        headline=[("Face to face per full-time specialist a week", Cell(per, "number", base=total_f2f))],
        axis="employer contacts",
    )


def job_starts(scope: Scope, period: Period) -> Chart:
    months = mi_jobs.job_starts_by_month(scope, period)
    rows = [(f"{m:%B %Y}", [Cell(n), Cell(c)]) for m, n, c in months]
    total = [Cell(sum(n for _, n, _ in months)), Cell(sum(c for _, _, c in months))]
    return Chart(
        "job-starts",
        "Job starts by month",
        "Job starts in the period by the month they began, and how many of them passed the competitive "
        "employment check (open to anyone, at least the legal minimum wage, or self-employment).",
        ["Month", "Job starts", "Competitive"],
        rows,
        kind="columns",
        plot=[0],
        additive=[0, 1],
        total=total,
        axis="job starts",
    )


def sustainment(scope: Scope, period: Period) -> Chart:
    rows = [
        (f"{w} weeks", [Cell(due), Cell(met), Cell(met / due if due else None, "share", of=1, base=due)])
        for w, due, met in mi_jobs.sustainment(scope, period)
    ]
    return Chart(
        "sustainment",
        "Job sustainment rates",
        "Of the job starts in the period whose 4, 13, 26 or 52 weeks had passed by the period's end, the share "
        "that lasted that long (week N is complete on day 7N, counting the start day as day 1).",
        ["Milestone", "Job starts due", "Sustained", "Rate"],
        rows,
        plot=[2],
        axis="share sustained",
    )


def employment_rate(scope: Scope, period: Period) -> Chart:
    supported, employed = mi_jobs.employment_rate(scope, period)
    rows, total = _share_rows([("Started a job", employed), ("Not yet in work", supported - employed)])
    return Chart(
        "employment-rate",
        "Employment rate among people out of work",
        "IPS Grow's employment rate: of the people out of work when referred whose support had started by the "
        "period's end and had not ended before it began, the share who had started a paid job by the period's "
        "end.",
        ["Outcome", "People", "Share"],
        rows,
        additive=[0],
        total=total,
        plot=[1],
        axis="share of people",
    )


def early_leavers(scope: Scope, period: Period) -> Chart:
    rows, total = _share_rows(queries.early_leavers(scope, period, mi_jobs.has_job_start()))
    return Chart(
        "early-leavers",
        "Early leavers",
        "People whose record was closed in the period (including those who withdrew) without having started "
        "a job, by how far their support had gone.",
        ["When they left", "People", "Share"],
        rows,
        additive=[0],
        total=total,
        axis="people",
    )


MEASURES = (("swemwbs", "Wellbeing (SWEMWBS)"), ("eq5d5l", "Health (EQ-5D-5L index)"))


def score_change(scope: Scope, period: Period) -> Chart:
    rows = []
    for instrument, label in MEASURES:
        r = queries.score_change(scope, period, instrument)
        n = r["n"] or 0
        change = r["latest"] - r["baseline"] if n else None  # type: ignore[operator]
        rows.append(
            (
                label,
                [
                    Cell(n),
                    Cell(r["baseline"], "number", base=n),
                    Cell(r["latest"], "number", base=n),
                    Cell(change, "number", base=n),
                    Cell(r["improved"]),
                    Cell(r["improved"] / n if n else None, "share", of=4, base=n),
                ],
            )
        )
    return Chart(
        "scores",
        "Change in wellbeing and health from baseline",
        "For people with a complete score at baseline (their first) and a later complete score taken in the "
        "period: the mean score at each, the mean change (latest minus baseline; higher is better on both "
        "measures) and the share whose score improved.",
        ["Measure", "People", "Mean at baseline", "Mean latest", "Mean change", "Improved", "Share improved"],
        rows,
        plot=[5],
        axis="share improved",
    )


CHARTS: dict[str, Callable[[Scope, Period], Chart]] = {
    "referrals": referrals_by_source,
    "journey": journey,
    "first-contact": referral_to_first_contact,
    "first-employer-contact": engaged_to_employer_contact,
    "contacts": contacts,
    "caseload": caseload,
    "employer-contacts": employer_contacts,
    "job-starts": job_starts,
    "sustainment": sustainment,
    "employment-rate": employment_rate,
    "early-leavers": early_leavers,
    "scores": score_change,
}


def dashboard(scope: Scope, period: Period) -> list[Chart]:
    return [build(scope, period) for build in CHARTS.values()]
