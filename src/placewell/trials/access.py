"""Which trials a user may open: out-of-scope trials are 404, as participants are (accounts.policy)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest

from placewell.accounts.models import Role
from placewell.accounts.policy import Perm, has_perm, require, services_in_scope
from placewell.trials.models import Trial

TRIAL_PERMS = (Perm.RANDOMISE, Perm.MONITOR_TRIALS, Perm.VIEW_ALLOCATIONS, Perm.CONFIGURE_TRIALS)


def trial_scope(user) -> Q:  # type: ignore[no-untyped-def]
    """Trials of the user's service: their team's for specialists and team leaders; their organisation's
    services for evaluators."""
    nothing = Q(pk__in=[])
    if not any(has_perm(user, p) for p in TRIAL_PERMS):
        return nothing
    if user.role == Role.EVALUATOR:
        return Q(service_id__in=_service_ids(user))
    if user.role == Role.SERVICE_MANAGER:
        return Q(service_id=user.service_id) if user.service_id else nothing
    if user.team_id:
        return Q(service__teams=user.team_id)
    return nothing


def _service_ids(user) -> list[int]:  # type: ignore[no-untyped-def]
    from placewell.accounts.models import Service

    return list(Service.objects.filter(services_in_scope(user)).values_list("pk", flat=True))


def get_trial(request: HttpRequest, pk: int, perm: Perm, *, with_blindness: bool = False) -> Trial:
    """The trial, if the user has ``perm`` and it is in their scope; ``with_blindness`` adds ``viewer_blinded``
    (whether the user is blind to allocations in it), read in the same query."""
    require(request.user, perm)
    trials = Trial.objects.filter(trial_scope(request.user), pk=pk).select_related("service")
    if with_blindness:
        blind = Trial.blinded_staff.through.objects.filter(trial_id=OuterRef("pk"), user_id=request.user.pk)
        trials = trials.annotate(viewer_blinded=Exists(blind))
    trial = trials.first()
    if trial is None:
        raise Http404("No such trial")
    return trial
