"""The alerts on a specialist's home page, each with the rule behind it in words.

Rules (DWP research report 1025, sections 1.4 and 3.3; IPS principles in DWP research report 1025 and Learning and Work Institute (2024)):

- No contact for 14 days, and for 28 days (assertive outreach): a person receiving support (or in-work
  support) with no contact with them for 14 or more days, counted from their last contact, or from the day
  support started if there has been none. Shown from the 14th (and 28th) day.
- Rapid job search: a person receiving support (not yet in work) with no face-to-face contact with an
  employer on their behalf by the 30th day after support started. The employer contact is one recorded in
  the employers app as face to face and made on behalf of the person
  (``employers.services.first_face_to_face_for``).
- Time limits: the service's pre-employment limit (IPS-LITE: 9 months) counted from the day support
  started, and its in-work limit (IPS-LITE: 4 months) from the day the person started work. "Approaching"
  from 28 days before the limit date; "reached" on the limit date and after.
- Told of their discharge: a record closed within the last 90 days (not by the person's own withdrawal) with
  no record that the person was told their support had ended. Support ends only by a recorded closure with a
  reason, never silently (the SESAMI study: people were unsure whether they had been discharged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from placewell.casework.dates import SupportDates, support_dates
from placewell.casework.models import Contact, EndingNotice
from placewell.employers.services import first_face_to_face_for
from placewell.participants.models import Participant, Status
from placewell.ui.months import add_months

OPEN_STATUSES = (Status.ACTIVE, Status.IN_WORK)
NO_CONTACT_DAYS = 14
OUTREACH_DAYS = 28
RAPID_JOB_SEARCH_DAYS = 30
APPROACHING_DAYS = 28
ENDING_LOOKBACK_DAYS = 90

RULES = {
    "no_contact": f"Shown when a person has had no contact for {NO_CONTACT_DAYS} days or more, counted from "
    "their last contact or, if there has been none, from the day their support started.",
    "outreach": f"After {OUTREACH_DAYS} days without contact, try every way of reaching the person "
    "(assertive outreach): phone, text, letter, and the health team.",
    "rapid_job_search": f"IPS rapid job search: the first face-to-face contact with an employer should be made "
    f"within {RAPID_JOB_SEARCH_DAYS} days of support starting. Shown from day {RAPID_JOB_SEARCH_DAYS} until a "
    "face-to-face contact with an employer is recorded on their behalf.",
    "pre_employment_limit": f"The service's pre-employment support limit, counted from the day support started. "
    f"Shown from {APPROACHING_DAYS} days before the date. Support ends only by closing the record with a reason "
    "and telling the person.",
    "in_work_limit": f"The service's in-work support limit, counted from the day the person started work. Shown "
    f"from {APPROACHING_DAYS} days before the date. Support ends only by closing the record with a reason and "
    "telling the person.",
    "not_told": f"A record closed in the last {ENDING_LOOKBACK_DAYS} days with no record that the person was told "
    "their support had ended. Nobody should be unsure whether they have been discharged.",
}


# Kinds of alert other apps add (``register_source``): each finds its alerts for open participants.
AlertSource = Callable[[Sequence[Participant], dt.date], list["Alert"]]
_SOURCES: dict[str, AlertSource] = {}


def register_source(rule: str, rule_text: str, source: AlertSource) -> None:
    """Add a kind of alert from another app: its rule in words, and a function that finds its alerts for a
    list of open participants (``service`` selected) in one query. Called from an ``AppConfig.ready``."""
    RULES[rule] = rule_text
    _SOURCES[rule] = source


@dataclass(frozen=True)
class Alert:
    participant: Participant
    rule: str  # a key of RULES
    title: str
    due: dt.date | None = None
    urgent: bool = False

    @property
    def rule_text(self) -> str:
        return RULES[self.rule]


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def contact_summary(
    participant_ids: Sequence[int],
) -> dict[int, tuple[dt.datetime | None, dt.date | None]]:
    """Per participant: the last contact with them, and the first face-to-face contact with an employer made
    on their behalf (from the employers app). Two queries."""
    if not participant_ids:
        return {}
    rows = (
        Contact.objects.filter(participant_id__in=participant_ids)
        .values("participant_id")
        .annotate(last=Max("happened_at", filter=Q(with_participant=True)))
        .values_list("participant_id", "last")
    )
    last = dict(rows)
    employer = first_face_to_face_for(participant_ids)
    return {pid: (last.get(pid), employer.get(pid)) for pid in set(last) | set(employer)}


def _participant_alerts(
    p: Participant,
    dates: SupportDates,
    last: dt.datetime | None,
    employer: dt.date | None,
    today: dt.date,
) -> list[Alert]:
    out: list[Alert] = []
    started = dates.support_started
    since = timezone.localdate(last) if last else started
    if since is not None:
        days = (today - since).days
        where = (
            f"last contact {_long(since)}" if last else f"no contact since support started on {_long(since)}"
        )
        if days >= OUTREACH_DAYS:
            out.append(Alert(p, "outreach", f"No contact for {days} days ({where})", since, urgent=True))
        elif days >= NO_CONTACT_DAYS:
            out.append(Alert(p, "no_contact", f"No contact for {days} days ({where})", since))
    service = p.service
    if p.status == Status.ACTIVE and started is not None:
        due = started + dt.timedelta(days=RAPID_JOB_SEARCH_DAYS)
        if employer is None and today >= due:
            out.append(
                Alert(
                    p, "rapid_job_search", f"No face-to-face employer contact yet: due by {_long(due)}", due
                )
            )
        if service.pre_employment_limit_months:
            limit = add_months(started, service.pre_employment_limit_months)
            out += _limit_alert(p, "pre_employment_limit", "Pre-employment support", limit, today)
    if p.status == Status.IN_WORK and dates.in_work_since is not None and service.in_work_limit_months:
        limit = add_months(dates.in_work_since, service.in_work_limit_months)
        out += _limit_alert(p, "in_work_limit", "In-work support", limit, today)
    return out


def _limit_alert(p: Participant, rule: str, what: str, limit: dt.date, today: dt.date) -> list[Alert]:
    if today >= limit:
        return [
            Alert(p, rule, f"{what} limit reached on {_long(limit)}: plan the ending with them", limit, True)
        ]
    if today >= limit - dt.timedelta(days=APPROACHING_DAYS):
        return [Alert(p, rule, f"{what} limit on {_long(limit)} ({(limit - today).days} days left)", limit)]
    return []


def alerts_for(
    participants: Sequence[Participant],
    today: dt.date | None = None,
    *,
    contacts: dict[int, tuple[dt.datetime | None, dt.date | None]] | None = None,
    dates: dict[int, SupportDates] | None = None,
) -> list[Alert]:
    """Alerts for open participants (``service`` selected), most urgent first.

    Three queries, or none when the caller passes the contact summary and support dates it already has.
    Each registered source adds one more.
    """
    today = today or timezone.localdate()
    open_ = [p for p in participants if p.status in OPEN_STATUSES]
    ids = [p.pk for p in open_]
    contacts = contact_summary(ids) if contacts is None else contacts
    dates = support_dates(ids) if dates is None else dates
    out: list[Alert] = []
    for p in open_:
        last, employer = contacts.get(p.pk, (None, None))
        out += _participant_alerts(p, dates.get(p.pk, SupportDates()), last, employer, today)
    for source in _SOURCES.values():
        out += source(open_, today)
    out.sort(key=lambda a: (not a.urgent, a.due or today, a.participant.pk))
    return out


def not_told_of_ending(specialist_q: Q, today: dt.date | None = None) -> list[Alert]:
    """Closed records (matching ``specialist_q``) with no record that the person was told. One query."""
    today = today or timezone.localdate()
    start = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=ENDING_LOOKBACK_DAYS), dt.time())
    )
    closed = (
        Participant.objects.filter(specialist_q, status=Status.CLOSED, closed_at__gte=start)
        .filter(withdrawn_from_service_at__isnull=True)
        .exclude(pk__in=EndingNotice.objects.values("participant_id"))
        .select_related("service")
        .order_by("closed_at")
    )
    return [
        Alert(
            p,
            "not_told",
            f"Closed on {_long(timezone.localdate(p.closed_at))}: record that they were told",
            None,
        )
        for p in closed
    ]
