"""Actions on appointments: book, reschedule, cancel, and record whether the person came.

Each action is atomic and audited (no personal data in the summary, ADR 0002), checks the user may work on
the participant's record (``accounts.policy.require_in_scope``), and tells other apps of bookings and changes
through ``signals.appointment_changed`` once the transaction has committed.

Rules, each refused with a message naming what is wrong and what to do:
- no appointment in the past, and none outside the service's hours (``PLACEWELL_APPOINTMENT_HOURS``, by
  default 08:00 to 18:00, Monday to Friday);
- no double booking of the specialist: the clashing appointment's time is named;
- attended records the contact through ``casework.services.record_contact``, once (the appointment keeps it);
  not attended leaves the appointment on the specialist's alerts until someone is in touch again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent, User
from placewell.accounts.policy import Perm, has_perm, require_in_scope
from placewell.appointments import signals
from placewell.appointments.models import Appointment, AskedBy, PlaceKind, Status, Venue
from placewell.casework import services as casework
from placewell.casework.choices import Mode, Place, Purpose
from placewell.errors import ActionError
from placewell.participants.models import Participant
from placewell.participants.models import Status as PStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

A = AuditEvent.Action
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_MINUTES = 240
OPEN_STATUSES = (PStatus.REFERRED, PStatus.ELIGIBLE, PStatus.AGREED, PStatus.ACTIVE, PStatus.IN_WORK)
# How each kind of place is recorded as a contact (casework.choices).
CONTACT_FOR = {
    PlaceKind.VENUE: (Mode.FACE_TO_FACE, Place.COMMUNITY),
    PlaceKind.HOME: (Mode.FACE_TO_FACE, Place.HOME),
    PlaceKind.PHONE: (Mode.PHONE, Place.REMOTE),
    PlaceKind.VIDEO: (Mode.VIDEO, Place.REMOTE),
}


class AppointmentError(ActionError):
    """Input an action cannot accept. ``field`` names the form field the message belongs beside."""


def opening_hours() -> tuple[dt.time, dt.time, tuple[int, ...]]:
    """The service's hours for appointments: (opens, closes, weekdays with Monday as 0)."""
    opens, closes, days = getattr(
        settings, "PLACEWELL_APPOINTMENT_HOURS", ("08:00", "18:00", (0, 1, 2, 3, 4))
    )
    return dt.time.fromisoformat(opens), dt.time.fromisoformat(closes), tuple(days)


def when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{DAY_NAMES[local.weekday()]} {local.day} {local:%B %Y} at {local:%H:%M}"


def _log(by: User, action: str, appt: Appointment, summary: str, request: HttpRequest | None) -> None:
    audit.record(
        by,
        action,
        "appointment",
        appt.pk,
        participant_id=appt.participant_id,
        service_id=appt.participant.service_id,
        summary=summary,
        request=request,
    )


def _announce(appt: Appointment, change: str) -> None:
    transaction.on_commit(
        lambda: signals.appointment_changed.send(sender=Appointment, appointment=appt, change=change)
    )


def _check_time(starts_at: dt.datetime, minutes: int) -> dt.datetime:
    if not 5 <= minutes <= MAX_MINUTES:
        raise AppointmentError(f"The length must be between 5 and {MAX_MINUTES} minutes", "duration_minutes")
    if starts_at <= timezone.now():
        raise AppointmentError(
            f"{when(starts_at)} has already passed: choose a time later than now", "starts_at"
        )
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    opens, closes, days = opening_hours()
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.weekday() not in days:
        open_days = ", ".join(DAY_NAMES[d] for d in days)
        raise AppointmentError(
            f"The service does not hold appointments on a {DAY_NAMES[start.weekday()]}: choose one of "
            f"{open_days}",
            "starts_at",
        )
    if start.time() < opens or end.date() != start.date() or end.time() > closes:
        raise AppointmentError(
            f"Appointments must start and finish between {opens:%H:%M} and {closes:%H:%M}: this one would run "
            f"from {start:%H:%M} to {end:%H:%M}",
            "starts_at",
        )
    return ends_at


