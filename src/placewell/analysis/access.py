"""Who may analyse a trial: evaluators within their organisation's services, and its named statistician.

``Perm.ANALYSE_TRIALS`` (granted to the evaluator role in ``accounts.policy``) is needed for every analysis
page, so specialists, team leaders, service managers and administrators are refused (403). Within the
permission, a trial is in scope when its service is one of the evaluator's organisation's services (as for
every other evaluator page) or when a service manager named the user the trial's statistician (for example
an evaluator of a university partner). A trial out of scope is a 404, as elsewhere in the policy.

Service managers name the statistician (``Perm.CONFIGURE_TRIALS`` on their own trial) but do not analyse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from placewell.accounts.models import Role, Service
from placewell.accounts.policy import Perm, has_perm, require, services_in_scope
from placewell.trials.models import Trial

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from placewell.accounts.models import User

STATISTICIAN_ROLES = (Role.EVALUATOR,)
"""Roles that may be named a trial statistician: those who see pseudonymised data only."""


def analysis_scope(user: User | AnonymousUser) -> Q:
    """A filter on trials the user may analyse; matches nothing without ``Perm.ANALYSE_TRIALS``."""
    if not has_perm(user, Perm.ANALYSE_TRIALS):
        return Q(pk__in=[])
    services = Service.objects.filter(services_in_scope(user)).values("pk")
    return Q(service_id__in=services) | Q(statisticians__user=user)


def analysable_trials(user: User | AnonymousUser) -> QuerySet[Trial]:
    return Trial.objects.filter(analysis_scope(user)).select_related("service").distinct()


def may_analyse(user: User | AnonymousUser, trial: Trial) -> bool:
    return analysable_trials(user).filter(pk=trial.pk).exists()


def require_may_analyse(user: User | AnonymousUser, trial: Trial) -> None:
    """Raise PermissionDenied unless ``user`` may analyse ``trial``: asked by the downloads themselves, so a
    caller that forgot the page's check still cannot take a trial's dataset out of scope."""
    require(user, Perm.ANALYSE_TRIALS)
    if not may_analyse(user, trial):
        raise PermissionDenied("This trial is outside the services you may analyse.")


def get_trial(request: HttpRequest, pk: int) -> Trial:
    """The trial, for analysis: 403 without the permission, 404 when out of scope."""
    require(request.user, Perm.ANALYSE_TRIALS)
    trial = analysable_trials(request.user).filter(pk=pk).first()
    if trial is None:
        raise Http404("No such trial")
    return trial
