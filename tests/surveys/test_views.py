"""Survey pages with the personas: happy paths, the permission boundary (403/404, never a name), bad input
with a clear message and nothing saved, the public link pages, and query counts on list pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.surveys.conftest import SWEMWBS_ALL_FOURS, agree, baseline_invitation


@pytest.fixture
def answered(world, agreed):  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    return services.record_response(
        by=world.alice,
        participant=agreed,
        instrument_id="swemwbs",
        answers=SWEMWBS_ALL_FOURS,
        mode="phone",
        invitation=baseline_invitation(agreed),
    )


def staff_urls(agreed, answered) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    invitation = baseline_invitation(agreed)
    return [
        ("get", f"/surveys/participants/{agreed.pk}/"),
        ("get", f"/surveys/participants/{agreed.pk}/administer/"),
        ("get", f"/surveys/participants/{agreed.pk}/administer/phq8/"),
        ("post", f"/surveys/participants/{agreed.pk}/enrol/"),
        ("get", f"/surveys/responses/{answered.pk}/"),
        ("get", f"/surveys/invitations/{invitation.pk}/"),
        ("post", f"/surveys/invitations/{invitation.pk}/link/"),
        ("get", f"/surveys/waves/{invitation.wave_id}/fieldwork/"),
    ]


def test_other_teams_specialist_and_evaluator_are_refused_on_every_page(
    client_as, world, agreed, answered
) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import SurveyLink

    for persona, allowed in (("charlie", {404}), ("evan", {403, 404}), ("ada", {403, 404})):
        client = client_as(persona)
        for method, url in staff_urls(agreed, answered):
            response = getattr(client, method)(url)
            if url.endswith("/fieldwork/") and persona == "charlie":
                # Charlie's service runs the wave, but his list shows no one from another team.
                assert response.status_code == 200
            else:
                assert response.status_code in allowed, (persona, url, response.status_code)
            assert b"Rowan" not in response.content, (persona, url)
    assert not SurveyLink.objects.exists()


def test_evaluator_sees_response_rates_without_names(client_as, world, agreed, answered) -> None:  # type: ignore[no-untyped-def]
    client = client_as("evan")
    for url in ("/surveys/", "/surveys/response-rates/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Rowan" not in response.content and agreed.reference.encode() not in response.content
    assert b"100.0% (1 of 1)" in client.get("/surveys/response-rates/").content
    assert client_as("ada").get("/surveys/response-rates/").status_code == 403


def test_specialist_sees_the_participants_surveys_and_the_read_is_audited(
    client_as, world, agreed, answered
) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts.models import AuditEvent

    for persona in ("alice", "bob", "tess", "mandy"):
        response = client_as(persona).get(f"/surveys/participants/{agreed.pk}/")
        assert response.status_code == 200
        assert b"Rowan" in response.content and b"25.03" in response.content
    assert (
        AuditEvent.objects.filter(
            action="view", record_type="survey_response", participant_id=agreed.pk
        ).count()
        == 4
    )


def test_the_panel_on_the_participant_page_shows_scores_with_a_chart_and_table(
    client_as, world, agreed, answered
) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    services.record_response(
        by=world.alice,
        participant=agreed,
        instrument_id="mskhq",
        answers={f"item{n}": 2 for n in range(1, 15)} | {"activity_days": 3},
        mode="phone",
        completed_on=agreed.created_at.date(),
    )
    response = client_as("alice").get(f"/participants/{agreed.pk}/")
    html = response.content.decode()
    assert "Health and wellbeing scores" in html
    assert 'role="img"' in html and "<desc" in html and "SWEMWBS over time" in html
    assert "25.03" in html


def test_staff_administer_a_questionnaire(client_as, world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import Response

    client = client_as("alice")
    invitation = baseline_invitation(agreed)
    start = client.post(
        f"/surveys/participants/{agreed.pk}/administer/",
        {"instrument": "phq8", "mode": "phone", "invitation": invitation.pk},
    )
    assert start.status_code == 302
    url = start["Location"]
    assert url == f"/surveys/participants/{agreed.pk}/administer/phq8/?mode=phone&invitation={invitation.pk}"
    page = client.get(url)
    assert page.status_code == 200 and b"<legend" in page.content

    # Bad input: an answer outside the scale, and a date in the future. Clear messages, nothing saved.
    bad = client.post(
        url,
        {"item1": "7", "item2": "1", "completed_on_0": "1", "completed_on_1": "1", "completed_on_2": "2099"},
    )
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "There is a problem" in html and "Select one of the answers shown" in html
    assert "The date must be today or in the past" in html
    assert not Response.objects.exists()

    good = client.post(
        url,
        {f"item{n}": "1" for n in range(1, 9)}
        | {"completed_on_0": "20", "completed_on_1": "11", "completed_on_2": "2026"},
    )
    assert good.status_code == 302
    r = Response.objects.get()
    assert (r.instrument_id, r.value, r.band, r.mode, r.entered_by, r.invitation) == (
        "phq8",
        8,
        "mild",
        "phone",
        world.alice,
        invitation,
    )


def test_contact_attempts_from_the_invitation_page(client_as, world, agreed) -> None:  # type: ignore[no-untyped-def]
    client = client_as("bob")
    invitation = baseline_invitation(agreed)
    bad = client.post(f"/surveys/invitations/{invitation.pk}/", {"method": "carrier_pigeon"})
    assert b"There is a problem" in bad.content and not invitation.attempts.exists()
    ok = client.post(f"/surveys/invitations/{invitation.pk}/", {"method": "phone", "outcome": "no_answer"})
    assert ok.status_code == 302 and invitation.attempts.count() == 1
    assert (
        client_as("evan")
        .post(f"/surveys/invitations/{invitation.pk}/", {"method": "phone", "outcome": "no_answer"})
        .status_code
        == 403
    )


def test_a_created_link_is_shown_once_and_works(client_as, world, agreed, wording_loaded) -> None:  # type: ignore[no-untyped-def]
    response = client_as("alice").post(f"/surveys/invitations/{baseline_invitation(agreed).pk}/link/")
    assert response.status_code == 200
    url = response.context["url"]
    assert "/q/" in url
    path = url.split("testserver", 1)[1]
    assert client_as("alice").get(path).status_code == 200


def _link(world, agreed):  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    return services.create_link(by=world.alice, invitation=baseline_invitation(agreed))


def test_public_link_pages_refuse_bad_answers_and_save_nothing(client, world, agreed, wording_loaded) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import Response

    _, token = _link(world, agreed)
    start = client.get(f"/q/{token}/")
    assert start.status_code == 200 and b"Start now" in start.content
    assert start["Cache-Control"].startswith("max-age=0")
    # Page 2 is SWEMWBS (EQ-5D-5L first). A tampered answer outside 1-5 is refused beside the question.
    bad = client.post(f"/q/{token}/page/2/", {"item1": "9", "action": "continue"})
    assert bad.status_code == 200 and b"Select one of the answers shown" in bad.content
    assert not Response.objects.exists()
    bad_vas = client.post(f"/q/{token}/page/1/", {"vas": "150", "action": "continue"})
    assert b"Enter a whole number from 0 to 100" in bad_vas.content
    saved = client.post(f"/q/{token}/page/2/", {"item1": "4", "action": "save"})
    assert saved.status_code == 302 and saved["Location"] == f"/q/{token}/saved/"
    assert Response.objects.get().answers == {f"item{n}": None for n in range(1, 8)} | {"item1": 4}
    assert client.get(f"/q/{token}/").context["started"] is True


def test_used_expired_and_unknown_links_show_a_clear_page_and_save_nothing(
    client, world, agreed, wording_loaded
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    import time_machine

    from placewell.surveys import services
    from placewell.surveys.models import Response

    unknown = client.get("/q/no-such-token/")
    assert unknown.status_code == 404 and b"This link does not work" in unknown.content
    _, token = _link(world, agreed)
    assert client.post(f"/q/{token}/check/").status_code == 302
    assert client.get("/q/thank-you/").status_code == 200
    count = Response.objects.count()
    used = client.post(f"/q/{token}/page/2/", {"item1": "4", "action": "continue"})
    assert used.status_code == 410 and b"You have already sent your answers" in used.content
    assert Response.objects.count() == count

    other = agree(world, given_name="Quinn", nhs_number="")
    _, token2 = services.create_link(by=world.alice, invitation=baseline_invitation(other))
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=29)):
        expired = client.post(f"/q/{token2}/page/2/", {"item1": "4", "action": "continue"})
    assert expired.status_code == 410 and b"This link has expired" in expired.content
    assert not Response.objects.filter(participant=other).exists()


def test_admin_loads_licensed_wording_and_configures_waves(client_as, world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import LicensedWording, SurveyWave

    client = client_as("ada")
    assert client.get("/surveys/wording/").status_code == 200
    assert client.get("/surveys/wording/phq8/").status_code == 404  # public domain: nothing to load
    bad = client.post(
        "/surveys/wording/swemwbs/", {"licence_reference": "R1", "title": "SWEMWBS", "stem": "Intro"}
    )
    assert b"There is a problem" in bad.content and not LicensedWording.objects.exists()
    data = {"licence_reference": "R1", "title": "SWEMWBS", "stem": "Intro"}
    data |= {f"item{n}_wording": f"Statement {n}" for n in range(1, 8)} | {
        f"item{n}_options": "" for n in range(1, 8)
    }
    data["item1_options"] = "a\nb"
    wrong = client.post("/surveys/wording/swemwbs/", data)
    assert b"needs 5 answer labels" in wrong.content and not LicensedWording.objects.exists()
    data["item1_options"] = ""
    assert client.post("/surveys/wording/swemwbs/", data).status_code == 302
    assert LicensedWording.objects.get().items["item3"]["wording"] == "Statement 3"

    wave = SurveyWave.objects.get(service=world.service, key="4-month")
    assert client.get(f"/surveys/services/{world.service.pk}/waves/").status_code == 200
    form = {
        "name": wave.name,
        "offset_months": "6",
        "opens_days_before": "7",
        "closes_days_after": "42",
        "instruments": ["swemwbs", "eq5d5l"],
        "link_valid_days": "21",
        "max_face_to_face_attempts": "5",
        "max_call_attempts": "10",
        "is_active": "on",
    }
    assert client.post(f"/surveys/waves/{wave.pk}/", form).status_code == 302
    wave.refresh_from_db()
    assert (wave.offset_months, wave.max_call_attempts, wave.instruments) == (6, 10, ["swemwbs", "eq5d5l"])
    for persona in ("alice", "evan"):
        assert client_as(persona).get("/surveys/wording/").status_code == 403
        assert client_as(persona).get(f"/surveys/waves/{wave.pk}/").status_code == 403


def _count(client, url) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_do_not_grow_queries_with_their_rows(client_as, world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    first = agree(world, given_name="One", nhs_number="")
    wave_id = baseline_invitation(first).wave_id
    client = client_as("alice")
    fieldwork = f"/surveys/waves/{wave_id}/fieldwork/"
    few = _count(client, fieldwork)
    few_rates = _count(client, "/surveys/response-rates/")
    few_participant = _count(client, f"/surveys/participants/{first.pk}/")
    for name in ("Two", "Three", "Four"):
        agree(world, given_name=name, nhs_number="")
    assert _count(client, fieldwork) == few
    assert _count(client, "/surveys/response-rates/") == few_rates
    assert _count(client, f"/surveys/participants/{first.pk}/") == few_participant
    with django_assert_num_queries(few):
        client.get(fieldwork)
