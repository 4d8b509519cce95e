"""Aggregate queries over participants, casework and surveys: each a fixed number of SQL queries, whatever
the number of participants (no per-participant loops).

Support start and end dates come from the status changes in the audit log, the authoritative history of a
participant's status (``casework.dates``: support starts at the move from agreed to receiving support). The
lifecycle allows that move once per person (``participants.lifecycle``), so "the" start event is well defined;
here it is read in SQL rather than per participant. ``tests/insight/test_queries.py`` checks the two agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from placewell.accounts.models import AuditEvent
from placewell.casework.choices import Mode, Place
from placewell.casework.models import Contact, ProfileVersion
from placewell.insight.scope import Period, Scope, local_midnight
from placewell.participants.models import Participant, Referral, Screening, Status

OPEN = (Status.ACTIVE, Status.IN_WORK)
COMMUNITY_PLACES = (Place.COMMUNITY, Place.HOME, Place.EMPLOYER)
# The Health-led Trials' MI counted sessions over 15 minutes (DWP research report 1025).
LONG_CONTACT_MINUTES = 15


def support_start_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, changes__status=[Status.AGREED, Status.ACTIVE]
    )


def support_end_events() -> QuerySet[AuditEvent]:
    """Closures of open records (receiving support or in work)."""
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, changes__status__1=Status.CLOSED, changes__status__0__in=OPEN
    )


def support_started_on(participant: str = "participant_id") -> Subquery:
    """For a row with a participant (``participant`` names the column): the day their support started, or
    null. The day is the local date of the start event, as ``as_day`` makes it."""
    return Subquery(
        support_start_events()
        .filter(participant_id=OuterRef(participant))
        .order_by("at")
        .annotate(day=as_day(F("at")))
        .values("day")[:1]
    )


def support_started_at() -> Subquery:
    """For a participant row: when their support started (a datetime), or null."""
    return Subquery(
        support_start_events().filter(participant_id=OuterRef("pk")).order_by("at").values("at")[:1]
    )


def first_referral_on() -> Subquery:
    return Subquery(
        Referral.objects.filter(participant_id=OuterRef("pk"))
        .order_by("referral_date")
        .values("referral_date")[:1]
    )


def first_contact_at() -> Subquery:
    """The first contact with the person themselves."""
    return Subquery(
        Contact.objects.filter(participant_id=OuterRef("pk"), with_participant=True)
        .order_by("happened_at")
        .values("happened_at")[:1]
    )


def engaged_at() -> Subquery:
    """Engaged once vocational profiling has started (IPS Grow; ``casework.models.ProfileVersion``)."""
    return Subquery(
        ProfileVersion.objects.filter(participant_id=OuterRef("pk"))
        .order_by("created_at")
        .values("created_at")[:1]
    )


# Per-participant values, worked out once for everyone ----------------------------------------------------
#
# A correlated subquery ("the first contact of this participant") is evaluated by the database once per
# participant row, and again wherever the same annotation is repeated (in the filter and in the result). The
# figures below read such values from grouped queries instead (one row per participant, GROUP BY
# participant_id), joined on the participant in one query: each table is read once for everyone.


def per_person(qs: QuerySet, value: Aggregate | Func) -> QuerySet:
    """One row per participant with rows in ``qs``: ``participant_id`` and ``value``, an aggregate over their
    rows. Filter on ``value`` afterwards (``.filter(value__gte=...)``, a HAVING clause) as needed."""
    return qs.order_by().values("participant_id").annotate(value=value).values("participant_id", "value")


def joined(*parts: QuerySet, optional: Sequence[QuerySet] = ()) -> list[tuple]:
    """``(participant_id, value of each part...)`` for the participants in every one of ``parts`` (each a
    :func:`per_person` queryset, or any with ``participant_id`` and ``value`` columns), with the value of each
    ``optional`` part or None where they have no row there. One query."""
    sqls, params = [], []
    for qs in (*parts, *optional):
        sql, p = qs.query.get_compiler(using=qs.db).as_sql()
        sqls.append(sql)
        params.extend(p)
    source = f"({sqls[0]}) p0"
    for i, sql in enumerate(sqls[1:], 1):
        kind = "INNER" if i < len(parts) else "LEFT OUTER"
        source += f" {kind} JOIN ({sql}) p{i} ON p{i}.participant_id = p0.participant_id"
    columns = ", ".join(f"p{i}.value" for i in range(len(sqls)))
    with connections[parts[0].db].cursor() as cursor:
        # Only ORM-compiled SQL and fixed aliases are put together here; every value is a parameter.
        cursor.execute(f"SELECT p0.participant_id, {columns} FROM {source}", params)  # noqa: S608
        return cursor.fetchall()


def as_date(value: object) -> dt.date:
    """A date read by :func:`joined` (SQLite returns dates as ISO text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_datetime(value: object) -> dt.datetime:
    """A moment read by :func:`joined`, timezone-aware (SQLite returns UTC text)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def days_apart(pairs: Iterable[tuple[object, object]]) -> np.ndarray:
    """Days from the second date of each pair to the first, as one array."""
    return np.array([(as_date(later) - as_date(earlier)).days for later, earlier in pairs], dtype=float)


def scoped(qs: QuerySet, scope: Scope) -> QuerySet:
    return qs.filter(participant_id__in=scope.participant_ids())


def days_between(later: str, earlier: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def as_day(expression: Subquery) -> TruncDate:
    return TruncDate(expression, output_field=DateField())


def day_values(qs: QuerySet, field: str = "days") -> np.ndarray:
    """The duration annotation ``field`` of every row, in days, as one array: one query, with the median and
    the bands then worked out by numpy rather than by more queries over the same correlated subqueries."""
    values = qs.order_by().values_list(field, flat=True)
    return np.array([v.total_seconds() for v in values if v is not None], dtype=float) / 86400


def median_days(days: np.ndarray) -> tuple[float | None, int]:
    """The median and how many values it is over."""
    return (float(np.median(days)) if days.size else None), int(days.size)


DAY_BANDS: tuple[tuple[str, int | None], ...] = (
    ("Within 7 days", 7),
    ("8 to 14 days", 14),
    ("15 to 28 days", 28),
    ("29 to 56 days", 56),
    ("57 days or more", None),
)


def day_band_counts(days: np.ndarray) -> list[tuple[str, int]]:
    """How many values fall in each band of ``DAY_BANDS`` (upper bounds included)."""
    out, low = [], -np.inf
    for label, high in DAY_BANDS:
        top = np.inf if high is None else high
        out.append((label, int(np.count_nonzero((days > low) & (days <= top)))))
        low = top
    return out


# Caseload ------------------------------------------------------------------------------------------------


def caseload_on(scope: Scope, days: Sequence[dt.date]) -> list[int]:
    """The open caseload at the end of each day: support started by then, less support ended by then.
    Two queries, whatever the number of days."""
    if not days:
        return []
    ids = scope.participant_ids()
    keys = {
        f"d{i}": Count("pk", filter=Q(at__lt=local_midnight(d + dt.timedelta(days=1))))
        for i, d in enumerate(days)
    }
    started = support_start_events().filter(participant_id__in=ids).aggregate(**keys)
    ended = support_end_events().filter(participant_id__in=ids).aggregate(**keys)
    return [started[k] - ended[k] for k in keys]


# Contacts ------------------------------------------------------------------------------------------------


def contact_summary(scope: Scope, period: Period) -> dict[str, int]:
    """Contacts in the period: total, people, over 15 minutes, in the community and each mode. One query."""
    qs = Contact.objects.filter(
        participant_id__in=scope.participant_ids(),
        happened_at__gte=period.start_at,
        happened_at__lt=period.end_before,
    )
    aggregates = {
        "contacts": Count("pk"),
        "people": Count("participant_id", distinct=True),
        "long": Count("pk", filter=Q(duration_minutes__gt=LONG_CONTACT_MINUTES)),
        "community": Count("pk", filter=Q(place__in=COMMUNITY_PLACES)),
    }
    aggregates.update({f"mode_{m}": Count("pk", filter=Q(mode=m)) for m in Mode.values})
    return qs.aggregate(**aggregates)


def referral_to_first_contact(scope: Scope, period: Period) -> np.ndarray:
    """Days from first referral to first contact, for the people whose first contact fell in the period.
    One query."""
    # Only contacts on or after the day of first referral: a contact dated before it (the referral entered
    # later with an earlier contact on file) would give a negative number of days.
    referred_on = Subquery(
        Referral.objects.filter(participant_id=OuterRef("participant_id"))
        .order_by("referral_date")
        .values("referral_date")[:1]
    )
    contacts = Contact.objects.filter(with_participant=True, happened_at__date__gte=referred_on)
    first = per_person(scoped(contacts, scope), as_day(Min("happened_at")))
    first = first.filter(value__gte=period.start, value__lte=period.end)
    referred = per_person(scoped(Referral.objects.all(), scope), Min("referral_date")).filter(
        value__isnull=False
    )
    return days_apart((on, referred_on) for _, on, referred_on in joined(first, referred))


# Re-engagement after a gap -------------------------------------------------------------------------------

GAP_DAYS = 14  # casework.alerts: "no contact for 14 days" is the service's sign of a missed contact
REENGAGE_DAYS = 30  # the fidelity engine's window: a completed contact within 30 days afterwards


def reengagement(scope: Scope, period: Period) -> tuple[int, int]:
    """(people with a missed contact whose 14th day without contact fell in the period, of whom re-engaged).

    Placewell does not record planned appointments, so a missed contact is read as a gap: 14 days without
    contact for a person receiving support. Re-engaged: their next contact came within 30 days after that.
    One query over the contacts, the gaps found with a window function (``LEAD``) in the database.
    """
    from django.db.models import Window
    from django.db.models.functions import Lead

    first = period.start - dt.timedelta(days=GAP_DAYS)
    last = min(period.end, timezone.localdate()) - dt.timedelta(days=GAP_DAYS)
    horizon = period.end + dt.timedelta(days=GAP_DAYS + REENGAGE_DAYS + 1)
    windowed = Contact.objects.filter(
        participant_id__in=scope.participants().filter(status__in=(*OPEN, Status.CLOSED)).values("pk"),
        with_participant=True,
        happened_at__gte=local_midnight(first),
        happened_at__lt=local_midnight(horizon),
    ).annotate(
        next_at=Window(
            Lead("happened_at"), partition_by=F("participant_id"), order_by=F("happened_at").asc()
        ),
        closed_at=F("participant__closed_at"),
    )
    # Each condition names the window's value, so the database applies it after the window is computed
    # (a filter on plain columns alone would be applied before, and cut off the next contact).
    cut = local_midnight(last + dt.timedelta(days=1))
    gap = dt.timedelta(days=GAP_DAYS)
    missed = windowed.filter(
        Q(happened_at__lt=cut, next_at__gt=F("happened_at") + gap)
        | Q(happened_at__lt=cut, next_at__isnull=True)
        & (Q(closed_at__isnull=True) | Q(closed_at__gt=F("happened_at") + gap))
    )
    soon = Q(next_at__lte=F("happened_at") + dt.timedelta(days=GAP_DAYS + REENGAGE_DAYS))
    row = missed.aggregate(
        people=Count("participant_id", distinct=True),
        again=Count("participant_id", distinct=True, filter=soon),
    )
    return row["people"], row["again"]


# Screening -----------------------------------------------------------------------------------------------


def first_referred_in(scope: Scope, period: Period) -> QuerySet:
    """The ids of the people whose first referral fell in the period (a grouped subquery)."""
    firsts = per_person(scoped(Referral.objects.all(), scope), Min("referral_date"))
    return firsts.filter(value__gte=period.start, value__lte=period.end).values("participant_id")


def referral_cohort(scope: Scope, period: Period) -> QuerySet[Participant]:
    """People whose first referral fell in the period."""
    return scope.participants().filter(pk__in=first_referred_in(scope, period))


def screened_out(scope: Scope, period: Period) -> tuple[int, int, list[tuple[str, int]]]:
    """(referrals in the period, screened out, reasons with counts). Screened out: found not eligible and
    never found eligible since. Two queries."""
    eligible = Screening.objects.filter(participant_id=OuterRef("pk"), eligible=True)
    ineligible = Screening.objects.filter(participant_id=OuterRef("pk"), eligible=False)
    cohort = referral_cohort(scope, period)
    row = cohort.aggregate(
        referred=Count("pk"),
        out=Count("pk", filter=Q(Exists(ineligible)) & ~Q(Exists(eligible))),
    )
    reasons: dict[str, int] = {}
    latest = Screening.objects.filter(
        participant_id__in=cohort.filter(Exists(ineligible), ~Exists(eligible)).values("pk"), eligible=False
    ).values_list("participant_id", "reasons")
    seen: dict[int, list[str]] = {}
    for pid, why in latest:  # the screenings of the screened-out people only, already filtered in SQL
        seen.setdefault(pid, list(why or []))
    for why in seen.values():
        for reason in set(why):
            reasons[reason] = reasons.get(reason, 0) + 1
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return row["referred"], row["out"], ordered


def early_leavers(scope: Scope, period: Period, has_job: Exists) -> list[tuple[str, int]]:
    """People whose record closed in the period without a job start, by how far they had got. One query."""
    closed = (
        scope.participants()
        .filter(closed_at__gte=period.start_at, closed_at__lt=period.end_before)
        .filter(~Q(has_job))
        .annotate(participant_id=F("pk"), value=F("closed_at"))
        .values("participant_id", "value")
    )
    started = per_person(scoped(support_start_events(), scope), Min("at"))
    thirteen = dt.timedelta(weeks=13)
    before = within = after = 0
    for _, closed_at, started_at in joined(closed, optional=[started]):
        if started_at is None:
            before += 1
        elif as_datetime(closed_at) - as_datetime(started_at) <= thirteen:
            within += 1
        else:
            after += 1
    return [
        ("Before support started", before),
        ("Within 13 weeks of starting support", within),
        ("After 13 weeks or more of support", after),
    ]


# Survey scores -------------------------------------------------------------------------------------------


def score_change(scope: Scope, period: Period, instrument_id: str) -> dict[str, float | int | None]:
    """Change from baseline for one measure: the first complete score against the latest complete score
    taken in the period after it. One query."""
    from django.db.models import Avg

    from placewell.surveys.models import Response

    complete = Response.objects.filter(
        participant_id=OuterRef("pk"), instrument_id=instrument_id, complete=True, value__isnull=False
    )
    base = complete.order_by("completed_on", "id")
    qs = scope.participants().annotate(
        base_value=Subquery(base.values("value")[:1]), base_on=Subquery(base.values("completed_on")[:1])
    )
    latest = complete.filter(
        completed_on__gte=period.start, completed_on__lte=period.end, completed_on__gt=OuterRef("base_on")
    ).order_by("-completed_on", "-id")
    qs = qs.annotate(last_value=Subquery(latest.values("value")[:1])).filter(
        base_value__isnull=False, last_value__isnull=False
    )
    row = qs.aggregate(
        n=Count("pk"),
        baseline=Avg("base_value"),
        latest=Avg("last_value"),
        improved=Count("pk", filter=Q(last_value__gt=F("base_value"))),
        worse=Count("pk", filter=Q(last_value__lt=F("base_value"))),
    )
    return row
