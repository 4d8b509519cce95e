"""Response rates against hand-counted examples, with and without trial arms.

Definitions as on the page (surveys/rates.py): responded / invited, with partial responses counted as
responses and shown separately, and withdrawals after invitation kept in the denominator.
"""

from __future__ import annotations

import datetime as dt

import pytest

from placewell.participants.erasure import ErasureReason
from tests.surveys.conftest import SWEMWBS_ALL_FOURS, agree, baseline_invitation


@pytest.fixture
def five(world):  # type: ignore[no-untyped-def]
    """Five people at baseline, hand-counted: 2 responded (1 partial), 1 refused, 1 withdrew, 1 outstanding."""
    from placewell.participants import services as participants
    from placewell.surveys import services

    people = [agree(world, given_name=name, nhs_number="") for name in ("Ann", "Ben", "Cat", "Dan", "Eve")]
    ann, ben, cat, dan, _ = people
    services.record_response(
        by=world.alice,
        participant=ann,
        instrument_id="swemwbs",
        answers=SWEMWBS_ALL_FOURS,
        mode="phone",
        invitation=baseline_invitation(ann),
    )
    services.record_response(
        by=world.alice,
        participant=ben,
        instrument_id="swemwbs",
        answers={**SWEMWBS_ALL_FOURS, "item1": None},
        mode="web",
        invitation=baseline_invitation(ben),
    )
    services.record_attempt(
        by=world.alice, invitation=baseline_invitation(cat), method="phone", outcome="refused"
    )
    participants.withdraw(by=world.alice, participant=dan, scope="research")
    return people


def test_response_rate_by_wave_against_a_hand_count(world, five) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.rates import response_rates

    table = response_rates([world.service])
    assert table.arms == []
    baseline = table.rows[0]
    assert baseline.wave.key == "baseline"
    t = baseline.total
    assert (t.invited, t.responded, t.partial, t.non_response, t.withdrew, t.outstanding) == (
        5,
        2,
        1,
        1,
        1,
        1,
    )
    assert t.rate == 40.0  # 2 of 5
    follow_up = table.rows[1].total
    assert (follow_up.invited, follow_up.rate) == (0, None)


def test_response_rate_by_arm_through_the_registered_arm_source(world, five) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import rates

    ann, ben, cat, dan, eve = five
    arms = {
        ann.pk: "Treatment",
        ben.pk: "Control",
        cat.pk: "Treatment",
        dan.pk: "Control",
        eve.pk: "Treatment",
    }
    with rates.using_arm_source(lambda ref, ids: {pid: arms[pid] for pid in ids} if ref == "" else {}):
        table = rates.response_rates([world.service])
    assert table.arms == ["Control", "Treatment"]
    cells = dict(table.rows[0].arm_cells)
    # Treatment: Ann responded, Cat refused, Eve outstanding -> 1 of 3 = 33.3%.
    assert (cells["Treatment"].responded, cells["Treatment"].invited, cells["Treatment"].rate) == (1, 3, 33.3)
    # Control: Ben responded (partial), Dan withdrew -> 1 of 2 = 50%.
    assert (cells["Control"].responded, cells["Control"].partial, cells["Control"].rate) == (1, 1, 50.0)
    assert table.rows[0].total.rate == 40.0


def test_erased_records_leave_every_report(world, five) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services as participants
    from placewell.surveys.rates import distribution, response_rates

    participants.erase(
        by=world.mandy,
        participant=five[0],
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    t = response_rates([world.service]).rows[0].total
    assert (t.invited, t.responded) == (4, 1)
    assert distribution([world.service]).complete == 0


def test_the_distribution_of_responses(world, five) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.rates import distribution

    d = distribution([world.service])
    assert (d.complete, d.partial) == (1, 1)
    assert dict(d.by_mode) == {"By phone": 1, "Online": 1}
    (swemwbs,) = d.measures
    assert (swemwbs.wave, swemwbs.n, swemwbs.mean) == ("Baseline", 1, 25.03)
