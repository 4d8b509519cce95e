"""Trial set-up and randomisation actions: locking, bad input refused with advice, atomicity, audit."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from placewell.accounts.models import AuditEvent
from placewell.trials import services
from placewell.trials.design import TrialError
from placewell.trials.models import Allocation, Stratum, TrialState
from tests.conftest import refer
from tests.trials.helpers import CLOSES, ON, OPENS, agreed, key, make_trial, screen_and_agree


def test_registration_number_is_validated(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TrialError, match="ISRCTN followed by 8 digits"):
        make_trial(world, registration_number="ISRCTN1234")
    trial = make_trial(world, registration_number="isrctn 1234 5678", lock=False)
    assert trial.registration_number == "ISRCTN12345678"
    with pytest.raises(TrialError, match="already exists"):
        services.create_trial(
            by=world.mandy, service=world.service, name="Again", registration_number="ISRCTN12345678"
        )


def test_lock_generates_a_secret_seed_and_freezes_the_design(world) -> None:  # type: ignore[no-untyped-def]
    draft = services.create_trial(
        by=world.mandy, service=world.service, name="Draft", registration_number="ISRCTN87654321"
    )
    with pytest.raises(TrialError) as refused:
        services.lock_trial(by=world.mandy, trial=draft)
    assert "Add at least two arms" in str(refused.value) and "Set the recruitment window" in str(
        refused.value
    )
    trial = make_trial(world)
    assert trial.state == TrialState.LOCKED and trial.secret.seed.isdigit()
    assert "concealed" in repr(trial.secret) and trial.secret.seed not in repr(trial.secret)
    with pytest.raises(TrialError, match="locked and cannot change"):
        services.add_arm(
            by=world.mandy, trial=trial, code="x", name="X", participant_label="X", next_steps="X"
        )
    with pytest.raises(TrialError, match="locked and cannot change"):
        services.update_trial(by=world.mandy, trial=trial, changes={"block_multiples": [1]})


def test_randomise_records_ratio_probability_and_audit_without_the_arm(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    p = agreed(world)
    allocation = services.randomise(by=world.alice, trial=trial, participant=p, on=ON)
    assert allocation.ratio == [1, 1] and allocation.probability_of_treatment == 0.5
    assert allocation.slot == 1 and allocation.stratum.key == key("n", "out_of_work")
    assert allocation.sealed["block_size"] in (2, 4, 6)
    stratum = Stratum.objects.get(pk=allocation.stratum_id)
    assert stratum.state["slots_used"] == 1
    event = AuditEvent.objects.get(record_type="trial_allocation", action="create")
    assert event.participant_id == p.pk
    text = f"{event.summary} {event.changes}".lower()
    assert "treatment" not in text and "control" not in text


def test_ratio_schedule_is_recorded_with_each_allocation(world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    trial = make_trial(world, lock=False)
    stratum = trial.strata.get(key=key("n", "out_of_work"))
    services.add_ratio_change(
        by=world.mandy, trial=trial, effective_from=dt.date(2026, 6, 1), weights=[2, 1], stratum=stratum
    )
    trial = services.lock_trial(by=world.mandy, trial=trial)
    early = services.randomise(
        by=world.alice, trial=trial, participant=agreed(world), on=dt.date(2026, 5, 31)
    )
    late = services.randomise(
        by=world.alice, trial=trial, participant=agreed(world, given_name="B"), on=dt.date(2026, 6, 1)
    )
    assert (early.ratio, early.probability_of_treatment) == ([1, 1], 0.5)
    assert late.ratio == [2, 1] and late.probability_of_treatment == pytest.approx(2 / 3)
    assert late.ratio_effective_from == dt.date(2026, 6, 1)
    with pytest.raises(TrialError, match="tomorrow or later"):
        services.add_ratio_change(
            by=world.mandy, trial=trial, effective_from=dt.date(2020, 1, 1), weights=[1, 2]
        )


def test_randomised_once_only(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    p = agreed(world)
    services.randomise(by=world.alice, trial=trial, participant=p, on=ON)
    with pytest.raises(TrialError, match="once only"):
        services.randomise(by=world.alice, trial=trial, participant=p, on=ON)
    assert Allocation.objects.count() == 1


def test_the_database_refuses_a_second_allocation_for_one_person(world) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError, transaction

    trial = make_trial(world)
    first = services.randomise(by=world.alice, trial=trial, participant=agreed(world), on=ON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            trial=trial,
            participant=first.participant,
            stratum=first.stratum,
            sequence="other",
            slot=99,
            arm=first.arm,
            method=first.method,
            ratio=[1, 1],
            probability_of_treatment=0.5,
            allocated_on=ON,
            randomised_by=world.alice,
            sealed={},
        )


def test_allocation_log_is_append_only(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    allocation = services.randomise(by=world.alice, trial=trial, participant=agreed(world), on=ON)
    with pytest.raises(PermissionError):
        allocation.save()
    with pytest.raises(PermissionError):
        allocation.delete()
    with pytest.raises(PermissionError):
        Allocation.objects.filter(pk=allocation.pk).update(slot=2)


def test_a_database_error_mid_allocation_leaves_no_trace(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Fault injection: the state row and allocation are written, then the audit write fails."""
    trial = make_trial(world)
    p = agreed(world)
    before = {s.pk: s.state for s in trial.strata.all()}

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseError("disk full")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(DatabaseError):
        services.randomise(by=world.alice, trial=trial, participant=p, on=ON)
    monkeypatch.undo()
    assert not Allocation.objects.exists()
    assert {s.pk: s.state for s in trial.strata.all()} == before
    again = services.randomise(by=world.alice, trial=trial, participant=p, on=ON)
    assert again.slot == 1  # the slot was not used up by the failed attempt


