"""Fieldwork actions: waves, the survey sample, monthly invitation batches and contact attempts.

Each action is atomic and writes its audit event in the same transaction (ARCHITECTURE.md, "Actions own state
changes"). The protocol is the Health-led Trials' (DWP research report 1025, summarised in BRIEF.md, "The HLT trial
machinery"): surveys at baseline, 4 and 12 months; web, phone or face to face as chosen at baseline; rolling
monthly batches; 5 face-to-face approaches or at least 12 calls before a non-response is recorded;
participants who withdraw from research contact are never invited again; and contact-detail changes recorded
by the service are not fed to the survey sample.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent, Service
from placewell.engine.measures import INSTRUMENTS
from placewell.participants.choices import SurveyMode
from placewell.participants.models import Participant, Status
from placewell.surveys.errors import SurveyError
from placewell.surveys.models import (
    DEFAULT_INSTRUMENTS,
    ContactAttempt,
    Invitation,
    Response,
    SurveyEnrolment,
    SurveyLink,
    SurveyWave,
)
from placewell.ui.months import add_months, month_end

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action

DEFAULT_WAVES = (
    # key, name, months after baseline, instruments
    ("baseline", "Baseline", 0, DEFAULT_INSTRUMENTS),
    ("4-month", "4-month follow-up", 4, DEFAULT_INSTRUMENTS),
    ("12-month", "12-month follow-up", 12, [*DEFAULT_INSTRUMENTS, "client_experience"]),
)
"""Baseline, 4 and 12 months: the Health-led Trials' survey points (DWP research report 1025, section 1.6)."""

REFERENCE_LENGTH = 60
"""The length of ``trial_reference`` on waves and enrolments."""

WAVE_FIELDS = (
    "name",
    "offset_months",
    "opens_days_before",
    "closes_days_after",
    "instruments",
    "link_valid_days",
    "max_face_to_face_attempts",
    "max_call_attempts",
    "is_active",
)


