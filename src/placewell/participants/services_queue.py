"""Allocating a waiting referral from the referral queue to a specialist: one locked, audited action.

Kept beside the other participant actions (``services``); the queue's page (``views_queue``) calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.participants.models import Participant, Status
from placewell.participants.services import ParticipantError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action


class AllocationError(ParticipantError):
    """An allocation refused; ``already`` is set when someone was allocated meanwhile (a stale form)."""

    def __init__(self, message: str, already: bool = False) -> None:
        super().__init__(message)
        self.already = already


@transaction.atomic
def allocate(
    *, by: User, participant: Participant, specialist: User, request: HttpRequest | None = None
) -> Participant:
    """Allocate a waiting referral to a specialist (and their team) in one step, from the referral queue.

    The row is locked first, so a form submitted twice, or by two team leaders at once, allocates once: the
    second attempt finds the referral allocated and is refused with a message saying to whom. A team leader
    may allocate only to a specialist of their own team; a service manager to any specialist of the service.
    """
    from placewell.accounts.models import Role

    locked = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("specialist", "service")
        .get(pk=participant.pk)
    )
    if locked.specialist_id is not None:
        raise AllocationError(
            f"{locked.full_name} has already been allocated to {locked.specialist}. Nothing was changed.",
            already=True,
        )
    if locked.status in {Status.CLOSED, Status.ERASED, Status.INELIGIBLE}:
        raise AllocationError(
            f"{locked.full_name}'s record is {locked.get_status_display().lower()}, so it cannot be allocated."
        )
    if specialist.role not in {Role.SPECIALIST, Role.TEAM_LEADER} or not specialist.is_active:
        raise AllocationError("Choose an employment specialist who is working in this service.")
    team = specialist.team
    if team is None or team.service_id != locked.service_id:
        raise AllocationError(
            f"{specialist} does not work for {locked.service.name}. Choose a specialist of this service."
        )
    if by.role == Role.TEAM_LEADER and team.pk != by.team_id:
        raise AllocationError(
            f"{specialist} works in {team.name} team, not yours. Choose a specialist of your own team, or ask "
            f"the team leader of {team.name} team."
        )
    if locked.team_id is not None and locked.team_id != team.pk and by.role == Role.TEAM_LEADER:
        raise AllocationError("This referral belongs to another team. Ask that team's leader to allocate it.")
    before = {"team": locked.team_id, "specialist": None}
    locked.team, locked.specialist = team, specialist
    locked.save(update_fields=["team", "specialist", "updated_at"])
    audit.record(
        by,
        A.UPDATE,
        "participant",
        locked.pk,
        participant_id=locked.pk,
        service_id=locked.service_id,
        summary=f"Allocated from the referral queue to {team.name} team, {specialist}",
        changes=audit.diff(before, {"team": team.pk, "specialist": specialist.pk}),
        request=request,
    )
    participant.team, participant.specialist = team, specialist
    return locked
