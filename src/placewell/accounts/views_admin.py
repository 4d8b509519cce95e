"""Configuration pages for administrators: services, teams and staff accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from placewell.accounts import services
from placewell.accounts.forms import NewStaffForm, ServiceForm, StaffForm, TeamForm
from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Service, User
from placewell.accounts.policy import Perm, require


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    rows = Service.objects.select_related("provider", "commissioner").prefetch_related("teams")
    return render(request, "accounts/service_list.html", {"services": rows})


@login_required
def service_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    service = get_object_or_404(Service, pk=pk)
    form = ServiceForm(request.POST or None, instance=Service.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        services.update_service(by=request.user, service=service, changes=changes, request=request)
        messages.success(request, f"Settings of {service.name} saved")
        return redirect("accounts:services")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": f"Settings of {service.name}",
            "caption": service.provider.name,
            "button": "Save",
            "back_url": reverse("accounts:services"),
        },
    )


@login_required
def team_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    service = get_object_or_404(Service, pk=pk)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_team(
                by=request.user, service=service, name=form.cleaned_data["name"], request=request
            )
        except services.AccountsError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"Team {form.cleaned_data['name']} added to {service.name}")
            return redirect("accounts:services")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Add a team",
            "caption": service.name,
            "button": "Add team",
            "back_url": reverse("accounts:services"),
        },
    )


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    staff = User.objects.select_related("team", "service", "organisation").order_by("last_name", "first_name")
    return render(request, "accounts/staff_list.html", {"staff": staff})


def _staff_changes(form: StaffForm) -> dict[str, object]:
    return {
        k: form.cleaned_data[k]
        for k in ("first_name", "last_name", "email", "role", "team", "service", "fte")
    }


@login_required
def staff_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    form = NewStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_staff(
                by=request.user,
                username=data["username"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                team=data["team"],
                service=data["service"],
                fte=data["fte"],
                request=request,
            )
        except services.AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Account {user.username} created")
            return redirect("accounts:staff")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": "Add a member of staff",
            "button": "Create account",
            "back_url": reverse("accounts:staff"),
        },
    )


@login_required
def staff_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    staff = get_object_or_404(User, pk=pk)
    initial = {
        k: getattr(staff, k) for k in ("first_name", "last_name", "email", "role", "team", "service", "fte")
    }
    form = StaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff(by=request.user, staff=staff, changes=_staff_changes(form), request=request)
        except services.AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Account {staff.username} saved")
            return redirect("accounts:staff")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": f"Change {staff}",
            "caption": staff.username,
            "button": "Save",
            "back_url": reverse("accounts:staff"),
        },
    )
