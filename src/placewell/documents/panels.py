"""What documents add to the participant page: the list, with upload and download for the team."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from placewell.accounts.policy import Perm, has_perm
from placewell.documents import checks, scanner
from placewell.documents.forms import UploadForm
from placewell.documents.models import Document
from placewell.participants.models import Participant


def participant(request: HttpRequest, p: Participant) -> dict[str, Any] | None:
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS) or p.is_erased:
        return None
    return {
        "p": p,
        "documents": list(Document.objects.filter(participant=p)),
        "can_upload": has_perm(request.user, Perm.EDIT_PARTICIPANT),
        "form": UploadForm(),
        "scanned": scanner.configured(),
        "allowed": checks.ALLOWED_LABEL,
        "limit": checks.describe_size(checks.max_bytes()),
    }
