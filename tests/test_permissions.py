"""Walk every URL the project serves, as every persona, and check the permission policy holds.

A specialist of another team and an evaluator must be refused (403 or 404) on every page and export that
concerns a participant they may not see, by GET and by POST, and must never see the participant's name or
identifiers on any page at all. The URL list comes from Django's resolver, so a new page is walked
automatically; a URL argument the walker cannot fill makes the test fail and name it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from placewell.participants.models import AgreementDocument, EligibilityRuleSet
from tests.conftest import refer

# Pages anyone may open without signing in.
PUBLIC_PREFIXES = (
    "/refer/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accessibility/",
    "/privacy/",
    "/static/",
    "/q/",
    "/language/",  # the language link: sets the language cookie and returns to the page; nothing about anyone
    "/healthz",  # the load balancer's checks: status and counts, nothing about any person
    "/readyz",
    "/my-support/",  # a participant's own pages: their own sign-in by link or code (tests/portal check access)
)
SECRETS = ("Rowan", "Example", "9434765919", "943 476 5919", "rowan@example.org")


def walk(patterns: list[object], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def fill(route: str, values: dict[str, str]) -> str:
    import re

    def sub(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in values:
            pytest.fail(
                f"The permission walker has no value for URL argument <{name}> in {route!r}: add one to VALUES"
            )
        return values[name]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


def url_values(world, participant) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "pk": str(participant.pk),
        "participant": str(participant.pk),
        "rule_set": str(EligibilityRuleSet.objects.filter(service=None).first().pk),
        "document": str(AgreementDocument.objects.first().pk),
        "format": "plain",
        "code": "cy",
        "number": "1",
        "action": "start_support",
        "contact_id": "1",
        "goal_id": "1",
        "step_id": "1",
        "instrument": "swemwbs",
        "token": "not-a-real-token-0123456789",
        "secret": "not-a-real-secret-0123456789",
        "trial": "1",
        "version": "1",
        "arm": "treatment",
        "employer": "1",
        "vacancy": "1",
        "job": "1",
        "chart": "caseload",
        "review": "1",
        "section": "staffing",
        "api_token": "1",
        "rest": "no-such-endpoint/",
        "kind": "referrals",
        "rule": "outreach",
    }


def all_urls(world, participant) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """Every URL with whether it concerns the participant: under .../participants/<pk>/ in any app, or
    with a <participant> argument."""
    values = url_values(world, participant)
    urls = set()
    for route, _pattern in walk(get_resolver().url_patterns):
        if route.startswith("accounts/logout/"):
            continue  # would end the walker's own session
        concerns = "participants/<int:pk>/" in route or "<int:participant>" in route
        urls.add((fill(route, values), concerns))
    return sorted(urls)


@pytest.fixture
def north_participant(world):  # type: ignore[no-untyped-def]
    return refer(world)


def is_public(url: str) -> bool:
    return url.startswith(PUBLIC_PREFIXES)


@pytest.mark.parametrize("persona", ["charlie", "evan", "ada"])
def test_outsiders_are_refused_and_never_see_a_name(client, world, north_participant, persona) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for url, concerns in all_urls(world, north_participant):
        # Signed in afresh for each page: a participant's sign-out page ends any session, staff included.
        client.force_login(getattr(world, persona))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace")
            for secret in SECRETS:
                assert secret not in body, f"{persona} saw {secret!r} at {method.upper()} {url}"
            if concerns:
                # A GET of a POST-only action is refused before any lookup (405): that reveals nothing too.
                refused = (403, 404, 405) if method == "get" else (403, 404)
                assert response.status_code in refused, (
                    f"{persona} got {response.status_code} at {method.upper()} {url}"
                )
            checked += 1
    assert checked > 40  # the walk really covered the site


def test_anonymous_visitors_are_sent_to_sign_in(client, world, north_participant) -> None:  # type: ignore[no-untyped-def]
    for url, _concerns in all_urls(world, north_participant):
        if is_public(url):
            continue
        response = client.get(url)
        # The JSON API answers a request without credentials with 401, as HTTP asks; pages redirect.
        allowed = (401, 404) if url.startswith("/api/v1/") else (302, 403, 404)
        assert response.status_code in allowed, url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("persona", ["alice", "bob", "tess", "mandy"])
def test_the_team_and_the_manager_can_open_the_record(client, world, north_participant, persona) -> None:  # type: ignore[no-untyped-def]
    client.force_login(getattr(world, persona))
    response = client.get(f"/participants/{north_participant.pk}/")
    assert response.status_code == 200
    assert "Rowan Example" in response.content.decode()


def test_only_the_service_manager_may_erase(client, world, north_participant) -> None:  # type: ignore[no-untyped-def]
    for persona, expected in (("alice", 403), ("tess", 403), ("mandy", 200)):
        client.force_login(getattr(world, persona))
        assert client.get(f"/participants/{north_participant.pk}/erase/").status_code == expected, persona


def test_audit_log_is_for_service_managers_only(client, world, north_participant) -> None:  # type: ignore[no-untyped-def]
    for persona, expected in (("alice", 403), ("tess", 403), ("evan", 403), ("ada", 403), ("mandy", 200)):
        client.force_login(getattr(world, persona))
        assert client.get("/accounts/audit/").status_code == expected, persona


def test_configuration_is_for_administrators_only(client, world) -> None:  # type: ignore[no-untyped-def]
    for persona in ("alice", "tess", "mandy", "evan"):
        client.force_login(getattr(world, persona))
        for url in ("/accounts/services/", "/accounts/staff/", "/accounts/staff/new/"):
            assert client.get(url).status_code == 403, (persona, url)
    client.force_login(world.ada)
    assert client.get("/accounts/staff/").status_code == 200


def test_evaluator_home_shows_counts_without_names(client, world, north_participant) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.evan)
    body = client.get("/").content.decode()
    assert "Participants by service and status" in body and "Test IPS" in body
    assert "Rowan" not in body