def _check_clash(specialist: User, starts_at: dt.datetime, ends_at: dt.datetime, exclude: int | None) -> None:
    clash = (
        Appointment.objects.select_for_update()
        .filter(specialist=specialist, status=Status.BOOKED, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk__in=[] if exclude is None else [exclude])
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        end = timezone.localtime(clash.ends_at)
        raise AppointmentError(
            f"{specialist.get_full_name() or specialist} already has an appointment from {when(clash.starts_at)} "
            f"to {end:%H:%M}: choose another time",
            "starts_at",
        )


def _check_place(participant: Participant, place_kind: str, venue: Venue | None, video_link: str) -> None:
    if place_kind not in PlaceKind.values:
        raise AppointmentError("Select where the appointment is", "place_kind")
    if place_kind == PlaceKind.VENUE:
        if venue is None:
            raise AppointmentError("Select which community venue", "venue")
        if venue.team_id != participant.team_id or not venue.active:
            raise AppointmentError("That venue is not one of this team's venues: select another", "venue")
    if place_kind == PlaceKind.VIDEO and not video_link.startswith("https://"):
        raise AppointmentError("Enter the video call link, starting https://", "video_link")


def _check_people(by: User, participant: Participant, specialist: User) -> None:
    require_in_scope(by, Perm.EDIT_PARTICIPANT, participant)
    if participant.status not in OPEN_STATUSES:
        raise AppointmentError(
            f"This record is {participant.get_status_display().lower()}, so no appointment can be booked"
        )
    if not specialist.is_active or specialist.team_id is None or specialist.team_id != participant.team_id:
        raise AppointmentError("Choose someone from the person's own team", "specialist")


@transaction.atomic
def book(
    *,
    by: User,
    participant: Participant,
    specialist: User,
    starts_at: dt.datetime,
    duration_minutes: int,
    place_kind: str,
    venue: Venue | None = None,
    video_link: str = "",
    request: HttpRequest | None = None,
) -> Appointment:
    _check_people(by, participant, specialist)
    ends_at = _check_time(starts_at, duration_minutes)
    _check_place(participant, place_kind, venue, video_link)
    _check_clash(specialist, starts_at, ends_at, None)
    appt = Appointment.objects.create(
        participant=participant,
        specialist=specialist,
        starts_at=starts_at,
        ends_at=ends_at,
        duration_minutes=duration_minutes,
        place_kind=place_kind,
        venue=venue if place_kind == PlaceKind.VENUE else None,
        video_link=video_link if place_kind == PlaceKind.VIDEO else "",
        booked_by=by,
    )
    _log(by, A.CREATE, appt, f"Booked an appointment: {appt.get_place_kind_display().lower()}", request)
    _announce(appt, signals.BOOKED)
    return appt


def _lock(appt: Appointment) -> Appointment:
    locked = Appointment.objects.select_for_update().select_related("participant").get(pk=appt.pk)
    return locked


def _check_change(by: User, appt: Appointment, asked_by: str, reason: str) -> str:
    require_in_scope(by, Perm.EDIT_PARTICIPANT, appt.participant)
    if appt.status != Status.BOOKED:
        raise AppointmentError(
            f"This appointment is already {appt.get_status_display().lower()}, so it cannot be changed"
        )
    if asked_by not in AskedBy.values:
        raise AppointmentError("Select who asked for the change", "asked_by")
    reason = reason.strip()
    if not reason:
        raise AppointmentError("Enter why the appointment is changing", "reason")
    return reason


@transaction.atomic
def reschedule(
    *,
    by: User,
    appointment: Appointment,
    starts_at: dt.datetime,
    duration_minutes: int,
    asked_by: str,
    reason: str,
    request: HttpRequest | None = None,
) -> Appointment:
    appt = _lock(appointment)
    reason = _check_change(by, appt, asked_by, reason)
    ends_at = _check_time(starts_at, duration_minutes)
    _check_clash(appt.specialist, starts_at, ends_at, appt.pk)
    appt.starts_at, appt.ends_at, appt.duration_minutes = starts_at, ends_at, duration_minutes
    appt.change_asked_by, appt.change_reason = asked_by, reason
    appt.times_rescheduled += 1
    appt.save()
    _log(
        by,
        A.UPDATE,
        appt,
        f"Rescheduled an appointment at the request of {appt.get_change_asked_by_display().lower()}",
        request,
    )
    _announce(appt, signals.RESCHEDULED)
    return appt


@transaction.atomic
def cancel(
    *, by: User, appointment: Appointment, asked_by: str, reason: str, request: HttpRequest | None = None
) -> Appointment:
    appt = _lock(appointment)
    reason = _check_change(by, appt, asked_by, reason)
    appt.status = Status.CANCELLED
    appt.change_asked_by, appt.change_reason = asked_by, reason
    appt.outcome_at = timezone.now()
    appt.save()
    _log(
        by,
        A.UPDATE,
        appt,
        f"Cancelled an appointment at the request of {appt.get_change_asked_by_display().lower()}",
        request,
    )
    _announce(appt, signals.CANCELLED)
    return appt


def _check_outcome(by: User, appt: Appointment) -> None:
    require_in_scope(by, Perm.EDIT_PARTICIPANT, appt.participant)
    if appt.status != Status.BOOKED:
        raise AppointmentError(f"This appointment is already recorded as {appt.get_status_display().lower()}")
    if appt.starts_at > timezone.now():
        raise AppointmentError(
            f"This appointment starts on {when(appt.starts_at)}: record whether they came once it has started"
        )


@transaction.atomic
def mark_attended(*, by: User, appointment: Appointment, request: HttpRequest | None = None) -> Appointment:
    """Record that the person came, and the meeting as a contact on their record (once: the contact is kept
    on the appointment, and a second click finds the appointment already attended)."""
    appt = _lock(appointment)
    _check_outcome(by, appt)
    mode, place = CONTACT_FOR[PlaceKind(appt.place_kind)]
    p = appt.participant
    # What it was for, for one click (the contact can be edited for a week after): in-work support for
    # someone in work, vocational profiling at a first meeting, job search otherwise.
    if p.status == PStatus.IN_WORK:
        purpose = Purpose.IN_WORK
    elif not p.contacts.filter(with_participant=True).exists():
        purpose = Purpose.PROFILING
    else:
        purpose = Purpose.JOB_SEARCH
    try:
        contact = casework.record_contact(
            by=by,
            participant=appt.participant,
            happened_at=appt.starts_at,
            duration_minutes=appt.duration_minutes,
            mode=mode,
            place=place,
            purposes=[purpose],
            request=request,
        )
    except casework.CaseworkError as exc:
        raise AppointmentError(str(exc)) from exc
    appt.status, appt.contact, appt.outcome_at = Status.ATTENDED, contact, timezone.now()
    appt.save()
    _log(by, A.UPDATE, appt, "Recorded that an appointment was attended", request)
    return appt


@transaction.atomic
def mark_not_attended(
    *, by: User, appointment: Appointment, request: HttpRequest | None = None
) -> Appointment:
    """Record that the person did not come: the follow-up alert (``appointments.alerts``) shows until someone
    is in touch with them again."""
    appt = _lock(appointment)
    _check_outcome(by, appt)
    appt.status, appt.outcome_at = Status.DID_NOT_ATTEND, timezone.now()
    appt.save()
    _log(by, A.UPDATE, appt, "Recorded that an appointment was not attended", request)
    return appt


# Venues ----------------------------------------------------------------------------------------------------


def can_manage_venues(user: User) -> bool:
    return has_perm(user, Perm.VIEW_TEAM_CASELOADS)


@transaction.atomic
def add_venue(*, by: User, team_id: int, name: str, address: str = "") -> Venue:
    if not can_manage_venues(by):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only team leaders and service managers manage venues.")
    name = name.strip()
    if not name:
        raise AppointmentError("Enter the venue's name", "name")
    if Venue.objects.filter(team_id=team_id, name__iexact=name).exists():
        raise AppointmentError(f"The team already has a venue called {name}", "name")
    venue = Venue.objects.create(team_id=team_id, name=name, address=address.strip())
    audit.record(by, A.CREATE, "venue", venue.pk, summary="Added a community venue")
    return venue


@transaction.atomic
def set_venue_active(*, by: User, venue: Venue, active: bool) -> Venue:
    if not can_manage_venues(by):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only team leaders and service managers manage venues.")
    venue.active = active
    venue.save(update_fields=["active"])
    audit.record(by, A.UPDATE, "venue", venue.pk, summary="Reopened a venue" if active else "Retired a venue")
    return venue


def erase_participant_appointments(participant: Participant, by: User | None = None) -> dict[str, int]:
    """Delete the person's appointments on erasure (called inside ``participants.services.erase``): their
    reasons for changes and video links are personal data, and the contacts they made are deleted too."""
    return {"appointments": Appointment.objects.filter(participant=participant).delete()[0]}
