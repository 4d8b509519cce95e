"""The MI evidence for a service and period: the figures a fidelity review reads, each with its definition.

``evidence(service, start, end)`` returns a list of :class:`Figure`. Each key is the name the fidelity
engine's suggesters give the figure (``engine/fidelity/ips25.json`` and ``seqf.json``, "figure"), so a
review can pass ``as_figures(evidence(...))`` straight to ``engine.fidelity.suggest_all``. Shares are
proportions from 0 to 1, as the engine reads them. Every figure counts reportable participants only
(erased records excluded) and carries ``n``, the number of people (or contacts or job starts) it rests on,
so small numbers can be suppressed for evaluators (``insight.suppression``).

Sources for the definitions: IPS-25 items (Becker et al. 2019, via the engine's scale data), the Health-led
Trials' MI (DWP research report 1025, sections 1.8, 3.3) and IPS Grow reporting (engaged = profiling started; employment
rate among people out of work).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from placewell.accounts.models import Service, Team, User
from placewell.casework import caseload
from placewell.insight import mi_jobs, queries
from placewell.insight.scope import Period, Scope, fte_in_post

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None  # None when there is nothing to compute it from
    unit: str  # "share" (0 to 1), "days", "months" or a count unit in words
    definition: str
    n: int  # how many people, contacts or job starts it rests on
    breakdown: tuple[tuple[str, int], ...] = field(default=())
    suppressed: bool = False

    @property
    def is_share(self) -> bool:
        return self.unit == "share"

    @property
    def display(self) -> str:
        if self.suppressed:
            return "Fewer than 5"
        if self.value is None:
            return "No data"
        if self.is_share:
            return f"{self.value * 100:.0f}%"
        if self.unit in {"days", "months"}:
            return f"{self.value:.1f} {self.unit}"
        return f"{self.value:.1f}"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _per_full_time(average: float, fte: float) -> float | None:
    value = caseload.per_full_time(average, fte)
    return None if value is None else float(value)


def _per(value: float, by: float) -> float | None:
    return value / by if by else None


def evidence(
    service: Service,
    start: dt.date,
    end: dt.date,
    *,
    team: Team | None = None,
    specialist: User | None = None,
) -> list[Figure]:
    """Every MI evidence figure for the service (or one of its teams or specialists) from ``start`` to
    ``end`` (both included). About 20 queries in all, whatever the size of the service."""
    scope, period = Scope(service, team, specialist), Period(start, end)
    fte = float(fte_in_post(scope))
    out: list[Figure] = []

    days = period.week_ends()
    caseloads = queries.caseload_on(scope, days)
    average = sum(caseloads) / len(caseloads) if caseloads else 0.0
    out.append(
        Figure(
            "average_caseload_per_fte",
            "Average caseload per full-time specialist",
            _per_full_time(average, fte),
            "participants per full-time specialist",
            f"{caseload.DEFINITION} Here the open caseload is counted at the end of each week of the period "
            f"and averaged, and the specialists in post have {fte:g} full-time equivalents between them. IPS "
            "recommends 20 or fewer (DWP research report 1025, section 3.3).",
            round(average),
        )
    )

    eng = mi_jobs.engagement_summary(scope, period)
    out.append(
        Figure(
            "employer_contacts_per_specialist_per_week",
            "Face-to-face employer contacts per specialist per week",
            _per(eng["f2f_on_behalf"], fte * period.weeks),
            "contacts per specialist per week",
            "Face-to-face contacts with employers made on behalf of particular participants in the period, "
            "divided by the full-time equivalents of the specialists in post and by the weeks in the period. "
            "IPS expects at least 6 a week (DWP research report 1025, section 3.3.2).",
            eng["f2f_on_behalf"],
        )
    )

    median, n = queries.median_days(mi_jobs.support_to_first_employer_contact(scope, period))
    out.append(
        Figure(
            "median_days_to_first_employer_contact",
            "Days from starting support to first face-to-face employer contact (median)",
            median,
            "days",
            "For people whose first face-to-face employer contact on their behalf fell in the period: the "
            "median number of days from the day their support started to that contact (rapid job search; IPS "
            "aims for the first employer contact within 30 days).",
            n,
        )
    )

    contacts = queries.contact_summary(scope, period)
    community = contacts["community"] + eng["f2f"]
    all_contacts = contacts["contacts"] + eng["total"]
    out.append(
        Figure(
            "share_of_contacts_in_community",
            "Share of contacts in the community",
            _share(community, all_contacts),
            "share",
            "Contacts with participants held in a community venue, at home or at an employer's premises, plus "
            "face-to-face contacts with employers, divided by all contacts with participants and employers in "
            "the period. Contacts at the service's office or a health setting, and by phone, video, text or "
            "email, are not in the community.",
            all_contacts,
        )
    )

    jobs = mi_jobs.job_summary(scope, period)
    out += [
        Figure(
            "share_of_distinct_job_types",
            "Diversity of job types",
            _share(jobs["job_types"], jobs["starts"]),
            "share",
            "Among job starts in the period: the number of distinct kinds of job (two-digit SOC 2020 groups) divided "
            "by the number of job starts. 100% means every job was of a different kind.",
            jobs["starts"],
        ),
        Figure(
            "share_of_distinct_employers",
            "Diversity of employers",
            _share(jobs["employers"], jobs["starts"]),
            "share",
            "Among job starts in the period: the number of distinct employers (the employer record, or the "
            "employer's name where there is none) divided by the number of job starts.",
            jobs["starts"],
        ),
        Figure(
            "share_of_jobs_competitive",
            "Share of job starts that are competitive employment",
            _share(jobs["competitive"], jobs["starts"]),
            "share",
            "Job starts in the period that passed the competitive-employment check (open to anyone, at least "
            "the legal minimum wage, or self-employment; DWP research report 1025), divided by all job starts in the period.",
            jobs["starts"],
        ),
    ]

    median, n = queries.median_days(mi_jobs.in_work_support(scope, period))
    out.append(
        Figure(
            "median_months_of_in_work_support",
            "Length of in-work support (median)",
            median / DAYS_PER_MONTH if median is not None else None,
            "months",
            "For people whose latest in-work support contact (up to the period's end) fell in the period: the "
            "median time from their first job start to that contact, in months of 30.4 days. IPS in-work "
            "support is time-unlimited.",
            n,
        )
    )

    missed, again = queries.reengagement(scope, period)
    out.append(
        Figure(
            "share_reengaged_after_missed_contact",
            "Share re-engaged after a missed contact",
            _share(again, missed),
            "share",
            f"Placewell records contacts, not planned appointments, so a missed contact is read as {queries.GAP_DAYS} "
            "days without contact for a person receiving support (the casework alert). Of the people whose "
            f"{queries.GAP_DAYS}th day without contact fell in the period, the share whose next contact came "
            f"within {queries.REENGAGE_DAYS} days after that.",
            missed,
        )
    )

    referred, screened, reasons = queries.screened_out(scope, period)
    out.append(
        Figure(
            "share_of_referrals_screened_out",
            "Share of referrals screened out",
            _share(screened, referred),
            "share",
            "People first referred in the period who were found not eligible at screening and not found "
            "eligible since, divided by everyone first referred in the period (zero exclusion). The reasons "
            "recorded at screening are counted below; a person may have more than one.",
            referred,
            tuple(reasons),
        )
    )

    median, n = queries.median_days(queries.referral_to_first_contact(scope, period))
    out.append(
        Figure(
            "median_days_referral_to_first_meeting",
            "Days from referral to first contact (median)",
            median,
            "days",
            "For people whose first contact with the service fell in the period: the median number of days "
            "from their first referral to that contact (in the Health-led Trials 31% of WMCA's participants "
            "had a first session within a week; DWP research report 1025).",
            n,
        )
    )

    supported, employed = mi_jobs.employment_rate(scope, period)
    out.append(
        Figure(
            "job_outcome_rate",
            "Employment rate among people out of work",
            _share(employed, supported),
            "share",
            "People out of work when referred whose support had started by the end of the period and had not "
            "ended before it began, who had started a paid job by the period's end, divided by all those "
            "people (IPS Grow's employment rate, out-of-work participants only).",
            supported,
        )
    )

    due, met = next((d, m) for w, d, m in mi_jobs.sustainment(scope, period) if w == 13)
    out.append(
        Figure(
            "job_sustainment_rate",
            "Job starts sustained for 13 weeks",
            _share(met, due),
            "share",
            "Job starts in the period whose 13 weeks (91 days, counting the start day) had passed by the "
            "period's end, that lasted 13 weeks or more, divided by all those job starts. 13 weeks follows the "
            "Health-led Trials' primary outcome (DWP research report 1025, Table 6.3).",
            due,
        )
    )
    return out


def as_figures(figures: Iterable[Figure]) -> dict[str, float | None]:
    """Figure key to value, the mapping ``engine.fidelity.suggest_all`` reads. Suppressed figures are absent."""
    return {f.key: f.value for f in figures if not f.suppressed}
