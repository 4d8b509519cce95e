"""The participant actions and the lifecycle rules they enforce, including every refused transition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from placewell.accounts.models import AuditEvent
from placewell.participants import services
from placewell.participants.erasure import ErasureReason
from placewell.participants.lifecycle import TRANSITIONS, InvalidTransition, check_transition
from placewell.participants.models import (
    AgreementAnswer,
    AgreementDocument,
    EligibilityRuleSet,
    Participant,
    Referral,
    Screening,
    Status,
)
from tests.conftest import refer


def rule_set() -> EligibilityRuleSet:
    return EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")


def qualifying(rs: EligibilityRuleSet) -> dict[str, bool]:
    return {q.key: q.qualifying_answer for q in rs.questions.all()}


def document() -> AgreementDocument:
    return AgreementDocument.objects.get(service=None, version=1)


def agree_all(doc: AgreementDocument) -> dict[int, bool]:
    return {s.pk: True for s in doc.statements.all()}


def to_agreed(world, p: Participant) -> Participant:  # type: ignore[no-untyped-def]
    services.screen_participant(
        by=world.alice, participant=p, rule_set=rule_set(), answers=qualifying(rule_set())
    )
    services.record_agreement(
        by=world.alice, participant=p, document=document(), format="plain", answers=agree_all(document())
    )
    p.refresh_from_db()
    return p


ALL = [s.value for s in Status]
REFUSED = [(a, b) for a in ALL for b in ALL if b not in TRANSITIONS[a] and b != Status.ERASED]


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_every_refused_transition_is_refused_with_a_message(current: str, target: str) -> None:
    with pytest.raises(InvalidTransition) as err:
        check_transition(current, target)
    assert str(err.value).strip()


@pytest.mark.parametrize(("current", "target"), [(a, b) for a in ALL for b in sorted(TRANSITIONS[a])])
def test_allowed_transitions(current: str, target: str) -> None:
    check_transition(current, target)


def test_referral_creates_a_referred_participant_with_audit(world, participant) -> None:  # type: ignore[no-untyped-def]
    assert participant.status == Status.REFERRED
    assert participant.reference.startswith("PW-")
    assert Referral.objects.get(participant=participant).source == "gp"
    event = AuditEvent.objects.get(participant_id=participant.pk, action="create")
    assert event.actor == world.alice
    assert "Rowan" not in str(event.changes) + event.summary  # no personal data in the audit


def test_referral_rejects_bad_input_and_saves_nothing(world) -> None:  # type: ignore[no-untyped-def]
    before = (Participant.objects.count(), AuditEvent.objects.count())
    with pytest.raises(services.ParticipantError, match="10 digits"):
        refer(world, nhs_number="12345")
    with pytest.raises(services.ParticipantError, match="last digit"):
        refer(world, nhs_number="9434765918")
    with pytest.raises(services.ParticipantError, match="National Insurance"):
        refer(world, ni_number="QQ123456Z")
    with pytest.raises(services.ParticipantError, match="Referral date"):
        refer(world, referral_date=timezone.localdate() + dt.timedelta(days=2))
    with pytest.raises(services.ParticipantError, match="does not belong"):
        refer(
            world,
            team=type(world.north).objects.create(
                service=type(world.service).objects.create(provider=world.provider, name="Other"), name="X"
            ),
            specialist=None,
        )
    with pytest.raises(services.ParticipantError, match="not a member"):
        refer(world, specialist=world.charlie)
    assert (Participant.objects.count(), AuditEvent.objects.count()) == before


def test_duplicates_found_by_nhs_number_or_name_and_birth_date(world, participant) -> None:  # type: ignore[no-untyped-def]
    by_nhs = services.find_possible_duplicates(nhs_number="943 476 5919")
    by_name = services.find_possible_duplicates(
        given_name="rowan", family_name="EXAMPLE", date_of_birth=dt.date(1985, 3, 27)
    )
    assert by_nhs == [participant] and by_name == [participant]
    assert (
        services.find_possible_duplicates(
            given_name="Rowan", family_name="Example", date_of_birth=dt.date(1985, 3, 28)
        )
        == []
    )
    second = refer(world, nhs_number="")
    assert second.possible_duplicate_of == participant


def test_screening_eligible_and_ineligible_with_reasons(world, participant) -> None:  # type: ignore[no-untyped-def]
    rs = rule_set()
    answers = qualifying(rs) | {"severe_condition": True}
    screening = services.screen_participant(
        by=world.alice, participant=participant, rule_set=rs, answers=answers
    )
    participant.refresh_from_db()
    assert not screening.eligible
    assert screening.reasons == ["Severe health condition (CPA, CMHT or SMI register)"]
    assert participant.status == Status.INELIGIBLE
    # circumstances change: screened again, now eligible
    services.screen_participant(by=world.alice, participant=participant, rule_set=rs, answers=qualifying(rs))
    participant.refresh_from_db()
    assert participant.status == Status.ELIGIBLE
    with pytest.raises(InvalidTransition):
        services.screen_participant(
            by=world.alice, participant=participant, rule_set=rs, answers=qualifying(rs)
        )


def test_screening_needs_every_answer(world, participant) -> None:  # type: ignore[no-untyped-def]
    rs = rule_set()
    answers = qualifying(rs)
    answers.pop("can_agree")
    with pytest.raises(services.ParticipantError, match="missing"):
        services.screen_participant(by=world.alice, participant=participant, rule_set=rs, answers=answers)
    assert not Screening.objects.exists()
    participant.refresh_from_db()
    assert participant.status == Status.REFERRED


def test_agreement_needs_eligibility_and_every_required_statement(world, participant) -> None:  # type: ignore[no-untyped-def]
    doc = document()
    with pytest.raises(InvalidTransition, match="Screen the person as eligible"):
        services.record_agreement(
            by=world.alice, participant=participant, document=doc, format="plain", answers=agree_all(doc)
        )
    services.screen_participant(
        by=world.alice, participant=participant, rule_set=rule_set(), answers=qualifying(rule_set())
    )
    refusing = agree_all(doc) | {doc.statements.filter(required=True).first().pk: False}
    agreement = services.record_agreement(
        by=world.alice, participant=participant, document=doc, format="easy_read", answers=refusing
    )
    participant.refresh_from_db()
    assert not agreement.all_required_agreed
    assert participant.status == Status.ELIGIBLE
    optional_declined = agree_all(doc) | {doc.statements.filter(required=False).first().pk: False}
    services.record_agreement(
        by=world.alice, participant=participant, document=doc, format="plain", answers=optional_declined
    )
    participant.refresh_from_db()
    assert participant.status == Status.AGREED


def test_a_new_document_version_never_changes_what_was_agreed(world, participant) -> None:  # type: ignore[no-untyped-def]
    p = to_agreed(world, participant)
    shown = list(
        AgreementAnswer.objects.filter(agreement__participant=p).values_list("statement_text", flat=True)
    )
    doc = document()
    statement = doc.statements.first()
    original = statement.text_plain
    # A new version is a new document; the published one is never edited, and answers keep their words.
    new = AgreementDocument.objects.create(
        key=doc.key, version=2, title=doc.title, information_plain="New", information_easy_read="New"
    )
    new.statements.create(order=1, text_plain="A different statement", text_easy_read="Different")
    assert shown[0] == original
    assert (
        list(
            AgreementAnswer.objects.filter(agreement__participant=p).values_list("statement_text", flat=True)
        )
        == shown
    )


def test_full_lifecycle_and_refusals(world, participant) -> None:  # type: ignore[no-untyped-def]
    p = to_agreed(world, participant)
    with pytest.raises(InvalidTransition, match="Only a person receiving support"):
        services.record_in_work(by=world.alice, participant=p)
    services.start_support(by=world.alice, participant=p)
    services.record_in_work(by=world.alice, participant=p)
    services.record_out_of_work(by=world.alice, participant=p)
    with pytest.raises(services.ParticipantError, match="reason"):
        services.close(by=world.alice, participant=p, reason=" ")
    services.close(by=world.alice, participant=p, reason="Support finished")
    p.refresh_from_db()
    assert p.status == Status.CLOSED and p.closed_reason == "Support finished"
    for action in (services.start_support, services.record_in_work, services.record_out_of_work):
        with pytest.raises(InvalidTransition, match="closed"):
            action(by=world.alice, participant=p)
    statuses = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(participant_id=p.pk, action="status").order_by("id")
    ]
    assert statuses == [
        ["referred", "eligible"],
        ["eligible", "agreed"],
        ["agreed", "active"],
        ["active", "in_work"],
        ["in_work", "active"],
        ["active", "closed"],
    ]


def test_withdrawal_from_research_keeps_data_and_support(world, participant) -> None:  # type: ignore[no-untyped-def]
    p = to_agreed(world, participant)
    services.withdraw(by=world.alice, participant=p, scope="research")
    p.refresh_from_db()
    assert p.withdrawn_from_research_at and p.status == Status.AGREED and p.given_name == "Rowan"
    assert not p.may_contact_for_research
    with pytest.raises(InvalidTransition, match="already withdrawn"):
        services.withdraw(by=world.alice, participant=p, scope="research")
    services.withdraw(by=world.alice, participant=p, scope="service", reason="Found work alone")
    p.refresh_from_db()
    assert p.status == Status.CLOSED and p.withdrawn_from_service_at and "Found work alone" in p.closed_reason
    assert p.agreements.exists() and p.screenings.exists()  # data to date kept


def test_erasure_removes_personal_data_everywhere(world, participant) -> None:  # type: ignore[no-untyped-def]
    p = to_agreed(world, participant)
    services.update_details(
        by=world.alice,
        participant=p,
        changes={"ni_number": "AB123456C", "health_conditions": ["depression"], "address": "1 High Street"},
    )
    services.erase(
        by=world.mandy,
        participant=p,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    p.refresh_from_db()
    for field in Participant.PERSONAL_FIELDS:
        assert getattr(p, field) in ("", None, []), field
    assert p.status == Status.ERASED and p.erased_at
    assert not p.screenings.exists() and not p.agreements.exists()
    referral = p.referrals.get()
    assert referral.referrer_name == "" and referral.notes == ""
    assert not Participant.objects.reportable().filter(pk=p.pk).exists()
    # The audit log holds no personal values: nothing of the person is left anywhere in it.
    dump = " ".join(f"{e.summary} {e.changes}" for e in AuditEvent.objects.all())
    for value in (
        "Rowan",
        "Example",
        "9434765919",
        "AB123456C",
        "rowan@example.org",
        "High Street",
        "depression",
    ):
        assert value not in dump
    with pytest.raises(InvalidTransition):
        services.erase(
            by=world.mandy,
            participant=p,
            reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
        )
    with pytest.raises(InvalidTransition):
        services.update_details(by=world.alice, participant=p, changes={"given_name": "X"})


def test_update_details_audits_field_names_not_values(world, participant) -> None:  # type: ignore[no-untyped-def]
    services.update_details(
        by=world.bob,
        participant=participant,
        changes={"phone": "07700 900123", "employment_status": "out_of_work"},
    )
    event = AuditEvent.objects.filter(participant_id=participant.pk, action="update").latest("id")
    assert event.changes == {"employment_status": ["", "out_of_work"], "phone": "changed"}
    assert event.actor == world.bob
    with pytest.raises(services.ParticipantError, match="cannot be changed"):
        services.update_details(by=world.bob, participant=participant, changes={"status": "active"})


def test_actions_are_atomic(world, participant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A failure while writing the audit event leaves the screening unsaved and the status unchanged."""
    from placewell.accounts import audit

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.screen_participant(
            by=world.alice, participant=participant, rule_set=rule_set(), answers=qualifying(rule_set())
        )
    participant.refresh_from_db()
    assert participant.status == Status.REFERRED
    assert not Screening.objects.exists()


def test_audit_log_is_append_only(world, participant) -> None:  # type: ignore[no-untyped-def]
    event = AuditEvent.objects.first()
    event.summary = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(summary="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_adopting_a_template_copies_it(world) -> None:  # type: ignore[no-untyped-def]
    copy = services.adopt_rule_set(by=world.ada, service=world.service, template=rule_set())
    assert copy.service == world.service
    assert list(copy.questions.values_list("key", flat=True)) == list(
        rule_set().questions.values_list("key", flat=True)
    )
    with pytest.raises(services.ParticipantError, match="already uses"):
        services.adopt_rule_set(by=world.ada, service=world.service, template=rule_set())
