"""Review pages with the personas: the whole review through the pages (totals equal the engine's), the
agreement on a known example, suggestions beside items, bad input, permissions and query counts.

Permissions (``accounts.policy``): service managers and team leaders conduct and view reviews of their own
service; specialists, including charlie of another team in the same service, view them but do not conduct;
the evaluator views only; the administrator is refused.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from statsmodels.stats.inter_rater import cohens_kappa

from placewell.engine.fidelity import IPS25, score_review
from placewell.fidelity import services
from placewell.fidelity.models import FidelityReview, ItemScore
from tests.fidelity.conftest import TODAY, post_section, score_all, score_through_pages, start, uniform

# A known example: the engine's hand-worked ten items (tests/engine/fidelity/test_agreement.py), then
# fifteen items both reviewers scored alike. Hand-counted: 20 of 25 the same (80%), all 25 within one.
HAND_FIRST = [5, 4, 3, 3, 2, 5, 4, 1, 3, 4]
HAND_SECOND = [5, 3, 3, 4, 2, 4, 4, 2, 3, 5]
ALIKE = [*HAND_FIRST, 5, 4, 3, 2, 1]
FIRST = [*HAND_FIRST, *ALIKE]
SECOND = [*HAND_SECOND, *ALIKE]


def reference_kappa() -> float:
    """Independent reference: statsmodels' linear-weighted Cohen's kappa on the 5 x 5 table."""
    table = np.zeros((5, 5))
    for a, b in zip(FIRST, SECOND, strict=True):
        table[a - 1, b - 1] += 1
    return float(cohens_kappa(table, wt="linear").kappa)


def as_scores(values: list[int]) -> dict[str, int]:
    return dict(zip(IPS25.item_keys, values, strict=True))


def test_a_whole_review_through_the_pages(client, world, no_mi) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.mandy)
    response = client.post(
        "/fidelity/new/",
        {
            "scale": "ips25",
            "review_date_0": "16",
            "review_date_1": "3",
            "review_date_2": "2026",
            "period_start_0": "1",
            "period_start_1": "3",
            "period_start_2": "2025",
            "period_end_0": "28",
            "period_end_1": "2",
            "period_end_2": "2026",
            "second_reviewer": str(world.tess.pk),
        },
    )
    assert response.status_code == 302
    review = FidelityReview.objects.get()
    first, second = as_scores(FIRST), as_scores(SECOND)
    score_through_pages(client, review, first)
    # Before submitting, the second reviewer's page shows nothing of the first reviewer's scores.
    client.post(f"/fidelity/{review.pk}/submit/")
    client.force_login(world.tess)
    page = client.get(f"/fidelity/{review.pk}/score/staffing/").content.decode()
    assert "checked" not in page
    assert client.get(f"/fidelity/{review.pk}/agreement/").status_code == 302
    score_through_pages(client, review, second)
    client.post(f"/fidelity/{review.pk}/submit/")

    body = client.get(f"/fidelity/{review.pk}/agreement/").content.decode()
    assert '<dd class="govuk-summary-list__value" data-testid="exact">80%</dd>' in body
    assert '<dd class="govuk-summary-list__value" data-testid="within-one">100%</dd>' in body
    assert f'data-testid="kappa">{reference_kappa():.2f}</dd>' in body

    # The agreed score is the first reviewer's where they differ, as the reviewers decide here.
    score_through_pages(client, review, first, kind="agree")
    assert client.post(f"/fidelity/{review.pk}/complete/").status_code == 302
    expected = score_review("ips25", first)
    body = client.get(f"/fidelity/{review.pk}/").content.decode()
    assert f'data-testid="total">{expected.total} out of {expected.maximum}</dd>' in body
    assert f'data-testid="band">{expected.band.capitalize()}</dd>' in body
    for section in expected.sections:
        assert f'data-testid="section-total">{section.total}</td>' in body
    report = client.get(f"/fidelity/{review.pk}/report/").content.decode()
    assert f"{expected.total} out of {expected.maximum}" in report
    assert "fidelity/print.css" in report and 'media="print"' in report


def test_suggestions_are_shown_beside_the_items(client, world, no_mi) -> None:  # type: ignore[no-untyped-def]
    review = services.start_review(
        by=world.mandy,
        service=world.service,
        scale="ips25",
        review_date=TODAY,
        period_start=dt.date(2025, 3, 1),
        period_end=dt.date(2026, 2, 28),
        figures=services.evidence.collect(world.service, dt.date(2025, 3, 1), dt.date(2026, 2, 28)),
    )
    client.force_login(world.mandy)
    staffing = client.get(f"/fidelity/{review.pk}/score/staffing/").content.decode()
    assert "Suggested from MI: 4" in staffing  # the fake figure: 22.5 per full-time specialist
    assert "At most 20 participants per full-time employment specialist" in staffing  # score 5's anchor
    services_page = client.get(f"/fidelity/{review.pk}/score/services/").content.decode()
    assert "No suggestion: figure not available yet" in services_page


def test_bad_input_through_the_pages_is_refused_and_nothing_saved(client, world) -> None:  # type: ignore[no-untyped-def]
    review = start(world)
    client.force_login(world.mandy)
    scores = dict.fromkeys(IPS25.sections[0].items, 4) | {"caseload_size": 6}
    response = post_section(client, f"/fidelity/{review.pk}/score/staffing/", scores, IPS25.sections[0].items)
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "There is a problem" in body
        and "The score for Caseload size must be a whole number from 1 to 5" in body
    )
    del scores["caseload_size"]
    response = client.post(f"/fidelity/{review.pk}/score/staffing/", {k: str(v) for k, v in scores.items()})
    assert "Select a score for Caseload size" in response.content.decode()
    assert not ItemScore.objects.exists()
    response = client.post(
        "/fidelity/new/",
        {
            "scale": "ips25",
            "review_date_0": "17",
            "review_date_1": "3",
            "review_date_2": "2026",
            "period_start_0": "1",
            "period_start_1": "3",
            "period_start_2": "2025",
            "period_end_0": "28",
            "period_end_1": "2",
            "period_end_2": "2026",
        },
    )
    assert "The review date must be today or in the past" in response.content.decode()
    assert FidelityReview.objects.count() == 1


def complete_review(world) -> FidelityReview:  # type: ignore[no-untyped-def]
    review = start(world)
    for user in (world.mandy, world.tess):
        score_all(user, review, uniform("ips25", 4))
        services.submit_scores(by=user, review=review)
    for section in IPS25.sections:
        services.save_consensus(
            by=world.mandy, review=review, section=section.key, scores=dict.fromkeys(section.items, 4)
        )
    services.complete_review(by=world.mandy, review=review)
    services.add_action(
        by=world.mandy, review=review, item="caseload_size", action="Recruit", owner="Mandy", due_on=TODAY
    )
    return review


@pytest.mark.parametrize(
    ("persona", "view", "conduct"),
    [
        ("mandy", 200, 200),
        ("tess", 200, 200),
        ("alice", 200, 403),
        ("charlie", 200, 403),  # another team of the same service: may read, may not conduct
        ("evan", 200, 403),
        ("ada", 403, 403),
    ],
)
def test_who_may_view_and_conduct(client, world, persona, view, conduct) -> None:  # type: ignore[no-untyped-def]
    review = complete_review(world)
    client.force_login(getattr(world, persona))
    for url in (
        "/fidelity/",
        f"/fidelity/{review.pk}/",
        f"/fidelity/{review.pk}/agreement/",
        f"/fidelity/{review.pk}/report/",
        "/fidelity/compare/",
    ):
        assert client.get(url).status_code == view, url
    assert client.get("/fidelity/new/").status_code == conduct
    assert client.get(f"/fidelity/{review.pk}/actions/new/").status_code == conduct
    before = ItemScore.objects.count()
    client.post(f"/fidelity/{review.pk}/complete/")
    assert ItemScore.objects.count() == before


def test_another_services_reviews_are_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts import services as acc

    review = complete_review(world)
    other = acc.create_service(by=None, provider=world.provider, name="Other IPS", model="ips")
    outsider = acc.create_staff(
        by=None,
        username="olga",
        password="x-long-enough-password-1",
        first_name="Olga",
        last_name="Other",
        email="olga@example.org",
        role="service_manager",
        service=other,
    )
    client.force_login(outsider)
    assert client.get(f"/fidelity/{review.pk}/").status_code == 404
    assert (
        str(review.review_date.year) not in client.get("/fidelity/").content.decode().split("All reviews")[-1]
    )


def test_an_action_through_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    review = start(world)
    client.force_login(world.tess)
    response = client.post(
        f"/fidelity/{review.pk}/actions/new/",
        {
            "item": "caseload_size",
            "action": "Recruit a specialist",
            "owner": "Tess",
            "due_on_0": "30",
            "due_on_1": "6",
            "due_on_2": "2026",
        },
    )
    assert response.status_code == 302
    assert "Recruit a specialist" in client.get(f"/fidelity/{review.pk}/").content.decode()


def test_the_comparison_page_has_charts_with_text_and_tables(client, world) -> None:  # type: ignore[no-untyped-def]
    for year, value in ((2024, 3), (2025, 4)):
        services.record_past_review(
            by=world.mandy,
            service=world.service,
            scale="ips25",
            review_date=dt.date(year, 3, 1),
            period_start=dt.date(year - 1, 3, 1),
            period_end=dt.date(year, 2, 28),
            reviewer_names=["Mandy Persona"],
            scores=uniform("ips25", value),
        )
    client.force_login(world.evan)
    body = client.get(f"/fidelity/compare/?service={world.service.pk}&scale=ips25").content.decode()
    assert body.count('role="img"') == 2
    assert "Mar 2024: 75 (fair), Mar 2025: 100 (good)" in body
    assert "style=" not in body and "<script>" not in body


def count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_reviews(client, world) -> None:  # type: ignore[no-untyped-def]
    first = complete_review(world)
    client.force_login(world.mandy)
    pages = [
        "/fidelity/",
        "/fidelity/compare/",
        f"/fidelity/{first.pk}/",
        f"/fidelity/{first.pk}/agreement/",
        f"/fidelity/{first.pk}/report/",
    ]
    before = {url: count_queries(client, url) for url in pages}
    for _ in range(3):
        complete_review(world)
    after = {url: count_queries(client, url) for url in pages}
    assert after == before
    assert all(n <= 12 for n in after.values()), after


def test_a_scoring_page_has_a_fixed_query_count(client, world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    review = start(world)
    client.force_login(world.mandy)
    with django_assert_max_num_queries(10):
        client.get(f"/fidelity/{review.pk}/score/services/")


def test_evaluators_see_figures_resting_on_fewer_than_5_people_suppressed(client, world) -> None:  # type: ignore[no-untyped-def]
    """As on the dashboards (insight.suppression: counts 1-4 and figures resting on them are not shown to
    evaluators): a caseload figure over 3 people is hidden from the evaluator, shown to the manager."""
    from tests.fidelity.conftest import FakeFigure

    figures = services.evidence.from_mi(
        [FakeFigure("average_caseload_per_fte", 22.5, "participants per full-time specialist", n=3)]
    )
    review = services.start_review(
        by=world.mandy,
        service=world.service,
        scale="ips25",
        review_date=TODAY,
        period_start=dt.date(2025, 3, 1),
        period_end=dt.date(2026, 2, 28),
        figures=figures,
    )
    scores = uniform("ips25", 3)
    score_all(world.mandy, review, scores)
    services.submit_scores(by=world.mandy, review=review)
    for section in IPS25.sections:
        services.save_consensus(
            by=world.mandy, review=review, section=section.key, scores={k: scores[k] for k in section.items}
        )
    services.complete_review(by=world.mandy, review=review)
    for page in (f"/fidelity/{review.pk}/", f"/fidelity/{review.pk}/report/"):
        client.force_login(world.mandy)
        shown = client.get(page).content.decode()
        assert "22.5" in shown and "fewer than 5 people" not in shown, page
        client.force_login(world.evan)
        hidden = client.get(page).content.decode()
        assert "Not shown: based on fewer than 5 people" in hidden, page
        assert "22.5" not in hidden, page


def test_an_earlier_paper_review_through_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    """Choose the form, then dates, names and every agreed score; the total equals the engine's. A score
    missing for one item is refused beside it and nothing is saved."""
    client.force_login(world.mandy)
    assert "Record an earlier review" in client.get("/fidelity/").content.decode()
    assert 'name="scale"' in client.get("/fidelity/past/new/").content.decode()
    url = "/fidelity/past/new/?scale=ips25"
    scores = as_scores(FIRST)
    form = {
        "review_date_0": "14",
        "review_date_1": "3",
        "review_date_2": "2024",
        "period_start_0": "1",
        "period_start_1": "3",
        "period_start_2": "2023",
        "period_end_0": "29",
        "period_end_1": "2",
        "period_end_2": "2024",
        "first_reviewer": "R. Reviewer",
        "second_reviewer": "",
    } | {k: str(v) for k, v in scores.items()}
    missing = dict(form)
    del missing["caseload_size"]
    r = client.post(url, missing)
    assert r.status_code == 200 and "Select the agreed score for Caseload size" in r.content.decode()
    assert not FidelityReview.objects.exists()
    r = client.post(url, form)
    review = FidelityReview.objects.get()
    expected = score_review("ips25", scores)
    assert r.status_code == 302 and review.from_paper and review.total == expected.total
    client.force_login(world.alice)  # specialists view reviews but do not record them
    assert client.get(url).status_code == 403