def test_a_failure_after_the_allocation_row_also_rolls_back(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    p = agreed(world)
    original = Allocation.objects.create

    def create_then_fail(**kwargs):  # type: ignore[no-untyped-def]
        original(**kwargs)
        raise DatabaseError("connection lost")

    monkeypatch.setattr(Allocation.objects, "create", create_then_fail)
    with pytest.raises(DatabaseError):
        services.randomise(by=world.alice, trial=trial, participant=p, on=ON)
    monkeypatch.undo()
    assert not Allocation.objects.exists()
    assert all(s.state is None for s in trial.strata.all())


@pytest.mark.parametrize(
    ("case", "advice"),
    [
        ("missing_stratum_data", "Record the person's employment status"),
        ("unconfigured_stratum", "is not one this trial recruits"),
        ("before_window", "Recruitment opens on"),
        ("after_window", "Recruitment closed on"),
        ("draft", "still being set up"),
        ("closed", "Recruitment to this trial has closed"),
        ("no_team", "not in a team"),
    ],
)
def test_bad_input_is_refused_with_advice_and_nothing_allocated(world, case, advice) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    trial = make_trial(world, lock=case != "draft")
    on = ON
    if case == "missing_stratum_data":
        p = agreed(world, employment_status="")
    elif case == "unconfigured_stratum":  # South site recruits out-of-work people only
        p = agreed(
            world, team=world.south, specialist=world.charlie, employment_status="in_work", by=world.charlie
        )
    elif case == "no_team":
        p = agreed(world, team=None, specialist=None)
    else:
        p = agreed(world)
    if case == "before_window":
        on = OPENS - dt.timedelta(days=1)
    if case == "after_window":
        on = CLOSES + dt.timedelta(days=1)
    if case == "closed":
        services.close_recruitment(by=world.mandy, trial=trial)
    by = (
        world.charlie
        if case == "unconfigured_stratum"
        else (world.mandy if case == "no_team" else world.alice)
    )
    with pytest.raises(TrialError) as refused:
        services.randomise(by=by, trial=trial, participant=p, on=on)
    assert advice in str(refused.value) and "Nothing was allocated" in str(refused.value)
    assert "treatment" not in str(refused.value).lower()
    assert not Allocation.objects.exists()
    assert all(s.state is None for s in trial.strata.all())


def test_ineligible_or_non_agreeing_people_cannot_be_randomised(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    ineligible = screen_and_agree(
        world, refer(world, nhs_number="", employment_status="out_of_work"), eligible=False
    )
    refused_agreement = screen_and_agree(
        world, refer(world, given_name="Non", nhs_number="", employment_status="out_of_work"), agree=False
    )
    referred = refer(world, given_name="New", nhs_number="", employment_status="out_of_work")
    for person, advice in [
        (ineligible, "not eligible"),
        (refused_agreement, "Record their agreement first"),
        (referred, "Screen their eligibility"),
    ]:
        with pytest.raises(TrialError, match=advice):
            services.randomise(by=world.alice, trial=trial, participant=person, on=ON)
    assert not Allocation.objects.exists()


def test_a_specialist_cannot_randomise_another_teams_participant(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    p = agreed(world)
    with pytest.raises(TrialError, match="own caseload scope"):
        services.randomise(by=world.charlie, trial=trial, participant=p, on=ON)
    with pytest.raises(TrialError, match="does not randomise"):
        services.randomise(by=world.evan, trial=trial, participant=p, on=ON)
    assert not Allocation.objects.exists()


def test_blind_staff_cannot_randomise(world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    services.set_blinded_staff(by=world.mandy, trial=trial, staff=[world.bob])
    with pytest.raises(TrialError, match="blind"):
        services.randomise(by=world.bob, trial=trial, participant=agreed(world), on=ON)


def test_baseline_steps_must_be_complete(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.trials.baseline import BaselineStep, register_baseline_step, unregister_baseline_step

    trial = make_trial(world)
    p = agreed(world)
    done: set[int] = set()
    register_baseline_step(
        BaselineStep(
            "test-baseline", "Baseline questionnaire", lambda p, t, r: "/", lambda p, t: p.pk in done
        )
    )
    try:
        with pytest.raises(TrialError, match="Complete the baseline questionnaire first"):
            services.randomise(by=world.alice, trial=trial, participant=p, on=ON)
        done.add(p.pk)
        assert services.randomise(by=world.alice, trial=trial, participant=p, on=ON).slot == 1
    finally:
        unregister_baseline_step("test-baseline")


def test_minimisation_and_uploaded_list(world) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from placewell.engine.randomisation import AllocationListError

    minimised = make_trial(world, method="minimisation", registration_number="ISRCTN11111111")
    first = services.randomise(by=world.alice, trial=minimised, participant=agreed(world), on=ON)
    assert first.sequence == "trial" and first.sealed["assignment_probabilities"] is not None
    listed = make_trial(world, method="allocation_list", registration_number="ISRCTN22222222", lock=False)
    rows = ["stratum,slot,arm"] + [
        f'"{k.replace(chr(34), chr(34) * 2)}",{i},{a}'
        for k in [key("n", "in_work"), key("n", "out_of_work"), key("s", "out_of_work")]
        for i, a in [(1, "control"), (2, "treatment")]
    ]
    data = ("\n".join(rows) + "\n").encode()
    with pytest.raises(AllocationListError, match="checksum"):
        services.upload_allocation_list(by=world.mandy, trial=listed, data=data, expected_sha256="0" * 64)
    services.upload_allocation_list(
        by=world.mandy, trial=listed, data=data, expected_sha256=hashlib.sha256(data).hexdigest()
    )
    listed = services.lock_trial(by=world.mandy, trial=listed)
    people = [agreed(world, given_name=f"L{i}") for i in range(3)]
    arms = [
        services.randomise(by=world.alice, trial=listed, participant=p, on=ON).arm.code for p in people[:2]
    ]
    assert arms == ["control", "treatment"]
    with pytest.raises(TrialError, match="extended list"):
        services.randomise(by=world.alice, trial=listed, participant=people[2], on=ON)
