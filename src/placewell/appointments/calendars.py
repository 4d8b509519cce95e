"""Calendars: an .ics file for each appointment, and each specialist's feed on a secret, revocable address.

The feed is read by Outlook or Google without signing in, so it carries no personal data: the person's
initials, the time, the length and the kind of place (never an address, a venue's name is the team's own
and is kept, a video link is left out). The address holds a random token; only its SHA-256 hash is stored,
so a copy of the database cannot be used to read anyone's diary, and making a new address revokes the old.
Format: RFC 5545 (iCalendar), written and tested with the ``icalendar`` library.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from icalendar import Calendar, Event

from placewell.accounts import audit
from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import AuditEvent, User
from placewell.accounts.policy import Perm, require
from placewell.appointments.models import Appointment, CalendarFeed, PlaceKind, Status
from placewell.appointments.views import appointment_for

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 180


def initials(appt: Appointment) -> str:
    p = appt.participant
    return "".join(part[:1].upper() for part in (p.given_name, p.family_name) if part) or "?"


def _event(appt: Appointment, host: str) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appt.pk}@{host}")
    event.add("dtstamp", appt.updated_at or timezone.now())
    event.add("dtstart", appt.starts_at)
    event.add("dtend", appt.ends_at)
    event.add("summary", f"Appointment with {initials(appt)}")
    where = (
        appt.venue.name
        if appt.place_kind == PlaceKind.VENUE and appt.venue is not None
        else appt.get_place_kind_display()
    )
    event.add("location", where)
    event.add("status", "CANCELLED" if appt.status == Status.CANCELLED else "CONFIRMED")
    event.add("sequence", appt.times_rescheduled)
    return event


def calendar_of(appts: Iterable[Appointment], host: str, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Placewell//Appointments//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for appt in appts:
        cal.add_component(_event(appt, host))
    return cal.to_ical()


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def appointment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    appt = appointment_for(request, pk)
    return _ics(
        calendar_of([appt], request.get_host(), "Placewell appointment"), f"appointment-{appt.pk}.ics"
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_feed(*, by: User) -> str:
    """Make a new secret address for ``by``'s diary, revoking any earlier one. Returns the token, shown once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(specialist=by).delete()
    CalendarFeed.objects.create(specialist=by, token_hash=_hash(token))
    audit.record(
        by, AuditEvent.Action.UPDATE, "calendar_feed", by.pk, summary="Made a new calendar feed address"
    )
    return token


@transaction.atomic
def revoke_feed(*, by: User) -> None:
    CalendarFeed.objects.filter(specialist=by).delete()
    audit.record(by, AuditEvent.Action.UPDATE, "calendar_feed", by.pk, summary="Turned off the calendar feed")


@login_required
def feed_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_PARTICIPANT)
    user = request.user
    address = ""
    if request.method == "POST":
        if request.POST.get("action") == "off":
            revoke_feed(by=user)
        else:
            token = new_feed(by=user)
            address = request.build_absolute_uri(f"/appointments/calendar/{token}.ics")
    feed = CalendarFeed.objects.filter(specialist=user).first()
    return render(request, "appointments/feed.html", {"feed": feed, "address": address})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for a calendar program: no sign-in, the secret address is the key."""
    found = CalendarFeed.objects.select_related("specialist").filter(token_hash=_hash(token)).first()
    if found is None or not found.specialist.is_active:
        raise Http404("No such calendar")
    now = timezone.now()
    appts = (
        Appointment.objects.filter(
            specialist=found.specialist,
            starts_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS),
            starts_at__lt=now + dt.timedelta(days=FEED_FUTURE_DAYS),
        )
        .select_related("participant", "venue")
        .order_by("starts_at")
    )
    return _ics(calendar_of(appts, request.get_host(), "Placewell appointments"), "placewell.ics")
