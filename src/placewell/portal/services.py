"""Signing a participant in to "My support" without a password, and what they ask for from it.

Two ways in: a single-use link their specialist sends (valid for ``LINK_DAYS``), or a 6-digit code sent to
the phone number or email address on their record (valid for ``CODE_MINUTES``). Each works once. Only keyed
hashes of links, codes and addresses are kept (HMAC-SHA256 with the site's secret key).

Nobody learns from these pages whether a person is known: an unknown address, or one belonging to a person
who withdrew or whose record was erased, gets the same answer as a known one, and wrong codes count towards
the same lock (``MAX_WRONG_CODES`` wrong codes lock that address for ``LOCK_MINUTES``).

Every message goes through ``placewell.messaging`` by a task on the queue (``placewell.jobs``). Once a sign-in
message has been sent, its words are replaced on the message record, so the link or code is not kept there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.errors import ActionError
from placewell.jobs import queue
from placewell.messaging import senders, texts
from placewell.messaging import services as messaging
from placewell.messaging.models import Channel, Message, MessageStatus
from placewell.participants.models import Participant, Status
from placewell.portal.models import AddressLock, CallBackRequest, RequestKind, SignInToken, TokenKind

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action
CODE_MINUTES = 10
LINK_DAYS = 7
MAX_WRONG_CODES = 5
LOCK_MINUTES = 15
SESSION_KEY = "portal_participant"
SEEN_KEY = "portal_seen"
IDLE_MINUTES = 30
ACTOR = "The participant, on their own page"
REDACTED = "(This sign-in message has been sent. The link or code in it is not kept.)"
DELIVER = "placewell.portal.services.deliver_sign_in"


class Locked(ActionError):
    """Too many wrong codes for this address: try again later."""


class WrongCode(ActionError):
    """The code does not match a code that is waiting to be used for this address."""


def register_message_texts() -> None:
    """The two sign-in messages, added to the messaging app's list (their words are in this app's
    ``templates/messaging/messages``)."""
    texts.TEMPLATES.setdefault(
        "portal_code", texts.Template("portal_code", "Your code to see your support", "Sign-in code")
    )
    texts.TEMPLATES.setdefault(
        "portal_link", texts.Template("portal_link", "A link to see your support", "Link to their own page")
    )


# --- hashing and addresses ---------------------------------------------------------------------------------


def digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Address:
    kind: str  # "email" or "phone"
    value: str  # normalised: lower-case email, or a UK mobile number in the form 07xxxxxxxxx

    @property
    def hash(self) -> str:
        return digest(f"{self.kind}:{self.value}")


def _national(raw: str) -> str:
    digits = "".join(c for c in raw if c.isdigit())
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def parse_address(raw: str) -> Address | None:
    """An email address or a phone number as typed; None if it is neither."""
    raw = (raw or "").strip()
    if "@" in raw:
        email = senders.valid_email(raw)
        return Address("email", email.lower()) if email else None
    digits = _national(raw)
    if len(digits) >= 10:
        return Address("phone", digits)
    return None


def find_person(address: Address) -> Participant | None:
    """The one live record (not erased, not withdrawn from the service) with this address, or None.

    Phone numbers are stored as typed, so candidates ending in the same last four digits are compared in
    their national form. If two live records share the address, the most recently created is used."""
    live = Participant.objects.exclude(status=Status.ERASED).filter(withdrawn_from_service_at__isnull=True)
    if address.kind == "email":
        found = list(live.filter(email__iexact=address.value).order_by("-created_at", "-id")[:1])
    else:
        candidates = live.filter(phone__endswith=address.value[-4:]).order_by("-created_at", "-id")
        found = [p for p in candidates if _national(p.phone) == address.value][:1]
    return found[0] if found else None


# --- sending -----------------------------------------------------------------------------------------------


def _send(participant: Participant, key: str, extra: dict[str, str], channel: str = "") -> Message:
    """Keep the message on the record and queue the task that sends it at once (the person is waiting)."""
    now = timezone.now()
    message = messaging.compose(participant, key, now=now, extra=extra, channel=channel)
    message.send_after = now
    if message.status == MessageStatus.QUEUED:
        message.claimed_at = now
    message.save()
    if message.status == MessageStatus.QUEUED:
        queue.enqueue(
            "portal.sign_in",
            DELIVER,
            [[message.pk]],
            label="Send a sign-in message",
            service_id=participant.service_id,
        )
    else:
        Message.objects.filter(pk=message.pk).update(body=REDACTED)
    return message


def deliver_sign_in(ids: list[int]) -> str:
    """The task: send the messages, then remove the link or code from those that went."""
    outcome = messaging.deliver(ids)
    Message.objects.filter(pk__in=ids).exclude(status=MessageStatus.QUEUED).update(body=REDACTED)
    return outcome


@transaction.atomic
def request_code(raw: str, request: HttpRequest | None = None) -> str:
    """Send a code if ``raw`` is the address of a live record; return the address's hash either way.

    The caller shows the same page whatever happened here."""
    address = parse_address(raw)
    if address is None:
        raise ActionError(_("Enter an email address or a mobile phone number"), field="address")
    person = find_person(address)
    lock = AddressLock.objects.filter(address_hash=address.hash).first()
    locked = lock is not None and lock.locked_until is not None and lock.locked_until > timezone.now()
    channel = Channel.EMAIL if address.kind == "email" else Channel.TEXT
    if person is not None and channel == Channel.TEXT and not senders.mobile_number(person.phone):
        person = None  # a landline cannot take a text
    if person is not None and not locked:
        code = f"{secrets.randbelow(1_000_000):06d}"
        SignInToken.objects.filter(
            participant=person, kind=TokenKind.CODE, address_hash=address.hash, used_at__isnull=True
        ).update(used_at=timezone.now())  # only the newest code works
        SignInToken.objects.create(
            participant=person,
            kind=TokenKind.CODE,
            secret_hash=digest(f"code:{address.hash}:{code}"),
            address_hash=address.hash,
            expires_at=timezone.now() + dt.timedelta(minutes=CODE_MINUTES),
        )
        _send(person, "portal_code", {"code": code, "minutes": str(CODE_MINUTES)}, channel=channel)
        audit.record(
            None,
            A.CREATE,
            "portal_sign_in",
            "",
            participant_id=person.pk,
            service_id=person.service_id,
            summary="A sign-in code was sent to the address on the record",
            actor_label=ACTOR,
            request=request,
        )
    else:
        audit.record(
            None,
            A.CREATE,
            "portal_sign_in",
            "",
            summary="A sign-in code was asked for; none was sent",
            actor_label="Someone on the sign-in page",
            request=request,
        )
    return address.hash


def lock_for(address_hash: str) -> AddressLock | None:
    lock = AddressLock.objects.filter(address_hash=address_hash).first()
    if lock is not None and lock.locked_until is not None and lock.locked_until > timezone.now():
        return lock
    return None


def check_code(address_hash: str, code: str, request: HttpRequest | None = None) -> Participant:
    """The person the code signs in, using it up; ``Locked`` or ``WrongCode`` otherwise.

    Wrong codes are counted (and the lock saved) even though the exception is raised."""
    with transaction.atomic():
        lock, _ = AddressLock.objects.select_for_update().get_or_create(address_hash=address_hash)
        now = timezone.now()
        if lock.locked_until is not None and lock.locked_until > now:
            raise Locked(locked_message())
        code = "".join(c for c in (code or "") if c.isdigit())
        token = (
            SignInToken.objects.filter(
                kind=TokenKind.CODE,
                address_hash=address_hash,
                secret_hash=digest(f"code:{address_hash}:{code}"),
                used_at__isnull=True,
                expires_at__gt=now,
            )
            .select_related("participant")
            .first()
        )
        person = token.participant if token is not None else None
        if person is not None and (person.is_erased or person.withdrawn_from_service_at is not None):
            person = None
        if token is None or person is None:
            lock.failures += 1
            locked = lock.failures >= MAX_WRONG_CODES
            if locked:
                lock.failures, lock.locked_until = 0, now + dt.timedelta(minutes=LOCK_MINUTES)
            lock.save()
            audit.record(
                None,
                A.SIGN_IN,
                "portal_sign_in",
                "",
                summary="A wrong sign-in code was typed" + ("; the address is locked" if locked else ""),
                actor_label="Someone on the sign-in page",
                request=request,
            )
            failure = "locked" if locked else "wrong"
        else:
            token.used_at = now
            token.save(update_fields=["used_at"])
            lock.failures, lock.locked_until = 0, None
            lock.save()
            _audit_sign_in(person, "code", request)
            return person
    if failure == "locked":
        raise Locked(locked_message())
    raise WrongCode(wrong_code_message())


def wrong_code_message() -> str:
    return _(
        "That code did not work. Check you typed all 6 numbers. "
        "A code works once, for 10 minutes. You can ask for a new code."
    )


def locked_message() -> str:
    return _(
        "You have typed too many codes that did not work. "
        "To keep your details safe, please wait %(minutes)s minutes, then ask for a new code."
    ) % {"minutes": LOCK_MINUTES}


def _audit_sign_in(person: Participant, how: str, request: HttpRequest | None) -> None:
    audit.record(
        None,
        A.SIGN_IN,
        "portal_sign_in",
        "",
        participant_id=person.pk,
        service_id=person.service_id,
        summary=f"Signed in to their own page with a {how}",
        actor_label=ACTOR,
        request=request,
    )


@transaction.atomic
def send_link(
    *, by: User, participant: Participant, base_url: str, request: HttpRequest | None = None
) -> Message:
    """Send the person a single-use link to their own page by the way they chose to be written to."""
    if participant.is_erased or participant.withdrawn_from_service_at is not None:
        raise ActionError("This person cannot be sent a link: their record is erased or they withdrew.")
    channel, reason = messaging.choose_channel(participant)
    if not channel:
        raise ActionError(f"No link was sent. {reason}")
    secret = secrets.token_urlsafe(32)
    SignInToken.objects.create(
        participant=participant,
        kind=TokenKind.LINK,
        secret_hash=digest(f"link:{secret}"),
        expires_at=timezone.now() + dt.timedelta(days=LINK_DAYS),
    )
    message = _send(
        participant,
        "portal_link",
        {"link": f"{base_url.rstrip('/')}/my-support/link/{secret}/", "days": str(LINK_DAYS)},
        channel=channel,
    )
    audit.record(
        by,
        A.CREATE,
        "portal_link",
        message.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Sent a link to their own page ({message.get_channel_display().lower()})",
        request=request,
    )
    return message


def link_is_usable(secret: str) -> bool:
    return _link_token(secret) is not None


def _link_token(secret: str) -> SignInToken | None:
    token = (
        SignInToken.objects.filter(
            kind=TokenKind.LINK,
            secret_hash=digest(f"link:{secret}"),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("participant")
        .first()
    )
    if token is None:
        return None
    p = token.participant
    if p.is_erased or p.withdrawn_from_service_at is not None:
        return None
    return token


@transaction.atomic
def use_link(secret: str, request: HttpRequest | None = None) -> Participant | None:
    """The person this link signs in, using it up; None if it is unknown, used or out of date."""
    token = _link_token(secret)
    if token is None:
        return None
    used = SignInToken.objects.filter(pk=token.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:
        return None  # used at the same moment by another request
    _audit_sign_in(token.participant, "link", request)
    return token.participant


# --- the session -------------------------------------------------------------------------------------------


def sign_in(request: HttpRequest, participant: Participant) -> None:
    """Start a participant session: a new session, so no staff sign-in or earlier state carries over."""
    request.session.flush()
    request.session[SESSION_KEY] = participant.pk
    request.session[SEEN_KEY] = timezone.now().timestamp()


def sign_out(request: HttpRequest) -> None:
    pid = request.session.get(SESSION_KEY)
    if pid:
        p = Participant.objects.filter(pk=pid).only("pk", "service_id").first()
        if p is not None:
            with transaction.atomic():
                audit.record(
                    None,
                    A.SIGN_IN,
                    "portal_sign_out",
                    "",
                    participant_id=p.pk,
                    service_id=p.service_id,
                    summary="Signed out of their own page",
                    actor_label=ACTOR,
                    request=request,
                )
    request.session.flush()


def current_participant(request: HttpRequest) -> Participant | None:
    """The signed-in participant, or None (not signed in, idle too long, or no longer a live record)."""
    pid = request.session.get(SESSION_KEY)
    if not pid:
        return None
    seen = request.session.get(SEEN_KEY, 0)
    now = timezone.now().timestamp()
    if now - float(seen) > IDLE_MINUTES * 60:
        request.session.flush()
        return None
    p = (
        Participant.objects.select_related("service", "specialist")
        .filter(pk=pid)
        .exclude(status=Status.ERASED)
        .filter(withdrawn_from_service_at__isnull=True)
        .first()
    )
    if p is None:
        request.session.flush()
        return None
    request.session[SEEN_KEY] = now
    return p


# --- requests and audit ------------------------------------------------------------------------------------


def record_view(participant: Participant, what: str, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        audit.record(
            None,
            A.VIEW,
            "portal",
            participant.pk,
            participant_id=participant.pk,
            service_id=participant.service_id,
            summary=f"Viewed {what}",
            actor_label=ACTOR,
            request=request,
        )


@transaction.atomic
def ask(
    *,
    participant: Participant,
    kind: str,
    best_time: str,
    note: str = "",
    appointment: object = None,
    request: HttpRequest | None = None,
) -> CallBackRequest:
    """Save a call-back or rearrange request; it shows on the specialist's home page until marked done."""
    note = (note or "").strip()
    if len(note) > CallBackRequest.NOTE_LIMIT:
        raise ActionError(f"Your note must be {CallBackRequest.NOTE_LIMIT} characters or fewer", field="note")
    made = CallBackRequest.objects.create(
        participant=participant, kind=kind, best_time=best_time, note=note, appointment=appointment
    )
    audit.record(
        None,
        A.CREATE,
        "portal_request",
        made.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Asked: {RequestKind(kind).label.lower()}",
        changes={"kind": kind, "best_time": best_time, "note": "given" if note else "none"},
        actor_label=ACTOR,
        request=request,
    )
    return made


@transaction.atomic
def mark_done(*, by: User, item: CallBackRequest, request: HttpRequest | None = None) -> None:
    if item.done_at is not None:
        return
    item.done_at, item.done_by = timezone.now(), by
    item.save(update_fields=["done_at", "done_by"])
    audit.record(
        by,
        A.UPDATE,
        "portal_request",
        item.pk,
        participant_id=item.participant_id,
        service_id=item.participant.service_id,
        summary=f"Marked done: {item.get_kind_display().lower()}",
        request=request,
    )


def open_requests(participant_ids: list[int]) -> Q:
    return Q(participant_id__in=participant_ids, done_at__isnull=True)


def erase_participant_portal(participant: Participant, by: User | None = None) -> dict[str, int]:
    """Delete the person's sign-in links and codes and their requests on erasure (called inside
    ``participants.services.erase``): a request's note is in their own words."""
    tokens = SignInToken.objects.filter(participant=participant).delete()[0]
    asked = CallBackRequest.objects.filter(participant=participant).delete()[0]
    return {"portal_tokens": tokens, "portal_requests": asked}
