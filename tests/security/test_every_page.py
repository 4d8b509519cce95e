"""Every staff page, as every persona, for records in every state: no server error, and refusals where due.

The URL patterns are walked from Django's resolver, so a new page is covered without listing it. Each
participant page is requested for an open record (randomised, in support), one withdrawn from research
contact, one withdrawn from the service (closed), one closed, one erased and a new referral. A specialist of
another team (charlie), the evaluator (evan) and the administrator (ada) must never be shown a North
participant's page (200); nobody may cause a 500.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from placewell.participants import services as ps
from tests.governance.conftest import nhs_number
from tests.trials.helpers import agreed

PERSONAS = ["alice", "bob", "charlie", "tess", "mandy", "evan", "ada"]
REFUSED = {"charlie", "evan", "ada"}  # may never see a North participant's record
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
SKIP = ("accounts/logout/",)  # would end the persona's session for the rest of the walk


def _routes() -> list[str]:
    def walk(resolver: URLResolver, prefix: str) -> list[str]:
        found = []
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                found += walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))
        return found

    return [r for r in walk(get_resolver(), "") if not r.startswith(SKIP) and "(?P" not in r]


def _is_participant_route(route: str) -> bool:
    return bool(re.search(r"participants/<int:pk>", route))


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + PARAM.sub(lambda m: values.get(m.group(2), "1"), route)


@pytest.fixture
def records(world, cohort):  # type: ignore[no-untyped-def]
    both = agreed(world, nhs_number=nhs_number(5), given_name="Blake", family_name="Both")
    ps.withdraw(by=world.alice, participant=both, scope="both", reason="Moving away")
    closed = agreed(world, nhs_number=nhs_number(6), given_name="Cass", family_name="Closed")
    ps.start_support(by=world.alice, participant=closed)
    ps.close(by=world.alice, participant=closed, reason="Support finished")
    return {
        "open": cohort.randomised,
        "withdrawn from research": cohort.withdrawn,
        "withdrawn from the service": both,
        "closed": closed,
        "erased": cohort.erased,
        "referred": cohort.referred,
    }


def test_every_page_as_every_persona_for_every_state(client, world, cohort, records) -> None:  # type: ignore[no-untyped-def]
    from placewell.imports.kinds import SPECS
    from placewell.insight.dashboards import CHARTS

    base = {
        "trial": str(cohort.trial.pk),
        "format": "csv",
        "kind": next(iter(SPECS)),
        "chart": next(iter(CHARTS)),
        "instrument": "swemwbs",
        "arm": "treatment",
        "version": "1",
        "number": "1",
    }
    routes = _routes()
    participant_routes = [r for r in routes if _is_participant_route(r)]
    other_routes = [r for r in routes if not _is_participant_route(r)]
    assert len(participant_routes) > 30 and len(other_routes) > 100  # the walk found the site

    client.raise_request_exception = False
    errors: list[str] = []
    leaks: list[str] = []
    for persona in PERSONAS:
        client.force_login(getattr(world, persona))
        for route in other_routes:
            pk = str(cohort.trial.pk) if route.startswith("trials/") else "1"
            url = _fill(route, {**base, "pk": pk})
            status = client.get(url).status_code
            if status >= 500:
                errors.append(f"{persona} {url} {status}")
        for state, p in records.items():
            for route in participant_routes:
                url = _fill(route, {**base, "pk": str(p.pk)})
                status = client.get(url).status_code
                if status >= 500:
                    errors.append(f"{persona} {state} {url} {status}")
                elif persona in REFUSED and status == 200:
                    leaks.append(f"{persona} {state} {url}")
    assert errors == []
    assert leaks == []


def test_closed_records_profile_change_page_says_why(client_as, records) -> None:  # type: ignore[no-untyped-def]
    """The vocational profile's change page for a closed record was a 500 (an error added to an unbound
    form); now it goes back to the profile with a message."""
    client = client_as("alice")
    for state in ("closed", "withdrawn from the service"):
        p = records[state]
        response = client.get(f"/casework/participants/{p.pk}/profile/change/", follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == f"/casework/participants/{p.pk}/profile/"
        assert "record is closed, so the profile cannot change" in response.content.decode()
        posted = client.post(f"/casework/participants/{p.pk}/profile/change/", {"goal": "x"})
        assert posted.status_code == 302
