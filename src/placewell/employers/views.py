"""Employer pages: the list with last contact, an employer with the conflict warning, adding employers, people
and contacts. Views are thin: check permission, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, User
from placewell.accounts.policy import Perm, has_perm, participant_scope, require
from placewell.employers import choices, services
from placewell.employers.forms import EmployerForm, EngagementForm, PersonForm
from placewell.employers.models import Employer, Engagement
from placewell.employers.search import search_employers
from placewell.participants.models import Participant, Status
from placewell.ui.forms import apply_error

PER_PAGE = 50


def user_service_id(request: HttpRequest, perm: Perm = Perm.VIEW_PARTICIPANTS) -> int:
    """The service whose employers the user works with; refuse roles without casework access."""
    require(request.user, perm)
    service = services.service_of(request.user)  # type: ignore[arg-type]
    if service is None:
        raise PermissionDenied("You are not in a service")
    return service.pk


def employer_for(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW_PARTICIPANTS) -> Employer:
    service_id = user_service_id(request, perm)
    return get_object_or_404(
        Employer.objects.select_related("holder", "service"), pk=pk, service_id=service_id
    )


def service_staff(service_id: int) -> Any:
    roles = [Role.SPECIALIST, Role.TEAM_LEADER, Role.SERVICE_MANAGER]
    return User.objects.filter(
        team__service_id=service_id, role__in=roles, is_active=True
    ) | User.objects.filter(service_id=service_id, role__in=roles, is_active=True)


@login_required
def employer_list(request: HttpRequest) -> HttpResponse:
    """Every employer of the service with its last contact by anyone, searchable; 50 to a page. The last
    contacts come from one grouped query over the page's employers, so the page costs the same at any size."""
    service_id = user_service_id(request)
    q = request.GET.get("q", "").strip()
    sector = request.GET.get("sector", "")
    rows = Employer.objects.filter(service_id=service_id).select_related("holder")
    if sector in choices.Sector.values:
        rows = rows.filter(sector=sector)
    rows = search_employers(rows, q)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    ids = [e.pk for e in page.object_list]
    last = dict(
        Engagement.objects.filter(employer_id__in=ids)
        .values("employer_id")
        .annotate(last=Max("happened_on"))
        .values_list("employer_id", "last")
        .order_by()
    )
    for e in page.object_list:
        e.last_contact = last.get(e.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "employers/list.html",
        {
            "page": page,
            "q": q,
            "sector": sector,
            "sectors": choices.Sector.choices,
            "can_add": has_perm(request.user, Perm.EDIT_PARTICIPANT),
        },
    )


@login_required
def employer_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    service_id = user_service_id(request, Perm.EDIT_PARTICIPANT)
    form = EmployerForm(
        request.POST or None, staff=service_staff(service_id), initial={"holder": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        service = services.service_of(request.user)
        if service is None:  # not reached: user_service_id refuses a user who is in no service
            raise PermissionDenied("You are not in a service")
        try:
            employer = services.create_employer(
                by=request.user,
                service=service,
                name=d["name"],
                sector=d["sector"],
                size=d["size"],
                disability_confident=d["disability_confident"],
                holder=d["holder"],
                notes=d["notes"],
                locations=[(d["town"], d["postcode_district"])] if d["town"] else [],
                request=request,
            )
        except services.EmployerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"{employer.name} added")
            return redirect("employers:detail", employer=employer.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Add an employer",
            "button": "Add employer",
            "back_url": reverse("employers:list"),
        },
    )


@login_required
def employer_edit(request: AuthenticatedHttpRequest, employer: int) -> HttpResponse:
    """Change an employer's details; the same checks as adding one (a second record of the same name is
    refused). Places are added on the employer page, so the form leaves them out."""
    e = employer_for(request, employer, Perm.EDIT_PARTICIPANT)
    initial = {f: getattr(e, f) for f in services.EMPLOYER_FIELDS} | {"holder": e.holder_id}
    form = EmployerForm(request.POST or None, staff=service_staff(e.service_id), initial=initial)
    del form.fields["town"], form.fields["postcode_district"]
    if request.method == "POST" and form.is_valid():
        try:
            services.update_employer(
                by=request.user,
                employer=e,
                request=request,
                **{f: form.cleaned_data[f] for f in services.EMPLOYER_FIELDS},
            )
        except services.EmployerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"{e.name} changed")
            return redirect("employers:detail", employer=e.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Change the employer's details",
            "caption": e.name,
            "button": "Save changes",
            "back_url": reverse("employers:detail", args=[e.pk]),
        },
    )


@login_required
def employer_detail(request: AuthenticatedHttpRequest, employer: int) -> HttpResponse:
    e = employer_for(request, employer)
    scope_ids = set(Participant.objects.filter(participant_scope(request.user)).values_list("pk", flat=True))
    engagements = list(
        Engagement.objects.filter(employer=e)
        .select_related("specialist")
        .prefetch_related("participants")[:30]
    )
    for row in engagements:
        people = list(row.participants.all())
        row.named = [p for p in people if p.pk in scope_ids]  # type: ignore[attr-defined]
        row.others = len(people) - len(row.named)  # type: ignore[attr-defined]
    last = Engagement.objects.filter(employer=e).aggregate(last=Max("happened_on"))["last"]
    return render(
        request,
        "employers/detail.html",
        {
            "e": e,
            "conflict": services.conflict_for(e, request.user),
            "engagements": engagements,
            "last_contact": last,
            "locations": list(e.locations.all()),
            "people": list(e.people.all()),
            "vacancies": list(e.vacancies.all()),
            "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT),
        },
    )


@login_required
def person_add(request: AuthenticatedHttpRequest, employer: int) -> HttpResponse:
    e = employer_for(request, employer, Perm.EDIT_PARTICIPANT)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_person(by=request.user, employer=e, request=request, **form.cleaned_data)
        except services.EmployerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Contact person added")
            return redirect("employers:detail", employer=e.pk)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Add a person to contact",
            "caption": e.name,
            "button": "Add person",
            "back_url": reverse("employers:detail", args=[e.pk]),
        },
    )


@login_required
def engagement_new(request: AuthenticatedHttpRequest, employer: int) -> HttpResponse:
    """Log a contact with the employer; the conflict warning is shown before the form."""
    e = employer_for(request, employer, Perm.EDIT_PARTICIPANT)
    people = Participant.objects.filter(
        participant_scope(request.user), status__in=[Status.ACTIVE, Status.IN_WORK], service_id=e.service_id
    ).order_by("family_name", "given_name")
    if request.user.role == Role.SPECIALIST:
        people = people.filter(specialist=request.user)
    form = EngagementForm(request.POST or None, people=people, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_engagement(
                by=request.user,
                employer=e,
                happened_on=d["happened_on"],
                face_to_face=d["face_to_face"] == "yes",
                purpose=d["purpose"],
                participants=d["participants"],
                note=d["note"],
                request=request,
            )
        except services.EmployerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Employer contact recorded")
            return redirect("employers:detail", employer=e.pk)
    conflict = services.conflict_for(e, request.user)
    return render(
        request,
        "employers/engagement_form.html",
        {
            "form": form,
            "e": e,
            "conflict": conflict,
            "title": "Record a contact with this employer",
            "caption": e.name,
            "button": "Save contact",
            "back_url": reverse("employers:detail", args=[e.pk]),
        },
    )
