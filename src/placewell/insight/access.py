"""Which services, teams and specialists a user may see MI for, from the one permission policy.

- Specialist: their own figures and their team's.
- Team leader: their team's and each specialist's in it.
- Service manager: their service's, each team's and each specialist's.
- Evaluator: aggregates only, for the services of their organisation (``policy.services_in_scope``), by
  service or team, never by specialist, with small numbers suppressed.
Anyone else is refused (403). A team or specialist outside the user's choices is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from placewell.accounts.models import Role, Service, Team, User
from placewell.accounts.policy import Perm, require, services_in_scope


@dataclass
class Choices:
    services: list[Service]
    teams: list[Team] = field(default_factory=list)
    specialists: list[User] = field(default_factory=list)
    suppress: bool = False
    default_team: Team | None = None
    default_specialist: User | None = None


def choices_for(user: User, service_id: str | None) -> tuple[Service, Choices]:
    """The service chosen (by id, or the user's own) and what else the user may choose within it."""
    require(user, Perm.VIEW_AGGREGATES)
    specialists = User.objects.filter(role=Role.SPECIALIST, is_active=True).select_related("team")
    if user.role in (Role.SPECIALIST, Role.TEAM_LEADER):
        if user.team_id is None:
            raise Http404("You are not in a team")
        team = Team.objects.select_related("service").get(pk=user.team_id)
        if user.role == Role.SPECIALIST:
            mates = [user]
        else:
            mates = list(specialists.filter(team=team).order_by("last_name", "first_name"))
        own = user if user.role == Role.SPECIALIST else None
        return team.service, Choices([team.service], [team], mates, default_team=team, default_specialist=own)
    services = list(Service.objects.filter(services_in_scope(user)).order_by("name"))
    if not services:
        raise Http404("No service to show")
    chosen = services[0]
    if service_id:
        chosen = next((s for s in services if str(s.pk) == service_id), None)  # type: ignore[assignment]
        if chosen is None:
            raise Http404("No such service")
    teams = list(Team.objects.filter(service=chosen).order_by("name"))
    if user.role == Role.EVALUATOR:
        return chosen, Choices(services, teams, [], suppress=True)
    staff = list(specialists.filter(team__service=chosen).order_by("last_name", "first_name"))
    return chosen, Choices(services, teams, staff)


def pick(options: list, value: str | None, default=None):  # type: ignore[no-untyped-def, type-arg]
    """The option whose id is ``value`` (404 if it is not one of them), or ``default`` when none is given."""
    if not value:
        return default
    found = next((o for o in options if str(o.pk) == value), None)
    if found is None:
        raise Http404("Not one of your choices")
    return found
