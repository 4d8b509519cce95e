"""Helpers for survey tests: people who have agreed to take part, set up through the real actions."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import refer

SWEMWBS_ALL_FOURS = {f"item{n}": 4 for n in range(1, 8)}


def agree(world, **overrides):  # type: ignore[no-untyped-def]
    """Refer, screen and record agreement; agreement puts the person in the survey sample."""
    from placewell.participants import services
    from placewell.participants.models import AgreementDocument, EligibilityRuleSet

    p = refer(world, **overrides)
    rule_set = EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")
    answers = {q.key: q.qualifying_answer for q in rule_set.questions.all()}
    services.screen_participant(by=world.alice, participant=p, rule_set=rule_set, answers=answers)
    doc = (
        AgreementDocument.objects.filter(service=None, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    services.record_agreement(
        by=world.alice,
        participant=p,
        document=doc,
        format="plain",
        answers={s.pk: True for s in doc.statements.all()},
    )
    p.refresh_from_db()
    return p


@pytest.fixture
def agreed(world):  # type: ignore[no-untyped-def]
    return agree(world)


def baseline_invitation(participant):  # type: ignore[no-untyped-def]
    return participant.survey_invitations.get(wave__is_baseline=True)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def load_test_wording(*instrument_ids: str) -> None:
    """Load made-up wording for licensed instruments through the real action, standing in a test for an
    organisation's licensed copy (the real wording cannot ship). Every word is "Test", so a test can tell it
    from both the engine's stand-in and a real instrument's text."""
    from placewell.engine.measures import get_instrument
    from placewell.surveys import services

    for instrument_id in instrument_ids:
        instrument = get_instrument(instrument_id)
        services.load_licensed_wording(
            by=None,
            instrument_id=instrument_id,
            stem="Test introduction.",
            items={
                item.key: {
                    "wording": f"Test question {n}",
                    "options": [f"Test answer {o.value}" for o in item.options],
                }
                for n, item in enumerate(instrument.items, 1)
            },
            licence_reference="TEST-LICENCE",
        )


@pytest.fixture
def wording_loaded(db):  # type: ignore[no-untyped-def]
    """The default waves' licensed questionnaires (EQ-5D-5L, SWEMWBS) with their wording loaded."""
    load_test_wording("eq5d5l", "swemwbs")
