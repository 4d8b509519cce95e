"""Queueing and sending messages: the rules that decide whether, how and when a person is written to.

Rules, checked when a message is queued and again by the task at the moment of sending (a person may opt
out, withdraw or be erased in between):

- Nobody who has been erased, who withdrew from the service, or who asked for no messages is ever sent one;
  the message is kept as "not sent" with the reason (an erased person's messages are deleted with the rest
  of their data). A survey invitation also needs them not to have withdrawn from research contact.
- The channel is the one the person chose (``preferred_contact_method``): text message to a UK mobile,
  email, or letter to their address. Someone who prefers phone calls gets written messages only if they
  gave a mobile number (a text) or, failing that, an email address; otherwise nothing is written and the
  record says to phone them. With no preference recorded the same order applies.
- No text message is sent between 21:00 and 08:00 UK time: it waits until 08:00.
- A send the server did not take (SMTP down, Notify busy) is tried again after a wait, up to
  ``PLACEWELL_MESSAGE_ATTEMPTS`` times, then shown as failed; an address that cannot receive fails at once.

Every send happens in a task on the queue (``placewell.jobs``): ``queue_message`` enqueues it when it is due,
and the scheduled ``sweep`` enqueues reminders and anything waiting (the morning's texts, the retries).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.errors import ActionError
from placewell.jobs import queue
from placewell.messaging import senders, texts
from placewell.messaging.models import Channel, Message, MessageStatus, OptOut

if TYPE_CHECKING:
    from placewell.accounts.models import User
    from placewell.participants.models import Participant

log = logging.getLogger(__name__)
A = AuditEvent.Action
LONDON = ZoneInfo("Europe/London")
DELIVER = "placewell.messaging.services.deliver"
BATCH = 500
QUIET_START, QUIET_END = 21, 8  # no texts from 21:00 to 08:00 (Europe/London)


class MessagingError(ActionError):
    """A request to message someone that cannot be met; the message says why and what to do."""


# --- the rules ---------------------------------------------------------------------------------------------


def blocked_reason(participant: Participant, key: str, opted_out: bool | None = None) -> str:
    """Why this person must not be sent this message ("" when they may)."""
    if participant.is_erased:
        return "The record has been erased, so nothing is sent."
    if participant.withdrawn_from_service_at is not None:
        return "They withdrew from the service, so nothing is sent."
    if opted_out is None:
        opted_out = OptOut.objects.filter(participant_id=participant.pk).exists()
    if opted_out:
        return "They asked not to be sent messages."
    if key == "survey_invitation" and participant.withdrawn_from_research_at is not None:
        return "They withdrew from research contact, so no survey invitation is sent."
    return ""


def choose_channel(participant: Participant) -> tuple[str, str]:
    """(channel, "") for the person's chosen way of being written to, or ("", why none can be used)."""
    preferred = participant.preferred_contact_method
    mobile = senders.mobile_number(participant.phone)
    email = senders.valid_email(participant.email)
    if preferred == "text":
        if mobile:
            return Channel.TEXT, ""
        return "", (
            "They chose text messages but the phone number on the record is not a UK mobile number. "
            "Correct the number on their record."
        )
    if preferred == "email":
        if email:
            return Channel.EMAIL, ""
        return (
            "",
            "They chose email but there is no valid email address on the record. Correct it on their record.",
        )
    if preferred == "post":
        if participant.address.strip():
            return Channel.LETTER, ""
        return "", "They chose letters but there is no postal address on the record. Add it on their record."
    if mobile:
        return Channel.TEXT, ""
    if email:
        return Channel.EMAIL, ""
    return "", "They prefer phone calls and gave no mobile number or email address: phone them instead."


def address_for(participant: Participant, channel: str) -> str:
    if channel == Channel.TEXT:
        return senders.mobile_number(participant.phone)
    if channel == Channel.EMAIL:
        return senders.valid_email(participant.email)
    if channel == Channel.LETTER:
        lines = [participant.full_name, participant.address.strip(), participant.postcode.strip()]
        return "\n".join(line for line in lines if line)
    return ""


def is_quiet_time(moment: dt.datetime) -> bool:
    hour = moment.astimezone(LONDON).hour
    return hour >= QUIET_START or hour < QUIET_END


def after_quiet_time(moment: dt.datetime) -> dt.datetime:
    """08:00 UK time on the morning after (or of) ``moment``, when it falls in the quiet hours."""
    local = moment.astimezone(LONDON)
    day = local.date() + dt.timedelta(days=1) if local.hour >= QUIET_START else local.date()
    return dt.datetime.combine(day, dt.time(QUIET_END), tzinfo=LONDON)


def earliest_send(channel: str, moment: dt.datetime) -> dt.datetime:
    return after_quiet_time(moment) if channel == Channel.TEXT and is_quiet_time(moment) else moment


# --- queueing ----------------------------------------------------------------------------------------------


