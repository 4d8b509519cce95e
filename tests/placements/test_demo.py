"""The demo's employer side: employers across sectors and sizes, engagement, vacancies of all three sources,
and job starts for people in work, all made through the real actions."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_demo_employers_vacancies_and_job_starts() -> None:
    from placewell.employers.models import Employer, Engagement, Vacancy
    from placewell.participants.models import Status
    from placewell.placements.models import JobStart
    from placewell.web import demo

    demo.load(n_participants=40, progress=lambda _: None)
    assert Employer.objects.values("sector").distinct().count() >= 8
    assert Employer.objects.values("size").distinct().count() == 4
    assert Engagement.objects.filter(face_to_face=True).exists()
    assert set(Vacancy.objects.values_list("source", flat=True)) == {"advertised", "hidden", "developed"}
    in_work = JobStart.objects.values("participant_id").distinct().count()
    assert (
        in_work
        and in_work
        == JobStart.objects.filter(participant__status=Status.IN_WORK)
        .values("participant_id")
        .distinct()
        .count()
    )
