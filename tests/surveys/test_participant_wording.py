"""No stand-in wording ever reaches a participant.

A self-completion link is refused while any of its questionnaires would show the engine's descriptive
stand-in (licensed wording not loaded) or placeholder wording, and staff are told which and how to load it.
Every public questionnaire page, walked through its URL patterns with a real link, is then checked for the
word "stand-in" and for any instrument's code or title: a participant reads plain headings ("How you have been
feeling"), never "SWEMWBS".
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.surveys.conftest import agree, baseline_invitation, load_test_wording

EVERY_INSTRUMENT = [
    "eq5d5l",
    "swemwbs",
    "phq8",
    "gad7",
    "ons4",
    "gse",
    "mskhq",
    "client_experience",
]
"""Every instrument whose wording can reach a participant (job-search self-efficacy ships a placeholder)."""

CODES = ("stand-in", "eq-5d", "swemwbs", "wemwbs", "phq", "gad-7", "gad7", "ons4", "msk-hq", "mskhq", "gse")


def _forbidden() -> list[str]:
    """The word "stand-in", short codes, and every instrument's id and title from the engine's registry."""
    from placewell.engine.measures import INSTRUMENTS

    words = set(CODES)
    for instrument in INSTRUMENTS.values():
        words.add(instrument.id.lower())
        words.add(instrument.title.lower())
    return sorted(words)


def _visible(html: str, token: str) -> str:
    """The page without the random values that could spell a code by chance (the token, the CSRF value)."""
    html = html.replace(token, "TOKEN")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html).lower()


def _set_instruments(world, participant, ids):  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    wave = baseline_invitation(participant).wave
    services.update_wave(by=world.ada, wave=wave, changes={"instruments": ids})


def test_a_link_is_refused_while_licensed_wording_is_missing_and_nothing_is_made(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.errors import SurveyError
    from placewell.surveys.models import SurveyLink

    with pytest.raises(SurveyError) as refused:
        services.create_link(by=world.alice, invitation=baseline_invitation(agreed))
    message = str(refused.value)
    assert "EQ-5D-5L and SWEMWBS is not loaded" in message
    assert "load_licensed_wording" in message and "Licensed wording page" in message
    assert not SurveyLink.objects.exists()

    load_test_wording("eq5d5l")
    with pytest.raises(SurveyError, match="licensed wording of SWEMWBS is not loaded"):
        services.create_link(by=world.alice, invitation=baseline_invitation(agreed))
    load_test_wording("swemwbs")
    link, _ = services.create_link(by=world.alice, invitation=baseline_invitation(agreed))
    assert link.instruments == ["eq5d5l", "swemwbs", "phq8", "gad7", "ons4"]


def test_placeholder_wording_is_refused_too(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.errors import SurveyError

    _set_instruments(world, agreed, ["phq8", "job_search_self_efficacy"])
    with pytest.raises(SurveyError, match="Job-search self-efficacy still has placeholder wording"):
        services.create_link(by=world.alice, invitation=baseline_invitation(agreed))
    _set_instruments(world, agreed, ["phq8", "gad7", "ons4", "client_experience"])
    assert services.create_link(by=world.alice, invitation=baseline_invitation(agreed))


def test_licensed_wording_must_replace_stand_in_answer_labels(world) -> None:  # type: ignore[no-untyped-def]
    """EQ-5D-5L's shipped answer labels are stand-ins ("1: no problems (stand-in)"), so loading its wording
    without labels would still show them to a participant."""
    from placewell.engine.measures import get_instrument
    from placewell.surveys import services
    from placewell.surveys.errors import SurveyError
    from placewell.surveys.models import LicensedWording

    items = {item.key: {"wording": "Test"} for item in get_instrument("eq5d5l").items}
    with pytest.raises(SurveyError, match="Enter the 5 answer labels of mobility") as refused:
        services.load_licensed_wording(
            by=None, instrument_id="eq5d5l", stem="Test", items=items, licence_reference="T"
        )
    assert refused.value.field == "mobility_options"
    assert not LicensedWording.objects.exists()


def test_staff_see_which_wording_is_missing_and_no_link_button(client_as, world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import SurveyLink

    invitation = baseline_invitation(agreed)
    page = client_as("alice").get(f"/surveys/invitations/{invitation.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "The licensed wording of EQ-5D-5L and SWEMWBS is not loaded" in html
    assert "Create a self-completion link" not in html
    assert "Administer a questionnaire" in html  # staff-administered questionnaires keep the stand-ins

    refused = client_as("alice").post(f"/surveys/invitations/{invitation.pk}/link/", follow=True)
    assert refused.status_code == 200
    assert "The licensed wording of EQ-5D-5L and SWEMWBS is not loaded" in refused.content.decode()
    assert not SurveyLink.objects.exists()

    load_test_wording("eq5d5l", "swemwbs")
    ready = client_as("alice").get(f"/surveys/invitations/{invitation.pk}/").content.decode()
    assert "Create a self-completion link" in ready and "is not loaded" not in ready


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("alice", True),
        ("bob", True),
        ("tess", True),
        ("mandy", True),
        ("charlie", False),
        ("evan", False),
        ("ada", False),
    ],
)
def test_who_may_see_the_link_refusal(client_as, world, agreed, persona, allowed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import SurveyLink

    invitation = baseline_invitation(agreed)
    page = client_as(persona).get(f"/surveys/invitations/{invitation.pk}/")
    if allowed:
        assert page.status_code == 200
    else:
        assert page.status_code in (403, 404)
        assert "not loaded" not in page.content.decode()
    post = client_as(persona).post(f"/surveys/invitations/{invitation.pk}/link/")
    assert post.status_code in ((302,) if allowed else (403, 404))
    assert not SurveyLink.objects.exists()


def test_no_participant_facing_questionnaire_page_shows_stand_in_wording_or_an_instrument_code(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    from placewell.surveys import public_urls, services
    from placewell.surveys.models import SurveyLink
    from placewell.surveys.questionnaire import pages as split
    from placewell.surveys.questionnaire import present_many

    load_test_wording("eq5d5l", "swemwbs", "gse", "mskhq")
    person = agree(world)
    _set_instruments(world, person, EVERY_INSTRUMENT)
    _, token = services.create_link(by=world.alice, invitation=baseline_invitation(person))
    forbidden = _forbidden()
    visited: set[str] = set()
    pages: list[tuple[str, str]] = []

    def get(name: str, url: str, status: int = 200, method: str = "get", **data: str) -> None:
        response = getattr(client, method)(url, data, follow=True)
        assert response.status_code == status, (url, response.status_code)
        visited.add(name)
        pages.append((url, _visible(response.content.decode(), token)))

    get("start", f"/q/{token}/")
    get("easy_read", f"/q/{token}/easy-read/")
    total = len(split(present_many(EVERY_INSTRUMENT)))
    assert total > len(EVERY_INSTRUMENT)  # the long ones are asked a question a page
    for number in range(1, total + 1):
        get("page", f"/q/{token}/page/{number}/")
    # A bad answer re-shows a page with its error messages.
    get("page", f"/q/{token}/page/1/", method="post", vas="150", action="continue")
    get("saved", f"/q/{token}/page/2/", method="post", item1="1", action="save")
    get("check", f"/q/{token}/check/")
    get("thanks", f"/q/{token}/check/", method="post")
    # The problem pages: used, unknown, expired, cancelled, and not ready.
    get("start", f"/q/{token}/", status=410)
    get("start", "/q/no-such-link/", status=404)
    other = agree(world, given_name="Quinn", nhs_number="")
    _set_instruments(world, other, EVERY_INSTRUMENT)
    _, expiring = services.create_link(by=world.alice, invitation=baseline_invitation(other))
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=60)):
        get("start", f"/q/{expiring}/", status=410)
    _, replacing = services.create_link(by=world.alice, invitation=baseline_invitation(other))
    get("start", f"/q/{expiring}/", status=410)
    # A link made before this rule, for a questionnaire whose wording is a placeholder.
    SurveyLink.objects.filter(token_hash=services.hash_token(replacing)).update(
        instruments=["phq8", "job_search_self_efficacy"]
    )
    get("start", f"/q/{replacing}/", status=410)
    assert "these questions are not ready yet" in pages[-1][1]

    names = {pattern.name for pattern in public_urls.urlpatterns}
    assert visited == names, f"walk every public questionnaire page: missing {names - visited}"
    for url, html in pages:
        found = [word for word in forbidden if word in html]
        assert not found, f"{url} shows {found}"
    # The plain headings are what the participant reads instead.
    assert any("how you have been feeling" in html for _, html in pages)
    assert any("your health today" in html for _, html in pages)
