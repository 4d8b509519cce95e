"""Readable by design: every page a participant reads is written for a reading age of about 11.

The measure is the Flesch-Kincaid grade level (Kincaid, Fishburne, Rogers and Chissom, 1975, "Derivation of
new readability formulas for Navy enlisted personnel"), as the ``textstat`` package computes it: 0.39 x words
per sentence + 11.8 x syllables per word - 15.59. A US grade is a reading age of about grade + 5, so grade 6
is a reading age of 11 to 12, the level the UK's plain-English guidance aims for in public information
("Content design: planning, writing and managing content", GOV.UK Service Manual: "a reading age of 9"
for everyone; easy read lower still). A page fails above grade 6.

The pages are found from the URL resolver, by namespace (``public``: the self-referral form;
``questionnaire``: questionnaires from a link; ``portal``: "My support", when that app is installed), so a new
public page cannot be left out: every URL name in those namespaces must have a way to reach it in ``VISITS``
(or be listed in ``NOT_PAGES`` with the reason), or the test fails naming it. "My plan" is added by name.

Each page is walked twice, in English and in Welsh, and neither may show a stand-in questionnaire's wording
("stand-in"); the reading age is measured on the English page's main text (``<main>``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
import textstat
from django.core.cache import cache
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

from tests.welsh import compile_welsh

MAX_GRADE = 6.0
"""Flesch-Kincaid grade 6: a reading age of 11 to 12."""

NAMESPACES = ("public", "questionnaire", "portal")

NOT_PAGES = {
    "portal:sign_out": "an action: it signs the person out and redirects to the sign-in page, measured itself",
    "portal:send_link": "a staff action on the participant's record (staff pages are not measured)",
    "portal:request_done": "a staff action on the worklist (staff pages are not measured)",
    "portal:link": "a single-use sign-in link: it redirects to My support, or shows the expired-link page",
}
"""URL names in the participant namespaces that are not pages a participant reads, with the reason."""

BLOCKS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "li",
    "label",
    "legend",
    "dt",
    "dd",
    "button",
    "summary",
    "caption",
    "td",
    "th",
}
BLOCK_CLASSES = (
    "govuk-hint",
    "govuk-caption",
    "govuk-error-message",
    "govuk-panel__body",
    "govuk-inset-text",
)


class MainText(HTMLParser):
    """The words inside ``<main>``, one sentence per block: a heading, label or list item without a full
    stop is a sentence of its own, as a reader takes it (otherwise it would run into the next one)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <main> when > 0
        self.skip = 0  # inside <script>, <style>, <svg> or a hidden honeypot
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "main":
            self.depth += 1
        if self.depth and (tag in {"script", "style", "svg"} or "pw-honeypot" in classes):
            self.skip += 1
            self._stack_skip = tag
        if self.depth and (tag in BLOCKS or any(c in classes for c in BLOCK_CLASSES)):
            self.parts.append(" \n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag == getattr(self, "_stack_skip", None):
            self.skip -= 1
        if tag == "main":
            self.depth -= 1
        if self.depth and tag in BLOCKS | {"div", "span"}:
            self.parts.append(" \n")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)

    def sentences(self) -> list[str]:
        blocks = [" ".join(b.split()) for b in "".join(self.parts).split("\n")]
        out: list[str] = []
        for block in blocks:
            if not block:
                continue
            out.extend(s for s in re.split(r"(?<=[.!?:])\s+", block) if s)
        return [s if s[-1] in ".!?:" else f"{s}." for s in out]


def main_sentences(html: str) -> list[str]:
    parser = MainText()
    parser.feed(html)
    # Addresses, web links and numbers are read as they are, not as long words.
    clean = [re.sub(r"\S+@\S+|https?://\S+|/\S+|\d[\d :/-]*\d", "X", s) for s in parser.sentences()]
    return [s for s in clean if re.search(r"[A-Za-z]{2}", s)]


def grade(sentences: list[str]) -> float:
    return float(textstat.flesch_kincaid_grade(" ".join(sentences)))


