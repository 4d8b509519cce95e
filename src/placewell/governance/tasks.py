"""Governance work that takes long as background jobs: the research extract (built, zipped and audited by a
worker, then downloaded from the job's page by the evaluator who asked for it) and the anonymised archive
export. The pages queue them (``queue_research_extract``); the commands still run them in the foreground."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.text import slugify

from placewell.accounts.models import Service, User
from placewell.governance import extract, pseudonyms
from placewell.jobs import queue
from placewell.jobs.runner import JobFailed, JobInputGone, attach_file, progress

if TYPE_CHECKING:
    from placewell.jobs.models import Job

KEY_MISSING = (
    "The research key (pseudonym key) is not set up on the server, so no extract was made. Ask your "
    "administrator to set it, then ask for the extract again."
)


def research_extract(user_id: int, service_ids: Sequence[int], fmt: str) -> str:
    """The job: the extract of ``service_ids`` in ``fmt``, zipped, audited and kept for its requester."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise JobInputGone(
            "The account that asked for this extract no longer exists, so no extract was made."
        )
    names = dict(Service.objects.filter(pk__in=list(service_ids)).values_list("pk", "name"))
    if len(names) != len(set(service_ids)):
        raise JobInputGone("A service chosen for this extract no longer exists, so no extract was made.")
    try:
        key = pseudonyms.load_research_key()
    except pseudonyms.PseudonymKeyError:
        raise JobFailed(KEY_MISSING) from None
    progress(0, 2, "Building the extract")
    try:  # the policy is asked again here: the person's role or organisation may have changed meanwhile
        body, result = extract.download(by=user, service_ids=list(service_ids), key=key, fmt=fmt)
    except PermissionDenied as exc:
        raise JobFailed(f"{exc} No extract was made.".strip()) from None
    progress(1, 2, "Saving the file")
    label = slugify(next(iter(names.values()))) if len(names) == 1 else "services"
    attach_file(f"research-extract-{label}-{timezone.localdate():%Y-%m-%d}.zip", body)
    return f"Extract ready to download: {result.rows:,} {'person' if result.rows == 1 else 'people'}"


def queue_research_extract(*, by: User, service_ids: Sequence[int], fmt: str) -> Job:
    ids = sorted(set(service_ids))
    return queue.enqueue(
        "governance.extract",
        "placewell.governance.tasks.research_extract",
        [by.pk, ids, fmt],
        label=f"Research extract ({fmt.upper()}) of {len(ids)} service{'s' if len(ids) != 1 else ''}",
        service_id=ids[0] if len(ids) == 1 else None,
        by=by,
    )
