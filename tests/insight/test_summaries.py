"""Stored MI summaries: the figures they give are exactly today's definitions (``insight.dashboards`` and
``insight.mi``, the current path) for every chart, figure, period and scope of the demo; they say how fresh
they are; a stale or missing summary is worked out again rather than shown; the schedule keeps them current;
and the pages read them in a fixed number of queries however much data there is."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from placewell.accounts.models import Service, Team, User
from placewell.insight import summaries
from placewell.insight.models import Summary
from placewell.insight.scope import Period, Scope, default_period
from placewell.insight.suppression import suppress_chart, suppress_figures
from tests.casework.conftest import at
from tests.insight.conftest import END, START, TODAY, build

PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def _periods(today: dt.date) -> list[Period]:
    """The default period, a month, a quarter, a single day, three years, and a period before any data."""
    return [
        default_period(today),
        Period(today - dt.timedelta(days=27), today),
        Period(today - dt.timedelta(days=180), today - dt.timedelta(days=90)),
        Period(today - dt.timedelta(days=10), today - dt.timedelta(days=10)),
        Period(today - dt.timedelta(days=3 * 366 - 1), today),
        Period(dt.date(2001, 1, 1), dt.date(2001, 3, 31)),
    ]


def _scopes() -> list[Scope]:
    out = []
    for service in Service.objects.order_by("pk"):
        out.append(Scope(service))
        for team in Team.objects.filter(service=service).order_by("pk"):
            out.append(Scope(service, team))
            for person in User.objects.filter(team=team, role="specialist").order_by("pk"):
                out.append(Scope(service, team, person))
    return out


def test_every_figure_from_a_summary_equals_the_current_path_on_the_demo(db) -> None:  # type: ignore[no-untyped-def]
    from placewell.web import demo

    assert demo.load(n_participants=120, seed=7, progress=lambda _: None)
    scopes, periods = _scopes(), _periods(timezone.localdate())
    assert len(scopes) >= 9  # two services, their teams and six specialists at least
    compared = 0
    for scope in scopes:
        for period in periods:
            # The fast path: stored by the refresh, then read back as the page reads it.
            for kind in Summary.Kind.values:
                summaries._compute_and_store(kind, scope, period)
            charts = summaries.dashboard(scope, period)
            figures = summaries.evidence(scope, period)
            assert charts.stored and figures.stored
            # The current path, worked out afresh.
            current_charts = summaries.compute_dashboard(scope, period)
            current_figures = summaries.compute_evidence(scope, period)
            assert charts.items == current_charts, (scope.label, period)
            assert figures.items == current_figures, (scope.label, period)
            # Evaluators' suppression gives the same on both paths.
            assert [suppress_chart(c) for c in charts.items] == [suppress_chart(c) for c in current_charts]
            assert suppress_figures(figures.items) == suppress_figures(current_figures)
            compared += len(current_charts) + len(current_figures)
    # Every chart (12) and evidence figure (13) for every scope and period, and some figures are not empty.
    assert compared == len(scopes) * len(periods) * 25
    assert any(f.value for f in summaries.compute_evidence(scopes[0], periods[0]))


def test_decimals_dates_and_missing_values_come_back_as_they_were() -> None:
    from decimal import Decimal

    from placewell.insight.mi import Figure
    from placewell.insight.tables import Cell, Chart

    chart = Chart(
        "x",
        "X",
        "Definition",
        ["A", "B"],
        [("one", [Cell(Decimal("1.50"), "number"), Cell(None, "share", of=0, base=3)])],
        total=[Cell(0.1 + 0.2, "number")],
        headline=[("When", Cell(dt.date(2027, 3, 1), "text"))],
    )
    assert summaries.charts_from_json(summaries.charts_to_json([chart])) == [chart]
    figure = Figure("k", "K", 1 / 3, "share", "Definition", 7, (("Reason", 2),))
    assert summaries.figures_from_json(summaries.figures_to_json([figure])) == [figure]


# Freshness, staleness and missing summaries -------------------------------------------------------------


@pytest.fixture
def data(world, frozen):  # type: ignore[no-untyped-def]
    return build(world)


def test_a_page_says_how_fresh_its_figures_are(client_as, world, data) -> None:  # type: ignore[no-untyped-def]
    scope, period = Scope(world.service), Period(START, END)
    with time_machine.travel(TODAY - dt.timedelta(minutes=10), tick=False):
        summaries._compute_and_store(Summary.Kind.DASHBOARD, scope, period)
        summaries._compute_and_store(Summary.Kind.EVIDENCE, scope, period)
    # Stored at 11:50 (London), read at 12:00: the pages show when.
    for url in ("/insight/", "/insight/evidence/"):
        body = client_as("mandy").get(url, PERIOD).content.decode()
        assert "Figures as at 11:50 today" in body, url
    rows = client_as("mandy").get("/insight/charts/referrals.csv", PERIOD).content.decode().splitlines()
    assert rows[1] == "Figures as at 11:50 today."


def test_a_stale_summary_is_worked_out_again_never_shown(world, data) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework import services as cw

    scope, period = Scope(world.service), Period(START, END)
    summaries._compute_and_store(Summary.Kind.EVIDENCE, scope, period)
    with time_machine.travel(TODAY, tick=False):
        cw.record_contact(
            by=world.alice,
            participant=data.p2,
            happened_at=at(dt.date(2027, 3, 20)),
            duration_minutes=20,
            mode="face_to_face",
            place="community",
            purposes=["job_search"],
        )
    key = "share_of_contacts_in_community"
    fresh = summaries.evidence(scope, period)
    assert fresh.stored  # within the limit: the stored figure, as at when it was worked out
    old = next(f for f in fresh.items if f.key == key)
    # Half an hour and a minute later the summary is older than the limit: worked out again, with the contact.
    with time_machine.travel(TODAY + summaries.max_age() + dt.timedelta(minutes=1), tick=False):
        again = summaries.evidence(scope, period)
        assert not again.stored and again.as_at == timezone.now()
    new = next(f for f in again.items if f.key == key)
    assert new.n == old.n + 1 and new.value != old.value
    assert again.items == summaries.compute_evidence(scope, period)


def test_a_missing_summary_is_worked_out_and_kept(world, data) -> None:  # type: ignore[no-untyped-def]
    scope, period = Scope(world.service, world.north), Period(START, END)
    assert not Summary.objects.exists()
    first = summaries.dashboard(scope, period)
    assert not first.stored and first.items == summaries.compute_dashboard(scope, period)
    second = summaries.dashboard(scope, period)
    assert second.stored and second.items == first.items
    assert Summary.objects.get().scope_key == f"{world.service.pk}/{world.north.pk}/-"


def test_a_period_with_no_data_says_so(client_as, world, data) -> None:  # type: ignore[no-untyped-def]
    empty = {"start": "2020-01-01", "end": "2020-03-31"}
    for url in ("/insight/", "/insight/evidence/"):
        body = client_as("mandy").get(url, empty).content.decode()
        assert "There are no records for Test IPS from 1 January 2020 to 31 March 2020" in body, url
        assert "There are no records" not in client_as("mandy").get(url, PERIOD).content.decode()


def test_a_scope_the_user_may_not_see_is_refused_before_any_summary_is_read(client_as, world, data) -> None:  # type: ignore[no-untyped-def]
    scope = Scope(world.service, world.south)
    summaries._compute_and_store(Summary.Kind.DASHBOARD, scope, Period(START, END))
    response = client_as("alice").get("/insight/", {**PERIOD, "team": world.south.pk})
    assert response.status_code == 404


# The schedule and the command ---------------------------------------------------------------------------


def test_the_refresh_keeps_what_people_look_at_current(world, data) -> None:  # type: ignore[no-untyped-def]
    north = Scope(world.service, world.north)
    with time_machine.travel(TODAY - dt.timedelta(days=1), tick=False):
        yesterday = default_period()
        summaries.dashboard(north, yesterday)  # a rolling view, looked at yesterday
    with time_machine.travel(TODAY - dt.timedelta(days=20), tick=False):
        summaries.evidence(north, Period(START, END))  # looked at three weeks ago, not since
    summaries.dashboard(north, Period(START, END))  # a fixed period looked at today
    count, _ = summaries.refresh()
    today = default_period()
    kept = set(Summary.objects.values_list("kind", "scope_key", "start", "end"))
    services = Service.objects.count()
    north_key = summaries.scope_key(north)
    assert kept == {
        *{
            (kind, f"{s}/-/-", today.start, today.end)
            for s in Service.objects.values_list("pk", flat=True)
            for kind in Summary.Kind.values
        },
        ("dashboard", north_key, today.start, today.end),  # moved on from yesterday's period
        ("dashboard", north_key, START, END),
    }
    assert count == 2 * services + 2
    assert all(s.computed_at == timezone.now() for s in Summary.objects.all())


def test_the_command_rebuilds_from_nothing(world, data) -> None:  # type: ignore[no-untyped-def]
    summaries.dashboard(Scope(world.service, world.north), Period(START, END))
    out = io.StringIO()
    call_command("refresh_mi_summaries", "--rebuild", stdout=out)
    assert "Worked out 2 MI summaries" in out.getvalue()
    assert set(Summary.objects.values_list("scope_key", flat=True)) == {f"{world.service.pk}/-/-"}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="There is no service number 999999"):
        call_command("refresh_mi_summaries", "--service", "999999")


def test_the_refresh_is_scheduled() -> None:
    from django.conf import settings

    from placewell.jobs.schedules import BY_NAME

    planned = BY_NAME["MI summaries"]
    assert planned.func == "placewell.insight.summaries.refresh_scheduled"
    assert settings.PLACEWELL_SCHEDULES["MI_SUMMARIES"] == "*/15 * * * *"
    # The stale limit allows one missed run of the schedule: twice its 15 minutes.
    assert summaries.max_age() == dt.timedelta(minutes=30)


# Query counts: reading a summary costs the same however much data there is -------------------------------

# Reading a stored summary: the session, the user and their second factor, the filters' service, teams and
# specialists, and the summary (7), plus the session's own save (a savepoint, an update and its release).
DASHBOARD_STORED_QUERIES = 10
EVIDENCE_STORED_QUERIES = 10


def test_reading_a_summary_is_a_fixed_number_of_queries(
    client_as, world, data, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from tests.casework.conftest import supported

    client = client_as("mandy")
    client.get("/insight/", PERIOD)  # worked out and stored
    client.get("/insight/evidence/", PERIOD)
    with django_assert_num_queries(DASHBOARD_STORED_QUERIES):
        client.get("/insight/", PERIOD)
    with django_assert_num_queries(EVIDENCE_STORED_QUERIES):
        client.get("/insight/evidence/", PERIOD)
    for _ in range(3):  # more people, and the summaries worked out again: same number of queries to read
        supported(world, started=dt.date(2027, 3, 10), specialist=world.charlie)
    summaries.refresh()
    client.get("/insight/", PERIOD)
    with django_assert_num_queries(DASHBOARD_STORED_QUERIES):
        client.get("/insight/", PERIOD)
    with django_assert_num_queries(EVIDENCE_STORED_QUERIES):
        client.get("/insight/evidence/", PERIOD)
