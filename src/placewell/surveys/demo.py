"""Demo survey data: baseline and follow-up responses for the demo participants, through the real actions.

Each participant in the survey sample gets a baseline a few weeks after referral (demo trial participants
already have theirs, given in the first meeting before randomisation: :func:`record_baseline`); the monthly
batches are then run month by month up to today, as the scheduled command would have done. About 42% of follow-ups get a
response, near the Health-led Trials' 12-month response rate of 41.8% (DWP research report 1025, Table 6.2; BRIEF.md); the
rest get calls or visits, some until the attempts rule makes them non-responses. Answers come from a latent
wellbeing level per person that improves a little over time, so the panels and tables have something to show;
they are not calibrated to any published distribution.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from placewell.accounts.models import Role, User
from placewell.engine.measures import get_instrument
from placewell.participants.choices import SurveyMode
from placewell.participants.models import Participant
from placewell.surveys import fieldwork, services
from placewell.surveys.models import ContactAttempt, Invitation, SurveyEnrolment, SurveyWave
from placewell.ui.months import add_months

RESPONSE_RATE = 0.42
"""Near the Health-led Trials' 12-month survey response, 41.8% (DWP research report 1025, Table 6.2)."""


def _answers(rng: random.Random, instrument_id: str, level: float) -> dict[str, int | None]:
    """Answers consistent with a latent wellbeing ``level`` in [0, 1] (1 is best)."""
    instrument = get_instrument(instrument_id)
    out: dict[str, int | None] = {}
    worse_is_higher = instrument.higher_is_better is False
    for item in instrument.items:
        latent = 1 - level if worse_is_higher or item.key == "anxiety" else level
        raw = item.minimum + (item.maximum - item.minimum) * min(max(latent + rng.gauss(0, 0.15), 0), 1)
        out[item.key] = round(raw)
    if rng.random() < 0.05:  # a few partial responses: one question left out
        out[rng.choice(instrument.item_keys)] = None
    return out


def _respond(
    rng: random.Random, invitation: Invitation, by: User, level: float, day: dt.date, mode: str = ""
) -> None:
    mode = mode or (
        invitation.mode
        if invitation.mode != SurveyMode.WEB
        else rng.choice([SurveyMode.WEB, SurveyMode.PHONE])
    )
    for instrument_id in invitation.wave.instruments:
        services.record_response(
            by=by,
            participant=invitation.participant,
            instrument_id=instrument_id,
            answers=_answers(rng, instrument_id, level),
            mode=mode,
            invitation=invitation,
            completed_on=day,
        )


def record_baseline(rng: random.Random, participant: Participant, by: User, day: dt.date) -> None:
    """Give a demo participant their baseline face to face on ``day``, as in a trial's first meeting.

    The baseline date is set to that day first, so follow-ups fall due from it.
    """
    enrolment = fieldwork.enrolment_of(participant)
    if enrolment is None:
        return
    fieldwork.correct_baseline_date(by=None, enrolment=enrolment, baseline_date=day)
    progress = fieldwork.baseline_progress(participant)
    if progress.invitation is not None and progress.missing:
        _respond(rng, progress.invitation, by, rng.betavariate(2.2, 2.8), day, SurveyMode.FACE_TO_FACE)


def _chase(rng: random.Random, invitation: Invitation, by: User, today: dt.date) -> None:
    method = (
        ContactAttempt.Method.FACE_TO_FACE
        if invitation.mode == SurveyMode.FACE_TO_FACE
        else ContactAttempt.Method.PHONE
    )
    tries = rng.randint(1, 13 if method == ContactAttempt.Method.PHONE else 6)
    start = timezone.make_aware(dt.datetime.combine(invitation.window_opens, dt.time(10)))
    for n in range(tries):
        at = start + dt.timedelta(days=2 * n, hours=rng.randint(0, 7))
        if at.date() > today or not invitation.is_open:
            return
        fieldwork.record_attempt(
            by=by,
            invitation=invitation,
            method=method,
            outcome=rng.choice([ContactAttempt.Outcome.NO_ANSWER, ContactAttempt.Outcome.MESSAGE_LEFT]),
            at=min(at, timezone.now()),
        )
        invitation.refresh_from_db()


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = add_months(day, 1)
    return out


SELF_COMPLETION_INSTRUMENTS = ["phq8", "gad7", "ons4"]
"""The demo's 4-month follow-up, the wave a specialist sends by link: only questionnaires whose wording ships
(PHQ-8 and GAD-7 free to reproduce, ONS4 under the Open Government Licence), since a link is refused while a
licensed questionnaire's wording is not loaded and the demo cannot ship licensed wording."""


def _shipped_wording_follow_up() -> None:
    for wave in SurveyWave.objects.filter(key="4-month", trial_reference="", is_active=True):
        if list(wave.instruments) != SELF_COMPLETION_INSTRUMENTS:
            fieldwork.update_wave(by=None, wave=wave, changes={"instruments": SELF_COMPLETION_INSTRUMENTS})  # type: ignore[arg-type]


@transaction.atomic
def load_responses(rng: random.Random, progress: Callable[[str], None]) -> None:
    today = timezone.localdate()
    _shipped_wording_follow_up()
    enrolments = list(
        SurveyEnrolment.objects.select_related("participant__specialist", "participant__team").order_by("pk")
    )
    if not enrolments:
        return
    level: dict[int, float] = {}
    staff: dict[int, User] = {}
    for enrolment in enrolments:
        p = enrolment.participant
        referred = (
            p.referrals.order_by("referral_date").values_list("referral_date", flat=True).first() or today
        )
        baseline = min(referred + dt.timedelta(days=rng.randint(7, 28)), today)
        level[p.pk] = rng.betavariate(2.2, 2.8)
        by = p.specialist or User.objects.filter(team=p.team_id, role=Role.SPECIALIST).order_by("pk").first()
        assert by is not None
        staff[p.pk] = by
        if fieldwork.baseline_progress(p).sent:  # given in a trial's first meeting: keep it as it was
            continue
        fieldwork.correct_baseline_date(by=None, enrolment=enrolment, baseline_date=baseline)
        for invitation in enrolment.invitations.select_related("wave", "participant"):
            if invitation.participant.may_contact_for_research:
                _respond(rng, invitation, by, level[p.pk], baseline)
    progress(f"Survey baselines: {len(enrolments)}")
    first = min(e.baseline_date for e in SurveyEnrolment.objects.all())
    for month in _months(first, today):
        result = fieldwork.issue_monthly_batch(on=month)
        for invitation in result.issued:
            pid = invitation.participant_id
            level[pid] = min(1.0, level[pid] + rng.uniform(0.0, 0.12))
            day = invitation.due_date + dt.timedelta(days=rng.randint(0, 21))
            if rng.random() < RESPONSE_RATE and day <= today:
                _respond(rng, invitation, staff[pid], level[pid], day)
            else:
                _chase(rng, invitation, staff[pid], today)
    fieldwork.issue_monthly_batch(on=today)
    progress("Survey follow-ups: monthly batches up to this month")
