"""The surveys overview and the response-rate page: aggregate figures, never names."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from placewell.accounts.models import Service
from placewell.accounts.policy import Perm, has_perm, require, services_in_scope
from placewell.surveys import rates
from placewell.surveys.models import SurveyWave


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_see = has_perm(user, Perm.VIEW_AGGREGATES)
    can_configure = has_perm(user, Perm.CONFIGURE)
    if not (can_see or can_configure):
        raise PermissionDenied("Your role does not allow this")
    waves = (
        list(
            SurveyWave.objects.filter(
                service__in=Service.objects.filter(services_in_scope(user))
            ).select_related("service")
        )
        if can_see
        else []
    )
    return render(
        request,
        "surveys/overview.html",
        {
            "waves": waves,
            "can_see": can_see,
            "can_fieldwork": has_perm(user, Perm.VIEW_PARTICIPANTS),
            "can_configure": can_configure,
            "services": list(Service.objects.all()) if can_configure else [],
        },
    )


@login_required
def response_rates(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AGGREGATES)
    services = list(Service.objects.filter(services_in_scope(request.user)))
    return render(
        request,
        "surveys/rates.html",
        {
            "table": rates.response_rates(services, viewer=request.user),
            "dist": rates.distribution(services),
        },
    )
