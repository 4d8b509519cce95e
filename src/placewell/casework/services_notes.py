"""Actions for case notes and for snoozing an alert: each atomic, each audited without personal data.

The audit events name the category of a note or the rule of an alert, never the words written: notes and
reasons are free text that may say anything about the person.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from placewell.casework import choices
from placewell.casework._common import A, CaseworkError, _log, ensure_open
from placewell.casework.alerts import RULES
from placewell.casework.models import AlertSnooze, CaseNote
from placewell.participants.models import Participant

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

SNOOZE_REASON_MAX = 300


@transaction.atomic
def add_case_note(
    *, by: User, participant: Participant, category: str, text: str, request: HttpRequest | None = None
) -> CaseNote:
    """Record a case note. Refused, with nothing saved, when empty, over the limit or of no known kind."""
    ensure_open(participant, "new case notes")
    if category not in choices.NoteCategory.values:
        raise CaseworkError("Select what the note is about", "category")
    text = text.strip()
    if not text:
        raise CaseworkError("Enter the note", "text")
    if len(text) > CaseNote.MAX_LENGTH:
        raise CaseworkError(
            f"The note must be {CaseNote.MAX_LENGTH:,} characters or fewer: it has {len(text):,}. Shorten it, or "
            "split it into two notes.",
            "text",
        )
    note = CaseNote.objects.create(participant=participant, category=category, text=text, created_by=by)
    _log(
        by,
        A.CREATE,
        "case_note",
        note.pk,
        participant,
        f"Added a case note ({note.get_category_display().lower()})",
        request=request,
    )
    return note


def record_notes_read(
    *, by: User, participant: Participant, count: int, request: HttpRequest | None = None
) -> None:
    _log(by, A.VIEW, "case_note", participant.pk, participant, f"Read {count} case notes", request=request)


@transaction.atomic
def snooze_alert(
    *,
    by: User,
    participant: Participant,
    rule: str,
    days: int,
    reason: str,
    request: HttpRequest | None = None,
) -> AlertSnooze:
    """Set an alert aside for ``days`` with a reason. A reason is required: a snooze is a decision someone
    must be able to explain later."""
    if rule not in RULES:
        raise CaseworkError("This alert cannot be snoozed: it is not one of the alerts Placewell raises.")
    if days not in choices.SnoozeDays.values:
        raise CaseworkError("Choose how long to snooze the alert for", "days")
    reason = reason.strip()
    if not reason:
        raise CaseworkError(
            "Enter why you are snoozing this alert, for example 'In hospital until Friday'", "reason"
        )
    if len(reason) > SNOOZE_REASON_MAX:
        raise CaseworkError(
            f"The reason must be {SNOOZE_REASON_MAX} characters or fewer: it has {len(reason)}", "reason"
        )
    until = timezone.localdate() + dt.timedelta(days=days)
    snooze = AlertSnooze.objects.create(
        participant=participant, rule=rule, until=until, reason=reason, created_by=by
    )
    _log(
        by,
        A.UPDATE,
        "alert_snooze",
        snooze.pk,
        participant,
        f"Snoozed an alert for {days} days",
        changes={"rule": rule, "until": until.isoformat()},
        request=request,
    )
    return snooze


def snoozed(participant_filter: dict[str, object], today: dt.date | None = None) -> set[tuple[int, str]]:
    """(participant id, rule) pairs snoozed today among participants matching the filter. One query."""
    today = today or timezone.localdate()
    return set(
        AlertSnooze.objects.filter(
            until__gt=today, **{f"participant__{k}": v for k, v in participant_filter.items()}
        ).values_list("participant_id", "rule")
    )
