"""The public self-referral form: no sign-in, one question a page, works on a small phone and by keyboard.

Spam protection: a honeypot box that people never see, and a limit on submissions from one address per
hour (``PLACEWELL_SELF_REFERRAL_RATE``). The confirmation is the same whether or not the person is already
known to the service, so the form never reveals who uses it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from placewell.accounts.models import Service
from placewell.participants import choices, services
from placewell.participants.forms_public import (
    CONTACT_LANGUAGES,
    CONTACT_METHODS,
    DateOfBirthForm,
    HelpForm,
    NameForm,
    PublicContactForm,
    ServiceChoiceForm,
    WorkForm,
)
from placewell.participants.queue import add_working_days
from placewell.ui.wizard import SessionWizard

STEPS = ["service", "name", "dob", "contact", "work", "help"]


def _wizard(request: HttpRequest) -> SessionWizard:
    return SessionWizard(request, "self-referral")


def _services() -> list[Service]:
    return list(Service.objects.filter(accepts_self_referrals=True))


def _branding(request: HttpRequest) -> dict[str, object]:
    """The chosen service's name for the header and its public details, once a service is known."""
    chosen = (_wizard(request).get("service") or {}).get("service")
    svc = Service.objects.filter(pk=chosen, accepts_self_referrals=True).first() if chosen else None
    return {"svc": svc, "site_name": svc.name} if svc is not None else {}


def _next(step: str) -> str:
    return reverse(f"public:{STEPS[STEPS.index(step) + 1]}") if step != "help" else reverse("public:check")


def _back(step: str) -> str:
    index = STEPS.index(step)
    if index == 0 or (index == 1 and len(_services()) == 1):
        return reverse("public:start")
    return reverse(f"public:{STEPS[index - 1]}")


def _step(request: HttpRequest, step: str, form_class: type[Any], title: str = "") -> HttpResponse:
    wizard = _wizard(request)
    form = form_class(request.POST or None, initial=wizard.get(step))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.pop("website", ""):
            wizard.save("flags", {"bot": True})
        wizard.save(step, data)
        return redirect(_next(step))
    return render(
        request,
        "participants/public/question.html",
        {
            **_branding(request),
            "form": form,
            "title": title,
            "back_url": _back(step),
            "honeypot": "website" in form.fields,
        },
    )


def start(request: HttpRequest) -> HttpResponse:
    return _start(request, "participants/public/start.html")


def easy_read(request: HttpRequest) -> HttpResponse:
    """The start page in easy read: short sentences, one idea a line (as the agreement's easy read sheet)."""
    return _start(request, "participants/public/start_easy_read.html")


def _start(request: HttpRequest, template: str) -> HttpResponse:
    offered = _services()
    first = "public:service" if len(offered) != 1 else "public:name"
    if len(offered) == 1:
        _wizard(request).save("service", {"service": offered[0].pk})
    brand = {"svc": offered[0], "site_name": offered[0].name} if len(offered) == 1 else {}
    return render(request, template, {**brand, "services": offered, "first": reverse(first)})


def service(request: HttpRequest) -> HttpResponse:
    return _step(request, "service", ServiceChoiceForm)


def name(request: HttpRequest) -> HttpResponse:
    return _step(request, "name", NameForm, title=gettext_lazy("What is your name?"))


def date_of_birth(request: HttpRequest) -> HttpResponse:
    return _step(request, "dob", DateOfBirthForm)


def contact(request: HttpRequest) -> HttpResponse:
    return _step(request, "contact", PublicContactForm)


def work(request: HttpRequest) -> HttpResponse:
    return _step(request, "work", WorkForm)


def help_wanted(request: HttpRequest) -> HttpResponse:
    return _step(request, "help", HelpForm)


def _rate_limited(request: HttpRequest) -> bool:
    key = f"self-referral:{request.META.get('REMOTE_ADDR', 'unknown')}"
    count = cache.get(key, 0)
    if count >= settings.PLACEWELL_SELF_REFERRAL_RATE:
        return True
    cache.set(key, count + 1, timeout=3600)
    return False


def check(request: HttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    missing = [s for s in STEPS if not wizard.has(s)]
    if missing:
        return redirect(f"public:{missing[0]}")
    answers = {s: wizard.get(s) or {} for s in STEPS}
    svc = Service.objects.filter(pk=answers["service"]["service"], accepts_self_referrals=True).first()
    if svc is None:
        return redirect("public:service")
    if request.method == "POST":
        if _rate_limited(request):
            return render(request, "participants/public/too_many.html", status=429)
        if not (wizard.get("flags") or {}).get("bot"):
            services.self_refer(
                service=svc,
                request=request,
                given_name=answers["name"]["given_name"],
                family_name=answers["name"]["family_name"],
                date_of_birth=answers["dob"]["date_of_birth"],
                preferred_contact_method=answers["contact"]["preferred_contact_method"],
                phone=answers["contact"].get("phone", ""),
                email=answers["contact"].get("email", ""),
                employment_status=answers["work"]["employment_status"],
                about=answers["help"].get("about", ""),
                contact_language=answers["contact"].get("contact_language") or "en",
            )
        wizard.clear()
        request.session["self_referral_service"] = svc.pk
        request.session["self_referral_contact"] = answers["contact"]["preferred_contact_method"]
        return redirect("public:done")
    contact_url = reverse("public:contact")
    rows = [
        (_("Service"), svc.name, reverse("public:service")),
        (
            _("Name"),
            f"{answers['name']['given_name']} {answers['name']['family_name']}",
            reverse("public:name"),
        ),
        (_("Date of birth"), date_format(answers["dob"]["date_of_birth"], "j F Y"), reverse("public:dob")),
        (
            _("Contact me by"),
            dict(CONTACT_METHODS)[answers["contact"]["preferred_contact_method"]],
            contact_url,
        ),
        (_("Phone number"), answers["contact"].get("phone") or _("Not given"), contact_url),
        (_("Email address"), answers["contact"].get("email") or _("Not given"), contact_url),
        (
            _("Language for letters and messages"),
            dict(CONTACT_LANGUAGES).get(answers["contact"].get("contact_language") or "en", ""),
            contact_url,
        ),
        (
            _("In paid work"),
            _("Yes") if answers["work"]["employment_status"] == choices.EmploymentStatus.IN_WORK else _("No"),
            reverse("public:work"),
        ),
        (
            _("What I would like help with"),
            answers["help"].get("about") or _("Not given"),
            reverse("public:help"),
        ),
    ]
    return render(
        request, "participants/public/check.html", {"rows": rows, "svc": svc, "site_name": svc.name}
    )


def done(request: HttpRequest) -> HttpResponse:
    """Who will get in touch, how and by when (the service's promised response time in working days)."""
    svc = Service.objects.filter(pk=request.session.get("self_referral_service") or 0).first()
    if svc is None:
        return redirect("public:start")
    method = request.session.get("self_referral_contact", "")
    how = {
        choices.ContactMethod.PHONE: _("by phone"),
        choices.ContactMethod.TEXT: _("by text message"),
        choices.ContactMethod.EMAIL: _("by email"),
        choices.ContactMethod.POST: _("by letter"),
    }.get(method, _("in the way you asked"))
    return render(
        request,
        "participants/public/done.html",
        {
            "svc": svc,
            "site_name": svc.name,
            "days": svc.response_working_days,
            "by_date": add_working_days(timezone.localdate(), svc.response_working_days),
            "how": how,
        },
    )
