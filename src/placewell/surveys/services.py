"""Survey actions: responses (entered by staff or by the participant through a link), links, scores and
licensed wording. Each is atomic and writes its audit event in the same transaction.

Scores come from the instrument library only (``placewell.engine.measures.score``), which also refuses
out-of-range answers and unknown items with an error naming the item. A response set with a gap is stored and
shown as partial and is never marked complete (docs/explanation/measures.md, "Unanswered items"). Every
response keeps the instrument and scoring version, the wording shown, who entered it, the mode and when; when
an instrument's scoring version changes, :func:`rescore_responses` recomputes the stored scores and records
each change. Fieldwork actions (waves, the sample, batches, attempts) are in ``surveys.fieldwork`` and are
re-exported here, so callers have one place to look.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent
from placewell.engine.measures import Instrument, MeasureError, MeasureScore, get_instrument, score
from placewell.participants.choices import SurveyMode
from placewell.participants.models import Participant
from placewell.surveys.errors import LinkUnusable, SurveyError
from placewell.surveys.fieldwork import (
    BaselineProgress,
    add_months,
    attempts_exhausted,
    baseline_progress,
    close_for_withdrawal,
    enrol,
    enrolment_of,
    ensure_default_waves,
    erase_survey_data,
    has_complete_baseline,
    issue_monthly_batch,
    record_attempt,
    set_trial_reference,
    update_survey_contact,
    update_wave,
)
from placewell.surveys.models import Invitation, LicensedWording, Response, ScoreChange, SurveyLink
from placewell.surveys.questionnaire import (
    is_licensed,
    latest_wordings,
    missing_wording_message,
    wording_missing,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

__all__ = [
    "BaselineProgress",
    "add_months",
    "attempts_exhausted",
    "baseline_progress",
    "close_for_withdrawal",
    "create_link",
    "enrol",
    "enrolment_of",
    "ensure_default_waves",
    "erase_survey_data",
    "find_link",
    "has_complete_baseline",
    "issue_monthly_batch",
    "load_licensed_wording",
    "record_attempt",
    "record_response",
    "record_scores_view",
    "rescore_responses",
    "save_link_answers",
    "set_trial_reference",
    "submit_link",
    "update_survey_contact",
    "update_wave",
]

A = AuditEvent.Action
TOKEN_BYTES = 32
"""256 random bits: a link cannot be guessed (secrets.token_urlsafe, Python documentation)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check(instrument: Instrument, answers: Mapping[str, Any]) -> MeasureScore:
    """Validate answers through the engine, turning its refusal into a message beside the question."""
    try:
        return score(instrument, answers)
    except MeasureError as exc:
        field = getattr(exc, "item", None)
        item = next((i for i in instrument.items if i.key == field), None)
        message = f"Enter {item.allowed}" if item is not None else str(exc)
        raise SurveyError(message, field=field if item is not None else None) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _apply_score(response: Response, result: MeasureScore) -> None:
    response.scoring_version = result.version
    response.raw = _plain(result.raw)
    response.value = _plain(result.value)
    response.band = result.band or ""
    response.complete = bool(result.complete)
    response.reasons = list(result.reasons)
    response.details = {k: _plain(v) for k, v in result.details.items()}
    response.scored_at = timezone.now()


def _wording_for(instrument: Instrument) -> tuple[LicensedWording | None, str]:
    if not is_licensed(instrument):
        return None, "shipped wording"
    wording = latest_wordings([instrument.id]).get(instrument.id)
    if wording is None:
        return None, "descriptive stand-in"
    return wording, f"licensed wording v{wording.version}"


def _mark_responded(invitation: Invitation | None) -> None:
    if invitation is not None and invitation.is_open:
        invitation.status = Invitation.Status.RESPONDED
        invitation.outcome_reason = ""
        invitation.outcome_at = timezone.now()
        invitation.save(update_fields=["status", "outcome_reason", "outcome_at"])


def _describe(response: Response) -> str:
    state = "complete" if response.complete else "partial"
    return f"{get_instrument(response.instrument_id).title} ({state}, {response.get_mode_display().lower()})"


