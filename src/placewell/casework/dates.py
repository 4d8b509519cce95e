"""Dates a participant's support clocks run from, and calendar-month arithmetic for the time limits.

The participant record keeps its current status only; every status change is written to the append-only audit
log in the same transaction (``participants.services._set_status``), so the log is the authoritative history
of when support started and when the person started work. This module reads it for a set of participants in
one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from placewell.accounts.models import AuditEvent
from placewell.participants.models import Status


@dataclass(frozen=True)
class SupportDates:
    support_started: dt.date | None = None  # first move from agreed to receiving support
    in_work_since: dt.date | None = None  # latest move into work


def support_dates(participant_ids: Iterable[int]) -> dict[int, SupportDates]:
    ids = list(participant_ids)
    if not ids:
        return {}
    events = (
        AuditEvent.objects.filter(participant_id__in=ids, action=AuditEvent.Action.STATUS)
        .order_by("at", "id")
        .values_list("participant_id", "at", "changes")
    )
    started: dict[int, dt.date] = {}
    in_work: dict[int, dt.date] = {}
    for pid, at, changes in events:
        if pid is None:  # not reached: the query asks for these people's events
            continue
        change = (changes or {}).get("status")
        if not isinstance(change, list) or len(change) != 2:
            continue
        before, after = change
        day = timezone.localdate(at)
        if after == Status.ACTIVE and before == Status.AGREED and pid not in started:
            started[pid] = day
        elif after == Status.IN_WORK:
            in_work[pid] = day
    return {pid: SupportDates(started.get(pid), in_work.get(pid)) for pid in ids}
