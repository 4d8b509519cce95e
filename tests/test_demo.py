"""The demo loader: every stage represented, realistic data, and running it again adds nothing."""

from __future__ import annotations

from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from placewell.accounts.models import Organisation, Role, User
from placewell.participants.models import Participant, Status
from placewell.web import demo


def test_demo_loads_once_with_every_stage(db) -> None:  # type: ignore[no-untyped-def]
    assert demo.load(n_participants=120, seed=7, progress=lambda _: None)
    counts = Counter(Participant.objects.values_list("status", flat=True))
    assert set(counts) == {s.value for s in Status}
    roles = Counter(User.objects.values_list("role", flat=True))
    # Six specialists (other demo steps, such as the full-size trial, may add their own staff), and a manager
    # for each of the two services, who agrees that service's erasures.
    assert roles[Role.SPECIALIST] >= 6 and roles[Role.TEAM_LEADER] == 1 and roles[Role.SERVICE_MANAGER] == 2
    assert roles[Role.EVALUATOR] == 1 and roles[Role.ADMINISTRATOR] == 1
    before = (Participant.objects.count(), User.objects.count(), Organisation.objects.count())
    call_command("load_demo", participants=120, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Participant.objects.count(), User.objects.count(), Organisation.objects.count()) == before
    erased = Participant.objects.filter(status=Status.ERASED)
    assert all(p.given_name == "" for p in erased)


def test_demo_looks_like_a_real_service(db) -> None:  # type: ignore[no-untyped-def]
    """The full default demo: an IPS service without time limits, caseloads near the IPS target of about 20
    per full-time specialist with a realistic in-work share, support that started over the whole history,
    and a handful of alerts for each specialist rather than dozens. The demo trial's allocations are concealed
    and truly random, so the exact counts differ from one load to the next: the bounds allow for that."""
    from django.db.models import Q

    from placewell.accounts.models import Service
    from placewell.casework.alerts import alerts_for, not_told_of_ending
    from placewell.casework.dates import support_dates

    demo.load(progress=lambda _: None)
    brightpath = Service.objects.get(name="Brightpath IPS")
    assert brightpath.model == Service.Model.IPS
    assert not brightpath.pre_employment_limit_months and not brightpath.in_work_limit_months

    open_total, in_work_total, fte_total, alert_counts = 0, 0, 0.0, []
    for specialist in User.objects.filter(role=Role.SPECIALIST).select_related("team__service"):
        people = list(Participant.objects.filter(specialist=specialist).select_related("service"))
        open_ = [p for p in people if p.status in {Status.ACTIVE, Status.IN_WORK}]
        per_fte = len(open_) / float(specialist.fte)
        assert 10 <= per_fte <= 45, (specialist.username, per_fte)  # one over target is realistic
        open_total += len(open_)
        in_work_total += sum(p.status == Status.IN_WORK for p in open_)
        fte_total += float(specialist.fte)
        alerts = alerts_for(people) + not_told_of_ending(Q(specialist=specialist))
        assert 1 <= len(alerts) <= 18, (specialist.username, [a.title for a in alerts])
        alert_counts.append(len(alerts))
        assert not [a for a in alerts if a.rule in {"pre_employment_limit", "in_work_limit"}]
    assert sum(alert_counts) / len(alert_counts) <= 10, alert_counts
    assert 18 <= open_total / fte_total <= 27
    assert 0.2 <= in_work_total / open_total <= 0.5

    started = [
        d.support_started
        for d in support_dates(
            Participant.objects.filter(status__in=[Status.ACTIVE, Status.IN_WORK]).values_list(
                "pk", flat=True
            )
        ).values()
        if d.support_started
    ]
    # Everyone receiving support has their next meeting booked, and last fortnight's were marked.
    from placewell.appointments.models import Appointment

    open_people = Participant.objects.filter(
        status__in=[Status.ACTIVE, Status.IN_WORK], specialist__isnull=False
    )
    upcoming = Appointment.objects.filter(status="booked", starts_at__gt=timezone.now())
    assert set(upcoming.values_list("participant_id", flat=True)) == set(
        open_people.values_list("pk", flat=True)
    )
    outcomes = Counter(Appointment.objects.exclude(status="booked").values_list("status", flat=True))
    assert outcomes["attended"] > 5 * outcomes["did_not_attend"] > 0

    busiest_day = Counter(started).most_common(1)[0][1]
    assert busiest_day <= 0.05 * len(started)
    assert len({(d.year, d.month) for d in started}) >= 12
