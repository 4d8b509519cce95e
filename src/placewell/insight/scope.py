"""What a figure is about: a service, one of its teams or one specialist, over a period of days.

Every figure counts reportable participants only (``Participant.objects.reportable()``: erased records are
excluded from every report). A participant belongs to the team and specialist they are allocated to now;
a transfer moves their whole history with them (``casework.models.Transfer``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from placewell.accounts.models import Role, Service, Team, User
from placewell.participants.models import Participant


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    @property
    def start_at(self) -> dt.datetime:
        """The first moment of the period, local time."""
        return local_midnight(self.start)

    @property
    def end_before(self) -> dt.datetime:
        """The first moment after the period, local time."""
        return local_midnight(self.end + dt.timedelta(days=1))

    def week_ends(self) -> list[dt.date]:
        """The period's last day and every 7th day before it that falls in the period, oldest first."""
        out, day = [], self.end
        while day >= self.start:
            out.append(day)
            day -= dt.timedelta(days=7)
        return out[::-1]

    def __str__(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def default_period(today: dt.date | None = None) -> Period:
    """The 12 months (365 days) to today: long enough for sustainment, short enough to be current."""
    today = today or timezone.localdate()
    return Period(today - dt.timedelta(days=364), today)


@dataclass(frozen=True)
class Scope:
    service: Service
    team: Team | None = None
    specialist: User | None = None

    @property
    def label(self) -> str:
        if self.specialist is not None:
            return f"{self.specialist.get_full_name() or self.specialist.username}, {self.service.name}"
        if self.team is not None:
            return f"{self.team.name} team, {self.service.name}"
        return self.service.name

    @property
    def level(self) -> str:
        return "specialist" if self.specialist else ("team" if self.team else "service")

    def participant_filter(self) -> Q:
        q = Q(service_id=self.service.pk)
        if self.team is not None:
            q &= Q(team_id=self.team.pk)
        if self.specialist is not None:
            q &= Q(specialist_id=self.specialist.pk)
        return q

    def participants(self) -> QuerySet[Participant]:
        return Participant.objects.reportable().filter(self.participant_filter()).order_by()

    def participant_ids(self) -> QuerySet[Participant]:
        """The participants' ids as a subquery (``...__in=scope.participant_ids()``)."""
        return self.participants().order_by().values("pk")

    def specialists(self) -> QuerySet[User]:
        """Employment specialists in post: active accounts with the specialist role."""
        qs = User.objects.filter(role=Role.SPECIALIST, is_active=True, team__service_id=self.service.pk)
        if self.team is not None:
            qs = qs.filter(team_id=self.team.pk)
        if self.specialist is not None:
            qs = qs.filter(pk=self.specialist.pk)
        return qs

    def engagement_filter(self, prefix: str = "") -> Q:
        """Employer contacts made in this scope: by the service's employers, the team's or the specialist's."""
        if self.specialist is not None:
            return Q(**{f"{prefix}specialist_id": self.specialist.pk})
        if self.team is not None:
            return Q(**{f"{prefix}specialist__team_id": self.team.pk})
        return Q(**{f"{prefix}employer__service_id": self.service.pk})


def fte_in_post(scope: Scope) -> Decimal:
    """Full-time equivalents of the specialists in post now (staff records keep no FTE history)."""
    return scope.specialists().aggregate(fte=Sum("fte"))["fte"] or Decimal(0)
