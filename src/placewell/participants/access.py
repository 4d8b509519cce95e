"""Fetching participants through the permission policy: out-of-scope records are 404, never 403."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from placewell.accounts.policy import Perm, participant_scope, require
from placewell.participants.models import Participant


def get_participant(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW_PARTICIPANTS) -> Participant:
    require(request.user, perm)
    try:
        return Participant.objects.select_related("service", "team", "specialist").get(
            participant_scope(request.user), pk=pk
        )
    except Participant.DoesNotExist:
        raise Http404("No such participant") from None