def compose(
    participant: Participant,
    key: str,
    *,
    now: dt.datetime,
    extra: dict[str, Any] | None = None,
    appointment: Any = None,
    dedupe_key: str | None = None,
    by: User | None = None,
    channel: str = "",
    opted_out: bool | None = None,
) -> Message:
    """An unsaved message, queued or "not sent" with the reason, by the rules above."""
    reason = blocked_reason(participant, key, opted_out)
    if not reason and not channel:
        channel, reason = choose_channel(participant)
    subject, body = ("", "") if participant.is_erased else texts.render(key, participant, extra)
    return Message(
        participant=participant,
        service_id=participant.service_id,
        appointment=appointment,
        channel=channel,
        template_key=key,
        subject=subject,
        body=body,
        status=MessageStatus.NOT_SENT if reason else MessageStatus.QUEUED,
        reason=reason,
        send_after=earliest_send(channel, now),
        dedupe_key=dedupe_key,
        created_by=by if by is not None and getattr(by, "pk", None) else None,
    )


@transaction.atomic
def queue_message(
    *,
    participant: Participant,
    key: str,
    extra: dict[str, Any] | None = None,
    appointment: Any = None,
    dedupe_key: str | None = None,
    by: User | None = None,
    channel: str = "",
) -> Message:
    """Keep the message on the record and, if it may go now, queue the task that sends it."""
    if key not in texts.TEMPLATES:
        raise MessagingError(f"There is no message called {key!r}.")
    if dedupe_key and (existing := Message.objects.filter(dedupe_key=dedupe_key).first()):
        return existing
    now = timezone.now()
    message = compose(
        participant,
        key,
        now=now,
        extra=extra,
        appointment=appointment,
        dedupe_key=dedupe_key,
        by=by,
        channel=channel,
    )
    message.save()
    if by is not None:
        audit.record(
            by,
            A.CREATE,
            "message",
            message.pk,
            participant_id=participant.pk,
            service_id=participant.service_id,
            summary=f"Queued a message: {texts.TEMPLATES[key].label}",
        )
    if message.status == MessageStatus.QUEUED and message.send_after <= now:
        dispatch([message.pk], now=now)
        message.refresh_from_db()  # the task may already have run (synchronous queue)
    return message


def dispatch(ids: Sequence[int], *, now: dt.datetime) -> int:
    """Mark these queued messages as handed to a task and enqueue the tasks, ``BATCH`` messages each."""
    ids = list(ids)
    Message.objects.filter(pk__in=ids).update(claimed_at=now)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        queue.enqueue(
            "messaging.send",
            DELIVER,
            [chunk],
            label=f"Send {len(chunk)} message{'s' if len(chunk) != 1 else ''}",
        )
    return len(ids)


def stale_claim() -> dt.timedelta:
    return dt.timedelta(seconds=int(settings.PLACEWELL_TASK_TIMEOUT) + 60)


def sweep() -> str:
    """The scheduled task: queue due reminders, then enqueue every message now due (morning texts, retries)."""
    from placewell.messaging import reminders

    now = timezone.now()
    made = reminders.queue_due(now)
    due = list(
        Message.objects.filter(status=MessageStatus.QUEUED, send_after__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - stale_claim()))
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)
    )
    dispatch(due, now=now)
    return f"{made} reminders queued; {len(due)} messages sent to the queue"


# --- sending (the task) ------------------------------------------------------------------------------------


def max_attempts() -> int:
    return int(settings.PLACEWELL_MESSAGE_ATTEMPTS)


def retry_wait(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=int(settings.PLACEWELL_MESSAGE_RETRY_MINUTES) * attempts)


