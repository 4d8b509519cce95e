"""Destructive and disclosing actions check scope themselves (defence in depth, OWASP ASVS 4.0 4.1.3/4.2.1).

Each action is called directly, as an out-of-scope user, bypassing its page: it must refuse with
PermissionDenied and change nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from placewell.accounts import services as acc
from placewell.accounts.models import AuditEvent, Role
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from placewell.participants.models import Participant, Status
from tests.conftest import PASSWORD, refer


@pytest.fixture
def outsiders(world):  # type: ignore[no-untyped-def]
    """A second provider with its own service, manager, team leader and evaluator."""
    other_org = acc.create_organisation(by=None, name="Other Provider", kind="provider")
    other = acc.create_service(by=None, provider=other_org, name="Other IPS", model="ips")
    team = acc.create_team(by=None, service=other, name="East")

    def staff(username: str, role: str, **kw: object) -> object:
        return acc.create_staff(
            by=None,
            username=username,
            password=PASSWORD,
            first_name=username.title(),
            last_name="Outsider",
            email=f"{username}@example.org",
            role=role,
            **kw,
        )

    return {
        "manager": staff("olga", Role.SERVICE_MANAGER, service=other),
        "leader": staff("otto", Role.TEAM_LEADER, team=team),
        "evaluator": staff("oona", Role.EVALUATOR, organisation=other_org),
    }


def _unchanged(p: Participant) -> None:
    fresh = Participant.objects.get(pk=p.pk)
    assert fresh.status == p.status
    assert fresh.given_name == "Rowan" and fresh.nhs_number == "9434765919"
    assert fresh.erased_at is None and fresh.withdrawn_from_service_at is None
    assert fresh.withdrawn_from_research_at is None
    assert fresh.specialist_id == p.specialist_id and fresh.team_id == p.team_id


def _reason() -> ErasureReason:
    return ErasureReason(dt.date(2026, 11, 20), "role:data_protection_officer", "DSR-1")


def test_erase_refuses_a_manager_of_another_service(world, participant, outsiders) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        ps.erase(by=outsiders["manager"], participant=participant, reason=_reason())
    _unchanged(participant)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("persona", ["alice", "charlie", "tess", "evan", "ada"])
def test_erase_refuses_every_role_but_the_service_manager(world, participant, persona) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        ps.erase(by=getattr(world, persona), participant=participant, reason=_reason())
    _unchanged(participant)


def test_erase_by_the_service_manager_still_works(world, participant) -> None:  # type: ignore[no-untyped-def]
    ps.erase(by=world.mandy, participant=participant, reason=_reason())
    assert Participant.objects.get(pk=participant.pk).status == Status.ERASED


@pytest.mark.parametrize("who", ["charlie", "outsider_manager", "evan", "ada"])
@pytest.mark.parametrize("scope", ["service", "research", "both"])
def test_withdraw_refuses_out_of_scope_users(world, participant, outsiders, who, scope) -> None:  # type: ignore[no-untyped-def]
    user = outsiders["manager"] if who == "outsider_manager" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        ps.withdraw(by=user, participant=participant, scope=scope, reason="asked")
    _unchanged(participant)


def test_withdraw_in_scope_still_works(world, participant) -> None:  # type: ignore[no-untyped-def]
    ps.withdraw(by=world.bob, participant=participant, scope="research")
    assert Participant.objects.get(pk=participant.pk).withdrawn_from_research_at is not None


def test_transfer_refuses_a_team_leader_of_another_team(world, outsiders) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework import services as cs
    from placewell.casework.models import Transfer

    south = refer(world, team=world.south, specialist=world.charlie, nhs_number="", email="s@example.org")
    north = refer(world, given_name="Robin", nhs_number="", email="n@example.org")
    for by, people in [(world.tess, [south]), (world.tess, [north, south]), (outsiders["leader"], [north])]:
        with pytest.raises(PermissionDenied):
            cs.transfer(by=by, participants=people, to_specialist=world.bob, reason="Caseload balance")
    assert not Transfer.objects.exists()
    assert Participant.objects.get(pk=south.pk).specialist_id == world.charlie.pk
    assert Participant.objects.get(pk=north.pk).specialist_id == world.alice.pk
    with pytest.raises(PermissionDenied):  # a specialist may not transfer at all
        cs.transfer(by=world.alice, participants=[north], to_specialist=world.bob, reason="Caseload balance")


def test_research_extract_refuses_another_organisations_evaluator(
    world, outsiders, cohort, research_key
) -> None:  # type: ignore[no-untyped-def]
    from placewell.governance import extract

    before = AuditEvent.objects.filter(action="export").count()
    for by in (outsiders["evaluator"], world.mandy, world.alice, world.ada):
        with pytest.raises(PermissionDenied):
            extract.download(by=by, service_ids=[world.service.pk], key=research_key.encode(), fmt="csv")
    assert AuditEvent.objects.filter(action="export").count() == before
    body, result = extract.download(
        by=world.evan, service_ids=[world.service.pk], key=research_key.encode(), fmt="csv"
    )
    assert body and result.rows >= 1
    assert AuditEvent.objects.filter(action="export").count() == before + 1


def test_analysis_dataset_downloads_refuse_out_of_scope_users(world, outsiders, cohort, research_key) -> None:  # type: ignore[no-untyped-def]
    from placewell.analysis.downloads import dataset_zip

    for by in (outsiders["evaluator"], world.mandy, world.alice):
        with pytest.raises(PermissionDenied):
            dataset_zip(cohort.trial, by=by)
    named, _ds = dataset_zip(cohort.trial, by=world.evan)
    assert "analysis_dataset.csv" in named


def test_reassign_refuses_out_of_scope_users(world, participant, outsiders) -> None:  # type: ignore[no-untyped-def]
    """Moving a person to another team or specialist (``participants.services.assign``)."""
    for by in (world.charlie, outsiders["manager"], outsiders["leader"], world.evan, world.ada):
        with pytest.raises(PermissionDenied):
            ps.assign(by=by, participant=participant, team=world.south, specialist=world.charlie)
    _unchanged(participant)
    ps.assign(by=world.mandy, participant=participant, team=world.south, specialist=world.charlie)
    assert Participant.objects.get(pk=participant.pk).team_id == world.south.pk
