"""Actions that change participants: each is atomic and writes its audit event in the same transaction.

Views, imports, the demo loader and tests all call these; nothing else writes participant tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from placewell.accounts import audit, bulk
from placewell.accounts.models import AuditEvent, Service, Team
from placewell.accounts.policy import Perm, require_in_scope
from placewell.errors import ActionError
from placewell.participants import erasure, identifiers
from placewell.participants.choices import ReferralSource
from placewell.participants.erasure import ErasureReason
from placewell.participants.lifecycle import InvalidTransition, check_transition
from placewell.participants.models import (
    Agreement,
    AgreementAnswer,
    AgreementDocument,
    EligibilityRuleSet,
    Participant,
    Referral,
    Screening,
    Status,
)
from placewell.ui.extensions import erasure_steps

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action


class ParticipantError(ActionError):
    """Input an action cannot accept; the message says what is wrong and ``field`` where, when known."""


def _snapshot(participant: Participant, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(participant, f) for f in fields}


def _set_status(
    participant: Participant, target: str, by: User | None, summary: str, request: HttpRequest | None = None
) -> None:
    check_transition(participant.status, target)
    before = participant.status
    participant.status = target
    participant.save(update_fields=["status", "updated_at"])
    audit.record(
        by,
        A.STATUS,
        "participant",
        participant.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=summary,
        changes={"status": [before, target]},
        request=request,
    )


def _clean_identifiers(values: dict[str, Any]) -> None:
    for name, validate in (
        ("nhs_number", identifiers.validate_nhs_number),
        ("ni_number", identifiers.validate_ni_number),
    ):
        if values.get(name):
            try:
                values[name] = validate(values[name])
            except identifiers.IdentifierError as exc:
                raise ParticipantError(str(exc), name) from exc


def find_possible_duplicates(
    *,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    exclude_id: int | None = None,
) -> list[Participant]:
    """Records with the same NHS number, or the same name and date of birth (ignoring case)."""
    match = Q(pk__in=[])
    number = identifiers.normalise_nhs_number(nhs_number)
    if number:
        match |= Q(nhs_number=number)
    if given_name and family_name and date_of_birth:
        match |= Q(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )
    found = Participant.objects.exclude(status=Status.ERASED).filter(match)
    if exclude_id:
        found = found.exclude(pk=exclude_id)
    return list(found.select_related("team", "service")[:20])


REFERRAL_KEYS = (
    "source",
    "referral_date",
    "given_name",
    "family_name",
    "team",
    "specialist",
    "referrer_name",
    "referrer_organisation",
    "notes",
)


SOURCES = frozenset(ReferralSource.values)  # made once: ``values`` builds a list on every call
DETAIL_KEYS = frozenset({*Participant.PERSONAL_FIELDS, "employment_status", "contact_language"})


def check_referral(values: Mapping[str, Any], service: Service) -> dict[str, Any]:
    """The rules a new referral must meet, for one person (``refer_participant``) or many (``refer_many``).
    Raises ``ParticipantError`` naming the field; returns the person's details (the values that are not
    the referral's), with NHS and National Insurance numbers in their standard form."""
    source, team, specialist = values.get("source"), values.get("team"), values.get("specialist")
    if source not in SOURCES:
        raise ParticipantError(f"Unknown referral source {source!r}", "source")
    for name in ("given_name", "family_name"):
        if not str(values.get(name) or "").strip():
            raise ParticipantError("A referral needs the person's first and last name", name)
    if team is not None and team.service_id != service.pk:
        raise ParticipantError(f"Team {team.name} does not belong to {service.name}", "team")
    if specialist is not None and team is not None and specialist.team_id != team.pk:
        raise ParticipantError(f"{specialist} is not a member of {team.name}", "specialist")
    referral_date = values.get("referral_date")
    if referral_date is None:
        raise ParticipantError("Enter the referral date", "referral_date")
    if referral_date > timezone.localdate():
        raise ParticipantError("Referral date must be today or in the past", "referral_date")
    details = {k: v for k, v in values.items() if k not in REFERRAL_KEYS}
    unknown = set(details) - DETAIL_KEYS
    if unknown:
        raise ParticipantError(
            f"Unknown participant fields: {', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    _clean_identifiers(details)
    return details


def flag_possible_duplicates(people: Sequence[Participant]) -> None:
    """Set ``possible_duplicate_of`` on new, unsaved records as ``find_possible_duplicates`` finds them: the
    first record (by family name, given name, id) not erased, in any service, with the same NHS number or
    the same names (ignoring case) and date of birth. One query for any number of people; a person matched
    by nobody already recorded but by someone earlier in ``people`` is flagged once ``people`` are saved,
    by ``flag_duplicates_within``."""
    numbers = {p.nhs_number for p in people if p.nhs_number}
    births = {p.date_of_birth for p in people if p.date_of_birth}
    if not numbers and not births:
        return
    by_number: dict[str, tuple[int, int]] = {}
    by_name: dict[tuple[str, str, dt.date], tuple[int, int]] = {}
    found = (
        Participant.objects.exclude(status=Status.ERASED)
        .filter(Q(nhs_number__in=numbers) | Q(date_of_birth__in=births))
        .order_by("family_name", "given_name", "id")
        .values_list("pk", "nhs_number", "given_name", "family_name", "date_of_birth")
    )
    for position, (pk, number, given, family, born) in enumerate(found.iterator(chunk_size=2000)):
        if number:
            by_number.setdefault(number, (position, pk))
        if born:
            by_name.setdefault((given.lower(), family.lower(), born), (position, pk))
    for p in people:
        matches = []
        if p.nhs_number and p.nhs_number in by_number:
            matches.append(by_number[p.nhs_number])
        if p.date_of_birth:
            key = (p.given_name.strip().lower(), p.family_name.strip().lower(), p.date_of_birth)
            if key in by_name:
                matches.append(by_name[key])
        p.possible_duplicate_of_id = min(matches)[1] if matches else None


def flag_duplicates_within(people: Sequence[Participant]) -> None:
    """After saving many new people at once: one matching an earlier one of them (and nobody before) is
    flagged as that earlier person's possible duplicate, as referring them one after another would."""
    seen: dict[object, int] = {}
    flagged = []
    for p in people:
        keys = [
            k
            for k in (p.nhs_number, (p.given_name.lower(), p.family_name.lower(), p.date_of_birth))
            if k and (not isinstance(k, tuple) or k[2])
        ]
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is not None and p.possible_duplicate_of_id is None:
            p.possible_duplicate_of_id = earlier
            flagged.append(p)
        for k in keys:
            seen.setdefault(k, p.pk)
    if flagged:
        Participant.objects.bulk_update(flagged, ["possible_duplicate_of"])


@transaction.atomic
def refer_participant(
    *,
    by: User | None,
    service: Service,
    source: str,
    referral_date: dt.date,
    given_name: str,
    family_name: str,
    team: Team | None = None,
    specialist: User | None = None,
    referrer_name: str = "",
    referrer_organisation: str = "",
    notes: str = "",
    route: str = Referral.Route.STAFF,
    request: HttpRequest | None = None,
    **details: Any,
) -> Participant:
    """Create a participant in the referred status with their referral."""
    details = check_referral(
        {
            "source": source,
            "referral_date": referral_date,
            "given_name": given_name,
            "family_name": family_name,
            "team": team,
            "specialist": specialist,
            **details,
        },
        service,
    )
    participant = Participant(
        service=service,
        team=team,
        specialist=specialist,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        **details,
    )
    flag_possible_duplicates([participant])
    participant.save()
    referral = Referral.objects.create(
        participant=participant,
        source=source,
        referrer_name=referrer_name,
        referrer_organisation=referrer_organisation,
        referral_date=referral_date,
        route=route,
        notes=notes,
        created_by=by,
    )
    audit.record(
        by,
        A.CREATE,
        "participant",
        participant.pk,
        participant_id=participant.pk,
        service_id=service.pk,
        summary=f"Referred ({referral.get_source_display()}, {referral.get_route_display().lower()})",
        request=request,
        actor_label="Public self-referral form" if by is None and route == Referral.Route.SELF_FORM else None,
    )
    return participant


def self_refer(*, service: Service, request: HttpRequest | None = None, **answers: Any) -> Participant:
    """A referral from the public form. The person is never told whether they are already known."""
    if not service.accepts_self_referrals:
        raise ParticipantError(f"{service.name} does not take self-referrals")
    return refer_participant(
        by=None,
        service=service,
        source=ReferralSource.SELF,
        referral_date=timezone.localdate(),
        route=Referral.Route.SELF_FORM,
        request=request,
        **answers,
    )


BULK_BATCH = 1_000  # rows a bulk action writes per INSERT statement


@transaction.atomic
def refer_many(
    *,
    by: User | None,
    service: Service,
    people: Sequence[Mapping[str, Any]],
    numbers: Sequence[int] | None = None,
    how: str = "",
    actor_label: str | None = None,
) -> list[Participant]:
    """Refer many people at once, as ``refer_participant`` refers one: the same checks
    (``check_referral``), the same duplicate flag (``flag_possible_duplicates``) and the same "create"
    audit event for each person, in a handful of statements rather than four per person.

    Each of ``people`` holds ``refer_participant``'s arguments (``source``, ``referral_date``, the names,
    ``team``, ``specialist``, the referrer and ``notes``, then any of the person's details). If any is bad
    nothing is written and ``BulkRejected`` names every bad row, numbered by ``numbers`` (a file's rows) or
    from 1. ``how`` replaces "entered by staff" in the audit summary (for example "imported from ...")."""
    numbers = list(numbers) if numbers is not None else list(range(1, len(people) + 1))
    cleaned: dict[int, dict[str, Any]] = {}

    def check(number: int, values: Mapping[str, Any]) -> None:
        cleaned[number] = check_referral(values, service)

    bulk.check_rows(zip(numbers, people, strict=True), check, ParticipantError, "given_name")
    records = [
        Participant(
            service=service,
            team=values.get("team"),
            specialist=values.get("specialist"),
            given_name=values["given_name"].strip(),
            family_name=values["family_name"].strip(),
            **cleaned[number],
        )
        for number, values in zip(numbers, people, strict=True)
    ]
    flag_possible_duplicates(records)
    Participant.objects.bulk_create(records, batch_size=BULK_BATCH)
    flag_duplicates_within(records)
    referrals = [
        Referral(
            participant=person,
            source=values["source"],
            referrer_name=values.get("referrer_name", ""),
            referrer_organisation=values.get("referrer_organisation", ""),
            referral_date=values["referral_date"],
            route=Referral.Route.STAFF,
            notes=values.get("notes", ""),
            created_by=by,
        )
        for person, values in zip(records, people, strict=True)
    ]
    Referral.objects.bulk_create(referrals, batch_size=BULK_BATCH)
    how = how or Referral.Route.STAFF.label.lower()
    bulk.audit_many(
        by,
        (
            bulk.Event(
                A.CREATE,
                "participant",
                person.pk,
                person.pk,
                service.pk,
                f"Referred ({referral.get_source_display()}, {how})",
            )
            for person, referral in zip(records, referrals, strict=True)
        ),
        actor_label=actor_label,
    )
    return records


REFERRAL_DETAIL_FIELDS = ("source", "referral_date", "referrer_name", "referrer_organisation", "notes")


@transaction.atomic
def change_referral(
    *,
    by: User | None,
    participant: Participant,
    values: Mapping[str, Any],
    how: str = "",
    actor_label: str | None = None,
) -> Referral | None:
    """Change the details of a person's first referral (``REFERRAL_DETAIL_FIELDS``; values left out stay as
    they are), or add it if they have none and ``values`` give its source and date. Checked as a new
    referral is; the audit names the fields changed, keeping no values. Returns the referral, or None when
    there is none and ``values`` cannot make one. ``how`` says where the change came from ("by import 3")."""
    given = {k: v for k, v in values.items() if v not in (None, "")}
    unknown = set(given) - set(REFERRAL_DETAIL_FIELDS)
    if unknown:
        raise ParticipantError(f"These referral fields are unknown: {', '.join(sorted(unknown))}")
    if "source" in given and given["source"] not in ReferralSource.values:
        raise ParticipantError(f"Unknown referral source {given['source']!r}", "source")
    if "referral_date" in given and given["referral_date"] > timezone.localdate():
        raise ParticipantError("Referral date must be today or in the past", "referral_date")
    referral = participant.referrals.order_by("referral_date", "id").first()
    where = f" {how}" if how else ""
    if referral is None:
        if "source" not in given or "referral_date" not in given:
            return None
        referral = Referral.objects.create(participant=participant, created_by=by, **given)
        audit.record(
            by,
            A.CREATE,
            "referral",
            participant.pk,
            participant_id=participant.pk,
            service_id=participant.service_id,
            summary=f"Referral added{where}",
            actor_label=actor_label,
        )
        return referral
    changed = [k for k, v in given.items() if getattr(referral, k) != v]
    if not changed:
        return referral
    for key in changed:
        setattr(referral, key, given[key])
    referral.save(update_fields=changed)
    audit.record(
        by,
        A.UPDATE,
        "referral",
        referral.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Referral details changed{where}: {', '.join(changed)}".replace("_", " "),
        changes=dict.fromkeys(changed, "changed"),
        actor_label=actor_label,
    )
    return referral


EDITABLE_FIELDS: tuple[str, ...] = (*Participant.PERSONAL_FIELDS, "employment_status")


@transaction.atomic
def update_details(
    *, by: User, participant: Participant, changes: Mapping[str, Any], request: HttpRequest | None = None
) -> Participant:
    """Change the participant record; the audit names personal fields changed but keeps no values."""
    if participant.is_erased:
        raise InvalidTransition("This record has been erased and cannot change.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ParticipantError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}")
    values = dict(changes)
    _clean_identifiers(values)
    before = _snapshot(participant, tuple(values))
    for key, value in values.items():
        setattr(participant, key, value)
    participant.save()
    delta = audit.diff(before, values, personal=Participant.PERSONAL_FIELDS)
    if delta:
        audit.record(
            by,
            A.UPDATE,
            "participant",
            participant.pk,
            participant_id=participant.pk,
            service_id=participant.service_id,
            summary=f"Changed details: {', '.join(delta)}".replace("_", " "),
            changes=delta,
            request=request,
        )
    return participant


@transaction.atomic
def assign(
    *,
    by: User,
    participant: Participant,
    team: Team,
    specialist: User | None,
    request: HttpRequest | None = None,
) -> Participant:
    """Move a person to a team and specialist of their service. Refused (PermissionDenied) for a record
    outside ``by``'s scope, whoever calls it (``accounts.policy``); ``None`` is the system."""
    if by is not None:
        require_in_scope(by, Perm.EDIT_PARTICIPANT, participant)
    if team.service_id != participant.service_id:
        raise ParticipantError(f"Team {team.name} is not part of {participant.service.name}")
    if specialist is not None and specialist.team_id != team.pk:
        raise ParticipantError(f"{specialist} is not a member of {team.name}")
    before = {"team": participant.team_id, "specialist": participant.specialist_id}
    participant.team, participant.specialist = team, specialist
    participant.save(update_fields=["team", "specialist", "updated_at"])
    audit.record(
        by,
        A.UPDATE,
        "participant",
        participant.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Assigned to {team.name}" + (f", {specialist}" if specialist else ""),
        changes=audit.diff(before, {"team": team.pk, "specialist": specialist.pk if specialist else None}),
        request=request,
    )
    return participant


@transaction.atomic
def screen_participant(
    *,
    by: User,
    participant: Participant,
    rule_set: EligibilityRuleSet,
    answers: Mapping[str, bool],
    request: HttpRequest | None = None,
) -> Screening:
    """Record eligibility answers; the person is eligible when every answer is the qualifying one."""
    if rule_set.service_id not in (None, participant.service_id):
        raise ParticipantError("This rule set belongs to another service")
    questions = list(rule_set.questions.all())
    missing = [q.text for q in questions if q.key not in answers]
    if missing:
        raise ParticipantError(f"Answer every question; missing: {missing[0]}")
    unknown = set(answers) - {q.key for q in questions}
    if unknown:
        raise ParticipantError(f"Unknown questions: {', '.join(sorted(unknown))}")
    reasons = [q.reason_if_not for q in questions if bool(answers[q.key]) != q.qualifying_answer]
    eligible = not reasons
    target = Status.ELIGIBLE if eligible else Status.INELIGIBLE
    check_transition(participant.status, target)
    screening = Screening.objects.create(
        participant=participant,
        rule_set=rule_set,
        answers={q.key: bool(answers[q.key]) for q in questions},
        eligible=eligible,
        reasons=reasons,
        screened_by=by,
    )
    verdict = "eligible" if eligible else "not eligible"
    _set_status(participant, target, by, f"Screened with {rule_set.name}: {verdict}", request)
    return screening


@transaction.atomic
def record_agreement(
    *,
    by: User,
    participant: Participant,
    document: AgreementDocument,
    format: str,
    answers: Mapping[int, bool],
    request: HttpRequest | None = None,
) -> Agreement:
    """Record the person's answer to each statement, with the words they were shown.

    The participant becomes 'agreed' only when every required statement is agreed; otherwise the record
    of what they did and did not agree to is kept and their status is unchanged.
    """
    if document.published_at is None:
        raise ParticipantError("This document is a draft; publish it before using it")
    if document.service_id not in (None, participant.service_id):
        raise ParticipantError("This document belongs to another service")
    if format not in Agreement.Format.values:
        raise ParticipantError(f"Unknown format {format!r}")
    statements = list(document.statements.all())
    missing = [s for s in statements if s.pk not in answers]
    if missing:
        raise ParticipantError(f"Record an answer to every statement; missing: {missing[0].text_plain}")
    all_agreed = all(answers[s.pk] for s in statements if s.required)
    check_transition(participant.status, Status.AGREED)
    agreement = Agreement.objects.create(
        participant=participant,
        document=document,
        format=format,
        all_required_agreed=all_agreed,
        recorded_by=by,
    )
    AgreementAnswer.objects.bulk_create(
        AgreementAnswer(
            agreement=agreement,
            statement=s,
            statement_text=s.text_easy_read if format == Agreement.Format.EASY_READ else s.text_plain,
            agreed=bool(answers[s.pk]),
        )
        for s in statements
    )
    agreed_count = sum(bool(answers[s.pk]) for s in statements)
    summary = f"{document.title} v{document.version} ({agreement.get_format_display().lower()}): "
    summary += f"agreed {agreed_count} of {len(statements)} statements"
    if all_agreed:
        _set_status(participant, Status.AGREED, by, summary, request)
    else:
        audit.record(
            by,
            A.CREATE,
            "agreement",
            agreement.pk,
            participant_id=participant.pk,
            service_id=participant.service_id,
            summary=summary + "; not every required statement agreed, so support cannot start",
            request=request,
        )
    return agreement


@transaction.atomic
def start_support(*, by: User, participant: Participant, request: HttpRequest | None = None) -> Participant:
    _set_status(participant, Status.ACTIVE, by, "Support started", request)
    return participant


@transaction.atomic
def record_in_work(*, by: User, participant: Participant, request: HttpRequest | None = None) -> Participant:
    _set_status(participant, Status.IN_WORK, by, "Started work", request)
    return participant


@transaction.atomic
def record_out_of_work(
    *, by: User, participant: Participant, request: HttpRequest | None = None
) -> Participant:
    _set_status(participant, Status.ACTIVE, by, "Job ended; support continues", request)
    return participant


@transaction.atomic
def close(
    *, by: User, participant: Participant, reason: str, request: HttpRequest | None = None
) -> Participant:
    if not reason.strip():
        raise ParticipantError("Give a reason for closing the record")
    check_transition(participant.status, Status.CLOSED)
    participant.closed_at = timezone.now()
    participant.closed_reason = reason.strip()[:200]
    participant.save(update_fields=["closed_at", "closed_reason", "updated_at"])
    # The reason is free text kept on the record (and erased with it), never in the append-only audit log
    _set_status(participant, Status.CLOSED, by, "Closed; the reason is on the record", request)
    return participant


class WithdrawalScope:
    SERVICE = "service"
    RESEARCH = "research"
    BOTH = "both"
    CHOICES = (
        (SERVICE, "From the service: support stops, data to date is kept"),
        (RESEARCH, "From further research contact: no more surveys, data to date is kept and can be linked"),
        (BOTH, "From both"),
    )


@transaction.atomic
def withdraw(
    *, by: User, participant: Participant, scope: str, reason: str = "", request: HttpRequest | None = None
) -> Participant:
    """Withdrawal keeps the data gathered so far (DWP research report 1025, section 1.5); erasure is separate.

    Refused (PermissionDenied) for a record outside ``by``'s scope, whoever calls it (``accounts.policy``).
    """
    require_in_scope(by, Perm.WITHDRAW, participant)
    if scope not in {WithdrawalScope.SERVICE, WithdrawalScope.RESEARCH, WithdrawalScope.BOTH}:
        raise ParticipantError(f"Unknown withdrawal scope {scope!r}")
    if participant.is_erased:
        raise InvalidTransition("This record has been erased and cannot change.")
    now = timezone.now()
    if scope in {WithdrawalScope.RESEARCH, WithdrawalScope.BOTH}:
        if participant.withdrawn_from_research_at:
            raise InvalidTransition("This person has already withdrawn from research contact.")
        participant.withdrawn_from_research_at = now
        participant.save(update_fields=["withdrawn_from_research_at", "updated_at"])
        audit.record(
            by,
            A.WITHDRAW,
            "participant",
            participant.pk,
            participant_id=participant.pk,
            service_id=participant.service_id,
            summary="Withdrew from further research contact",
            request=request,
        )
    if scope in {WithdrawalScope.SERVICE, WithdrawalScope.BOTH}:
        if participant.status == Status.CLOSED:
            raise InvalidTransition("This record is already closed.")
        participant.withdrawn_from_service_at = now
        participant.closed_at = now
        participant.closed_reason = "Withdrew from the service" + (
            f": {reason.strip()}" if reason.strip() else ""
        )
        participant.save(
            update_fields=["withdrawn_from_service_at", "closed_at", "closed_reason", "updated_at"]
        )
        _set_status(participant, Status.CLOSED, by, "Withdrew from the service", request)
    return participant


@transaction.atomic
def erase(
    *, by: User, participant: Participant, reason: ErasureReason, request: HttpRequest | None = None
) -> Participant:
    """Remove the person's data from every table, leaving an empty record so counts stay explainable.

    Erased records are excluded from every report (``Participant.objects.reportable()``). The audit log
    keeps no personal data and the reason is structured (``participants.erasure``), so it stays as it is.
    The erasure ledger (``governance.ledger``) keeps a keyed hash of the record, so that restoring an
    older backup erases the person again. Refused (PermissionDenied) for a record outside ``by``'s scope,
    whoever calls it (``accounts.policy``); the retention purge and a restore act as the system (``by=None``).
    """
    if by is not None:
        require_in_scope(by, Perm.ERASE, participant)
    return _erase(by=by, participant=participant, reason=reason, request=request)


@transaction.atomic
def erase_again_after_restore(*, participant: Participant, reason: ErasureReason) -> Participant:
    """Erase a record that a restored backup brought back, as the erasure ledger says it was erased."""
    return _erase(by=None, participant=participant, reason=reason, request=None)


def _erase(
    *, by: User | None, participant: Participant, reason: ErasureReason, request: HttpRequest | None
) -> Participant:
    from placewell.governance import ledger

    if participant.is_erased:
        raise InvalidTransition("This record has already been erased.")
    if found := erasure.problems(reason, participant.service):
        raise ParticipantError(". ".join(found.values()))
    ledger.record_erasure(participant)
    for field in Participant.PERSONAL_FIELDS:
        model_field = Participant._meta.get_field(field)
        default = model_field.get_default()
        setattr(participant, field, None if model_field.null else default)
    participant.employment_status = ""
    participant.closed_reason = ""
    participant.possible_duplicate_of = None
    participant.erased_at = timezone.now()
    participant.status = Status.ERASED
    participant.save()
    participant.referrals.update(referrer_name="", referrer_organisation="", notes="")
    for step in erasure_steps():  # every other app removes what it holds about the person
        step(participant, by=by)
    participant.screenings.all().delete()
    AgreementAnswer.objects.filter(agreement__participant=participant).delete()
    participant.agreements.all().delete()
    audit.record(
        by,
        A.ERASE,
        "participant",
        participant.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=reason.summary,
        changes=reason.for_audit(),
        request=request,
    )
    return participant


@transaction.atomic
def adopt_rule_set(*, by: User | None, service: Service, template: EligibilityRuleSet) -> EligibilityRuleSet:
    """Copy a rule-set template to a service, so later changes to either never affect the other."""
    if not template.is_template:
        raise ParticipantError(f"{template.name} is not a template")
    if EligibilityRuleSet.objects.filter(service=service, key=template.key).exists():
        raise ParticipantError(f"{service.name} already uses {template.name}")
    copy = EligibilityRuleSet.objects.create(
        service=service,
        key=template.key,
        name=template.name,
        description=template.description,
        source=template.source,
    )
    for q in template.questions.all():
        copy.questions.create(
            order=q.order,
            key=q.key,
            text=q.text,
            hint=q.hint,
            qualifying_answer=q.qualifying_answer,
            reason_if_not=q.reason_if_not,
        )
    audit.record(
        by,
        A.CONFIGURE,
        "eligibility_rule_set",
        copy.pk,
        service_id=service.pk,
        summary=f"Adopted {template.name}",
    )
    return copy


def timeline(participant: Participant) -> list[AuditEvent]:
    """Everything that happened to the record, newest first, from the audit log (reads left out)."""
    return list(
        AuditEvent.objects.filter(participant_id=participant.pk)
        .exclude(action__in=[A.VIEW, A.LIST])
        .only("at", "actor_label", "action", "summary", "changes")
    )


def record_view(*, by: User, participant: Participant, what: str, request: HttpRequest | None = None) -> None:
    """Audit a read of a participant's record."""
    audit.record(
        by,
        A.VIEW,
        "participant",
        participant.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Viewed {what}",
        request=request,
    )


def record_list(
    *, by: User, participants: list[Participant], what: str, request: HttpRequest | None = None
) -> None:
    """Audit a list page that showed participants' names: one event naming the records shown."""
    if not participants:
        return
    audit.record(
        by,
        A.LIST,
        "participant",
        "",
        service_id=participants[0].service_id,
        summary=f"Listed {len(participants)} participants ({what})",
        changes={"ids": [p.pk for p in participants]},
        request=request,
    )
