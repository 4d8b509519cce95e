"""Actions on organisations, services, teams and staff; each atomic and audited."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent, Organisation, Role, Service, Team, User
from placewell.errors import ActionError

if TYPE_CHECKING:
    from django.http import HttpRequest

A = AuditEvent.Action


class AccountsError(ActionError):
    """Input that cannot be accepted, with a message saying what is wrong."""


@transaction.atomic
def create_organisation(*, by: User | None, name: str, kind: str) -> Organisation:
    if kind not in Organisation.Kind.values:
        raise AccountsError(f"Unknown organisation kind {kind!r}")
    org = Organisation.objects.create(name=name.strip(), kind=kind)
    audit.record(by, A.CONFIGURE, "organisation", org.pk, summary=f"Created organisation {org.name}")
    return org


@transaction.atomic
def create_service(*, by: User | None, provider: Organisation, name: str, **settings: Any) -> Service:
    if provider.kind != Organisation.Kind.PROVIDER:
        raise AccountsError(f"{provider.name} is not a provider")
    service = Service(provider=provider, name=name.strip(), **settings)
    try:
        service.full_clean()
    except ValidationError as exc:
        raise AccountsError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    service.save()
    audit.record(
        by,
        A.CONFIGURE,
        "service",
        service.pk,
        service_id=service.pk,
        summary=f"Created service {service.name}",
    )
    return service


@transaction.atomic
def update_service(
    *, by: User, service: Service, changes: dict[str, Any], request: HttpRequest | None = None
) -> Service:
    before = {k: getattr(service, k) for k in changes}
    for key, value in changes.items():
        setattr(service, key, value)
    service.full_clean()
    service.save()
    audit.record(
        by,
        A.CONFIGURE,
        "service",
        service.pk,
        service_id=service.pk,
        summary=f"Changed settings of {service.name}",
        changes=audit.diff(before, changes),
        request=request,
    )
    return service


@transaction.atomic
def create_team(*, by: User | None, service: Service, name: str, request: HttpRequest | None = None) -> Team:
    if Team.objects.filter(service=service, name__iexact=name.strip()).exists():
        raise AccountsError(f"{service.name} already has a team called {name.strip()}")
    team = Team.objects.create(service=service, name=name.strip())
    audit.record(
        by,
        A.CONFIGURE,
        "team",
        team.pk,
        service_id=service.pk,
        summary=f"Created team {team.name}",
        request=request,
    )
    return team


@transaction.atomic
def create_staff(
    *,
    by: User | None,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    service: Service | None = None,
    team: Team | None = None,
    fte: Decimal = Decimal("1.00"),
    request: HttpRequest | None = None,
) -> User:
    """Create a member of staff, checking that their role has what it needs (a team, a service)."""
    if role not in Role.values:
        raise AccountsError(f"Unknown role {role!r}")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountsError(f"The user name {username} is taken")
    if team is not None:
        service = service or team.service
        if team.service_id != service.pk:
            raise AccountsError(f"Team {team.name} is not part of {service.name}")
    if service is not None:
        organisation = organisation or service.provider
    if role in {Role.SPECIALIST, Role.TEAM_LEADER} and team is None:
        raise AccountsError(f"A {Role(role).label.lower()} needs a team")
    if role == Role.SERVICE_MANAGER and service is None:
        raise AccountsError("A service manager needs a service")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        organisation=organisation,
        service=service,
        team=team,
        fte=fte,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountsError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        by,
        A.CONFIGURE,
        "staff",
        user.pk,
        service_id=service.pk if service else None,
        summary=f"Created staff account {user.username} ({user.role_label})",
        request=request,
    )
    return user


@transaction.atomic
def update_staff(
    *, by: User, staff: User, changes: dict[str, Any], request: HttpRequest | None = None
) -> User:
    allowed = {"first_name", "last_name", "email", "role", "team", "service", "fte", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise AccountsError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    before = {k: getattr(staff, k) for k in changes}
    for key, value in changes.items():
        setattr(staff, key, value)
    if staff.team is not None:
        staff.service = staff.team.service
    if staff.role in {Role.SPECIALIST, Role.TEAM_LEADER} and staff.team is None:
        raise AccountsError(f"A {staff.role_label.lower()} needs a team")
    staff.full_clean(exclude=["password"])
    staff.save()
    audit.record(
        by,
        A.CONFIGURE,
        "staff",
        staff.pk,
        service_id=staff.service_id,
        summary=f"Changed staff account {staff.username}",
        changes=audit.diff(before, changes),
        request=request,
    )
    return staff
