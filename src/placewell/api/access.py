"""Whose records an API caller may read, how a pseudonymised reader sees a participant, and the audit of
every read (ARCHITECTURE.md: "every read and write of a participant record is audited").

Staff with casework access read their scope from ``accounts.policy.participant_scope``. An evaluator reads
the participants of the services of their organisation (``services_in_scope``), with no personal fields and
a pseudonym in place of the id: ``P-`` and 16 hexadecimal characters of an HMAC-SHA256 of the id keyed with
``SECRET_KEY``, stable across calls so that records from different endpoints can be joined, and useless for
finding the person without the key. Erased records appear nowhere.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from placewell.accounts.models import Service
from placewell.accounts.policy import Perm, has_perm, participant_scope, services_in_scope
from placewell.api.registry import Request
from placewell.governance.pseudonyms import keyed_digest
from placewell.participants.models import Status


def pseudonym(participant_id: int) -> str:
    """A stable code per person for evaluators: the project's one keyed HMAC, keyed with SECRET_KEY."""
    digest = keyed_digest(settings.SECRET_KEY, f"api:participant:{participant_id}")
    return f"P-{digest[:16].upper()}"


def participant_ref(ctx: Request, participant_id: int) -> int | str:
    return participant_id if ctx.personal else pseudonym(participant_id)


def _prefixed(q: Q, prefix: str) -> Q:
    """The same filter, applied through a relation (``team_id`` becomes ``participant__team_id``)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [_prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in q.children]  # type: ignore[index]  # django-stubs types Q.children as nodes; a Q's leaves are (lookup, value) pairs
    return out


def readable(user: Any, prefix: str = "") -> Q:
    """A filter on participants (``prefix`` = "participant__" from a related model) for what may be read."""
    if has_perm(user, Perm.VIEW_PARTICIPANTS):
        q = _prefixed(participant_scope(user), prefix)
    elif has_perm(user, Perm.VIEW_PSEUDONYMISED):
        services = Service.objects.filter(services_in_scope(user)).values("pk")
        q = Q(**{f"{prefix}service_id__in": services})
    else:
        return Q(pk__in=[])
    return q & ~Q(**{f"{prefix}status": Status.ERASED})
