"""The home page each role lands on, and the pages every service needs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from placewell.accounts.models import Role, Service
from placewell.accounts.policy import Perm, has_perm, participant_scope, services_in_scope
from placewell.api.dispatch import no_such_endpoint
from placewell.participants.models import Participant, Status
from placewell.ui.extensions import home_panels


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {"role": user.role_label, "panels": home_panels(request)}  # type: ignore[union-attr]
    if has_perm(user, Perm.VIEW_PARTICIPANTS):
        counts = dict(
            Participant.objects.reportable()
            .filter(participant_scope(user))
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        context["status_counts"] = [
            (s.label, s.value, counts.get(s.value, 0)) for s in Status if s != Status.ERASED
        ]
        if user.role == Role.SPECIALIST:
            context["my_caseload"] = Participant.objects.filter(
                specialist=user, status__in=[Status.ACTIVE, Status.IN_WORK]
            ).count()
    elif has_perm(user, Perm.VIEW_AGGREGATES):
        services = Service.objects.filter(services_in_scope(user)).order_by("name")
        rows = (
            Participant.objects.reportable()
            .filter(service__in=services)
            .values_list("service_id", "status")
            .annotate(n=Count("id"))
        )
        table: dict[int, dict[str, int]] = {}
        for service_id, status, n in rows:
            table.setdefault(service_id, {})[status] = n
        shown = [s for s in Status if s != Status.ERASED]
        context["statuses"] = shown
        context["aggregate_rows"] = [
            (svc.name, [table.get(svc.pk, {}).get(s.value, 0) for s in shown]) for svc in services
        ]
    return render(request, "web/home.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A path under the API that no route matches (one with a line break, say, which the API's own catch-all
    # cannot match) still gets the API's JSON answer, as its schema documents, not the HTML page.
    if request.path.startswith("/api/v1/"):
        return no_such_endpoint(request)
    return render(request, "web/404.html", status=404)