def readability_problem(name: str, html: str) -> str:
    """Empty when the page's main text is at or below ``MAX_GRADE``; otherwise the page, its grade and its
    hardest sentences, for the person rewriting it."""
    sentences = main_sentences(html)
    assert sentences, f"{name}: no text found in <main>"
    score = grade(sentences)
    if score <= MAX_GRADE:
        return ""
    hardest = sorted(set(sentences), key=lambda s: -float(textstat.flesch_kincaid_grade(s)))[:5]
    lines = "\n".join(f"    grade {float(textstat.flesch_kincaid_grade(s)):5.1f}: {s}" for s in hardest)
    return (
        f"{name}: Flesch-Kincaid grade {score:.1f} is above {MAX_GRADE:.0f} (reading age above 11-12). "
        f"Hardest sentences:\n{lines}"
    )


# The walk ------------------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str  # the URL name, or "name (state)" when a page is seen in more than one state
    url: str
    html: str


def _get(client: Any, name: str, url: str, follow: bool = False) -> Page:
    response = client.get(url, follow=follow)
    assert response.status_code in {200, 404, 410, 429}, (name, url, response.status_code)
    return Page(name, url, response.content.decode())


def _post(client: Any, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode()[:3000])


REFERRAL = [
    ("public:name", "/refer/name/", {"given_name": "Rowan", "family_name": "Example", "website": ""}),
    (
        "public:dob",
        "/refer/date-of-birth/",
        {"date_of_birth_0": "27", "date_of_birth_1": "3", "date_of_birth_2": "1985"},
    ),
    (
        "public:contact",
        "/refer/contact/",
        {"preferred_contact_method": "email", "email": "rowan@example.org"},
    ),
    ("public:work", "/refer/work/", {"employment_status": "out_of_work"}),
    ("public:help", "/refer/help/", {"about": ""}),
]


def visit_referral(ctx: Any) -> Iterator[Page]:
    client = ctx.client
    cache.clear()
    yield _get(client, "public:start", "/refer/")
    yield _get(client, "public:easy_read", "/refer/easy-read/")
    yield _get(client, "public:service", "/refer/service/")
    for name, url, data in REFERRAL:
        yield _get(client, name, url)
        _post(client, url, data)
    yield _get(client, "public:check", "/refer/check/")
    _post(client, "/refer/check/", {})
    yield _get(client, "public:done", "/refer/done/")


def visit_questionnaire(ctx: Any) -> Iterator[Page]:
    from placewell.surveys import services
    from placewell.surveys.views_public import _pages

    client, token = ctx.client, ctx.token
    yield _get(client, "questionnaire:start", f"/q/{token}/")
    yield _get(client, "questionnaire:easy_read", f"/q/{token}/easy-read/")
    link = services.find_link(token)
    for number, _page in enumerate(_pages(link), start=1):
        yield _get(client, f"questionnaire:page ({number})", f"/q/{token}/page/{number}/")
    _post(client, f"/q/{token}/page/1/", {"action": "save"})
    yield _get(client, "questionnaire:saved", f"/q/{token}/saved/")
    yield _get(client, "questionnaire:check", f"/q/{token}/check/")
    yield _get(client, "questionnaire:start (unknown link)", "/q/no-such-link/")
    _post(client, f"/q/{token}/check/", {})
    yield _get(client, "questionnaire:thanks", "/q/thank-you/")
    yield _get(client, "questionnaire:start (used link)", f"/q/{token}/")


def visit_portal(ctx: Any) -> Iterator[Page]:
    from tests.portal.conftest import as_participant

    client = ctx.client
    yield _get(client, "portal:sign_in", "/my-support/sign-in/")
    response = client.post("/my-support/sign-in/", {"address": "rowan@example.org"}, follow=True)
    yield Page("portal:code", response.request["PATH_INFO"], response.content.decode())
    as_participant(client, ctx.person)
    yield _get(client, "portal:home", "/my-support/")
    yield _get(client, "portal:call_back", "/my-support/call-me-back/")
    yield _get(client, "portal:rearrange", f"/my-support/meetings/{ctx.meeting.pk}/rearrange/")
    client.post("/my-support/sign-out/")
    yield _get(client, "portal:link (expired)", "/my-support/link/no-such-link/", follow=True)


VISITS: dict[str, Callable[[Any], Iterator[Page]]] = {
    "public": visit_referral,
    "questionnaire": visit_questionnaire,
    "portal": visit_portal,
}


