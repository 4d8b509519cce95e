"""Every query Placewell's MI makes of the employers and placements apps, kept in one module so a change to
their models is a small fix here. Read-only: their models are queried, never written.

Definitions follow the fidelity engine's figures (``engine/fidelity/ips25.json``, ``seqf.json``) and IPS Grow
reporting as summarised in ``placements.milestones`` (a job start counts from its start day; week N is
complete on day 7N, counting the start day as day 1).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import (
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower, Trim, TruncMonth, TruncWeek

from placewell.employers.models import Engagement
from placewell.insight import queries
from placewell.insight.scope import Period, Scope
from placewell.participants.choices import EmploymentStatus
from placewell.placements.models import JobStart

MILESTONE_WEEKS = (4, 13, 26, 52)
Through = Engagement.participants.through


def has_job_start(by: dt.date | None = None) -> Exists:
    jobs = JobStart.objects.filter(participant_id=OuterRef("pk"))
    if by is not None:
        jobs = jobs.filter(started_on__lte=by)
    return Exists(jobs)


def first_face_to_face_on() -> Subquery:
    """For a participant row: the day of the first face-to-face employer contact made on their behalf
    (``employers.services.first_face_to_face_for``, as a subquery)."""
    return Subquery(
        Through.objects.filter(participant_id=OuterRef("pk"), engagement__face_to_face=True)
        .order_by("engagement__happened_on")
        .values("engagement__happened_on")[:1]
    )


def has_face_to_face(by: dt.date) -> Exists:
    return Exists(
        Through.objects.filter(
            participant_id=OuterRef("pk"), engagement__face_to_face=True, engagement__happened_on__lte=by
        )
    )


def engagements(scope: Scope, period: Period) -> QuerySet[Engagement]:
    return Engagement.objects.filter(
        scope.engagement_filter(), happened_on__gte=period.start, happened_on__lte=period.end
    )


def engagement_summary(scope: Scope, period: Period) -> dict[str, int]:
    """Employer contacts in the period: all, face to face, and face to face on behalf of participants."""
    on_behalf = Exists(Through.objects.filter(engagement_id=OuterRef("pk")))
    return engagements(scope, period).aggregate(
        total=Count("pk"),
        f2f=Count("pk", filter=Q(face_to_face=True)),
        f2f_on_behalf=Count("pk", filter=Q(face_to_face=True) & Q(on_behalf)),
    )


def engagements_by_week(scope: Scope, period: Period) -> dict[dt.date, tuple[int, int]]:
    """(face to face, other) employer contacts per week starting on Monday. One query."""
    rows = (
        engagements(scope, period)
        .annotate(week=TruncWeek("happened_on"))
        .values("week")
        .annotate(
            f2f=Count("pk", filter=Q(face_to_face=True)), other=Count("pk", filter=Q(face_to_face=False))
        )
        .values_list("week", "f2f", "other")
        .order_by("week")
    )
    out = {}
    for week, f2f, other in rows:
        day = week.date() if isinstance(week, dt.datetime) else week
        out[day] = (f2f, other)
    return out


def first_face_to_face_in(scope: Scope, period: Period, since: Subquery | None = None) -> QuerySet:
    """Per participant (a :func:`queries.per_person` queryset): the day of their first face-to-face employer
    contact, for those for whom it fell in the period. With ``since`` (a day per participant, correlated on
    ``participant_id``), only contacts on or after that day count: a duration "from X to the first contact"
    is measured to the first contact after X, never to one before it."""
    contacts = Through.objects.filter(engagement__face_to_face=True)
    if since is not None:
        contacts = contacts.filter(engagement__happened_on__gte=since)
    firsts = queries.per_person(queries.scoped(contacts, scope), Min("engagement__happened_on"))
    return firsts.filter(value__gte=period.start, value__lte=period.end)


def support_to_first_employer_contact(scope: Scope, period: Period) -> np.ndarray:
    """Days from starting support to the first face-to-face employer contact on or after that day, for the
    people for whom that contact fell in the period (the IPS-25 rapid job search figure). One query.

    A contact can be dated before support started (a contact recorded on someone's behalf while they were
    still being referred, or entered later with its real, earlier date); measuring to it gave negative
    durations ("-14 days"), so only contacts from the day support started count."""
    started = queries.per_person(
        queries.scoped(queries.support_start_events(), scope), queries.as_day(Min("at"))
    )
    rows = queries.joined(first_face_to_face_in(scope, period, queries.support_started_on()), started)
    return queries.days_apart((first, began) for _, first, began in rows)


def engaged_to_first_employer_contact(scope: Scope, period: Period) -> np.ndarray:
    """Days from being engaged (vocational profile started) to the first face-to-face employer contact on or
    after that day, for the people for whom that contact fell in the period. One query."""
    from placewell.casework.models import ProfileVersion

    engaged = queries.per_person(
        queries.scoped(ProfileVersion.objects.all(), scope), queries.as_day(Min("created_at"))
    )
    first_profile = Subquery(
        ProfileVersion.objects.filter(participant_id=OuterRef("participant_id"))
        .order_by("created_at")
        .annotate(day=queries.as_day(F("created_at")))
        .values("day")[:1]
    )
    rows = queries.joined(first_face_to_face_in(scope, period, first_profile), engaged)
    return queries.days_apart((first, on) for _, first, on in rows)


def job_starts(scope: Scope, period: Period) -> QuerySet[JobStart]:
    return JobStart.objects.filter(
        participant_id__in=scope.participant_ids(), started_on__gte=period.start, started_on__lte=period.end
    )


def employer_identity() -> Concat:
    """The employer a job is with: the employer record where there is one, otherwise its name, ignoring case
    and spaces at either end."""
    return Coalesce(
        Concat(Value("record:"), Cast("employer_id", CharField())),
        Concat(Value("name:"), Lower(Trim("employer_name"))),
        output_field=CharField(),
    )


def job_summary(scope: Scope, period: Period) -> dict[str, int]:
    """Job starts in the period: how many, how many competitive, distinct job types and employers. One query."""
    return job_starts(scope, period).aggregate(
        starts=Count("pk"),
        competitive=Count("pk", filter=Q(competitive=True)),
        people=Count("participant_id", distinct=True),
        job_types=Count("soc", distinct=True),
        employers=Count(employer_identity(), distinct=True),
    )


def job_starts_by_month(scope: Scope, period: Period) -> list[tuple[dt.date, int, int]]:
    """(month, job starts, competitive) per calendar month. One query."""
    rows = (
        job_starts(scope, period)
        .annotate(month=TruncMonth("started_on"))
        .values("month")
        .annotate(n=Count("pk"), competitive=Count("pk", filter=Q(competitive=True)))
        .values_list("month", "n", "competitive")
        .order_by("month")
    )
    return [(m.date() if isinstance(m, dt.datetime) else m, n, c) for m, n, c in rows]


def sustainment(scope: Scope, period: Period) -> list[tuple[int, int, int]]:
    """(weeks, job starts due to reach it by the period's end, of which reached it), for job starts in the
    period. A job reaches N weeks when it lasts 7N days counting its start day. One query."""
    lasted = ExpressionWrapper(F("ended_on") - F("started_on"), output_field=DurationField())
    qs = job_starts(scope, period).annotate(lasted=lasted)
    aggregates = {}
    for w in MILESTONE_WEEKS:
        span = dt.timedelta(days=7 * w - 1)
        due = Q(started_on__lte=period.end - span)
        aggregates[f"due{w}"] = Count("pk", filter=due)
        aggregates[f"met{w}"] = Count("pk", filter=due & (Q(ended_on__isnull=True) | Q(lasted__gte=span)))
    row = qs.aggregate(**aggregates)
    return [(w, row[f"due{w}"], row[f"met{w}"]) for w in MILESTONE_WEEKS]


def employment_rate(scope: Scope, period: Period) -> tuple[int, int]:
    """(out-of-work participants supported in the period, of whom started a job by its end).

    IPS Grow's employment rate, out-of-work participants only (``engine/fidelity/seqf.json``,
    ``job_outcome_rate``): people out of work at referral whose support had started by the period's end and
    had not ended before it began; employed if they had a job start by the period's end. One query.
    """
    started = Exists(
        queries.support_start_events().filter(participant_id=OuterRef("pk"), at__lt=period.end_before)
    )
    qs = scope.participants().filter(
        started,
        Q(closed_at__isnull=True) | Q(closed_at__gte=period.start_at),
        employment_status=EmploymentStatus.OUT_OF_WORK,
    )
    row = qs.aggregate(n=Count("pk"), employed=Count("pk", filter=Q(has_job_start(period.end))))
    return row["n"], row["employed"]


def in_work_support(scope: Scope, period: Period) -> np.ndarray:
    """Days from the first job start to the latest in-work support contact (up to the period's end), for the
    people with a job whose latest such contact fell in the period. One query."""
    from placewell.casework.models import Contact

    contacts = Contact.objects.filter(purposes__icontains="in_work", happened_at__lt=period.end_before)
    last = queries.per_person(queries.scoped(contacts, scope), queries.as_day(Max("happened_at")))
    last = last.filter(value__gte=period.start, value__lte=period.end)
    first_job = queries.per_person(queries.scoped(JobStart.objects.all(), scope), Min("started_on"))
    rows = queries.joined(last, first_job.filter(value__isnull=False))
    pairs = [(queries.as_date(on), queries.as_date(job)) for _, on, job in rows]
    return queries.days_apart((on, job) for on, job in pairs if job <= on)


def funnel(scope: Scope, period: Period) -> list[tuple[str, int]]:
    """The journey of the people referred in the period, as it stood at the period's end. One query."""
    from placewell.casework.models import ProfileVersion
    from placewell.participants.models import Agreement, Screening

    end, before = period.end, period.end_before
    thirteen = dt.timedelta(days=7 * 13 - 1)
    sustained = (
        JobStart.objects.filter(started_on__lte=end - thirteen)
        .annotate(lasted=ExpressionWrapper(F("ended_on") - F("started_on"), output_field=DurationField()))
        .filter(Q(ended_on__isnull=True) | Q(lasted__gte=thirteen))
    )
    ids = {
        "Screened eligible": Screening.objects.filter(eligible=True, screened_at__lt=before),
        "Agreed to take part": Agreement.objects.filter(all_required_agreed=True, recorded_at__lt=before),
        "Engaged (profile started)": ProfileVersion.objects.filter(created_at__lt=before),
        "First face-to-face employer contact": Through.objects.filter(
            engagement__face_to_face=True, engagement__happened_on__lte=end
        ),
        "Started a job": JobStart.objects.filter(started_on__lte=end),
        "Sustained a job for 13 weeks": sustained,
    }
    stages = {"Referred": Q()} | {
        label: Q(Exists(qs.filter(participant_id=OuterRef("pk")))) for label, qs in ids.items()
    }
    row = queries.referral_cohort(scope, period).aggregate(
        **{f"s{i}": Count("pk", filter=q) if q else Count("pk") for i, q in enumerate(stages.values())}
    )
    return [(label, row[f"s{i}"]) for i, label in enumerate(stages)]
