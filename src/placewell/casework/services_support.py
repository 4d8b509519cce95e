"""Casework actions for health liaison, benefits advice, transfers and the end of support.

Part of ``casework.services`` (which re-exports these); each action is atomic and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from placewell.accounts.models import Role
from placewell.accounts.policy import Perm, require_in_scope
from placewell.casework import choices
from placewell.casework._common import A, CaseworkError, _log, _not_future, ensure_open
from placewell.casework.models import BenefitsAdvice, EndingNotice, HealthLiaison, Transfer
from placewell.participants import services as participant_services
from placewell.participants.models import Participant, Status

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

TRANSFER_ROLES = {Role.SPECIALIST, Role.TEAM_LEADER}


@transaction.atomic
def record_health_liaison(
    *,
    by: User,
    participant: Participant,
    kind: str,
    happened_on: dt.date,
    with_whom: str,
    organisation: str = "",
    discussed: str = "",
    agreed: str = "",
    request: HttpRequest | None = None,
) -> HealthLiaison:
    ensure_open(participant, "new health liaison records")
    if kind not in choices.LiaisonKind.values:
        raise CaseworkError("Select what kind of liaison this was", "kind")
    _not_future(happened_on, "happened_on")
    if not with_whom.strip():
        raise CaseworkError("Enter who it was with", "with_whom")
    record = HealthLiaison.objects.create(
        participant=participant,
        kind=kind,
        happened_on=happened_on,
        with_whom=with_whom.strip()[:200],
        organisation=organisation.strip()[:200],
        discussed=discussed.strip(),
        agreed=agreed.strip(),
        created_by=by,
    )
    _log(
        by,
        A.CREATE,
        "health_liaison",
        record.pk,
        participant,
        f"Recorded: {record.get_kind_display()}",
        request=request,
    )
    return record


@transaction.atomic
def record_benefits_advice(
    *,
    by: User,
    participant: Participant,
    given_on: dt.date,
    topics: Sequence[str],
    better_off_done: bool = False,
    better_off_weekly: Decimal | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> BenefitsAdvice:
    ensure_open(participant, "new benefits advice")
    _not_future(given_on, "given_on")
    if not topics:
        raise CaseworkError("Select what the advice covered", "topics")
    if set(topics) - set(choices.BenefitTopic.values):
        raise CaseworkError("Select what the advice covered from the list", "topics")
    if better_off_weekly is not None and not better_off_done:
        raise CaseworkError(
            "Tick that a better-off calculation was done, or leave the amount empty", "better_off_done"
        )
    record = BenefitsAdvice.objects.create(
        participant=participant,
        given_on=given_on,
        topics=list(dict.fromkeys(topics)),
        better_off_done=better_off_done,
        better_off_weekly=better_off_weekly,
        note=note.strip(),
        created_by=by,
    )
    summary = "Recorded benefits advice" + (" with a better-off calculation" if better_off_done else "")
    _log(by, A.CREATE, "benefits_advice", record.pk, participant, summary, request=request)
    return record


# Transfers and endings -------------------------------------------------------------------------------------


@transaction.atomic
def transfer(
    *,
    by: User,
    participants: Sequence[Participant],
    to_specialist: User,
    reason: str,
    request: HttpRequest | None = None,
) -> list[Transfer]:
    """Move one or many participants to another specialist, with a reason; all or none.

    Every participant is checked before anything is saved. The participant's records stay with them, and the
    allocation itself changes through ``participants.services.assign`` so its audit trail is kept too.
    Refused (PermissionDenied) if any of them is outside ``by``'s scope, whoever calls it (``accounts.policy``).
    """
    require_in_scope(by, Perm.TRANSFER, *participants)
    if not participants:
        raise CaseworkError("Select at least one person to transfer", "participants")
    if not reason.strip():
        raise CaseworkError("Enter the reason for the transfer", "reason")
    if (
        not to_specialist.is_active
        or to_specialist.role not in TRANSFER_ROLES
        or to_specialist.team_id is None
    ):
        raise CaseworkError(
            f"{to_specialist} does not hold a caseload, so cannot take transfers", "to_specialist"
        )
    team = to_specialist.team
    if team is None:
        raise CaseworkError(f"{to_specialist} is in no team, so cannot take transfers", "to_specialist")
    problems = []
    for p in participants:
        if p.service_id != team.service_id:
            problems.append(f"{to_specialist} works for another service than {p.full_name}'s")
        elif p.status in {Status.CLOSED, Status.ERASED}:
            problems.append(f"{p.full_name}'s record is closed, so there is nothing to transfer")
        elif p.specialist_id == to_specialist.pk:
            problems.append(f"{p.full_name} is already supported by {to_specialist}")
    if problems:
        raise CaseworkError("; ".join(problems), "to_specialist")
    out = []
    for p in participants:
        from_specialist, from_team = p.specialist, p.team
        participant_services.assign(
            by=by, participant=p, team=team, specialist=to_specialist, request=request
        )
        record = Transfer.objects.create(
            participant=p,
            from_specialist=from_specialist,
            to_specialist=to_specialist,
            from_team=from_team,
            to_team=team,
            reason=reason.strip()[:300],
            transferred_by=by,
        )
        was = f" from {from_specialist}" if from_specialist else ""
        _log(by, A.UPDATE, "transfer", record.pk, p, f"Transferred{was} to {to_specialist}", request=request)
        out.append(record)
    return out


@transaction.atomic
def record_ending_notice(
    *,
    by: User,
    participant: Participant,
    told_on: dt.date,
    how: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> EndingNotice:
    """Record that a person whose record is closed was told their support had ended."""
    if participant.status != Status.CLOSED:
        raise CaseworkError("Close the record, with the reason, before recording that the person was told")
    _not_future(told_on, "told_on")
    if how not in choices.HowTold.values:
        raise CaseworkError("Select how they were told", "how")
    if EndingNotice.objects.filter(participant=participant).exists():
        raise CaseworkError("It is already recorded that this person was told")
    notice = EndingNotice.objects.create(
        participant=participant, told_on=told_on, how=how, note=note.strip(), created_by=by
    )
    _log(
        by,
        A.CREATE,
        "ending_notice",
        notice.pk,
        participant,
        "Recorded that they were told support had ended",
        request=request,
    )
    return notice
