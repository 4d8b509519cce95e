"""Welsh and English for the pages participants use; staff pages stay in English.

Services in Wales must offer Welsh (Welsh Language Standards). The participant-facing pages (the
self-referral form, questionnaires reached from a link, "My support") follow the person's choice: the
language link in their header sets Django's language cookie, and a browser that asks for Welsh gets Welsh
until the person chooses otherwise. Every other page is shown in the site's own language (British English),
whatever the browser asks for, because staff pages are written in English only and Django's own messages
would otherwise appear in a mix of languages.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

PARTICIPANT_PATHS = ("/refer/", "/q/", "/my-support/")
"""The URL prefixes of pages a participant reads: these follow the person's language."""


def site_language(code: str) -> str:
    """The language to activate for a language code: English is the site's British English (its dates and
    number formats); Welsh is Welsh."""
    return settings.LANGUAGE_CODE if code in {"", "en"} else code


def is_participant_path(path: str) -> bool:
    return path.startswith(PARTICIPANT_PATHS)


class ParticipantLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` for the participant-facing pages only (see the module docstring)."""

    def process_request(self, request: HttpRequest) -> None:
        if is_participant_path(request.path_info):
            language = site_language(translation.get_language_from_request(request))
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if is_participant_path(request.path_info):
            return super().process_response(request, response)  # Vary and Content-Language
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def switch(request: HttpRequest, code: str) -> HttpResponse:
    """Remember the person's language in Django's language cookie and go back to the page they were on.

    A plain link (``/language/cy/?next=/refer/name/``), so it works without JavaScript and by keyboard;
    ``next`` must be a page of this site.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("public:start")
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
