"""Pages for one participant's casework: contacts (with quick entry) and the vocational profile.

Views are thin: fetch the participant through the permission policy (out of scope is 404), call a service,
render. Every page that shows casework records writes an audit event.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.policy import Perm, has_perm
from placewell.casework import services, soc
from placewell.casework.forms import ContactForm, CorrectionForm, ProfileForm
from placewell.casework.models import Contact, ProfileVersion
from placewell.participants.access import get_participant
from placewell.participants.models import Participant, Status
from placewell.ui.forms import apply_error as show_refusal

FIELD_ALIASES = {"happened_at": "day"}


apply_error = partial(show_refusal, aliases=FIELD_ALIASES)


def participant_for(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW_PARTICIPANTS) -> Participant:
    p = get_participant(request, pk, perm)
    if p.is_erased:
        raise Http404("Erased")
    return p


def can_write(request: HttpRequest, p: Participant) -> bool:
    return has_perm(request.user, Perm.EDIT_PARTICIPANT) and p.status not in {Status.CLOSED, Status.ERASED}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# Contacts --------------------------------------------------------------------------------------------------


@login_required
def contacts(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """All contacts, newest first, with the quick entry form on top (htmx updates the section in place)."""
    p = participant_for(request, pk)
    writable = can_write(request, p)
    saved = None
    form = ContactForm(initial=ContactForm.initial_now()) if writable else None
    if request.method == "POST":
        if not has_perm(request.user, Perm.EDIT_PARTICIPANT):
            raise Http404("Not allowed")
        form = ContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.record_contact(
                    by=request.user,
                    participant=p,
                    happened_at=form.happened_at(),
                    duration_minutes=data["duration_minutes"],
                    mode=data["mode"],
                    place=data["place"],
                    whom=data["whom"],
                    purposes=data["purposes"],
                    note=data["note"],
                    request=request,
                )
            except services.CaseworkError as exc:
                apply_error(form, exc)
        if saved is not None and not _is_htmx(request):
            messages.success(request, "Contact recorded")
            return redirect("casework:contacts", pk=p.pk)
        if saved is not None:
            form = ContactForm(initial=ContactForm.initial_now())
    rows = list(p.contacts.select_related("recorded_by").prefetch_related("changes"))
    services.record_read(by=request.user, participant=p, what="contacts", request=request)
    context = {
        "p": p,
        "form": form,
        "rows": rows,
        "saved": saved,
        "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT),
    }
    if _is_htmx(request):
        return render(request, "casework/_contacts_section.html", context)
    return render(request, "casework/contacts.html", context)


@login_required
def contact_change(request: AuthenticatedHttpRequest, pk: int, contact_id: int) -> HttpResponse:
    """Edit a contact within a week of recording it; after that, correct it with a reason."""
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    contact = get_object_or_404(Contact, pk=contact_id, participant=p)
    correcting = not services.is_editable(contact)
    form_class = CorrectionForm if correcting else ContactForm
    form = form_class(request.POST or None, initial=ContactForm.initial_from(contact))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            "happened_at": form.happened_at(),
            "duration_minutes": data["duration_minutes"],
            "mode": data["mode"],
            "place": data["place"],
            "whom": data["whom"],
            "purposes": data["purposes"],
            "note": data["note"],
        }
        try:
            services.change_contact(
                by=request.user,
                contact=contact,
                changes=changes,
                reason=data.get("reason", ""),
                request=request,
            )
        except services.CaseworkError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Correction saved" if correcting else "Contact changed")
            return redirect("casework:contacts", pk=p.pk)
    elif request.method != "POST":
        services.record_read(by=request.user, participant=p, what="a contact for editing", request=request)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Correct a contact" if correcting else "Change a contact",
            "caption": p.full_name,
            "intro": "Contacts can be changed for 7 days after they are recorded. After that, a correction keeps "
            "what was there before and the reason for the change."
            if correcting
            else "",
            "button": "Save correction" if correcting else "Save changes",
            "back_url": reverse("casework:contacts", args=[p.pk]),
            "cancel_url": f"/casework/participants/{p.pk}/contacts/",
        },
    )


# Vocational profile ----------------------------------------------------------------------------------------


def profile_rows(version: ProfileVersion | None) -> list[tuple[str, str]]:
    """The profile as (question, answer) pairs for a summary list."""
    if version is None:
        return []

    def text(field: str) -> str:
        return str(getattr(version, field) or "")

    minutes = version.travel_max_minutes
    return [
        ("Work history", text("work_history")),
        ("Job goals", text("job_goals")),
        ("Preferred job types", "; ".join(soc.label(c) for c in version.job_types)),
        ("Hours wanted", version.get_hours_wanted_display() if version.hours_wanted else ""),
        ("Pay expected", text("pay_expectation")),
        ("Where they can travel", ", ".join(version.travel_areas)),
        ("Longest journey", f"{minutes} minutes" if minutes else ""),
        ("Strengths", text("strengths")),
        ("Skills", text("skills")),
        ("Qualifications", text("qualifications")),
        ("Interests", text("interests")),
        ("What they want to avoid", text("avoid")),
        ("Health and adjustments that matter for work", text("health_at_work")),
        ("Tell an employer about their health", version.get_disclose_display() if version.disclose else ""),
        ("What to tell", text("disclose_what")),
        ("Whom to tell", text("disclose_to")),
        ("Benefits received", text("benefits")),
        ("Better-off calculation done", "Yes" if version.better_off_done else "No"),
    ]


def _field_labels(fields: list[str]) -> str:
    labels = {
        f: str(getattr(ProfileVersion._meta.get_field(f), "verbose_name", f)) for f in ProfileVersion.FIELDS
    }
    return ", ".join(labels.get(f, f).capitalize() for f in fields)


@login_required
def profile(request: AuthenticatedHttpRequest, pk: int, version: int | None = None) -> HttpResponse:
    p = participant_for(request, pk)
    versions = list(p.profile_versions.select_related("created_by").order_by("-version"))
    if version is None:
        shown = versions[0] if versions else None
    else:
        shown = next((v for v in versions if v.version == version), None)
        if shown is None:
            raise Http404("No such version")
    services.record_read(
        by=request.user,
        participant=p,
        what="vocational profile" + (f" version {version}" if version else ""),
        request=request,
    )
    history = [(v, _field_labels(v.changed_fields)) for v in versions]
    return render(
        request,
        "casework/profile.html",
        {
            "p": p,
            "shown": shown,
            "is_current": bool(versions) and shown is versions[0],
            "rows": profile_rows(shown),
            "history": history,
            "engaged_on": versions[-1].created_at if versions else None,
            "can_write": can_write(request, p),
        },
    )


@login_required
def profile_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = participant_for(request, pk, Perm.EDIT_PARTICIPANT)
    if not can_write(request, p):
        # A closed record keeps its profile as it was: say so on the profile page rather than offer a form
        # that cannot be saved (an error added to an unbound form was a server error).
        messages.error(request, f"{p.full_name}'s record is closed, so the profile cannot change")
        return redirect("casework:profile", pk=p.pk)
    current = services.current_profile(p)
    initial: dict[str, Any] = {f: getattr(current, f) for f in ProfileVersion.FIELDS} if current else {}
    form = ProfileForm(request.POST or None, initial=initial)
    form.prepare_initial(current)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in ProfileVersion.FIELDS}
        values["hours_wanted"] = values["hours_wanted"] or ""
        values["disclose"] = values["disclose"] or ""
        try:
            saved = services.save_profile(by=request.user, participant=p, values=values, request=request)
        except services.CaseworkError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, "Profile saved" if saved else "Nothing had changed, so no new version was saved"
            )
            return redirect("casework:profile", pk=p.pk)
    elif request.method != "POST":
        services.record_read(
            by=request.user, participant=p, what="vocational profile for editing", request=request
        )
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Vocational profile" if current else "Start the vocational profile",
            "caption": p.full_name,
            "intro": "Build this with the person, in their words. Every saved change is kept as a new version.",
            "button": "Save profile",
            "back_url": reverse("casework:profile", args=[p.pk]),
            "cancel_url": f"/casework/participants/{p.pk}/profile/",
        },
    )
