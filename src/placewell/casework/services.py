"""Casework actions: each is atomic and writes its audit event in the same transaction.

Views, the demo loader and tests call these; nothing else writes casework tables. Audit events name the fields
that changed but keep no personal values (notes, profile text and health details stay in casework tables,
which erasure empties). Closed and erased records take no new casework: support ends by a recorded closure,
and after that only corrections and the record that the person was told are accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from placewell.accounts import audit, bulk
from placewell.casework import choices
from placewell.casework._common import A, CaseworkError, _log, ensure_open
from placewell.casework.models import (
    Contact,
    ContactChange,
    EndingNotice,
    Goal,
    ProfileVersion,
    Step,
)
from placewell.casework.services_support import (
    TRANSFER_ROLES,
    record_benefits_advice,
    record_ending_notice,
    record_health_liaison,
    transfer,
)
from placewell.participants.models import Participant, Status

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

EDIT_WINDOW = dt.timedelta(days=7)  # editable for a week, then audited corrections only
MAX_DURATION_MINUTES = 8 * 60  # a working day; longer is taken as a typing mistake
CONTACT_FIELDS = (
    "happened_at",
    "duration_minutes",
    "mode",
    "place",
    "whom",
    "purposes",
    "note",
)
PERSONAL_CONTACT_FIELDS = ("note",)

__all__ = [
    "TRANSFER_ROLES",
    "CaseworkError",
    "add_goal",
    "add_step",
    "change_contact",
    "check_contact",
    "complete_step",
    "current_profile",
    "ensure_open",
    "erase_participant_casework",
    "is_editable",
    "record_benefits_advice",
    "record_contact",
    "record_contacts",
    "record_ending_notice",
    "record_health_liaison",
    "record_list",
    "record_read",
    "save_profile",
    "set_goal_status",
    "transfer",
    "whom_flags",
]


# Reads -----------------------------------------------------------------------------------------------------


def record_read(*, by: User, participant: Participant, what: str, request: HttpRequest | None = None) -> None:
    """Audit a read of casework records."""
    _log(by, A.VIEW, "casework", participant.pk, participant, f"Viewed {what}", request=request)


def record_list(
    *, by: User, participants: Sequence[Participant], what: str, request: HttpRequest | None = None
) -> None:
    """Audit a page that showed participants' names: one event naming the records shown."""
    if participants:
        audit.record(
            by,
            A.LIST,
            "casework",
            "",
            service_id=participants[0].service_id,
            summary=f"Listed {len(participants)} participants ({what})",
            changes={"ids": [p.pk for p in participants]},
            request=request,
        )


# Vocational profile ----------------------------------------------------------------------------------------


def current_profile(participant: Participant) -> ProfileVersion | None:
    return participant.profile_versions.order_by("-version").first()


def _profile_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(ProfileVersion.FIELDS)
    if unknown:
        raise CaseworkError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    out = dict(values)
    minutes = out.get("travel_max_minutes")
    if minutes is not None and not 0 < int(minutes) <= MAX_DURATION_MINUTES:
        raise CaseworkError("Longest journey must be between 1 and 480 minutes", "travel_max_minutes")
    return out


@transaction.atomic
def save_profile(
    *, by: User, participant: Participant, values: Mapping[str, Any], request: HttpRequest | None = None
) -> ProfileVersion | None:
    """Save a new version of the profile with the given fields changed. Returns None if nothing changed.

    Every earlier version is kept; the first version marks the person as engaged.
    """
    ensure_open(participant, "changes to the vocational profile")
    values = _profile_values(values)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    current = current_profile(participant)
    base = {f: getattr(current, f) for f in ProfileVersion.FIELDS} if current else {}
    after = {**base, **values}
    if current is not None:
        changed = [f for f in ProfileVersion.FIELDS if after.get(f) != base.get(f)]
    else:
        field_default = {f: ProfileVersion._meta.get_field(f).get_default() for f in ProfileVersion.FIELDS}
        changed = [f for f in ProfileVersion.FIELDS if after.get(f, field_default[f]) != field_default[f]]
    if current is not None and not changed:
        return None
    version = ProfileVersion.objects.create(
        participant=participant,
        version=(current.version + 1) if current else 1,
        created_by=by,
        changed_fields=changed,
        **after,
    )
    first = version.version == 1
    summary = (
        "Started the vocational profile (engaged)"
        if first
        else f"Updated the vocational profile (version {version.version})"
    )
    _log(
        by,
        A.CREATE if first else A.UPDATE,
        "vocational_profile",
        version.pk,
        participant,
        summary,
        {"fields": changed},
        request,
    )
    return version


