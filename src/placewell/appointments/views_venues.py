"""The team's community venues, managed by team leaders and service managers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Role, Team, User
from placewell.accounts.policy import Perm, require
from placewell.appointments import services
from placewell.appointments.forms import VenueForm
from placewell.appointments.models import Venue
from placewell.ui.forms import apply_error


def _teams(user: User) -> list[Team]:
    if user.role == Role.SERVICE_MANAGER:
        return list(Team.objects.filter(service=user.service_id).order_by("name"))
    return [user.team] if user.team_id else []  # type: ignore[list-item]


@login_required
def venues(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_TEAM_CASELOADS)
    user = request.user
    teams = _teams(user)
    team_ids = {t.pk for t in teams}
    form = VenueForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") in {"retire", "reopen"}:
            venue = get_object_or_404(Venue, pk=request.POST.get("venue"), team_id__in=team_ids)
            services.set_venue_active(by=user, venue=venue, active=request.POST["action"] == "reopen")
            messages.success(request, f"{venue.name} {'reopened' if venue.active else 'retired'}")
            return redirect("appointments:venues")
        team_id = int(request.POST.get("team") or 0)
        if team_id not in team_ids:
            form.add_error(None, "Select one of your teams")
        elif form.is_valid():
            try:
                venue = services.add_venue(
                    by=user,
                    team_id=team_id,
                    name=form.cleaned_data["name"],
                    address=form.cleaned_data["address"],
                )
            except services.AppointmentError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, f"{venue.name} added")
                return redirect("appointments:venues")
    listed = list(
        Venue.objects.filter(team_id__in=team_ids).select_related("team").order_by("team__name", "name")
    )
    return render(request, "appointments/venues.html", {"form": form, "teams": teams, "venues": listed})
