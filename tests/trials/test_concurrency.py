"""Concurrent randomisation on a real PostgreSQL server: the stratum row lock serialises allocations.

16 worker threads, each with its own database connection, make 2,100 allocations in three strata at once.
Afterwards every stratum's slots run 1..n with no gap or repeat, the arms in slot order are exactly the
sequence the engine regenerates from the seed (so no slot was shared or skipped), nobody was randomised
twice, and the within-stratum imbalance never exceeded the bound the largest block allows
(docs/explanation/randomisation.md). Deselected on SQLite; CI's PostgreSQL leg runs it.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict

import pytest
from django.db import connection, transaction

from placewell.engine.randomisation import PermutedBlockDesign
from placewell.trials import services
from placewell.trials.design import TrialError
from placewell.trials.models import Allocation
from tests.trials.helpers import ON, agreed, make_trial

# Real transactions: each worker thread commits on its own connection. The starter content a flush removes
# is put back by the ``world`` fixture.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 16
PER_STRATUM = 700


def _run_in_threads(jobs: list[list[object]], work) -> list[BaseException]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(items: list[object]) -> None:
        try:
            barrier.wait()
            for item in items:
                work(item)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(items,)) for items in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_sixteen_workers_never_share_or_skip_a_slot(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    people = []
    with transaction.atomic():
        for i in range(PER_STRATUM):
            people.append((world.alice, agreed(world, given_name=f"I{i}", employment_status="in_work")))
            people.append((world.bob, agreed(world, given_name=f"O{i}", specialist=world.bob, by=world.bob)))
            people.append(
                (
                    world.charlie,
                    agreed(
                        world,
                        given_name=f"S{i}",
                        team=world.south,
                        specialist=world.charlie,
                        by=world.charlie,
                    ),
                )
            )
    jobs = [people[w::WORKERS] for w in range(WORKERS)]
    errors = _run_in_threads(
        jobs, lambda item: services.randomise(by=item[0], trial=trial, participant=item[1], on=ON)
    )
    assert errors == []
    allocations = list(Allocation.objects.filter(trial=trial).select_related("stratum", "arm"))
    assert len(allocations) == 3 * PER_STRATUM
    assert len({a.participant_id for a in allocations}) == len(allocations)
    by_stratum: dict[str, list[Allocation]] = defaultdict(list)
    for a in allocations:
        by_stratum[a.stratum.key].append(a)
    arms = tuple(trial.arms.values_list("code", flat=True))
    design = PermutedBlockDesign(arms, (1, 1), tuple(trial.block_multiples), int(trial.secret.seed))
    bound = design.imbalance_bound()["treatment"]
    for key, rows in by_stratum.items():
        rows.sort(key=lambda a: a.slot)
        assert [a.slot for a in rows] == list(range(1, PER_STRATUM + 1))
        assert [a.arm.code for a in rows] == design.sequence(key, PER_STRATUM)
        treated = 0
        for n, a in enumerate(rows, 1):
            treated += a.arm.code == "treatment"
            assert abs(treated - n / 2) <= bound
        assert trial.strata.get(key=key).state["slots_used"] == PER_STRATUM


def test_one_person_randomised_by_sixteen_workers_at_once_gets_one_allocation(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    person = agreed(world)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def attempt(_: object) -> None:
        try:
            services.randomise(by=world.alice, trial=trial, participant=person, on=ON)
            result = "allocated"
        except TrialError:
            result = "refused"
        with lock:
            outcomes[result] += 1

    errors = _run_in_threads([[i] for i in range(WORKERS)], attempt)
    assert errors == []
    assert outcomes == Counter({"allocated": 1, "refused": WORKERS - 1})
    assert Allocation.objects.filter(participant=person).count() == 1
    assert trial.strata.get(key=Allocation.objects.get().stratum.key).state["slots_used"] == 1
