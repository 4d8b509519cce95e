"""Interim monitoring: figures equal hand counts, and blind users never see anything split by arm."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from placewell.accounts import services as acc
from placewell.accounts.models import Role, User
from placewell.participants.models import Participant
from placewell.surveys.models import Invitation
from placewell.trials import demo_fullsize, monitoring
from placewell.trials import services as trials
from placewell.trials.models import Allocation

ARM_NAMES = ("Treatment: IPS-LITE support", "Control: other local support")


@pytest.fixture
def loaded(world):  # type: ignore[no-untyped-def]
    """About a hundred randomised people from the full-size loader, in a service the world's evaluator
    (evan) covers; a few baseline answers blanked so that completeness has something to count."""
    result = demo_fullsize.load_fullsize_trial(scale=0.01, progress=lambda _m: None)
    assert result is not None
    service = result.trial.service
    service.commissioner = world.commissioner
    service.save(update_fields=["commissioner"])
    blank = result.participant_ids[:3].tolist()
    Participant.objects.filter(pk__in=blank).update(gender="", work_history="")
    Participant.objects.filter(pk__in=blank[:1]).update(date_of_birth=None)
    return result


def _staff(username: str, role: str, **kw: object) -> User:
    return acc.create_staff(  # type: ignore[return-value]
        by=None,
        username=username,
        password="correct-horse-battery-staple-42",
        first_name=username.title(),
        last_name="Persona",
        email=f"{username}@example.org",
        role=role,
        **kw,
    )


def test_figures_equal_hand_counts(loaded) -> None:  # type: ignore[no-untyped-def]
    trial = loaded.trial
    people = list(Participant.objects.filter(pk__in=loaded.participant_ids.tolist()))
    n = len(people)
    completeness = monitoring.completeness(trial)
    missing = {f["label"]: f["missing"] for f in completeness["fields"]}
    assert completeness["total"] == n
    assert missing["Gender"] == sum(p.gender == "" for p in people) >= 3
    assert missing["Paid work in the last 2 years"] == sum(p.work_history == "" for p in people)
    assert missing["Health limits everyday activities"] == sum(p.activity_limitation == "" for p in people)
    assert missing["Date of birth"] == 1 and missing["NHS number"] == 0
    assert {q["label"]: q["missing"] for q in completeness["questionnaires"]} == {"EQ-5D-5L": 0, "SWEMWBS": 0}

    invitations = list(
        Invitation.objects.filter(participant__in=people).values_list(
            "wave__name", "participant_id", "status"
        )
    )
    arm_of = dict(Allocation.objects.filter(trial=trial).values_list("participant_id", "arm__name"))
    response = monitoring.survey_response(trial, by_arm=True)
    for wave in response["waves"]:
        mine = [(pid, status) for name, pid, status in invitations if name == wave["name"]]
        assert wave["invited"] == len(mine)
        assert wave["responded"] == sum(status == "responded" for _, status in mine)
        for arm, cell in zip(response["arms"], wave["arms"], strict=True):
            assert cell["invited"] == sum(arm_of[pid] == arm.name for pid, _ in mine)
            assert cell["responded"] == sum(arm_of[pid] == arm.name and s == "responded" for pid, s in mine)
    twelve = next(w for w in response["waves"] if w["name"].startswith("12-month"))
    assert twelve["responded"] == int(loaded.data["responded_12m"].sum())
    assert monitoring.survey_response(trial, by_arm=False)["waves"][0]["arms"] == []

    sites = monitoring.recruitment_by_site(trial)
    by_site = Counter(loaded.data["site"])
    totals = {s["name"]: s["total"] for s in sites["sites"]}
    assert totals == {"Sheffield City Region": by_site["SCR"], "West Midlands": by_site["WMCA"]}
    assert {s["name"]: s["target"] for s in sites["sites"]} == totals  # targets were the simulated sizes
    assert sum(c["n"] for row in sites["rows"] for c in row["counts"]) == n


def test_blind_users_see_pooled_figures_only(loaded, client, world) -> None:  # type: ignore[no-untyped-def]
    trial = loaded.trial
    team = trial.service.teams.first()
    leader = _staff("lena", Role.TEAM_LEADER, team=team)
    interviewer = _staff("ivy", Role.EVALUATOR, organisation=world.commissioner)
    manager = User.objects.get(username=demo_fullsize.MANAGER)
    trials.set_blinded_staff(by=manager, trial=trial, staff=[interviewer])
    url = reverse("trials:interim", args=[trial.pk])
    responded = int(loaded.data["responded_12m"].sum())
    names = {p.full_name for p in Participant.objects.filter(pk__in=loaded.participant_ids.tolist())}
    for blind in (manager, leader, interviewer):
        client.force_login(blind)
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert not any(arm in text for arm in ARM_NAMES), blind.username
        response_table = text.split("Survey response by wave")[1].split("</table>")[0]
        assert "Baseline characteristics by arm" not in text and " of " not in response_table
        assert f">{responded}</td>" in text  # the pooled 12-month figure
        assert not any(name in text for name in names)
    client.force_login(world.evan)
    text = client.get(url).content.decode()
    assert all(arm in text for arm in ARM_NAMES) and "Baseline characteristics by arm" in text
    treated = int(loaded.data.loc[loaded.data["treatment"] == 1, "responded_12m"].sum())
    assert f"{treated} of {int(loaded.data['treatment'].sum())}" in text
    assert not any(name in text for name in names)


def test_staff_without_monitoring_are_refused(loaded, client, world) -> None:  # type: ignore[no-untyped-def]
    url = reverse("trials:interim", args=[loaded.trial.pk])
    client.force_login(world.alice)
    assert client.get(url).status_code in (403, 404)
    client.force_login(world.mandy)  # a manager of another service: the trial is out of scope
    assert client.get(url).status_code == 404