# Contacts --------------------------------------------------------------------------------------------------


# The choices as sets, made once: ``Choices.values`` builds a new list on every call, which shows when a bulk
# action checks a hundred thousand rows.
MODES, PLACES = frozenset(choices.Mode.values), frozenset(choices.Place.values)
WHOM, PURPOSES = frozenset(choices.Whom.values), frozenset(choices.Purpose.values)


def check_contact(values: Mapping[str, Any]) -> None:
    """The rules every contact meets, recorded one at a time, many at once or changed: raises
    ``CaseworkError`` naming the field."""
    when = values["happened_at"]
    if timezone.is_naive(when):
        raise CaseworkError("Give the contact's time with its time zone", "happened_at")
    if when > timezone.now():
        raise CaseworkError("The contact's date and time must be now or in the past", "happened_at")
    minutes = values["duration_minutes"]
    if minutes is None or int(minutes) < 1:
        raise CaseworkError("How long it took must be at least 1 minute", "duration_minutes")
    if int(minutes) > MAX_DURATION_MINUTES:
        raise CaseworkError("How long it took must be 8 hours (480 minutes) or less", "duration_minutes")
    if values["mode"] not in MODES:
        raise CaseworkError("Select how the contact happened", "mode")
    if values["place"] not in PLACES:
        raise CaseworkError("Select where the contact happened", "place")
    whom = list(values["whom"])
    if not whom or set(whom) - WHOM:
        raise CaseworkError("Select who the contact was with", "whom")
    if set(values["purposes"]) - PURPOSES:
        raise CaseworkError("Select what the contact was for from the list", "purposes")
    if not values["purposes"]:
        raise CaseworkError("Select what the contact was for", "purposes")


def whom_flags(whom: Iterable[str]) -> dict[str, bool]:
    """The contact's who-was-there flags from the chosen ``choices.Whom`` values."""
    chosen = set(whom)
    return {
        "with_participant": choices.Whom.PARTICIPANT in chosen,
        "with_employer": choices.Whom.EMPLOYER in chosen,
        "with_health": choices.Whom.HEALTH in chosen,
        "with_family": choices.Whom.FAMILY in chosen,
    }


@transaction.atomic
def record_contact(
    *,
    by: User,
    participant: Participant,
    happened_at: dt.datetime,
    duration_minutes: int,
    mode: str,
    place: str,
    whom: Sequence[str] = (choices.Whom.PARTICIPANT,),
    purposes: Sequence[str] = (),
    note: str = "",
    request: HttpRequest | None = None,
) -> Contact:
    ensure_open(participant, "new contacts")
    values = {
        "happened_at": happened_at,
        "duration_minutes": duration_minutes,
        "mode": mode,
        "place": place,
        "whom": whom,
        "purposes": list(purposes),
    }
    check_contact(values)
    contact = Contact.objects.create(
        participant=participant,
        happened_at=happened_at,
        duration_minutes=int(duration_minutes),
        mode=mode,
        place=place,
        purposes=list(dict.fromkeys(purposes)),
        note=note.strip(),
        recorded_by=by,
        **whom_flags(whom),
    )
    _log(
        by,
        A.CREATE,
        "contact",
        contact.pk,
        participant,
        f"Recorded a contact: {contact.get_mode_display().lower()}, {contact.duration_minutes} minutes",
        request=request,
    )
    return contact


BULK_BATCH = 1_000  # rows a bulk action writes per INSERT statement


