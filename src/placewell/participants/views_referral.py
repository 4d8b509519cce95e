"""Referral by staff, as question pages: the person, possible duplicates, contact, the referral, check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Service, Team, User
from placewell.accounts.policy import Perm, participant_scope, require
from placewell.participants import choices, identifiers, services
from placewell.participants.forms import ContactForm, PersonForm, ReferralDetailsForm
from placewell.participants.models import Participant
from placewell.ui.wizard import SessionWizard

FLOW = "refer"


def _wizard(request: HttpRequest) -> SessionWizard:
    require(request.user, Perm.REFER)
    return SessionWizard(request, FLOW)


def _page(request: HttpRequest, form: Any, title: str, back: str, step: int) -> HttpResponse:
    return render(
        request,
        "ui/form_page.html",
        {"form": form, "title": title, "caption": f"Refer someone: step {step} of 4", "back_url": back},
    )


@login_required
def start(request: HttpRequest) -> HttpResponse:
    _wizard(request).clear()
    return redirect("participants:refer_person")


@login_required
def person(request: HttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    form = PersonForm(request.POST or None, initial=wizard.get("person"))
    if request.method == "POST" and form.is_valid():
        wizard.save("person", form.cleaned_data)
        wizard.save("duplicates_seen", {"confirmed": False})
        if services.find_possible_duplicates(**form.cleaned_data):
            return redirect("participants:refer_duplicates")
        return redirect("participants:refer_contact")
    return _page(request, form, "Who are you referring?", "/participants/", 1)


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    answers = wizard.get("person")
    if answers is None:
        return redirect("participants:refer_person")
    found = services.find_possible_duplicates(**answers)
    visible_ids = set(
        Participant.objects.filter(participant_scope(request.user), pk__in=[p.pk for p in found]).values_list(
            "pk", flat=True
        )
    )
    if request.method == "POST":
        wizard.save("duplicates_seen", {"confirmed": True})
        return redirect("participants:refer_contact")
    return render(
        request,
        "participants/refer_duplicates.html",
        {
            "visible": [p for p in found if p.pk in visible_ids],
            "hidden_count": len([p for p in found if p.pk not in visible_ids]),
            "answers": answers,
        },
    )


@login_required
def contact(request: HttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    if not wizard.has("person"):
        return redirect("participants:refer_person")
    form = ContactForm(request.POST or None, initial=wizard.get("contact"))
    if request.method == "POST" and form.is_valid():
        wizard.save("contact", form.cleaned_data)
        return redirect("participants:refer_referral")
    return _page(request, form, "How can the service contact them?", "/participants/refer/person/", 2)


@login_required
def referral(request: AuthenticatedHttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    if not wizard.has("person", "contact"):
        return redirect("participants:refer_person")
    user = request.user
    form = ReferralDetailsForm(request.POST or None, initial=wizard.get("referral"), user=user)
    if request.method == "POST" and form.is_valid():
        wizard.save("referral", form.cleaned_data)
        return redirect("participants:refer_check")
    return _page(request, form, "About the referral", "/participants/refer/contact/", 3)


@login_required
def check(request: AuthenticatedHttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    if not wizard.has("person", "contact", "referral"):
        return redirect("participants:refer_person")
    user = request.user
    person, contact_, ref = (
        wizard.get("person") or {},
        wizard.get("contact") or {},
        wizard.get("referral") or {},
    )
    team = Team.objects.filter(pk=ref["team"], service=user.service_id).first()
    specialist = User.objects.filter(pk=ref["specialist"]).first() if ref.get("specialist") else None
    if team is None:
        messages.error(request, "Choose the team again: the one chosen is not available")
        return redirect("participants:refer_referral")
    if request.method == "POST":
        try:
            p = services.refer_participant(
                by=user,
                service=Service.objects.get(pk=team.service_id),
                team=team,
                specialist=specialist,
                source=ref["source"],
                referrer_name=ref.get("referrer_name", ""),
                referrer_organisation=ref.get("referrer_organisation", ""),
                referral_date=ref["referral_date"],
                given_name=person["given_name"],
                family_name=person["family_name"],
                date_of_birth=person["date_of_birth"],
                nhs_number=person.get("nhs_number", ""),
                email=contact_.get("email", ""),
                phone=contact_.get("phone", ""),
                preferred_contact_method=contact_["preferred_contact_method"],
                request=request,
            )
        except services.ParticipantError as exc:
            messages.error(request, str(exc))
            return redirect("participants:refer_person")
        wizard.clear()
        messages.success(request, f"{p.full_name} has been referred. Their reference is {p.reference}.")
        return redirect("participants:detail", pk=p.pk)
    rows = [
        ("Name", f"{person['given_name']} {person['family_name']}", "participants:refer_person"),
        ("Date of birth", person["date_of_birth"].strftime("%-d %B %Y"), "participants:refer_person"),
        (
            "NHS number",
            identifiers.format_nhs_number(person.get("nhs_number", "")) or "Not given",
            "participants:refer_person",
        ),
        ("Email address", contact_.get("email") or "Not given", "participants:refer_contact"),
        ("Phone number", contact_.get("phone") or "Not given", "participants:refer_contact"),
        (
            "Preferred contact",
            choices.ContactMethod(contact_["preferred_contact_method"]).label,
            "participants:refer_contact",
        ),
        ("Referred by", choices.ReferralSource(ref["source"]).label, "participants:refer_referral"),
        (
            "Referrer",
            ", ".join(x for x in (ref.get("referrer_name"), ref.get("referrer_organisation")) if x)
            or "Not given",
            "participants:refer_referral",
        ),
        ("Date of referral", ref["referral_date"].strftime("%-d %B %Y"), "participants:refer_referral"),
        ("Team", team.name, "participants:refer_referral"),
        ("Specialist", str(specialist) if specialist else "Not yet allocated", "participants:refer_referral"),
    ]
    rows = [(key, value, reverse(name)) for key, value, name in rows]
    return render(
        request,
        "participants/check_answers.html",
        {
            "rows": rows,
            "title": "Check the referral before you save it",
            "caption": "Refer someone: step 4 of 4",
            "button": "Save referral",
            "back_url": reverse("participants:refer_referral"),
        },
    )
