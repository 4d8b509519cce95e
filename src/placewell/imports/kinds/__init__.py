"""The five kinds of import, each an ``Importer`` with its columns (``spec``), its checks and its writer."""

from __future__ import annotations

from placewell.imports.kinds.base import Importer
from placewell.imports.kinds.contacts import ContactImporter
from placewell.imports.kinds.employers import EmployerImporter
from placewell.imports.kinds.job_starts import JobStartImporter
from placewell.imports.kinds.people import ParticipantImporter, ReferralImporter
from placewell.imports.models import Kind

IMPORTERS: dict[str, type[Importer]] = {
    Kind.REFERRALS: ReferralImporter,
    Kind.PARTICIPANTS: ParticipantImporter,
    Kind.CONTACTS: ContactImporter,
    Kind.EMPLOYERS: EmployerImporter,
    Kind.JOB_STARTS: JobStartImporter,
}

SPECS = {kind: importer.spec for kind, importer in IMPORTERS.items()}

__all__ = ["IMPORTERS", "SPECS", "Importer"]