def deliver(ids: Iterable[int]) -> str:
    """The task: send each message that is still waiting, checking the rules again at this moment."""
    messages = list(
        Message.objects.filter(pk__in=list(ids), status=MessageStatus.QUEUED)
        .select_related("participant__service", "appointment")
        .order_by("pk")
    )
    opted = set(
        OptOut.objects.filter(participant_id__in={m.participant_id for m in messages}).values_list(
            "participant_id", flat=True
        )
    )
    counts: dict[str, int] = {}
    cache: dict[str, senders.Sender] = {}
    for message in messages:
        outcome = _deliver_one(message, message.participant_id in opted, cache)
        counts[outcome] = counts.get(outcome, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "Nothing waiting"


def _finish(message: Message, status: str, reason: str = "", **more: Any) -> str:
    message.status, message.reason = status, reason[:300]
    for name, value in more.items():
        setattr(message, name, value)
    message.save(update_fields=["status", "reason", "updated_at", *more.keys()])
    return status


def _deliver_one(message: Message, opted_out: bool, cache: dict[str, senders.Sender]) -> str:
    now = timezone.now()
    participant = message.participant
    if reason := blocked_reason(participant, message.template_key, opted_out):
        return _finish(message, MessageStatus.NOT_SENT, reason, claimed_at=None)
    if reason := _stale_reminder(message, now):
        return _finish(message, MessageStatus.NOT_SENT, reason, claimed_at=None)
    if message.channel == Channel.TEXT and is_quiet_time(now):
        return _finish(
            message,
            MessageStatus.QUEUED,
            "Waiting until 08:00: no texts are sent at night.",
            send_after=after_quiet_time(now),
            claimed_at=None,
        )
    to = address_for(participant, message.channel)
    if not to:
        return _finish(
            message,
            MessageStatus.FAILED,
            f"There is no usable {message.get_channel_display().lower()} address on the record any more. "
            "Correct their contact details and send it again.",
            claimed_at=None,
        )
    sender = cache.get(message.channel) or cache.setdefault(
        message.channel, senders.sender_for(message.channel)
    )
    attempts = message.attempts + 1
    try:
        with transaction.atomic():
            ref = sender.send(message, to)
    except senders.PermanentFailure as exc:
        return _finish(message, MessageStatus.FAILED, str(exc), attempts=attempts, claimed_at=None)
    except senders.TemporaryFailure as exc:
        log.warning("Message %s: send attempt %s failed", message.pk, attempts, exc_info=True)
        if attempts >= max_attempts():
            return _finish(
                message,
                MessageStatus.FAILED,
                f"{exc} Tried {attempts} times; send it again from the record when the problem is fixed.",
                attempts=attempts,
                claimed_at=None,
            )
        again = now + retry_wait(attempts)
        return _finish(
            message,
            MessageStatus.QUEUED,
            f"Attempt {attempts} failed: {exc} It will be tried again after "
            f"{timezone.localtime(again):%H:%M}.",
            attempts=attempts,
            send_after=earliest_send(message.channel, again),
            claimed_at=None,
        )
    return _finish(
        message,
        MessageStatus.SENT,
        "",
        attempts=attempts,
        sent_at=now,
        provider_ref=ref[:80],
        claimed_at=None,
    )


def _stale_reminder(message: Message, now: dt.datetime) -> str:
    if message.template_key != "appointment_reminder":
        return ""
    appt = message.appointment
    if appt is None or appt.status != "booked":
        return "The appointment was cancelled or has gone, so the reminder is not sent."
    if message.dedupe_key and not message.dedupe_key.endswith(f":{appt.starts_at:%Y%m%d%H%M}"):
        return "The appointment has moved, so this reminder is not sent (one for the new time is)."
    if appt.starts_at <= now:
        return "The appointment had already started, so the reminder is not sent."
    return ""


# --- staff actions -----------------------------------------------------------------------------------------


@transaction.atomic
def set_opt_out(*, by: User, participant: Participant, opted_out: bool) -> None:
    from placewell.accounts.policy import Perm, require_in_scope

    require_in_scope(by, Perm.EDIT_PARTICIPANT, participant)
    if opted_out:
        OptOut.objects.get_or_create(participant=participant, defaults={"created_by": by})
    else:
        OptOut.objects.filter(participant=participant).delete()
    audit.record(
        by,
        A.UPDATE,
        "message_opt_out",
        participant.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary="Asked for no messages" if opted_out else "Agreed to messages again",
    )


@transaction.atomic
def send_again(*, by: User, message: Message) -> Message:
    """A failed or not-sent message, queued again as a new message (the old one stays on the record)."""
    from placewell.accounts.policy import Perm, require_in_scope

    require_in_scope(by, Perm.EDIT_PARTICIPANT, message.participant)
    if message.status not in {MessageStatus.FAILED, MessageStatus.NOT_SENT}:
        raise MessagingError("Only a message that failed or was not sent can be sent again.")
    now = timezone.now()
    fresh = compose(
        message.participant, message.template_key, now=now, by=by, appointment=message.appointment
    )
    fresh.subject, fresh.body = message.subject, message.body
    fresh.save()
    audit.record(
        by,
        A.CREATE,
        "message",
        fresh.pk,
        participant_id=message.participant_id,
        service_id=message.service_id,
        summary="Sent a message again",
    )
    if fresh.status == MessageStatus.QUEUED and fresh.send_after <= now:
        dispatch([fresh.pk], now=now)
        fresh.refresh_from_db()
    return fresh


def erase_participant_messages(participant: Participant, by: User | None = None) -> None:
    """Erasure step: the person's messages, outbox entries and opt-out go with the rest of their data."""
    Message.objects.filter(participant=participant).delete()
    OptOut.objects.filter(participant=participant).delete()


@transaction.atomic
def send_ending_letter(*, by: User, participant: Participant) -> Message:
    """The end of support letter (closes the "unsure whether I was discharged" gap the evaluation heard of):
    by post when there is an address, otherwise by the person's chosen channel. Only for a closed record."""
    from placewell.accounts.policy import Perm, require_in_scope

    require_in_scope(by, Perm.EDIT_PARTICIPANT, participant)
    if participant.status != "closed":
        raise MessagingError("Close the record, with the reason, before sending the end of support letter.")
    ended = timezone.localtime(participant.closed_at).date() if participant.closed_at else None
    channel = Channel.LETTER if participant.address.strip() else ""
    return queue_message(
        participant=participant,
        key="support_ending",
        extra={"ended": f"{ended:%-d %B %Y}" if ended else ""},
        by=by,
        channel=channel,
    )


def record_letter_read(*, by: User, message: Message) -> None:
    audit.record(
        by,
        A.VIEW,
        "message",
        message.pk,
        participant_id=message.participant_id,
        service_id=message.service_id,
        summary="Opened a letter",
    )
