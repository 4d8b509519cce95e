"""What the "My support" page shows, from the facts the staff pages already use: the plan's open steps
(as on the printable "my plan"), booked meetings to come, the support clocks from ``casework.dates`` and
the service's time limits (counted as ``casework.alerts`` counts them), and, for a person randomised to a
trial's comparison group, the leaflet on other local support and nothing about the trial itself.

A fixed number of queries whatever the size of the service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from placewell.appointments.models import Appointment
from placewell.appointments.models import Status as AppointmentStatus
from placewell.casework.dates import support_dates
from placewell.casework.models import Step
from placewell.participants.models import Participant, Status
from placewell.portal.models import CallBackRequest
from placewell.ui.months import add_months

OPEN = (Status.ACTIVE, Status.IN_WORK)
NOT_STARTED = (Status.REFERRED, Status.ELIGIBLE, Status.AGREED)


@dataclass
class SupportState:
    """In plain words: "continues" (with the end date if the service has a time limit), "ended" (with the
    date), "starting" (not started yet) or "other" (screened as not eligible)."""

    state: str
    ends_on: dt.date | None = None
    ended_on: dt.date | None = None


@dataclass
class MySupport:
    p: Participant
    today: dt.date
    support: SupportState
    steps: list[Step] = field(default_factory=list)
    meetings: list[Appointment] = field(default_factory=list)
    leaflet: str = ""
    comparison_group: bool = False
    open_requests: list[CallBackRequest] = field(default_factory=list)


def support_state(p: Participant) -> SupportState:
    if p.status == Status.CLOSED:
        ended = timezone.localdate(p.closed_at) if p.closed_at else None
        return SupportState("ended", ended_on=ended)
    if p.status in NOT_STARTED:
        return SupportState("starting")
    if p.status not in OPEN:
        return SupportState("other")
    dates = support_dates([p.pk]).get(p.pk)
    service = p.service
    ends_on = None
    if dates is not None:
        if p.status == Status.ACTIVE and dates.support_started and service.pre_employment_limit_months:
            ends_on = add_months(dates.support_started, service.pre_employment_limit_months)
        if p.status == Status.IN_WORK and dates.in_work_since and service.in_work_limit_months:
            ends_on = add_months(dates.in_work_since, service.in_work_limit_months)
    return SupportState("continues", ends_on=ends_on)


def comparison_leaflet(p: Participant) -> tuple[bool, str]:
    """(in a comparison group, the leaflet) for a person randomised to an arm that is not the service."""
    from placewell.trials.models import Allocation

    allocation = Allocation.objects.filter(participant=p).select_related("arm").first()
    if allocation is None or allocation.arm.is_treatment:
        return False, ""
    return True, allocation.arm.leaflet


def my_support(p: Participant, today: dt.date | None = None) -> MySupport:
    today = today or timezone.localdate()
    comparison, leaflet = comparison_leaflet(p)
    page = MySupport(p=p, today=today, support=support_state(p), leaflet=leaflet, comparison_group=comparison)
    if comparison:
        return page
    page.steps = list(
        Step.objects.filter(goal__participant=p, goal__status="open", done_on__isnull=True)
        .select_related("goal")
        .order_by("due_on", "id")
    )
    page.meetings = upcoming_meetings(p)
    page.open_requests = list(
        CallBackRequest.objects.filter(participant=p, done_at__isnull=True).order_by("created_at")
    )
    return page


def upcoming_meetings(p: Participant) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            participant=p, status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now()
        )
        .select_related("venue", "specialist")
        .order_by("starts_at")[:10]
    )
