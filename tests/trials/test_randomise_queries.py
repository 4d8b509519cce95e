"""Query-count contracts for randomisation: the first meeting's check page (shown and submitted) and the
allocation service make the same number of queries however many people the trial has randomised.

Randomisation through the page is measured at 16 concurrent clients in benchmarks/bench_randomisation.py;
each query is a round trip to the database, so an added one (an N+1 loop, a lookup repeated) fails here.
The counts include the session, user and two-factor device reads and the session save every signed-in page
makes. Update a figure only on purpose (docs/explanation/randomisation-throughput.md lists the queries).
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from placewell.trials import services
from placewell.trials.models import Allocation
from tests.trials.helpers import ON, agreed, make_trial

POSTGRES = connection.vendor == "postgresql"
# The check page shown: session, user, device; the trial with "blind?" (one query), participant;
# randomised?; site, stratum; the session saved (a savepoint on each side of the update in the test's
# transaction). (Before: 12.)
EXPECTED_PAGE = 11
# randomise() alone: the trial with its seed, the user's blindness, scope, "randomised before?" and "any
# ratio changes?" (one query; the ratio changes are read only if there are any); savepoint; the joining-trial hook's five (the survey enrolment, its invitations and
# waves read, two updates); the stratum row locked and saved; the allocation; the audit chain's last hash and
# both audit events in one insert; savepoint released. PostgreSQL adds the audit chain's advisory lock, taken
# once for both events. (Before: 22 on SQLite, 24 on PostgreSQL.)
EXPECTED_SERVICE = 13 + POSTGRES
# The check page submitted: session, user, device; the trial with "blind?", participant; randomise() as
# above; the session saved. (Before: 32 on SQLite.)
EXPECTED_SUBMIT = 5 + EXPECTED_SERVICE + 3


def _count(call) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_randomise_makes_the_same_queries_for_the_second_and_the_twentieth_person(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    people = [agreed(world, given_name=f"P{i}") for i in range(20)]
    counts = []
    for i, p in enumerate(people):
        n = _count(lambda p=p: services.randomise(by=world.alice, trial=trial, participant=p, on=ON))
        if i in (1, 19):  # the first randomisation of a trial may set up its survey waves
            counts.append(n)
    assert counts == [EXPECTED_SERVICE, EXPECTED_SERVICE]
    assert Allocation.objects.filter(trial=trial).count() == 20


def test_the_check_page_makes_the_same_queries_shown_and_submitted(client_as, world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    first, *others = [agreed(world, given_name=f"P{i}") for i in range(6)]
    services.randomise(by=world.alice, trial=trial, participant=first)
    client = client_as("alice")
    for p in others:
        url = f"/trials/{trial.pk}/meeting/{p.pk}/check/"
        assert _count(lambda url=url: client.get(url)) == EXPECTED_PAGE
        response = None

        def submit(url: str = url) -> None:
            nonlocal response
            response = client.post(url, {"confirm": "on"})

        assert _count(submit) == EXPECTED_SUBMIT
        assert response is not None and response.status_code == 302 and response.url.endswith("/result/")
    assert Allocation.objects.filter(trial=trial).count() == 6