def url_names(namespace: str) -> set[str]:
    """Every URL name in a namespace, from the resolver (an empty set when the namespace is not installed)."""
    resolver = get_resolver()
    if namespace not in resolver.namespace_dict:
        return set()
    _, sub = resolver.namespace_dict[namespace]
    names: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}")

    walk(sub.url_patterns)
    return names


@dataclass
class Context:
    client: Any
    token: str
    person: Any
    meeting: Any


@pytest.fixture
def context(world, client, django_capture_on_commit_callbacks) -> Context:  # type: ignore[no-untyped-def]
    from placewell.appointments import services as appointments
    from placewell.surveys import services
    from tests.casework.conftest import supported
    from tests.surveys.conftest import agree, baseline_invitation, load_test_wording

    load_test_wording("eq5d5l", "swemwbs")
    _, token = services.create_link(by=world.alice, invitation=baseline_invitation(agree(world)))
    person = supported(world, email="rowan@example.org", given_name="Rowan")
    day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    while day.weekday() >= 5:  # a weekday, when the service holds appointments
        day += dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = appointments.book(
            by=world.alice,
            participant=person,
            specialist=world.alice,
            # 10:00 UTC is 10:00 or 11:00 in London: within opening hours
            starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
            duration_minutes=60,
            place_kind="phone",
        )
    return Context(client, token, person, meeting)


def walk(ctx: Context, client_as: Any) -> list[Page]:
    pages: list[Page] = []
    for namespace, visit in VISITS.items():
        if url_names(namespace):
            pages.extend(visit(ctx))
    staff = client_as("alice")  # "My plan" is printed by the specialist for the person to keep
    pages.append(_get(staff, "casework:my_plan", f"/casework/participants/{ctx.person.pk}/my-plan/"))
    return pages


@pytest.fixture(scope="module", autouse=True)
def _welsh_compiled() -> None:
    compile_welsh()


def test_every_url_in_the_participant_namespaces_is_walked_or_explained(context, client_as) -> None:  # type: ignore[no-untyped-def]
    names = set().union(*(url_names(n) for n in NAMESPACES))
    assert {"public:start", "questionnaire:start"} <= names  # the resolver was read
    seen = {p.name.split(" (")[0] for p in walk(context, client_as)}
    missing = sorted(names - seen - set(NOT_PAGES))
    assert not missing, f"participant pages with no way to reach them in VISITS (add one): {missing}"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_no_participant_page_shows_stand_in_wording(context, client_as, language: str) -> None:  # type: ignore[no-untyped-def]
    context.client.cookies["django_language"] = language
    pages = walk(context, client_as)
    if language == "cy":
        assert any('<html lang="cy"' in p.html for p in pages)
    shown = [f"{p.name} {p.url}" for p in pages if "stand-in" in p.html.lower()]
    assert not shown, f"pages that show the words 'stand-in': {shown}"


def test_every_participant_page_has_a_reading_age_of_11_or_less(context, client_as) -> None:  # type: ignore[no-untyped-def]
    pages = walk(context, client_as)
    for p in pages:  # shown with pytest -s
        print(f"{grade(main_sentences(p.html)):5.1f}  {p.name}  {p.url}")
    problems = [problem for p in pages if (problem := readability_problem(p.name, p.html))]
    assert not problems, "\n\n".join(problems)


HARD = """<main><h1>Eligibility</h1><p>Notwithstanding the aforementioned considerations, participation in the
individual placement and support programme necessitates comprehensive documentation of pre-existing
occupational circumstances, contemporaneous remuneration arrangements and prospective vocational
aspirations, notwithstanding any countervailing administrative determinations.</p></main>"""


def test_the_check_fails_a_deliberately_hard_paragraph_and_names_its_hardest_sentence() -> None:
    problem = readability_problem("an example page", HARD)
    assert problem.startswith("an example page: Flesch-Kincaid grade")
    assert "Notwithstanding the aforementioned considerations" in problem


def test_the_check_passes_plain_words_and_reads_only_the_main_text() -> None:
    plain = "<main><h1>Get help with work</h1><p>We help people get a job. The help is free.</p></main>"
    assert readability_problem("a plain page", plain) == ""
    outside = HARD.replace("<main>", "<header>").replace("</main>", "</header>")
    assert main_sentences(outside + plain) == main_sentences(plain)
