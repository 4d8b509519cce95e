"""Responses, links, licensed wording and rescoring.

Scores are the engine's (``placewell.engine.measures.score``), whose own tests check them against the
published tables; here the stored score must equal the engine's for the same answers, partial answers must
stay partial, and bad input must be refused with nothing saved.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests.surveys.conftest import SWEMWBS_ALL_FOURS, baseline_invitation, noon


def test_a_staff_entered_response_keeps_who_how_when_and_the_engines_score(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts.models import AuditEvent
    from placewell.engine.measures import score
    from placewell.surveys import services
    from placewell.surveys.models import Invitation

    invitation = baseline_invitation(agreed)
    r = services.record_response(
        by=world.alice,
        participant=agreed,
        instrument_id="swemwbs",
        answers=SWEMWBS_ALL_FOURS,
        mode="phone",
        invitation=invitation,
    )
    expected = score("swemwbs", SWEMWBS_ALL_FOURS)
    assert (r.value, r.raw, r.complete) == (expected.value, expected.raw, True)
    # Raw 7 x 4 = 28 is 25.03 in the Warwick Medical School conversion table (INSTRUMENTS.md).
    assert r.value == 25.03
    assert (r.instrument_version, r.scoring_version) == ("1.0", "1.0")
    assert (r.entered_by, r.via, r.mode, r.state) == (world.alice, "staff", "phone", "submitted")
    assert r.wording_label == "descriptive stand-in"
    assert r.completed_on is not None
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.RESPONDED
    event = AuditEvent.objects.get(record_type="survey_response", action="create")
    assert event.participant_id == agreed.pk and event.actor == world.alice


def test_a_partial_response_is_kept_as_partial_and_never_scored_as_complete(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    answers = {**SWEMWBS_ALL_FOURS, "item7": None}
    r = services.record_response(
        by=world.alice, participant=agreed, instrument_id="swemwbs", answers=answers, mode="face_to_face"
    )
    assert r.complete is False and r.value is None and r.is_partial
    assert any("item7" in reason for reason in r.reasons)
    assert r.answers["item7"] is None


@pytest.mark.parametrize(
    ("instrument", "answers", "field"),
    [
        ("swemwbs", {**SWEMWBS_ALL_FOURS, "item3": 6}, "item3"),
        ("phq8", {"item1": -1}, "item1"),
        ("eq5d5l", {"vas": 101}, "vas"),
        ("swemwbs", {"item99": 1}, "item99"),
    ],
)
def test_out_of_range_or_unknown_answers_are_refused_and_nothing_is_saved(
    world, agreed, instrument, answers, field
) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts.models import AuditEvent
    from placewell.surveys import services
    from placewell.surveys.errors import SurveyError
    from placewell.surveys.models import Response

    events = AuditEvent.objects.count()
    with pytest.raises(SurveyError) as refused:
        services.record_response(
            by=world.alice, participant=agreed, instrument_id=instrument, answers=answers, mode="phone"
        )
    assert field in str(refused.value) or refused.value.field == field
    assert Response.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_an_unknown_instrument_is_refused(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.errors import SurveyError

    with pytest.raises(SurveyError, match="unknown instrument"):
        services.record_response(
            by=world.alice, participant=agreed, instrument_id="nope", answers={}, mode="phone"
        )


def test_a_link_stores_only_a_hash_and_can_be_resumed_until_sent_and_never_reused(
    world, agreed, wording_loaded
) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.errors import LinkUnusable
    from placewell.surveys.models import Invitation, Response, SurveyLink

    invitation = baseline_invitation(agreed)
    link, token = services.create_link(by=world.alice, invitation=invitation)
    assert len(token) >= 40
    assert link.token_hash == services.hash_token(token) != token
    assert not SurveyLink.objects.filter(token_hash__contains=token).exists()
    assert abs(link.expires_at - link.created_at - dt.timedelta(days=28)) < dt.timedelta(seconds=1)
    assert link.instruments == ["eq5d5l", "swemwbs", "phq8", "gad7", "ons4"]

    services.save_link_answers(
        link=services.find_link(token), instrument_id="swemwbs", answers={"item1": 3, "item2": 4}
    )
    services.save_link_answers(link=services.find_link(token), instrument_id="swemwbs", answers={"item3": 5})
    assert services.link_answers(link)["swemwbs"] == {"item1": 3, "item2": 4, "item3": 5}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.STARTED

    sent = services.submit_link(link=services.find_link(token))
    assert len(sent) == 5 and all(
        r.state == "submitted" and r.via == "link" and r.mode == "web" for r in sent
    )
    assert not any(r.complete for r in sent)  # nothing was answered in full
    with pytest.raises(LinkUnusable) as used:
        services.find_link(token)
    assert used.value.reason == "used"
    with pytest.raises(LinkUnusable):
        services.save_link_answers(link=link, instrument_id="phq8", answers={"item1": 1})
    assert Response.objects.filter(instrument_id="phq8", answers__item1=1).count() == 0


def test_an_expired_link_saves_nothing(world, agreed, wording_loaded) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.errors import LinkUnusable
    from placewell.surveys.models import Response

    with time_machine.travel(noon(dt.date(2026, 11, 20)), tick=False) as t:
        link, token = services.create_link(by=world.alice, invitation=baseline_invitation(agreed))
        t.move_to(noon(dt.date(2026, 12, 18)) + dt.timedelta(hours=1))
        with pytest.raises(LinkUnusable) as expired:
            services.find_link(token)
        assert expired.value.reason == "expired"
        with pytest.raises(LinkUnusable):
            services.save_link_answers(link=link, instrument_id="swemwbs", answers={"item1": 3})
    assert not Response.objects.exists()


def test_a_new_link_replaces_the_old_one(world, agreed, wording_loaded) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.errors import LinkUnusable

    _, first = services.create_link(by=world.alice, invitation=baseline_invitation(agreed))
    _, second = services.create_link(by=world.alice, invitation=baseline_invitation(agreed))
    with pytest.raises(LinkUnusable) as closed:
        services.find_link(first)
    assert closed.value.reason == "closed"
    assert services.find_link(second)
    with pytest.raises(LinkUnusable) as unknown:
        services.find_link("not-a-real-token")
    assert unknown.value.reason == "unknown"


def test_stand_in_until_licensed_wording_is_loaded_then_the_licensed_wording(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.questionnaire import present_many

    before = present_many(["swemwbs", "phq8"])
    assert before[0].stand_in and before[0].questions[0].wording.startswith("Stand-in:")
    assert not before[1].stand_in  # public domain: ships
    items = {f"item{n}": {"wording": f"Licensed statement {n}", "options": []} for n in range(1, 8)}
    wording = services.load_licensed_wording(
        by=world.ada, instrument_id="swemwbs", stem="Licensed stem", items=items, licence_reference="REG-1"
    )
    after = present_many(["swemwbs"])[0]
    assert not after.stand_in and after.questions[0].wording == "Licensed statement 1"
    assert after.questions[0].options[0] == (1, "None of the time")  # shipped labels kept
    r = services.record_response(
        by=world.alice, participant=agreed, instrument_id="swemwbs", answers=SWEMWBS_ALL_FOURS, mode="phone"
    )
    assert r.wording == wording and r.wording_label == "licensed wording v1"


def test_licensed_wording_is_refused_when_incomplete_or_for_public_domain_instruments(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.errors import SurveyError
    from placewell.surveys.models import LicensedWording

    items = {f"item{n}": {"wording": f"Statement {n}"} for n in range(1, 7)}  # item7 missing
    with pytest.raises(SurveyError) as missing:
        services.load_licensed_wording(
            by=world.ada, instrument_id="swemwbs", stem="S", items=items, licence_reference="R"
        )
    assert missing.value.field == "item7_wording"
    items["item7"] = {"wording": "Statement 7", "options": ["only", "two"]}
    with pytest.raises(SurveyError, match="needs 5 answer labels"):
        services.load_licensed_wording(
            by=world.ada, instrument_id="swemwbs", stem="S", items=items, licence_reference="R"
        )
    with pytest.raises(SurveyError, match="not licensed"):
        services.load_licensed_wording(
            by=world.ada, instrument_id="phq8", stem="S", items={}, licence_reference="R"
        )
    assert not LicensedWording.objects.exists()


def test_the_load_licensed_wording_command(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import LicensedWording

    levels = ["L1", "L2", "L3", "L4", "L5"]
    data = {
        "instrument": "eq5d5l",
        "licence_reference": "EQ-123",
        "stem": "Under each heading, choose one answer.",
        "items": {
            **{
                k: {"wording": k.title(), "options": levels}
                for k in (
                    "mobility",
                    "self_care",
                    "usual_activities",
                    "pain_discomfort",
                    "anxiety_depression",
                )
            },
            "vas": {"wording": "Your health today", "options": ["Worst", "Best"]},
        },
    }
    good = tmp_path / "eq5d.json"
    good.write_text(json.dumps(data))
    call_command("load_licensed_wording", str(good))
    assert LicensedWording.objects.get().items["mobility"]["options"] == levels
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "items": {"mobility": {"wording": "x"}}}))
    with pytest.raises(CommandError, match="wording of self_care"):
        call_command("load_licensed_wording", str(bad))
    assert LicensedWording.objects.count() == 1


def test_scores_are_recomputed_when_the_scoring_version_changes_and_the_change_is_recorded(
    world, agreed
) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts.models import AuditEvent
    from placewell.engine.measures import INSTRUMENTS, MissingRule
    from placewell.surveys import services

    r = services.record_response(
        by=world.alice,
        participant=agreed,
        instrument_id="swemwbs",
        answers={**SWEMWBS_ALL_FOURS, "item7": None},
        mode="phone",
    )
    assert r.value is None
    assert services.rescore_responses() == []  # same version: nothing to do
    variant = INSTRUMENTS["swemwbs"].variant("1.0-prorate1", missing_rule=MissingRule(1, "one gap pro-rated"))
    changes = services.rescore_responses(instruments={"swemwbs": variant})
    r.refresh_from_db()
    assert [(c.old_version, c.new_version, c.old_value) for c in changes] == [("1.0", "1.0-prorate1", None)]
    # Pro-rated raw: mean 4 x 7 = 28 -> 25.03; still not complete, because an item is unanswered.
    assert (r.value, r.complete, r.scoring_version) == (25.03, False, "1.0-prorate1")
    assert changes[0].new_value == 25.03
    assert AuditEvent.objects.filter(
        record_type="survey_response", action="update", participant_id=agreed.pk
    ).exists()
    call_command("rescore_survey_responses")  # back to the registry's version 1.0
    r.refresh_from_db()
    assert (r.value, r.scoring_version, r.score_changes.count()) == (None, "1.0", 2)
