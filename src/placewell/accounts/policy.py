"""The one permission policy: every page, export and API endpoint asks this module.

Roles (ARCHITECTURE.md, "Security"):
- employment specialist and team leader: their team's participants, with personal data;
- service manager: every participant of their service, the audit log, erasure;
- evaluator: no names, contact details or identifiers; pseudonymised and aggregate data only;
- administrator: configures organisations, services, teams and staff; sees no participant records.

A request for a participant outside the user's scope is answered as if the record did not exist (404), so
the policy never confirms that someone is known to a service they cannot see.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from placewell.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from placewell.accounts.models import User


class Perm(StrEnum):
    VIEW_PARTICIPANTS = "participants.view"  # names, contact details and identifiers
    REFER = "participants.refer"
    EDIT_PARTICIPANT = "participants.edit"
    SCREEN = "participants.screen"
    RECORD_AGREEMENT = "participants.agree"
    CHANGE_STATUS = "participants.status"
    WITHDRAW = "participants.withdraw"
    ERASE = "participants.erase"
    VIEW_AUDIT = "audit.view"
    VIEW_AGGREGATES = "insight.aggregates"
    VIEW_PSEUDONYMISED = "insight.pseudonymised"
    CONFIGURE = "accounts.configure"
    RANDOMISE = "trials.randomise"  # run the first meeting and randomise a participant in scope
    VIEW_ARMS = "trials.arms"  # see an individual's arm (every reveal is audited; per-trial blinding applies)
    MONITOR_TRIALS = "trials.monitor"  # recruitment against target, without arms
    VIEW_ALLOCATIONS = "trials.allocations"  # balance by arm, allocation list and log (pseudonymised)
    CONFIGURE_TRIALS = "trials.configure"  # set up and lock a trial's design
    VIEW_TEAM_CASELOADS = "casework.team"  # every specialist's caseload in the team (or service)
    TRANSFER = "casework.transfer"  # move participants from one specialist to another, with a reason
    CONDUCT_REVIEW = "fidelity.conduct"  # start, score and complete fidelity reviews of one's own service
    VIEW_REVIEWS = "fidelity.view"  # read fidelity reviews (aggregate: no participant appears in them)
    IMPORT_DATA = "imports.run"  # bulk import from a previous system into one's own service
    ANALYSE_TRIALS = "analysis.run"  # analysis plans, datasets and runs of trials in scope (analysis.access)
    VIEW_JOBS = "jobs.view"  # the background jobs of one's own service: queued, running, failed, finished
    VIEW_SCHEDULES = "jobs.schedules"  # the schedules with their last and next run and outcome
    VIEW_OUTBOX = "messaging.outbox"  # the development outbox: texts and letters that would have been sent


_CASEWORK = {
    Perm.VIEW_PARTICIPANTS,
    Perm.REFER,
    Perm.EDIT_PARTICIPANT,
    Perm.SCREEN,
    Perm.RECORD_AGREEMENT,
    Perm.CHANGE_STATUS,
    Perm.WITHDRAW,
    Perm.VIEW_AGGREGATES,
}

_TRIAL_DELIVERY = {Perm.RANDOMISE, Perm.VIEW_ARMS}

_CASELOAD_OVERSIGHT = {Perm.VIEW_TEAM_CASELOADS, Perm.TRANSFER}

_FIDELITY_REVIEWS = {Perm.CONDUCT_REVIEW, Perm.VIEW_REVIEWS}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.SPECIALIST: frozenset(_CASEWORK | _TRIAL_DELIVERY | {Perm.VIEW_REVIEWS}),
    Role.TEAM_LEADER: frozenset(
        _CASEWORK | _TRIAL_DELIVERY | _CASELOAD_OVERSIGHT | _FIDELITY_REVIEWS | {Perm.MONITOR_TRIALS}
    ),
    Role.SERVICE_MANAGER: frozenset(
        _CASEWORK
        | _TRIAL_DELIVERY
        | _CASELOAD_OVERSIGHT
        | _FIDELITY_REVIEWS
        | {Perm.ERASE, Perm.VIEW_AUDIT, Perm.MONITOR_TRIALS, Perm.CONFIGURE_TRIALS}
        | {Perm.IMPORT_DATA, Perm.VIEW_JOBS, Perm.VIEW_SCHEDULES, Perm.VIEW_OUTBOX}
    ),
    Role.EVALUATOR: frozenset(
        {
            Perm.VIEW_AGGREGATES,
            Perm.VIEW_PSEUDONYMISED,
            Perm.MONITOR_TRIALS,
            Perm.VIEW_ALLOCATIONS,
            Perm.VIEW_ARMS,
            Perm.VIEW_REVIEWS,
            Perm.ANALYSE_TRIALS,
        }
    ),
    Role.ADMINISTRATOR: frozenset({Perm.CONFIGURE, Perm.VIEW_SCHEDULES}),
}


def has_perm(user: User | AnonymousUser, perm: Perm) -> TypeGuard[User]:
    """Whether the role grants ``perm``; when it does, the user is a signed-in ``User``."""
    if not user.is_authenticated or not user.is_active:
        return False
    return perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user: User | AnonymousUser, perm: Perm) -> None:
    """Raise PermissionDenied (403) unless the user's role grants ``perm``."""
    if not has_perm(user, perm):
        raise PermissionDenied(f"Your role does not allow this ({perm}).")