def batch_label(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _check_instruments(ids: object) -> list[str]:
    if not isinstance(ids, list | tuple) or not ids:
        raise SurveyError("Choose at least one questionnaire", field="instruments")
    unknown = [i for i in ids if i not in INSTRUMENTS]
    if unknown:
        raise SurveyError(f"Unknown questionnaire: {', '.join(map(str, unknown))}", field="instruments")
    return list(dict.fromkeys(ids))


@transaction.atomic
def ensure_default_waves(*, by: User | None, service: Service, trial_reference: str = "") -> list[SurveyWave]:
    """The service's waves, creating baseline, 4-month and 12-month waves when it has none."""
    existing = list(SurveyWave.objects.filter(service=service, trial_reference=trial_reference))
    if existing:
        return existing
    waves = [
        SurveyWave.objects.create(
            service=service,
            trial_reference=trial_reference,
            key=key,
            name=name,
            order=order,
            is_baseline=months == 0,
            offset_months=months,
            instruments=list(instruments),
        )
        for order, (key, name, months, instruments) in enumerate(DEFAULT_WAVES)
    ]
    audit.record(
        by,
        A.CONFIGURE,
        "survey_wave",
        "",
        service_id=service.pk,
        summary="Set up survey waves: baseline, 4-month and 12-month follow-ups",
    )
    return waves


@transaction.atomic
def update_wave(
    *, by: User, wave: SurveyWave, changes: Mapping[str, Any], request: HttpRequest | None = None
) -> SurveyWave:
    unknown = set(changes) - set(WAVE_FIELDS)
    if unknown:
        raise SurveyError(f"These settings cannot be changed here: {', '.join(sorted(unknown))}")
    values = dict(changes)
    if "instruments" in values:
        values["instruments"] = _check_instruments(values["instruments"])
    if wave.is_baseline and values.get("offset_months", 0) != 0:
        raise SurveyError("The baseline is taken at agreement: 0 months", field="offset_months")
    if not wave.is_baseline and values.get("offset_months", wave.offset_months) < 1:
        raise SurveyError("A follow-up must be at least 1 month after baseline", field="offset_months")
    before = {k: getattr(wave, k) for k in values}
    for key, value in values.items():
        setattr(wave, key, value)
    wave.save()
    audit.record(
        by,
        A.CONFIGURE,
        "survey_wave",
        wave.pk,
        service_id=wave.service_id,
        summary=f"Changed survey wave {wave.name}",
        changes=audit.diff(before, values),
        request=request,
    )
    return wave


def _default_mode(participant: Participant) -> str:
    if participant.survey_mode:
        return participant.survey_mode
    return SurveyMode.WEB if participant.email else SurveyMode.PHONE


def _window(wave: SurveyWave, due: dt.date) -> tuple[dt.date, dt.date]:
    return due - dt.timedelta(days=wave.opens_days_before), due + dt.timedelta(days=wave.closes_days_after)


def _invite(enrolment: SurveyEnrolment, wave: SurveyWave, due: dt.date, batch: str) -> Invitation:
    opens, closes = _window(wave, due)
    return Invitation.objects.create(
        enrolment=enrolment,
        participant_id=enrolment.participant_id,
        wave=wave,
        due_date=due,
        window_opens=opens,
        window_closes=closes,
        batch=batch,
        mode=enrolment.mode,
    )


@transaction.atomic
def enrol(
    *,
    by: User | None,
    participant: Participant,
    baseline_date: dt.date | None = None,
    trial_reference: str = "",
    request: HttpRequest | None = None,
) -> SurveyEnrolment:
    """Add a participant to the survey sample at baseline, with a snapshot of their contact details.

    The baseline invitation is issued at once (the baseline survey is taken at agreement, before any
    randomisation); follow-ups are issued by the monthly batches.
    """
    if not participant.may_contact_for_research:
        raise SurveyError("This person has withdrawn from research contact, so they cannot be surveyed")
    if SurveyEnrolment.objects.filter(participant=participant).exists():
        raise SurveyError("This person is already in the survey sample")
    waves = ensure_default_waves(by=by, service=participant.service, trial_reference=trial_reference)
    baseline = baseline_date or timezone.localdate()
    enrolment = SurveyEnrolment.objects.create(
        participant=participant,
        service_id=participant.service_id,
        trial_reference=trial_reference,
        baseline_date=baseline,
        mode=_default_mode(participant),
        email=participant.email,
        phone=participant.phone,
        address=participant.address,
        postcode=participant.postcode,
        snapshot_at=timezone.now(),
    )
    for wave in waves:
        if wave.is_baseline and wave.is_active:
            _invite(enrolment, wave, baseline, batch_label(baseline))
    audit.record(
        by,
        A.CREATE,
        "survey_enrolment",
        enrolment.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Joined the survey sample (baseline {baseline:%-d %B %Y}, {enrolment.get_mode_display()})",
        request=request,
    )
    return enrolment


@transaction.atomic
def update_survey_contact(
    *, by: User, enrolment: SurveyEnrolment, changes: Mapping[str, str], request: HttpRequest | None = None
) -> SurveyEnrolment:
    """Change the survey team's own contact snapshot, for example when the person tells the survey team.

    This is the only way the snapshot changes: casework edits to the participant record never reach it.
    """
    unknown = set(changes) - {*SurveyEnrolment.PERSONAL_FIELDS, "mode"}
    if unknown:
        raise SurveyError(f"These details cannot be changed here: {', '.join(sorted(unknown))}")
    before = {k: getattr(enrolment, k) for k in changes}
    for key, value in changes.items():
        setattr(enrolment, key, value)
    enrolment.save()
    delta = audit.diff(before, changes, personal=SurveyEnrolment.PERSONAL_FIELDS)
    audit.record(
        by,
        A.UPDATE,
        "survey_enrolment",
        enrolment.pk,
        participant_id=enrolment.participant_id,
        service_id=enrolment.service_id,
        summary="Changed survey contact details",
        changes=delta,
        request=request,
    )
    return enrolment


def _close(invitation: Invitation, status: str, reason: str) -> None:
    invitation.status = status
    invitation.outcome_reason = reason[:200]
    invitation.outcome_at = timezone.now()
    invitation.save(update_fields=["status", "outcome_reason", "outcome_at"])
    SurveyLink.objects.filter(invitation=invitation, submitted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )


@dataclass
class BatchResult:
    """What one monthly run did."""

    batch: str
    issued: list[Invitation] = field(default_factory=list)
    closed: int = 0
    withdrawn: int = 0


@transaction.atomic
def issue_monthly_batch(*, on: dt.date | None = None, by: User | None = None) -> BatchResult:
    """Issue this month's batch of follow-up invitations and close fieldwork that has ended.

    A follow-up is issued in the batch of the month it falls due (``baseline + offset months``); one that
    was missed (say the command did not run) is issued in the next batch while its fieldwork window is still
    open. Participants who withdrew from research contact, and erased records, are never invited; their open
    invitations are closed as withdrawn. Open invitations whose window has closed become non-responses. The
    run is idempotent: running it twice in a month issues nothing new.
    """
    today = on or timezone.localdate()
    result = BatchResult(batch=batch_label(today))
    last_day = month_end(today)
    open_invitations = Invitation.objects.filter(status__in=Invitation.OPEN).select_related("participant")
    for invitation in open_invitations:
        if not invitation.participant.may_contact_for_research:
            _close(invitation, Invitation.Status.WITHDRAWN, "Withdrew from research contact")
            result.withdrawn += 1
        elif invitation.window_closes < today:
            _close(invitation, Invitation.Status.NON_RESPONSE, "Fieldwork window closed")
            result.closed += 1
    waves: dict[tuple[int, str], list[SurveyWave]] = {}
    for wave in SurveyWave.objects.filter(is_active=True, is_baseline=False):
        waves.setdefault((wave.service_id, wave.trial_reference), []).append(wave)
    enrolments = (
        SurveyEnrolment.objects.filter(participant__withdrawn_from_research_at=None)
        .exclude(participant__status=Status.ERASED)
        .prefetch_related("invitations")
    )
    for enrolment in enrolments:
        invited = {i.wave_id for i in enrolment.invitations.all()}
        for wave in waves.get((enrolment.service_id, enrolment.trial_reference), []):
            if wave.pk in invited:
                continue
            due = add_months(enrolment.baseline_date, wave.offset_months)
            if due > last_day or _window(wave, due)[1] < today:
                continue
            result.issued.append(_invite(enrolment, wave, due, result.batch))
    audit.record(
        by,
        A.CREATE,
        "survey_batch",
        result.batch,
        summary=(
            f"Survey batch {result.batch}: {len(result.issued)} invited, {result.closed} closed as "
            f"non-response, {result.withdrawn} closed after withdrawal"
        ),
    )
    return result


def attempts_exhausted(invitation: Invitation, attempts: list[ContactAttempt]) -> str | None:
    """Why the attempts rule makes this a non-response, or None.

    After ``max_face_to_face_attempts`` face-to-face approaches (5) or ``max_call_attempts`` calls (12)
    without a response, the case is a non-response (DWP research report 1025: 5 approaches face to face or at least 12
    calls). Emails, texts and letters are reminders and do not count.
    """
    wave = invitation.wave
    visits = sum(a.method == ContactAttempt.Method.FACE_TO_FACE for a in attempts)
    calls = sum(a.method == ContactAttempt.Method.PHONE for a in attempts)
    if visits >= wave.max_face_to_face_attempts:
        return f"{visits} face-to-face approaches without a response"
    if calls >= wave.max_call_attempts:
        return f"{calls} calls without a response"
    return None


@transaction.atomic
def record_attempt(
    *,
    by: User,
    invitation: Invitation,
    method: str,
    outcome: str,
    at: dt.datetime | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> ContactAttempt:
    """Log one approach; apply the attempts rule; a refusal closes the case as a non-response."""
    if method not in ContactAttempt.Method.values:
        raise SurveyError(f"Unknown contact method {method!r}", field="method")
    if outcome not in ContactAttempt.Outcome.values:
        raise SurveyError(f"Unknown outcome {outcome!r}", field="outcome")
    if not invitation.is_open:
        raise SurveyError(
            f"This invitation is closed ({invitation.get_status_display().lower()}); no more attempts are logged"
        )
    if not invitation.participant.may_contact_for_research:
        raise SurveyError("This person has withdrawn from research contact: do not contact them")
    when = at or timezone.now()
    if when > timezone.now():
        raise SurveyError("The attempt must be now or in the past", field="at")
    attempt = ContactAttempt.objects.create(
        invitation=invitation, method=method, outcome=outcome, at=when, notes=notes.strip(), recorded_by=by
    )
    summary = (
        f"{invitation.wave.name}: {attempt.get_method_display()}, {attempt.get_outcome_display().lower()}"
    )
    if outcome == ContactAttempt.Outcome.REFUSED:
        _close(invitation, Invitation.Status.NON_RESPONSE, "Did not want to take part")
        summary += "; recorded as non-response"
    elif outcome != ContactAttempt.Outcome.COMPLETED:
        reason = attempts_exhausted(invitation, list(invitation.attempts.all()))
        if reason:
            _close(invitation, Invitation.Status.NON_RESPONSE, reason)
            summary += f"; recorded as non-response ({reason})"
    audit.record(
        by,
        A.CREATE,
        "survey_contact_attempt",
        attempt.pk,
        participant_id=invitation.participant_id,
        service_id=invitation.participant.service_id,
        summary=summary,
        request=request,
    )
    return attempt


def close_for_withdrawal(participant: Participant) -> int:
    """Close a withdrawn participant's open invitations and revoke their links (called on withdrawal)."""
    closed = 0
    for invitation in Invitation.objects.filter(participant=participant, status__in=Invitation.OPEN):
        _close(invitation, Invitation.Status.WITHDRAWN, "Withdrew from research contact")
        closed += 1
    return closed


def erase_survey_data(participant: Participant) -> None:
    """Remove everything the surveys hold about an erased participant (erasure removes the record from
    every table and report: DWP research report 1025, section 1.5)."""
    participant.survey_responses.all().delete()
    Invitation.objects.filter(participant=participant).delete()
    SurveyEnrolment.objects.filter(participant=participant).delete()


@transaction.atomic
def correct_baseline_date(
    *, by: User | None, enrolment: SurveyEnrolment, baseline_date: dt.date, request: HttpRequest | None = None
) -> SurveyEnrolment:
    """Correct the baseline date (say the baseline was taken at a first meeting recorded later).

    Only before any follow-up has been issued, since follow-up dates are counted from it.
    """
    if baseline_date > timezone.localdate():
        raise SurveyError("The baseline date must be today or in the past", field="baseline_date")
    if enrolment.invitations.filter(wave__is_baseline=False).exists():
        raise SurveyError("Follow-ups have been issued, so the baseline date can no longer change")
    before = enrolment.baseline_date
    enrolment.baseline_date = baseline_date
    enrolment.save(update_fields=["baseline_date"])
    for invitation in enrolment.invitations.select_related("wave"):
        invitation.due_date = baseline_date
        invitation.window_opens, invitation.window_closes = _window(invitation.wave, baseline_date)
        invitation.batch = batch_label(baseline_date)
        invitation.save(update_fields=["due_date", "window_opens", "window_closes", "batch"])
    audit.record(
        by,
        A.UPDATE,
        "survey_enrolment",
        enrolment.pk,
        participant_id=enrolment.participant_id,
        service_id=enrolment.service_id,
        summary=f"Corrected the survey baseline date to {baseline_date:%-d %B %Y}",
        changes=audit.diff({"baseline_date": before}, {"baseline_date": baseline_date}),
        request=request,
    )
    return enrolment


@dataclass(frozen=True)
class BaselineProgress:
    """How far a participant's baseline questionnaires have got.

    ``sent`` holds the instruments of the baseline wave with a response sent, complete or partial. A partial
    response counts: answering is voluntary, so a person who leaves a question blank (or declines a whole
    questionnaire, recorded with every question blank) has still given their baseline, and whether they may
    join a trial must not depend on what they choose to answer. Unanswered items are kept as missing and the
    analysis deals with them (docs/how-to/surveys.md, "Baseline questionnaires in a trial's first meeting").
    """

    invitation: Invitation | None
    instruments: tuple[str, ...] = ()
    sent: frozenset[str] = frozenset()

    @property
    def missing(self) -> list[str]:
        return [i for i in self.instruments if i not in self.sent]

    @property
    def complete(self) -> bool:
        return self.invitation is not None and not self.missing


def baseline_progress(participant: Participant) -> BaselineProgress:
    """The participant's baseline invitation and which of its questionnaires have been sent (two queries).

    No invitation (the person is not in the survey sample) means the baseline cannot be complete.
    """
    invitation = (
        Invitation.objects.filter(participant=participant, wave__is_baseline=True)
        .select_related("wave")
        .order_by("-id")
        .first()
    )
    if invitation is None:
        return BaselineProgress(None)
    sent = Response.objects.filter(invitation=invitation, state=Response.State.SUBMITTED).values_list(
        "instrument_id", flat=True
    )
    return BaselineProgress(invitation, tuple(invitation.wave.instruments), frozenset(sent))


def has_complete_baseline(participant: Participant) -> bool:
    """Whether every questionnaire of the participant's baseline wave has been sent (partial ones count, as
    in :class:`BaselineProgress`), in one query."""
    rows = list(
        Response.objects.filter(
            invitation__participant=participant,
            invitation__wave__is_baseline=True,
            state=Response.State.SUBMITTED,
        )
        .order_by()
        .values_list("instrument_id", "invitation__wave__instruments")
    )
    return bool(rows) and set(rows[0][1]) <= {instrument for instrument, _ in rows}


def enrolment_of(participant: Participant) -> SurveyEnrolment | None:
    """The participant's place in the survey sample, if they have one."""
    return SurveyEnrolment.objects.filter(participant=participant).first()


def _waves_for_reference(by: User | None, service_id: int, reference: str) -> list[SurveyWave]:
    """The waves run under ``reference``; the first time, copies of the service's own waves (or the defaults).

    Each wave is created with ``get_or_create`` so that two people joining a trial at the same moment cannot
    both create it: the second waits for the first and then finds it.
    """
    existing = list(SurveyWave.objects.filter(service_id=service_id, trial_reference=reference))
    if existing:
        return existing
    template = list(SurveyWave.objects.filter(service_id=service_id, trial_reference=""))
    if not template:
        service = Service.objects.get(pk=service_id)
        return ensure_default_waves(by=by, service=service, trial_reference=reference)
    waves = []
    for wave in template:
        copy, _ = SurveyWave.objects.get_or_create(
            service_id=service_id,
            trial_reference=reference,
            key=wave.key,
            defaults={
                **{f: getattr(wave, f) for f in WAVE_FIELDS},
                "order": wave.order,
                "is_baseline": wave.is_baseline,
            },
        )
        waves.append(copy)
    audit.record(
        by,
        A.CONFIGURE,
        "survey_wave",
        "",
        service_id=service_id,
        summary=f"Set up survey waves for {reference}, copied from the service's waves",
    )
    return waves


def set_trial_reference(
    *,
    by: User | None,
    enrolment: SurveyEnrolment,
    trial_reference: str,
    request: HttpRequest | None = None,
) -> SurveyEnrolment:
    """Survey this sample member under a trial's own waves, so that waves and response rates are per trial.

    Called when the person is randomised. The trial's waves are made from the service's on first use; the
    baseline invitation (and any answers given to it) moves to the trial's baseline wave, and follow-ups are
    then issued from the trial's waves. Refused once follow-ups have been issued, since they belong to the
    waves they were issued from. The refusals come before anything is written; the writes and their audit
    event are one atomic step (:func:`_move_to_waves`).
    """
    reference = trial_reference.strip()
    if len(reference) > REFERENCE_LENGTH:
        raise SurveyError("The trial reference is too long: use the trial's registration number")
    if enrolment.trial_reference == reference:
        return enrolment
    if enrolment.invitations.filter(wave__is_baseline=False).exists():
        raise SurveyError(
            "This person's survey follow-ups have already been issued, so their survey waves can no longer "
            "change"
        )
    return _move_to_waves(by, enrolment, reference, request)


@transaction.atomic(savepoint=False)
def _move_to_waves(
    by: User | None, enrolment: SurveyEnrolment, reference: str, request: HttpRequest | None
) -> SurveyEnrolment:
    """The writes of :func:`set_trial_reference`. No savepoint of its own (it usually runs inside a
    randomisation's transaction): an error part-way rolls back the whole enclosing transaction."""
    waves = _waves_for_reference(by, enrolment.service_id, reference)
    before = enrolment.trial_reference
    enrolment.trial_reference = reference
    enrolment.save(update_fields=["trial_reference"])
    baseline = next((w for w in waves if w.is_baseline), None)
    if baseline is not None:
        enrolment.invitations.update(wave=baseline)
    audit.record(
        by,
        A.UPDATE,
        "survey_enrolment",
        enrolment.pk,
        participant_id=enrolment.participant_id,
        service_id=enrolment.service_id,
        summary=f"Surveyed with the waves of {reference}"
        if reference
        else "Surveyed with the service's waves",
        changes=audit.diff({"trial_reference": before}, {"trial_reference": reference}),
        request=request,
    )
    return enrolment
