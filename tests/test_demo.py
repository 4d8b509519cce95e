"""The demo loader: every stage represented, realistic data, and running it again adds nothing."""

from __future__ import annotations

from collections import Counter

from django.core.management import call_command

from placewell.accounts.models import Organisation, Role, User
from placewell.participants.models import Participant, Status
from placewell.web import demo


def test_demo_loads_once_with_every_stage(db) -> None:  # type: ignore[no-untyped-def]
    assert demo.load(n_participants=120, seed=7, progress=lambda _: None)
    counts = Counter(Participant.objects.values_list("status", flat=True))
    assert set(counts) == {s.value for s in Status}
    roles = Counter(User.objects.values_list("role", flat=True))
    # Six specialists to begin with; the MI demo adds two to show a service with small caseloads.
    assert roles[Role.SPECIALIST] >= 6 and roles[Role.TEAM_LEADER] == 1 and roles[Role.SERVICE_MANAGER] == 1
    assert roles[Role.EVALUATOR] == 1 and roles[Role.ADMINISTRATOR] == 1
    before = (Participant.objects.count(), User.objects.count(), Organisation.objects.count())
    call_command("load_demo", participants=120, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Participant.objects.count(), User.objects.count(), Organisation.objects.count()) == before
    erased = Participant.objects.filter(status=Status.ERASED)
    assert all(p.given_name == "" for p in erased)