def require_in_scope(user: User | AnonymousUser, perm: Perm, *participants: Any) -> None:
    """Raise PermissionDenied unless the role grants ``perm`` and every participant is within the user's scope.

    Destructive and disclosing actions (erase, withdraw, transfer) call this themselves, not only their views,
    so an import, a script or a future view that forgets to ask is still refused (OWASP ASVS 4.0, 4.1.3 and
    4.2.1: least privilege, enforced on a trusted service layer). One query, against ``participant_scope``.
    """
    require(user, perm)
    if not participants:
        return
    pks = {p.pk for p in participants}
    model = type(participants[0])
    if model._default_manager.filter(participant_scope(user), pk__in=pks).count() != len(pks):
        raise PermissionDenied("This record is outside your caseload or service, so you cannot change it.")


def participant_scope(user: User | AnonymousUser) -> Q:
    """A filter on participants (by ``team_id`` and ``service_id``) for the records this user may open.

    Matches nothing for roles without access to personal records.
    """
    nothing = Q(pk__in=[])
    if not has_perm(user, Perm.VIEW_PARTICIPANTS):
        return nothing
    if user.role == Role.SERVICE_MANAGER:
        return Q(service_id=user.service_id) if user.service_id else nothing
    if user.team_id:
        return Q(team_id=user.team_id)
    return nothing


def audit_scope(user: User | AnonymousUser) -> Q:
    """The audit events a service manager may read: those of their own service."""
    if not has_perm(user, Perm.VIEW_AUDIT) or not user.service_id:
        return Q(pk__in=[])
    return Q(service_id=user.service_id)


def services_in_scope(user: User | AnonymousUser) -> Q:
    """Services whose aggregate figures the user may see."""
    if not has_perm(user, Perm.VIEW_AGGREGATES):
        return Q(pk__in=[])
    if user.role == Role.EVALUATOR:
        # An evaluator works for the commissioner or the provider: every service of their organisation.
        org = user.organisation_id
        return Q(provider_id=org) | Q(commissioner_id=org) if org else Q(pk__in=[])
    return Q(pk=user.service_id) if user.service_id else Q(pk__in=[])


def referral_queue_scope(user: User | AnonymousUser) -> Q:
    """Unallocated referrals the user is responsible for allocating (filter on participants).

    A service manager sees every referral of their service without a specialist; a team leader sees their
    own team's and those of their service that no team has yet (a public self-referral arrives with no team),
    so no referral waits where nobody looks.
    """
    nothing = Q(pk__in=[])
    if not has_perm(user, Perm.TRANSFER):
        return nothing
    if user.role == Role.SERVICE_MANAGER:
        return Q(service_id=user.service_id, specialist__isnull=True) if user.service_id else nothing
    team = user.team
    if team is None:
        return nothing
    return Q(service_id=team.service_id, specialist__isnull=True) & (
        Q(team__isnull=True) | Q(team_id=team.pk)
    )
