"""Review actions: bad input refused with nothing half-saved, independence between reviewers, the engine's
result stored on completion, audit events with the service id, and earlier reviews from paper."""

from __future__ import annotations

import datetime as dt

import pytest

from placewell.accounts.models import AuditEvent
from placewell.engine.fidelity import IPS25, score_review
from placewell.fidelity import evidence, services
from placewell.fidelity.models import FidelityReview, ItemScore
from tests.fidelity.conftest import TODAY, score_all, start, uniform

STAFFING = IPS25.sections[0]


def test_a_review_date_in_the_future_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.ReviewError, match="today or in the past") as exc:
        start(world, review_date=TODAY + dt.timedelta(days=1))
    assert exc.value.field == "review_date"
    assert not FidelityReview.objects.exists()


def test_the_evidence_period_must_be_in_order_and_before_the_review(world) -> None:  # type: ignore[no-untyped-def]
    common = {"by": world.mandy, "service": world.service, "scale": "ips25", "figures": {}}
    with pytest.raises(services.ReviewError, match="before its end"):
        services.start_review(
            **common, review_date=TODAY, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 1, 1)
        )
    with pytest.raises(services.ReviewError, match="on or before the review date"):
        services.start_review(
            **common, review_date=dt.date(2026, 1, 1), period_start=dt.date(2025, 1, 1), period_end=TODAY
        )


def test_only_managers_and_team_leaders_of_the_service_conduct_reviews(world) -> None:  # type: ignore[no-untyped-def]
    for persona in ("alice", "charlie", "evan", "ada"):
        with pytest.raises(services.ReviewError, match="may not conduct"):
            services.start_review(
                by=getattr(world, persona),
                service=world.service,
                scale="ips25",
                review_date=TODAY,
                period_start=dt.date(2025, 3, 1),
                period_end=dt.date(2026, 2, 28),
                figures={},
            )
    with pytest.raises(services.ReviewError, match="second reviewer must be able"):
        services.start_review(
            by=world.mandy,
            service=world.service,
            scale="ips25",
            review_date=TODAY,
            period_start=dt.date(2025, 3, 1),
            period_end=dt.date(2026, 2, 28),
            second_reviewer=world.alice,
            figures={},
        )


@pytest.mark.parametrize("bad", [0, 6, 2.5, "3", True, None])
def test_a_bad_score_saves_nothing_of_the_section(world, bad) -> None:  # type: ignore[no-untyped-def]
    review = start(world)
    scores: dict[str, object] = dict.fromkeys(STAFFING.items, 4)
    scores[STAFFING.items[-1]] = bad
    with pytest.raises(services.ReviewError) as exc:
        services.save_scores(by=world.mandy, review=review, section=STAFFING.key, scores=scores)
    assert exc.value.field == STAFFING.items[-1]
    assert not ItemScore.objects.exists()


def test_a_missing_item_is_refused_by_name(world) -> None:  # type: ignore[no-untyped-def]
    review = start(world)
    scores = dict.fromkeys(STAFFING.items[:-1], 4)
    with pytest.raises(services.ReviewError, match="Select a score for Specialists carry every phase"):
        services.save_scores(by=world.mandy, review=review, section=STAFFING.key, scores=scores)
    assert not ItemScore.objects.exists()


def test_submitting_an_incomplete_review_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    review = start(world)
    services.save_scores(
        by=world.mandy, review=review, section=STAFFING.key, scores=dict.fromkeys(STAFFING.items, 4)
    )
    with pytest.raises(services.ReviewError, match="Not scored yet: Attached to health teams"):
        services.submit_scores(by=world.mandy, review=review)
    review.refresh_from_db()
    assert review.first_submitted_at is None


def test_each_reviewer_sees_only_their_own_scores_until_both_submit(world) -> None:  # type: ignore[no-untyped-def]
    review = start(world)
    score_all(world.mandy, review, uniform("ips25", 4))
    services.submit_scores(by=world.mandy, review=review)
    review.refresh_from_db()
    assert services.visible_rounds(review, world.mandy) == {"first"}
    assert services.visible_rounds(review, world.tess) == {"second"}
    assert services.visible_rounds(review, world.evan) == set()
    score_all(world.tess, review, uniform("ips25", 3))
    services.submit_scores(by=world.tess, review=review)
    review.refresh_from_db()
    assert review.status == FidelityReview.Status.AGREEING
    assert services.visible_rounds(review, world.evan) == {"first", "second", "consensus"}
    with pytest.raises(services.ReviewError, match="already submitted"):
        services.save_scores(
            by=world.mandy, review=review, section=STAFFING.key, scores=dict.fromkeys(STAFFING.items, 5)
        )


def test_completion_stores_the_engines_result_and_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    review = start(world, second=False)
    scores = uniform("ips25", 4) | {"caseload_size": 5, "disclosure": 2}
    score_all(world.mandy, review, scores)
    services.submit_scores(by=world.mandy, review=review)
    with pytest.raises(services.ReviewError, match="Agree a score for every item first"):
        services.complete_review(by=world.mandy, review=review)
    for section in IPS25.sections:
        services.save_consensus(
            by=world.mandy,
            review=review,
            section=section.key,
            scores={k: scores[k] for k in section.items},
        )
    result = services.complete_review(by=world.mandy, review=review)
    review.refresh_from_db()
    expected = score_review("ips25", scores)
    assert (review.total, review.band, review.result) == (expected.total, expected.band, expected.as_dict())
    assert result == expected
    events = AuditEvent.objects.filter(record_type="fidelity_review", record_id=str(review.pk))
    assert events.count() >= 6
    assert set(events.values_list("service_id", flat=True)) == {world.service.pk}


def test_an_action_is_due_on_or_after_the_review(world) -> None:  # type: ignore[no-untyped-def]
    review = start(world)
    with pytest.raises(services.ReviewError, match="on or after the review date"):
        services.add_action(
            by=world.mandy,
            review=review,
            item="caseload_size",
            action="Lower caseloads",
            owner="Tess",
            due_on=TODAY - dt.timedelta(days=1),
        )
    with pytest.raises(services.ReviewError, match="Select an item"):
        services.add_action(
            by=world.mandy, review=review, item="nope", action="x", owner="Tess", due_on=TODAY
        )
    with pytest.raises(services.ReviewError, match="may not change"):
        services.add_action(
            by=world.alice, review=review, item="caseload_size", action="x", owner="A", due_on=TODAY
        )


def test_an_earlier_review_from_paper_is_scored_whole_or_not_at_all(world) -> None:  # type: ignore[no-untyped-def]
    common = {
        "by": world.mandy,
        "service": world.service,
        "scale": "seqf",
        "review_date": dt.date(2025, 3, 1),
        "period_start": dt.date(2024, 3, 1),
        "period_end": dt.date(2025, 2, 28),
        "reviewer_names": ["A Reviewer"],
    }
    bad = uniform("seqf", 3) | {"job_outcome_rate": 6}
    with pytest.raises(services.ReviewError, match="job_outcome_rate"):
        services.record_past_review(**common, scores=bad)
    assert not FidelityReview.objects.exists()
    review = services.record_past_review(**common, scores=uniform("seqf", 4))
    assert (review.total, review.band, review.status) == (100, "good", "complete")


def test_stored_evidence_gives_the_same_suggestions_later(world) -> None:  # type: ignore[no-untyped-def]
    figures = evidence.from_mi([])
    review = start(world)
    assert evidence.from_json(review.evidence) == figures
