"""Set up trials and agreed participants through the real actions, for the trials tests."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from placewell.engine.randomisation import stratum_key

OPENS = dt.date(2026, 1, 1)
CLOSES = dt.date(2027, 12, 31)
ON = dt.date(2026, 11, 10)


def key(site: str, status: str) -> str:
    return stratum_key({"site": site, "employment_status": status})


def make_trial(world: Any, *, lock: bool = True, method: str = "permuted_blocks", **overrides: Any):  # type: ignore[no-untyped-def]
    """North team is site "n" (in and out of work), South team is site "s" (out of work only)."""
    from placewell.trials import services

    values: dict[str, Any] = {
        "by": world.mandy,
        "service": world.service,
        "name": "Test Employment Trial",
        "registration_number": "ISRCTN12345678",
        "method": method,
        "recruitment_opens_on": OPENS,
        "recruitment_closes_on": CLOSES,
        "recruitment_target": 400,
    }
    values.update(overrides)
    trial = services.create_trial(**values)
    services.add_site(by=world.mandy, trial=trial, code="n", name="North site", teams=[world.north])
    services.add_site(by=world.mandy, trial=trial, code="s", name="South site", teams=[world.south])
    services.add_arm(
        by=world.mandy,
        trial=trial,
        code="treatment",
        name="Treatment: IPS",
        participant_label="Support from an employment specialist",
        next_steps="Book the first appointment.",
        is_treatment=True,
    )
    services.add_arm(
        by=world.mandy,
        trial=trial,
        code="control",
        name="Control: usual support",
        participant_label="Other local support",
        next_steps="Take the leaflet about other local support.",
        leaflet="Citizens Advice; Jobcentre Plus; NHS Talking Therapies.",
    )
    services.set_strata(
        by=world.mandy,
        trial=trial,
        keys=[key("n", "in_work"), key("n", "out_of_work"), key("s", "out_of_work")],
        targets={key("n", "out_of_work"): 200},
    )
    if lock:
        trial = services.lock_trial(by=world.mandy, trial=trial)
    return trial


def screen_and_agree(world: Any, p: Any, *, by: Any = None, eligible: bool = True, agree: bool = True) -> Any:
    from placewell.participants import services
    from placewell.participants.models import AgreementDocument, EligibilityRuleSet

    by = by or world.alice
    rule_set = EligibilityRuleSet.objects.get(service=None, key="hlt-scr-out-of-work")
    answers = {q.key: q.qualifying_answer for q in rule_set.questions.all()}
    if not eligible:
        answers["over_18"] = False
    services.screen_participant(by=by, participant=p, rule_set=rule_set, answers=answers)
    if not eligible:
        return p
    doc = (
        AgreementDocument.objects.filter(service=None, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    statements = list(doc.statements.all())
    services.record_agreement(
        by=by, participant=p, document=doc, format="plain", answers={s.pk: agree for s in statements}
    )
    p.refresh_from_db()
    return p


def agreed(world: Any, *, by: Any = None, **overrides: Any) -> Any:
    """An eligible participant who has agreed, out of work, in North team unless overridden."""
    from tests.conftest import refer

    values: dict[str, Any] = {"nhs_number": "", "employment_status": "out_of_work"}
    values.update(overrides)
    p = refer(world, **values)
    return screen_and_agree(world, p, by=by or values.get("specialist") or world.alice)


@contextlib.contextmanager
def without_survey_baseline_step() -> Iterator[None]:
    """Randomise without waiting for the surveys app's baseline step (registered when both apps are
    installed; tested with the two apps together in ``tests/trials/test_survey_link.py``)."""
    from placewell.trials import baseline

    step = next((s for s in baseline.baseline_steps() if s.key == "survey-baseline"), None)
    if step is None:
        yield
        return
    baseline.unregister_baseline_step(step.key)
    try:
        yield
    finally:
        baseline.register_baseline_step(step)