@transaction.atomic
def record_response(
    *,
    by: User,
    participant: Participant,
    instrument_id: str,
    answers: Mapping[str, int | None],
    mode: str,
    invitation: Invitation | None = None,
    completed_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Response:
    """Save a questionnaire a member of staff administered (by phone or face to face, or typed in)."""
    if participant.is_erased:
        raise SurveyError("This record has been erased")
    if mode not in SurveyMode.values:
        raise SurveyError(f"Unknown mode {mode!r}", field="mode")
    try:
        instrument = get_instrument(instrument_id)
    except MeasureError as exc:
        raise SurveyError(str(exc)) from exc
    if invitation is not None:
        if invitation.participant_id != participant.pk:
            raise SurveyError("This invitation belongs to someone else")
        if invitation.status == Invitation.Status.WITHDRAWN:
            raise SurveyError("This person withdrew from research contact")
    if invitation is not None and not participant.may_contact_for_research:
        raise SurveyError("This person has withdrawn from research contact")
    day = completed_on or timezone.localdate()
    if day > timezone.localdate():
        raise SurveyError("The date must be today or in the past", field="completed_on")
    result = _check(instrument, answers)
    wording, label = _wording_for(instrument)
    response = Response(
        participant=participant,
        invitation=invitation,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        wording=wording,
        wording_label=label,
        answers={k.key: answers.get(k.key) for k in instrument.items},
        state=Response.State.SUBMITTED,
        mode=mode,
        via=Response.Via.STAFF,
        entered_by=by,
        completed_on=day,
        submitted_at=timezone.now(),
    )
    _apply_score(response, result)
    response.save()
    _mark_responded(invitation)
    audit.record(
        by,
        A.CREATE,
        "survey_response",
        response.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Recorded {_describe(response)}",
        request=request,
    )
    return response


@transaction.atomic
def create_link(
    *, by: User | None, invitation: Invitation, request: HttpRequest | None = None
) -> tuple[SurveyLink, str]:
    """A new self-completion link for an open invitation, and its token (shown or sent once, never stored).

    Any earlier unsent link for the same invitation stops working, so only one link is ever live. A link is
    refused while any of the wave's licensed questionnaires has no loaded wording: a participant answering
    alone must never read a descriptive stand-in (staff administering it may, since they can explain it).
    """
    participant = invitation.participant
    if not participant.may_contact_for_research:
        raise SurveyError("This person has withdrawn from research contact: do not send them a link")
    if not invitation.is_open:
        raise SurveyError(f"This invitation is closed ({invitation.get_status_display().lower()})")
    missing = wording_missing(invitation.wave.instruments)
    if missing:
        raise SurveyError(missing_wording_message(missing))
    now = timezone.now()
    SurveyLink.objects.filter(invitation=invitation, submitted_at=None, revoked_at=None).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = SurveyLink.objects.create(
        invitation=invitation,
        token_hash=hash_token(token),
        instruments=list(invitation.wave.instruments),
        created_by=by,
        expires_at=now + dt.timedelta(days=invitation.wave.link_valid_days),
    )
    audit.record(
        by,
        A.CREATE,
        "survey_link",
        link.pk,
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Created a {invitation.wave.name} self-completion link, working until "
        f"{timezone.localtime(link.expires_at):%-d %B %Y}",
        request=request,
    )
    return link, token


def find_link(token: str) -> SurveyLink:
    """The usable link with this token, or :class:`LinkUnusable` saying why not."""
    link = (
        SurveyLink.objects.select_related("invitation__wave", "invitation__participant__service")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if link is None:
        raise LinkUnusable("unknown")
    if link.submitted_at is not None:
        raise LinkUnusable("used")
    participant = link.invitation.participant
    if link.revoked_at is not None or not participant.may_contact_for_research:
        raise LinkUnusable("closed")
    if link.expires_at <= timezone.now():
        raise LinkUnusable("expired")
    return link


def _lock_link(link: SurveyLink) -> SurveyLink:
    """Re-read the link inside the transaction, so two tabs cannot both send it."""
    fresh = SurveyLink.objects.select_for_update().select_related("invitation__participant").get(pk=link.pk)
    if fresh.submitted_at is not None:
        raise LinkUnusable("used")
    if fresh.revoked_at is not None or not fresh.invitation.participant.may_contact_for_research:
        raise LinkUnusable("closed")
    if fresh.expires_at <= timezone.now():
        raise LinkUnusable("expired")
    return fresh


def _link_response(link: SurveyLink, instrument: Instrument) -> Response:
    existing = Response.objects.filter(link=link, instrument_id=instrument.id).first()
    if existing is not None:
        return existing
    wording, label = _wording_for(instrument)
    invitation = link.invitation
    return Response(
        participant_id=invitation.participant_id,
        invitation=invitation,
        link=link,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        wording=wording,
        wording_label=label,
        answers={},
        mode=SurveyMode.WEB,
        via=Response.Via.LINK,
    )


@transaction.atomic
def save_link_answers(
    *,
    link: SurveyLink,
    instrument_id: str,
    answers: Mapping[str, int | None],
    request: HttpRequest | None = None,
) -> Response:
    """Keep the answers from one page of a self-completion questionnaire, so the person can come back."""
    link = _lock_link(link)
    if instrument_id not in link.instruments:
        raise SurveyError("This question is not part of this questionnaire")
    instrument = get_instrument(instrument_id)
    response = _link_response(link, instrument)
    merged = {**response.answers, **{k: answers.get(k) for k in answers}}
    _check(instrument, merged)
    response.answers = merged
    response.save()
    invitation = link.invitation
    if invitation.status == Invitation.Status.ISSUED:
        invitation.status = Invitation.Status.STARTED
        invitation.save(update_fields=["status"])
    audit.record(
        None,
        A.UPDATE,
        "survey_response",
        response.pk,
        participant_id=invitation.participant_id,
        service_id=invitation.participant.service_id,
        summary=f"Participant saved answers to {instrument.title} through a survey link",
        request=request,
        actor_label="Participant, by survey link",
    )
    return response


def link_answers(link: SurveyLink) -> dict[str, dict[str, int | None]]:
    """The answers saved so far through a link, by instrument."""
    return {r.instrument_id: dict(r.answers) for r in Response.objects.filter(link=link)}


@transaction.atomic
def submit_link(*, link: SurveyLink, request: HttpRequest | None = None) -> list[Response]:
    """Send a self-completed questionnaire: score every instrument and close the link for good.

    Instruments left unanswered are kept as partial responses with no score.
    """
    link = _lock_link(link)
    now = timezone.now()
    out = []
    for instrument_id in link.instruments:
        instrument = get_instrument(instrument_id)
        response = _link_response(link, instrument)
        response.answers = {i.key: response.answers.get(i.key) for i in instrument.items}
        _apply_score(response, _check(instrument, response.answers))
        response.state = Response.State.SUBMITTED
        response.submitted_at = now
        response.completed_on = timezone.localdate()
        response.save()
        out.append(response)
    link.submitted_at = now
    link.save(update_fields=["submitted_at"])
    _mark_responded(link.invitation)
    complete = sum(r.complete for r in out)
    audit.record(
        None,
        A.CREATE,
        "survey_response",
        link.invitation_id,
        participant_id=link.invitation.participant_id,
        service_id=link.invitation.participant.service_id,
        summary=f"Participant sent the {link.invitation.wave.name} questionnaire through a survey link "
        f"({complete} of {len(out)} questionnaires complete)",
        request=request,
        actor_label="Participant, by survey link",
    )
    return out


@transaction.atomic
def rescore_responses(
    *, by: User | None = None, instruments: Mapping[str, Instrument] | None = None
) -> list[ScoreChange]:
    """Recompute stored scores made under an older scoring version, recording each change.

    ``instruments`` maps ids to the instruments now in use (by default the library's registry, or a
    service's configured variants).
    """
    changes = []
    current = dict(instruments or {})
    submitted = Response.objects.filter(state=Response.State.SUBMITTED).select_related("participant")
    for response in submitted.iterator():
        instrument = current.get(response.instrument_id) or get_instrument(response.instrument_id)
        if response.scoring_version == instrument.version:
            continue
        old = (response.scoring_version, response.value, response.band)
        _apply_score(response, _check(instrument, response.answers))
        response.instrument_version = instrument.version
        response.save()
        change = ScoreChange.objects.create(
            response=response,
            old_version=old[0],
            new_version=instrument.version,
            old_value=old[1],
            new_value=response.value,
            old_band=old[2],
            new_band=response.band,
        )
        changes.append(change)
        audit.record(
            by,
            A.UPDATE,
            "survey_response",
            response.pk,
            participant_id=response.participant_id,
            service_id=response.participant.service_id,
            summary=f"Rescored {instrument.title}: scoring version {old[0]} to {instrument.version}",
            changes={"value": [old[1], response.value], "band": [old[2], response.band]},
        )
    return changes


@transaction.atomic
def load_licensed_wording(
    *,
    by: User | None,
    instrument_id: str,
    stem: str,
    items: Mapping[str, Mapping[str, Any]],
    licence_reference: str,
    title: str = "",
    request: HttpRequest | None = None,
) -> LicensedWording:
    """Store the organisation's licensed wording of an instrument as a new version.

    Every item needs its wording; answer labels are optional, but when given there must be one per answer.
    """
    try:
        instrument = get_instrument(instrument_id)
    except MeasureError as exc:
        raise SurveyError(str(exc), field="instrument") from exc
    if not is_licensed(instrument):
        raise SurveyError(f"{instrument.title} is not licensed: its wording ships with Placewell")
    if not licence_reference.strip():
        raise SurveyError("Enter your licence or registration reference", field="licence_reference")
    if not stem.strip():
        raise SurveyError("Enter the introduction", field="stem")
    unknown = set(items) - set(instrument.item_keys)
    if unknown:
        raise SurveyError(f"{instrument.title} has no item {', '.join(sorted(unknown))}")
    clean: dict[str, dict[str, Any]] = {}
    for item in instrument.items:
        given = items.get(item.key) or {}
        wording = str(given.get("wording") or "").strip()
        if not wording:
            raise SurveyError(f"Enter the wording of {item.key}", field=f"{item.key}_wording")
        labels = [str(label).strip() for label in given.get("options") or [] if str(label).strip()]
        if labels and len(labels) != len(item.options):
            raise SurveyError(
                f"{item.key} needs {len(item.options)} answer labels, one a line, or none to keep the "
                f"standard labels; you gave {len(labels)}",
                field=f"{item.key}_options",
            )
        clean[item.key] = {"wording": wording, "options": labels}
    for item in instrument.items:
        stand_in_labels = any("stand-in" in option.label.lower() for option in item.options)
        if stand_in_labels and not clean[item.key]["options"]:
            raise SurveyError(
                f"Enter the {len(item.options)} answer labels of {item.key}, one a line: the labels that "
                "ship are stand-ins too",
                field=f"{item.key}_options",
            )
    previous = LicensedWording.objects.filter(instrument_id=instrument.id).order_by("-version").first()
    wording_row = LicensedWording.objects.create(
        instrument_id=instrument.id,
        version=(previous.version + 1) if previous else 1,
        instrument_version=instrument.version,
        title=title.strip() or instrument.title,
        stem=stem.strip(),
        items=clean,
        licence_reference=licence_reference.strip()[:200],
        loaded_by=by,
    )
    audit.record(
        by,
        A.CONFIGURE,
        "licensed_wording",
        wording_row.pk,
        summary=f"Loaded licensed wording of {instrument.title}, version {wording_row.version}",
        request=request,
    )
    return wording_row


def record_scores_view(
    *, by: User, participant: Participant, what: str, request: HttpRequest | None = None
) -> None:
    """Audit a read of a participant's survey responses (they are part of the participant record)."""
    audit.record(
        by,
        A.VIEW,
        "survey_response",
        "",
        participant_id=participant.pk,
        service_id=participant.service_id,
        summary=f"Viewed {what}",
        request=request,
    )