@transaction.atomic
def record_contacts(
    *,
    by: User | None,
    contacts: Sequence[Mapping[str, Any]],
    numbers: Sequence[int] | None = None,
    how: str = "",
    actor_label: str | None = None,
    history: bool = False,
) -> list[Contact]:
    """Record many contacts at once, as ``record_contact`` records one: each person's record open
    (``ensure_open``) and each contact checked (``check_contact``) before any is written; if any is bad,
    nothing is written and ``BulkRejected`` names every bad row (numbered by ``numbers``, or from 1).

    Each of ``contacts`` holds ``record_contact``'s arguments (``participant``, ``happened_at``,
    ``duration_minutes``, ``mode``, ``place``, ``whom``, ``purposes``, ``note``). The audit log gets one
    event per person naming how many contacts were added, not one per contact (a person's contacts from
    one file or one load are one event in their timeline).

    ``history`` is for loading past casework: a row may also give ``recorded_by`` and ``recorded_at``
    (who recorded it, and when), and a closed record takes contacts that happened before it was closed.
    """
    numbers = list(numbers) if numbers is not None else list(range(1, len(contacts) + 1))

    def check(number: int, values: Mapping[str, Any]) -> None:
        person: Participant = values["participant"]
        closed = person.closed_at
        if not (history and person.status == Status.CLOSED and closed and values["happened_at"] <= closed):
            ensure_open(person, "new contacts")
        check_contact({"whom": (choices.Whom.PARTICIPANT,), "purposes": (), **values})

    bulk.check_rows(zip(numbers, contacts, strict=True), check, CaseworkError, "participant")
    records = []
    for values in contacts:
        extra = {"created_at": values["recorded_at"]} if history and values.get("recorded_at") else {}
        records.append(
            Contact(
                participant=values["participant"],
                happened_at=values["happened_at"],
                duration_minutes=int(values["duration_minutes"]),
                mode=values["mode"],
                place=values["place"],
                purposes=list(dict.fromkeys(values.get("purposes") or ())),
                note=str(values.get("note") or "").strip(),
                recorded_by=values.get("recorded_by", by) if history else by,
                **whom_flags(values.get("whom") or (choices.Whom.PARTICIPANT,)),
                **extra,
            )
        )
    Contact.objects.bulk_create(records, batch_size=BULK_BATCH)
    per_person: dict[int, list[Contact]] = {}
    for contact in records:
        per_person.setdefault(contact.participant_id, []).append(contact)
    how = f", {how}" if how else ""
    bulk.audit_many(
        by,
        (
            bulk.Event(
                A.CREATE,
                "contact",
                "",
                person_id,
                added[0].participant.service_id,
                f"Recorded {len(added)} contact{'s' if len(added) != 1 else ''}{how}",
                at=max(c.created_at for c in added) if history else None,
            )
            for person_id, added in per_person.items()
        ),
        actor_label=actor_label,
    )
    return records


def is_editable(contact: Contact, now: dt.datetime | None = None) -> bool:
    """A contact may be edited freely for a week after it was recorded; after that only corrected."""
    return (now or timezone.now()) - contact.created_at <= EDIT_WINDOW


def _contact_snapshot(contact: Contact) -> dict[str, Any]:
    return {
        "happened_at": contact.happened_at,
        "duration_minutes": contact.duration_minutes,
        "mode": contact.mode,
        "place": contact.place,
        "whom": contact.whom,
        "purposes": list(contact.purposes),
        "note": contact.note,
    }


@transaction.atomic
def change_contact(
    *,
    by: User,
    contact: Contact,
    changes: Mapping[str, Any],
    reason: str = "",
    request: HttpRequest | None = None,
) -> Contact:
    """Edit a contact within a week of recording it; after that, a correction that must give a reason.

    Both keep the values before and after (in ``ContactChange``) and write an audit event naming the fields.
    """
    participant = contact.participant
    if participant.status == Status.ERASED:
        raise CaseworkError("This person's data has been erased, so nothing more can be recorded.")
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise CaseworkError(f"These fields cannot be changed: {', '.join(sorted(unknown))}")
    correcting = not is_editable(contact)
    if correcting and not reason.strip():
        raise CaseworkError(
            "This contact was recorded more than 7 days ago, so it can only be corrected: give the reason",
            "reason",
        )
    before = _contact_snapshot(contact)
    after = {**before, **changes}
    after["note"] = str(after["note"]).strip()
    check_contact(after)
    delta = audit.diff(before, after, personal=PERSONAL_CONTACT_FIELDS)
    if not delta:
        raise CaseworkError("Nothing has changed")
    contact.happened_at = after["happened_at"]
    contact.duration_minutes = int(after["duration_minutes"])
    contact.mode, contact.place = after["mode"], after["place"]
    contact.purposes = list(dict.fromkeys(after["purposes"]))
    contact.note = after["note"]
    for flag, value in whom_flags(after["whom"]).items():
        setattr(contact, flag, value)
    if correcting:
        contact.corrected_at = timezone.now()
    contact.save()
    ContactChange.objects.create(
        contact=contact,
        changed_by=by,
        is_correction=correcting,
        reason=reason.strip(),
        before={k: audit._plain(v) for k, v in before.items()},
        after={k: audit._plain(v) for k, v in after.items()},
    )
    what = "Corrected" if correcting else "Edited"
    _log(
        by,
        A.UPDATE,
        "contact",
        contact.pk,
        participant,
        f"{what} a contact: {', '.join(delta)}".replace("_", " "),
        {"fields": sorted(delta), "correction": correcting},
        request,
    )
    return contact


