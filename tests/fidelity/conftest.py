"""Fidelity test helpers: a frozen date, fake MI figures, and scoring a review through the real actions or
through the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from placewell.engine.fidelity import get_scale
from placewell.fidelity import evidence, services

TODAY = dt.date(2026, 3, 16)
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class FakeFigure:
    """Stands in for ``insight.mi.Figure``: only the attributes the adapter reads."""

    key: str
    value: float | None
    unit: str = "share"
    label: str = ""
    definition: str = "a test figure"
    n: int = 40
    suppressed: bool = False


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 16, 12, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def no_mi(monkeypatch):  # type: ignore[no-untyped-def]
    """Reviews started through the pages read these fake figures instead of the live MI."""
    figures = [FakeFigure("average_caseload_per_fte", 22.5, "participants per full-time specialist")]
    monkeypatch.setattr(evidence, "collect", lambda service, start, end: evidence.from_mi(figures))
    return figures


def start(world, *, second=True, scale="ips25", review_date=TODAY):  # type: ignore[no-untyped-def]
    return services.start_review(
        by=world.mandy,
        service=world.service,
        scale=scale,
        review_date=review_date,
        period_start=dt.date(2025, 3, 1),
        period_end=dt.date(2026, 2, 28),
        second_reviewer=world.tess if second else None,
        figures=evidence.from_mi([]),
    )


def score_all(user, review, scores: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for section in get_scale(review.scale).sections:
        services.save_scores(
            by=user, review=review, section=section.key, scores={k: scores[k] for k in section.items}
        )


def uniform(scale: str, value: int) -> dict[str, int]:
    return dict.fromkeys(get_scale(scale).item_keys, value)


def post_section(client, url: str, scores: dict[str, int], keys, notes: str = "") -> object:  # type: ignore[no-untyped-def]
    data = {}
    for key in keys:
        data[key] = str(scores[key])
        data[f"{key}__note"] = notes
    return client.post(url, data)


def score_through_pages(client, review, scores: dict[str, int], kind: str = "score") -> None:  # type: ignore[no-untyped-def]
    for section in get_scale(review.scale).sections:
        response = post_section(client, f"/fidelity/{review.pk}/{kind}/{section.key}/", scores, section.items)
        assert response.status_code == 302, response.content.decode()[:2000]
