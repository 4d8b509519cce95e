"""Trial pages with the personas: who may open what (403 for the wrong role, 404 out of scope), no names
for evaluators, no arms for blind staff, every reveal audited, and the first meeting through the pages."""

from __future__ import annotations

import pytest

from placewell.accounts.models import AuditEvent
from placewell.participants.models import EligibilityRuleSet, Status
from placewell.trials import services
from placewell.trials.models import Allocation, Trial
from tests.conftest import refer
from tests.trials.helpers import ON, agreed, make_trial

PERSONAS = ("alice", "bob", "charlie", "tess", "mandy", "evan", "ada")


@pytest.fixture
def randomised(world):  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    allocation = services.randomise(by=world.alice, trial=trial, participant=agreed(world), on=ON)
    return trial, allocation


def _expect(client_as, url: str, allowed: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for name in PERSONAS:
        response = client_as(name).get(url)
        expected = allowed.get(name, 403)
        assert response.status_code == expected, f"{name} got {response.status_code} for {url}"
        if name in {"evan", "ada"}:
            assert b"Rowan" not in response.content, f"{name} saw a name at {url}"


def test_every_trial_page_answers_each_persona(client_as, world, randomised) -> None:  # type: ignore[no-untyped-def]
    trial, allocation = randomised
    t, p = trial.pk, allocation.participant_id
    everyone = {n: 200 for n in PERSONAS if n != "ada"}
    _expect(client_as, "/trials/", everyone)
    _expect(client_as, f"/trials/{t}/", everyone)
    for page in [
        "design/",
        "sites/new/",
        "arms/new/",
        "strata/",
        "ratio/new/",
        "blinding/",
        "lock/",
        "allocation-list/",
    ]:
        _expect(client_as, f"/trials/{t}/{page}", {"mandy": 200})
    _expect(client_as, f"/trials/{t}/recruitment/", {"tess": 200, "mandy": 200, "evan": 200})
    for page in ["balance/", "balance.csv", "allocations.csv", "log/"]:
        _expect(client_as, f"/trials/{t}/{page}", {"evan": 200})
    delivery = {"alice": 200, "bob": 200, "tess": 200, "mandy": 200, "charlie": 404}
    _expect(client_as, f"/trials/{t}/meeting/{p}/", delivery)
    _expect(client_as, f"/trials/{t}/meeting/{p}/result/", delivery)
    _expect(
        client_as,
        f"/trials/{t}/meeting/{p}/check/",
        {**delivery, "alice": 302, "bob": 302, "tess": 302, "mandy": 302},
    )
    _expect(
        client_as, f"/trials/{t}/practice/", dict.fromkeys(("alice", "bob", "charlie", "tess", "mandy"), 200)
    )
    _expect(
        client_as,
        f"/trials/{t}/leaflet/control/",
        dict.fromkeys(("alice", "bob", "charlie", "tess", "mandy"), 200),
    )


def test_trials_of_another_service_are_not_found(client_as, world, randomised) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts import services as acc

    other = acc.create_service(by=None, provider=world.provider, name="Other IPS", model="ips")
    elsewhere = services.create_trial(
        by=None, service=other, name="Elsewhere", registration_number="ISRCTN99999999"
    )
    for name in ("alice", "mandy", "tess"):
        assert client_as(name).get(f"/trials/{elsewhere.pk}/").status_code == 404
    assert "Elsewhere" not in client_as("mandy").get("/trials/").content.decode()


def test_arm_is_shown_to_the_specialist_and_every_reveal_is_audited(client_as, world, randomised) -> None:  # type: ignore[no-untyped-def]
    trial, allocation = randomised
    body = client_as("alice").get(f"/participants/{allocation.participant_id}/").content.decode()
    assert allocation.arm.name in body
    result = (
        client_as("alice")
        .get(f"/trials/{trial.pk}/meeting/{allocation.participant_id}/result/")
        .content.decode()
    )
    assert allocation.arm.participant_label in result and allocation.arm.next_steps in result
    reveals = AuditEvent.objects.filter(record_type="trial_allocation", action="view", actor=world.alice)
    assert reveals.count() == 2


def test_blind_staff_never_see_an_arm(client_as, world, randomised) -> None:  # type: ignore[no-untyped-def]
    trial, allocation = randomised
    services.set_blinded_staff(by=world.mandy, trial=trial, staff=[world.bob])
    body = client_as("bob").get(f"/participants/{allocation.participant_id}/").content.decode()
    assert "Hidden: you are blind to trial arms" in body
    for arm in trial.arms.all():
        assert arm.name not in body and arm.participant_label not in body
    assert (
        client_as("bob").get(f"/trials/{trial.pk}/meeting/{allocation.participant_id}/result/").status_code
        == 403
    )
    assert not AuditEvent.objects.filter(
        record_type="trial_allocation", action="view", actor=world.bob
    ).exists()


def test_pages_and_exports_never_show_the_seed_or_state(client_as, world, randomised) -> None:  # type: ignore[no-untyped-def]
    trial, _ = randomised
    seed = trial.secret.seed
    for name, url in [
        ("mandy", f"/trials/{trial.pk}/"),
        ("evan", f"/trials/{trial.pk}/balance/"),
        ("evan", f"/trials/{trial.pk}/allocations.csv"),
        ("evan", f"/trials/{trial.pk}/log/"),
        ("tess", f"/trials/{trial.pk}/recruitment/"),
    ]:
        body = client_as(name).get(url).content.decode()
        assert seed not in body and "slots_used" not in body


def test_recruitment_page_has_no_arms_and_evaluator_exports_are_pseudonymised(
    client_as, world, randomised
) -> None:  # type: ignore[no-untyped-def]
    trial, allocation = randomised
    body = client_as("tess").get(f"/trials/{trial.pk}/recruitment/").content.decode()
    assert "1 randomised of a target of 400" in body
    for arm in trial.arms.all():
        assert arm.name not in body
    csv_text = client_as("evan").get(f"/trials/{trial.pk}/allocations.csv").content.decode()
    header, row = csv_text.splitlines()[:2]
    assert header.startswith("pseudonym,stratum,sequence_slot,arm")
    assert row.startswith(f"T{trial.pk}-") and allocation.participant.reference not in csv_text
    assert ",1:1,0.500000," in row
    assert AuditEvent.objects.filter(action="export", actor=world.evan).exists()


def test_set_up_form_redisplays_errors_and_saves_nothing(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("mandy")
    response = client.post(
        "/trials/new/",
        {
            "name": "T",
            "registration_number": "ISRCTN123",
            "method": "permuted_blocks",
            "block_multiples": "1, x",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "ISRCTN followed by 8 digits" in body and "Enter whole numbers from 1 to 10" in body
    assert 'href="#id_registration_number"' in body
    assert not Trial.objects.exists()


def test_first_meeting_through_the_pages(client_as, world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    p = refer(world, nhs_number="")
    client = client_as("alice")
    base = f"/trials/{trial.pk}/meeting/{p.pk}/"
    assert client.get(base).status_code == 200
    response = client.get(base + "eligibility/")
    assert response.status_code == 200  # three rule-set templates to choose from
    rule_set = EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")
    response = client.post(base + "eligibility/", {"rule_set": rule_set.pk})
    for number, q in enumerate(rule_set.questions.all(), 1):
        answer = "yes" if q.qualifying_answer else "no"
        client.post(f"{base}eligibility/{rule_set.pk}/question/{number}/", {"answer": answer})
    response = client.post(f"{base}eligibility/{rule_set.pk}/check/")
    assert response.url == base + "information/"
    p.refresh_from_db()
    assert p.status == Status.ELIGIBLE
    client.post(base + "information/", {"format": "plain"})
    from placewell.participants.models import AgreementDocument

    doc = (
        AgreementDocument.objects.filter(service=None, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    for number in range(1, doc.statements.count() + 1):
        client.post(f"{base}agreement/plain/statement/{number}/", {"answer": "agreed"})
    assert client.post(f"{base}agreement/plain/check/").url == base + "background/"
    bad = client.post(base + "background/", {"nhs_number": "123"})
    assert (
        "There is a problem" in bad.content.decode()
        and "Select whether they are in work" in bad.content.decode()
    )
    response = client.post(
        base + "background/",
        {
            "employment_status": "out_of_work",
            "work_history": "none",
            "activity_limitation": "little",
            "survey_mode": "web",
        },
    )
    assert response.url == base + "check/"
    check = client.get(base + "check/").content.decode()
    assert "North site · Out of work" in check
    for arm in trial.arms.all():
        assert arm.participant_label not in check  # nothing hints at the next allocation
    refused = client.post(base + "check/", {})
    assert "Confirm the person is here" in refused.content.decode() and not Allocation.objects.exists()
    response = client.post(base + "check/", {"confirm": "on"})
    assert response.url == base + "result/"
    allocation = Allocation.objects.get(participant=p)
    assert allocation.arm.participant_label in client.get(base + "result/").content.decode()


def test_check_page_shows_bad_input_without_allocating(client_as, world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    p = agreed(world, employment_status="")
    body = (
        client_as("alice")
        .post(f"/trials/{trial.pk}/meeting/{p.pk}/check/", {"confirm": "on"})
        .content.decode()
    )
    assert "Record the person&#x27;s employment status" in body and "Nothing was allocated" in body
    assert not Allocation.objects.exists()


def test_practice_mode_allocates_nothing(client_as, world) -> None:  # type: ignore[no-untyped-def]
    trial = make_trial(world)
    client = client_as("alice")
    base = f"/trials/{trial.pk}/practice/"
    assert b"Training mode" in client.get(base).content
    rule_set = EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")
    client.post(base + "eligibility/", {"rule_set": rule_set.pk})
    for number, q in enumerate(rule_set.questions.all(), 1):
        client.post(
            f"{base}eligibility/{rule_set.pk}/question/{number}/",
            {"answer": "yes" if q.qualifying_answer else "no"},
        )
    client.post(f"{base}eligibility/{rule_set.pk}/check/")
    client.post(base + "information/", {"format": "easy_read"})
    from placewell.participants.models import AgreementDocument

    doc = (
        AgreementDocument.objects.filter(service=None, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    for number in range(1, doc.statements.count() + 1):
        client.post(f"{base}agreement/easy_read/statement/{number}/", {"answer": "agreed"})
    client.post(f"{base}agreement/easy_read/check/")
    client.post(
        base + "background/",
        {
            "employment_status": "in_work",
            "work_history": "always",
            "activity_limitation": "little",
            "survey_mode": "web",
        },
    )
    body = client.post(base + "check/", {"confirm": "on"}).content.decode()
    assert "This practice result was made up" in body
    assert not Allocation.objects.exists() and all(s.state is None for s in trial.strata.all())
    from placewell.participants.models import Screening

    assert not Screening.objects.exists()
