"""Caseload figures: each specialist's open caseload against the service's target, adjusted for hours.

The open caseload is everyone allocated to the specialist who is receiving support or in-work support. The
target is the service's caseload per full-time specialist (IPS recommends 20 or fewer; the Health-led Trials
allowed up to 35: DWP research report 1025, section 3.3) multiplied by the specialist's full-time equivalent, so a 0.5 FTE
specialist's target under a 20 target is 10. "Per full-time equivalent" divides the caseload by the FTE, the
figure to compare across part-time and full-time staff. The in-work share is the in-work part of the open
caseload (DWP research report 1025: mixed in-work and out-of-work caseloads crowded out employer engagement).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from placewell.accounts.models import User
from placewell.participants.models import Participant, Status

OPEN_STATUSES = (Status.ACTIVE, Status.IN_WORK)

DEFINITION = (
    "The open caseload is everyone whose support has started and not ended (receiving support or in work). "
    "Caseload per full-time specialist is the open caseload divided by the full-time equivalents of the "
    "employment specialists holding it."
)
"""The one definition of caseload per full-time specialist, in the words every page that shows it uses."""


def per_full_time(open_caseload: int | float | Decimal, fte: int | float | Decimal) -> Decimal | None:
    """Caseload per full-time specialist: the open caseload divided by the full-time equivalents, unrounded
    (``None`` without any). The one calculation behind the caseload pages, the home page's caseload against
    target, the MI caseload chart and the fidelity evidence (``insight.mi``, IPS-25 caseload size), so they
    cannot disagree on the same people and staff; pages round it to one decimal place for display."""
    fte_d = Decimal(str(fte))
    if fte_d <= 0:
        return None
    return Decimal(str(open_caseload)) / fte_d


@dataclass(frozen=True)
class CaseloadFigures:
    specialist: User | None
    fte: Decimal
    target_per_fte: int
    open: int
    in_work: int

    @property
    def target(self) -> Decimal:
        """The FTE-adjusted target: the service's target per full-time specialist times the FTE."""
        return (Decimal(self.target_per_fte) * self.fte).quantize(Decimal("0.1"))

    @property
    def per_fte(self) -> Decimal | None:
        value = per_full_time(self.open, self.fte)
        return None if value is None else value.quantize(Decimal("0.1"))

    @property
    def percent_of_target(self) -> int | None:
        if not self.target:
            return None
        return round(Decimal(self.open) * 100 / self.target)

    @property
    def over_target(self) -> bool:
        return Decimal(self.open) > self.target

    @property
    def in_work_percent(self) -> int | None:
        return round(self.in_work * 100 / self.open) if self.open else None


def open_counts(participants: Q) -> dict[int | None, tuple[int, int]]:
    """(open, in work) per specialist id among the participants matching ``participants``. One query."""
    rows = (
        Participant.objects.filter(participants, status__in=OPEN_STATUSES)
        .values("specialist_id")
        .annotate(n=Count("id"), in_work=Count("id", filter=Q(status=Status.IN_WORK)))
        .values_list("specialist_id", "n", "in_work")
    )
    return {sid: (n, in_work) for sid, n, in_work in rows}


def figures_for(
    specialists: Sequence[User], counts: dict[int | None, tuple[int, int]]
) -> list[CaseloadFigures]:
    """Each specialist's figures; their ``team__service`` must be selected."""
    out = []
    for s in specialists:
        n, in_work = counts.get(s.pk, (0, 0))
        target = s.team.service.caseload_target if s.team is not None else 20
        out.append(CaseloadFigures(s, s.fte, target, n, in_work))
    return out


def team_total(rows: Sequence[CaseloadFigures]) -> CaseloadFigures | None:
    """The team's figures: total caseload against the sum of the FTE-adjusted targets."""
    if not rows:
        return None
    fte = sum((r.fte for r in rows), Decimal(0))
    target = rows[0].target_per_fte
    return CaseloadFigures(None, fte, target, sum(r.open for r in rows), sum(r.in_work for r in rows))