# Action plan -----------------------------------------------------------------------------------------------


@transaction.atomic
def add_goal(*, by: User, participant: Participant, text: str, request: HttpRequest | None = None) -> Goal:
    ensure_open(participant, "new goals")
    if not text.strip():
        raise CaseworkError("Enter the goal", "text")
    goal = Goal.objects.create(participant=participant, text=text.strip()[:300], created_by=by)
    _log(by, A.CREATE, "goal", goal.pk, participant, "Added a goal to the action plan", request=request)
    return goal


@transaction.atomic
def set_goal_status(*, by: User, goal: Goal, status: str, request: HttpRequest | None = None) -> Goal:
    ensure_open(goal.participant, "changes to the action plan")
    if status not in choices.GoalStatus.values:
        raise CaseworkError("Select where the goal stands", "status")
    before = goal.status
    goal.status, goal.status_changed_on = status, timezone.localdate()
    goal.save(update_fields=["status", "status_changed_on"])
    _log(
        by,
        A.UPDATE,
        "goal",
        goal.pk,
        goal.participant,
        f"Goal marked: {goal.get_status_display().lower()}",
        {"status": [before, status]},
        request,
    )
    return goal


@transaction.atomic
def add_step(
    *,
    by: User,
    goal: Goal,
    text: str,
    owner: str,
    owner_other: str = "",
    due_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Step:
    ensure_open(goal.participant, "new steps")
    if not text.strip():
        raise CaseworkError("Enter the next step", "text")
    if owner not in choices.Owner.values:
        raise CaseworkError("Select who will do it", "owner")
    if owner == choices.Owner.OTHER and not owner_other.strip():
        raise CaseworkError("Enter who else will do it", "owner_other")
    if due_on is not None and due_on < timezone.localdate() - dt.timedelta(days=365):
        raise CaseworkError("By when must be within the last year or in the future", "due_on")
    step = Step.objects.create(
        goal=goal,
        text=text.strip()[:300],
        owner=owner,
        owner_other=owner_other.strip()[:100] if owner == choices.Owner.OTHER else "",
        due_on=due_on,
        created_by=by,
    )
    _log(
        by,
        A.CREATE,
        "plan_step",
        step.pk,
        goal.participant,
        "Added a next step to the action plan",
        request=request,
    )
    return step


@transaction.atomic
def complete_step(*, by: User, step: Step, request: HttpRequest | None = None) -> Step:
    participant = step.goal.participant
    ensure_open(participant, "changes to the action plan")
    if step.done_on is not None:
        raise CaseworkError("This step is already done")
    step.done_on = timezone.localdate()
    step.save(update_fields=["done_on"])
    _log(by, A.UPDATE, "plan_step", step.pk, participant, "Marked a next step as done", request=request)
    return step


# Erasure ---------------------------------------------------------------------------------------------------


@transaction.atomic
def erase_participant_casework(participant: Participant, by: User | None = None) -> dict[str, int]:
    """Remove every casework record about the person (the right to erasure, DWP research report 1025 section 1.5).

    Called by ``participants.services.erase`` inside its transaction. Transfers are kept without their
    reason, so a specialist's caseload history can still be explained; everything else is deleted.
    """
    counts = {
        "profile_versions": participant.profile_versions.all().delete()[0],
        "contacts": Contact.objects.filter(participant=participant).delete()[0],
        "goals": Goal.objects.filter(participant=participant).delete()[0],
        "health_liaisons": participant.health_liaisons.all().delete()[0],
        "benefits_advice": participant.benefits_advice.all().delete()[0],
        "ending_notice": EndingNotice.objects.filter(participant=participant).delete()[0],
        "case_notes": participant.case_notes.all().delete()[0],
        "alert_snoozes": participant.alert_snoozes.all().delete()[0],
        "transfer_reasons": participant.transfers.update(reason=""),
    }
    _log(by, A.ERASE, "casework", participant.pk, participant, "Casework records erased", counts)
    return counts
