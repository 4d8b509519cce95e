"""One definition of caseload per full-time specialist (``casework.caseload``): the caseload page, the team
caseload page, the MI evidence and the fidelity review's evidence give the same figure for the same people
and staff.

The example, worked by hand: North team has alice (half time) and bob (full time); South has charlie (full
time). Open caseloads: alice 3 (one in work), bob 2, charlie 1. One more person of alice's has closed and one
is referred but not yet supported: neither is open. So alice 3 / 0.5 = 6.0; North 5 / 1.5 = 3.33; the service
6 / 2.5 = 2.4 per full-time specialist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from placewell.accounts import services as accounts
from placewell.fidelity import evidence
from placewell.insight import mi
from placewell.participants import services as ps
from tests.casework.conftest import LONDON, at, supported
from tests.conftest import refer

TODAY = dt.date(2027, 3, 20)
START = TODAY - dt.timedelta(days=6)  # a week whose one week end is today


@pytest.fixture
def service(world):  # type: ignore[no-untyped-def]
    accounts.update_staff(by=world.ada, staff=world.alice, changes={"fte": Decimal("0.50")})
    day = dt.date(2027, 3, 1)
    for n in range(3):
        supported(
            world,
            started=day,
            given_name=f"Alice{n}",
            in_work_on=day + dt.timedelta(days=5) if n == 0 else None,
        )
    for n in range(2):
        supported(world, started=day, specialist=world.bob, given_name=f"Bob{n}")
    supported(world, started=day, specialist=world.charlie, given_name="Charlie0")
    closed = supported(world, started=day, given_name="Closed")
    with time_machine.travel(at(dt.date(2027, 3, 10)), tick=False):
        ps.close(by=world.alice, participant=closed, reason="Moved away")
        refer(world, given_name="Waiting", nhs_number="", referral_date=dt.date(2027, 3, 10))
    with time_machine.travel(dt.datetime(2027, 3, 20, 18, tzinfo=LONDON), tick=False):
        yield world


def _mi(world, **scope) -> float:  # type: ignore[no-untyped-def]
    figures = {f.key: f for f in mi.evidence(world.service, START, TODAY, **scope)}
    return figures["average_caseload_per_fte"].value


def test_a_specialists_caseload_page_and_the_mi_agree(client_as, service) -> None:  # type: ignore[no-untyped-def]
    page = client_as("alice").get("/casework/caseload/").context["figures"]
    assert (page.open, page.fte, page.per_fte) == (3, Decimal("0.50"), Decimal("6.0"))
    assert _mi(service, specialist=service.alice) == pytest.approx(6.0)


def test_the_team_caseload_page_and_the_mi_agree(client_as, service) -> None:  # type: ignore[no-untyped-def]
    sections = client_as("tess").get("/casework/team/").context["sections"]
    north = next(s for s in sections if s["team"] == service.north)["total"]
    assert (north.open, north.fte, north.per_fte) == (5, Decimal("1.50"), Decimal("3.3"))
    assert _mi(service, team=service.north) == pytest.approx(5 / 1.5)
    assert round(Decimal(str(_mi(service, team=service.north))), 1) == north.per_fte


def test_the_fidelity_evidence_reads_the_same_figure_as_the_service_pages(client_as, service) -> None:  # type: ignore[no-untyped-def]
    sections = client_as("mandy").get("/casework/team/").context["sections"]
    open_total = sum(s["total"].open for s in sections)
    fte_total = sum(s["total"].fte for s in sections)
    assert (open_total, fte_total) == (6, Decimal("2.50"))
    review = evidence.collect(service.service, START, TODAY)["average_caseload_per_fte"]
    assert review.value == pytest.approx(6 / 2.5) == _mi(service)
