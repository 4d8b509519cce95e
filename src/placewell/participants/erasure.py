"""The recorded reason for an erasure: structured, so the audit log never holds free text about the person.

A free-text reason ("the date of the person's request and who agreed it") used to be kept word for word in
the append-only audit log, so a name, NHS number or telephone number typed there outlived the erasure it
recorded (UK GDPR Article 17; ICO, "Right to erasure"). The reason is now three facts an auditor needs and
no personal data: the date of the request, who agreed it (a member of staff or a role, chosen from a list)
and an optional reference to the organisation's own request log (such as "DSR-2026-014"): up to 8 letters
then numbers (with ``/ . _ -``), so there is no room for a name, refused if it looks like an identifier.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from placewell.accounts.audit_scrub import redact
from placewell.accounts.models import Role, User

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from placewell.accounts.models import Service

# Who may agree an erasure besides a named manager (ICO, "Right to erasure": the controller decides; the
# NHS Caldicott Principles name the Caldicott Guardian for decisions about confidential information).
AGREEING_ROLES = {
    "role:service_manager": "The service manager",
    "role:data_protection_officer": "The data protection officer",
    "role:caldicott_guardian": "The Caldicott Guardian",
    "role:information_governance_lead": "The information governance lead",
}
RETENTION_SCHEDULE = "retention_schedule"  # the retention purge, not a person (governance.retention)
ERASURE_LEDGER = "erasure_ledger"  # erased again after a restore brought the record back (governance.ledger)
# Up to 8 letters, then numbers: a request log's reference ("DSR-2026-014"), with no room for a name
REFERENCE = re.compile(r"[A-Za-z]{0,8}[/._-]?[0-9][0-9/._-]{0,21}")


@dataclass(frozen=True)
class ErasureReason:
    """Why a record was erased: ``requested_on``, ``agreed_by`` ("role:<key>", "staff:<id>" or the
    retention schedule) and an optional ``reference``."""

    requested_on: dt.date
    agreed_by: str
    reference: str = ""

    @classmethod
    def retention(cls, due_on: dt.date) -> ErasureReason:
        return cls(requested_on=due_on, agreed_by=RETENTION_SCHEDULE)

    @classmethod
    def restored(cls, erased_on: dt.date) -> ErasureReason:
        return cls(requested_on=erased_on, agreed_by=ERASURE_LEDGER)

    @property
    def summary(self) -> str:
        if self.agreed_by == ERASURE_LEDGER:
            return "Personal data erased again: a restored backup brought back a record erased earlier"
        if self.agreed_by == RETENTION_SCHEDULE:
            return "Personal data erased: retention period ended"
        return "Personal data erased on request"

    def for_audit(self) -> dict[str, str]:
        return {
            "requested_on": self.requested_on.isoformat(),
            "agreed_by": self.agreed_by,
            "reference": self.reference,
        }


def agreeing_staff(service: Service) -> QuerySet[User]:
    """Staff who may agree an erasure in ``service``: its managers and its teams' leaders."""
    return User.objects.filter(is_active=True).filter(
        Q(service=service, role=Role.SERVICE_MANAGER) | Q(team__service=service, role=Role.TEAM_LEADER)
    )


def agreed_by_choices(service: Service) -> list[tuple[str, str]]:
    staff = [
        (f"staff:{u.pk}", f"{u.get_full_name() or u.username}, {u.role_label}")
        for u in agreeing_staff(service)
    ]
    return [*AGREEING_ROLES.items(), *staff]


def reference_problem(reference: str) -> str | None:
    """What is wrong with a reference, or None."""
    if not reference:
        return None
    if not REFERENCE.fullmatch(reference):
        return (
            "The reference can be up to 8 letters followed by numbers, with slashes, dots, underscores or "
            "dashes between them and no spaces, such as DSR-2026-014"
        )
    if redact(reference) != reference:
        return (
            "The reference looks like a phone number, NHS number, National Insurance number or email "
            "address. Use your request log's reference instead"
        )
    return None


def problems(reason: ErasureReason, service: Service, today: dt.date | None = None) -> dict[str, str]:
    """Each field of the reason that is not acceptable, with a message saying what to do."""
    today = today or timezone.localdate()
    found: dict[str, str] = {}
    if reason.requested_on > today and reason.agreed_by not in (RETENTION_SCHEDULE, ERASURE_LEDGER):
        found["requested_on"] = "The date of the request must be today or in the past"
    agreed = reason.agreed_by
    if agreed.startswith("staff:"):
        pk = agreed.removeprefix("staff:")
        if not pk.isdigit() or not agreeing_staff(service).filter(pk=int(pk)).exists():
            found["agreed_by"] = "Choose who agreed the erasure from the list"
    elif agreed not in AGREEING_ROLES and agreed not in (RETENTION_SCHEDULE, ERASURE_LEDGER):
        found["agreed_by"] = "Choose who agreed the erasure from the list"
    if problem := reference_problem(reason.reference):
        found["reference"] = problem
    return found
