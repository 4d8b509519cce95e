"""The participant's self-completion questionnaire, reached through a single-use, expiring link.

No sign-in: the link is the key. One short questionnaire, or one question of a long one, a page; every page
can be saved to come back to later through the same link until it expires; the last page sends the answers,
after which the link never works again. An unknown, expired, used or withdrawn link shows a plain-English page
and saves nothing. Pages are never cached, and ask search engines not to index them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from placewell.surveys import services
from placewell.surveys.errors import LinkUnusable, SurveyError
from placewell.surveys.models import SurveyLink
from placewell.surveys.questionnaire import AnswersForm, Page, pages, present_many, wording_missing

PROBLEMS = {
    "unknown": (gettext_lazy("This link does not work"), 404),
    "expired": (gettext_lazy("This link has expired"), 410),
    "used": (gettext_lazy("You have already sent your answers"), 410),
    "closed": (gettext_lazy("This link no longer works"), 410),
    "not_ready": (gettext_lazy("These questions are not ready yet"), 410),
}


def _problem(request: HttpRequest, reason: str) -> HttpResponse:
    title, status = PROBLEMS[reason]
    return render(request, "surveys/public/problem.html", {"title": title, "reason": reason}, status=status)


def _find(token: str) -> SurveyLink:
    """The usable link, refusing one whose questionnaires would show a descriptive stand-in.

    ``services.create_link`` no longer makes such links; this guards links made before that rule, so a
    participant never reads stand-in wording.
    """
    link = services.find_link(token)
    if wording_missing(link.instruments):
        raise LinkUnusable("not_ready")
    return link


def _pages(link: SurveyLink) -> list[Page]:
    return pages(present_many(link.instruments))


def _resume_number(link: SurveyLink, all_pages: list[Page]) -> int:
    """The first page with nothing saved yet (1-based), or 0 when every page has answers."""
    saved = services.link_answers(link)
    for number, page in enumerate(all_pages, start=1):
        answers = saved.get(page.questionnaire.id, {})
        if not any(q.key in answers for q in page.questions):
            return number
    return 0


def _common(link: SurveyLink) -> dict[str, object]:
    invitation = link.invitation
    return {
        "token_expires": timezone.localtime(link.expires_at),
        "service_name": invitation.participant.service.name,
        "site_name": invitation.participant.service.name,
        "svc": invitation.participant.service,
        "wave_name": invitation.wave.name,
    }


@never_cache
def start(request: HttpRequest, token: str, template: str = "surveys/public/start.html") -> HttpResponse:
    try:
        link = _find(token)
    except LinkUnusable as exc:
        return _problem(request, exc.reason)
    all_pages = _pages(link)
    resume = _resume_number(link, all_pages)
    started = bool(services.link_answers(link))
    first = resume or len(all_pages)
    return render(
        request,
        template,
        {
            **_common(link),
            "token": token,
            "questionnaires": present_many(link.instruments),
            "pages": len(all_pages),
            "minutes": max(5, len(all_pages) * 2),
            "next_url": reverse("questionnaire:page", args=[token, first])
            if resume
            else reverse("questionnaire:check", args=[token]),
            "started": started,
        },
    )


@never_cache
def easy_read(request: HttpRequest, token: str) -> HttpResponse:
    """The introduction in easy read: short sentences, one idea a line (as the agreement's easy read sheet)."""
    return start(request, token, template="surveys/public/start_easy_read.html")


@never_cache
def page(request: HttpRequest, token: str, number: int) -> HttpResponse:
    try:
        link = _find(token)
    except LinkUnusable as exc:
        return _problem(request, exc.reason)
    all_pages = _pages(link)
    if not 1 <= number <= len(all_pages):
        raise Http404("No such page")
    current = all_pages[number - 1]
    q = current.questionnaire
    single = current.question_key is not None
    saved = services.link_answers(link).get(q.id, {})
    form = AnswersForm(
        request.POST or None,
        questions=current.questions,
        single=single,
        initial={k: (None if v is None else str(v)) for k, v in saved.items()},
    )
    if single:
        field = form.fields[current.question_key]  # type: ignore[index]
        field.help_text = f"{q.intro} {field.help_text or ''}".strip()
    if request.method == "POST" and form.is_valid():
        try:
            services.save_link_answers(link=link, instrument_id=q.id, answers=form.answers(), request=request)
        except LinkUnusable as exc:
            return _problem(request, exc.reason)
        except SurveyError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            if request.POST.get("action") == "save":
                return redirect("questionnaire:saved", token=token)
            if number < len(all_pages):
                return redirect("questionnaire:page", token=token, number=number + 1)
            return redirect("questionnaire:check", token=token)
    position = [p.questionnaire.id for p in all_pages]
    back = (
        reverse("questionnaire:page", args=[token, number - 1])
        if number > 1
        else reverse("questionnaire:start", args=[token])
    )
    return render(
        request,
        "surveys/public/page.html",
        {
            **_common(link),
            "form": form,
            "q": q,
            "single": single,
            "number": number,
            "total": len(all_pages),
            "item_number": [qq.key for qq in q.questions].index(current.question_key) + 1 if single else None,
            "part": list(dict.fromkeys(position)).index(q.id) + 1,
            "parts": len(link.instruments),
            "back_url": back,
        },
    )


@never_cache
def saved(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = _find(token)
    except LinkUnusable as exc:
        return _problem(request, exc.reason)
    resume = _resume_number(link, _pages(link))
    next_url = (
        reverse("questionnaire:page", args=[token, resume])
        if resume
        else reverse("questionnaire:check", args=[token])
    )
    return render(request, "surveys/public/saved.html", {**_common(link), "next_url": next_url})


@never_cache
def check(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = _find(token)
    except LinkUnusable as exc:
        return _problem(request, exc.reason)
    if request.method == "POST":
        try:
            services.submit_link(link=link, request=request)
        except LinkUnusable as exc:
            return _problem(request, exc.reason)
        request.session["survey_thanks"] = link.invitation.participant.service.name
        return redirect("questionnaire:thanks")
    all_pages = _pages(link)
    answers = services.link_answers(link)
    sections = []
    for number, pg in enumerate(all_pages, start=1):
        given = answers.get(pg.questionnaire.id, {})
        for question in pg.questions:
            sections.append(
                (
                    pg.questionnaire.plain_title,
                    question.wording,
                    question.label_for(given.get(question.key)),
                    number,
                )
            )
    unanswered = sum(1 for s in sections if s[2] == _("Not answered"))
    return render(
        request,
        "surveys/public/check.html",
        {
            **_common(link),
            "rows": sections,
            "unanswered": unanswered,
            "token": token,
            "back_url": reverse("questionnaire:page", args=[token, len(all_pages)]),
        },
    )


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "surveys/public/thanks.html",
        {"service_name": name, "site_name": name} if (name := request.session.get("survey_thanks")) else {},
    )
