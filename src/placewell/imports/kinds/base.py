"""What every kind of import shares: reading a row's cells, the checks common to all kinds (required
columns, the external id, duplicates within the file, whether a row is new, changed or unchanged), and
keeping the map from external ids to records.

An importer works a chunk of rows at a time (``CHUNK_ROWS``), so memory does not grow with the file: each
chunk's look-ups are one query per table, and each chunk's new records are written with ``bulk_create``.
The same ``check`` runs when the file is previewed and again, inside the import's transaction, just before
the chunk is written, so a record changed between the two is caught rather than overwritten.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from placewell.accounts.bulk import BulkRejected, RowError
from placewell.accounts.models import AuditEvent
from placewell.imports.columns import CellError, Spec, text_of
from placewell.imports.models import ExternalRecord, ImportJob, Kind, Outcome
from placewell.participants.models import Participant

if TYPE_CHECKING:
    from placewell.accounts.models import Service, User

A = AuditEvent.Action
CHUNK_ROWS = 1_000  # rows checked and written together; bulk_create batches are the same size
MAX_LISTED_PROBLEMS = 1_000  # problems kept to show; every problem is still counted
PEOPLE_KINDS = (Kind.REFERRALS, Kind.PARTICIPANTS)


@dataclass
class Row:
    number: int  # the row as a spreadsheet shows it: the header is row 1, the first data row is row 2
    cells: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    external_id: str = ""
    sha256: str = ""
    ok: bool = True
    outcome: str = ""
    mapping: ExternalRecord | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # what a kind's checks found, for its writer


class Problems:
    """Every problem counted; the first ``MAX_LISTED_PROBLEMS`` kept to show."""

    def __init__(self, limit: int = MAX_LISTED_PROBLEMS) -> None:
        self.limit = limit
        self.count = 0
        self.listed: list[dict[str, Any]] = []

    def add(self, row: Row | None, column: str, message: str) -> None:
        self.count += 1
        if row is not None:
            row.ok = False
        if len(self.listed) < self.limit:
            self.listed.append({"row": row.number if row else None, "column": column, "message": message})


def row_hash(values: dict[str, Any]) -> str:
    """SHA-256 of the row as read (codes, not labels; dates in ISO 8601), so a re-saved file with the same
    content hashes the same."""

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(v) for v in value]
        return text_of(value) if value is not None else ""

    canonical = json.dumps({k: plain(v) for k, v in sorted(values.items())}, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Importer(ABC):
    """One kind of import for one service. Subclasses give ``spec``, ``check_rows`` and ``write_rows``."""

    spec: ClassVar[Spec]
    model: ClassVar[type[models.Model]]
    bulk_columns: ClassVar[dict[str, str]] = {}  # the owning app's bulk action's names for the file's columns

    def __init__(self, *, service: Service, by: User | None, job: ImportJob | None = None) -> None:
        self.service = service
        self.by = by
        self.job = job
        self.actor_label = None if by is not None else "Command line: import_data"
        self.content_type = ContentType.objects.get_for_model(self.model)

    # Reading and the checks every kind shares ------------------------------------------------------------

    def read(self, number: int, cells: dict[str, Any], problems: Problems) -> Row:
        row = Row(number=number, cells=cells)
        for column in self.spec.columns:
            if column.name not in cells:
                continue
            try:
                value = column.parse(cells[column.name])
            except CellError as exc:
                problems.add(row, column.name, str(exc))
                continue
            if column.required and value in ("", None, []):
                problems.add(row, column.name, f"this column is required: enter {column.description.lower()}")
                continue
            row.values[column.name] = value
        row.external_id = str(row.values.get("external_id", ""))
        if row.ok:
            row.sha256 = row_hash(row.values)
        return row

    def check(self, rows: Sequence[Row], problems: Problems) -> None:
        """Classify each readable row as created, updated or unchanged, and run the kind's own checks."""
        readable = [r for r in rows if r.ok]
        known = {
            m.external_id: m
            for m in ExternalRecord.objects.filter(
                service=self.service, kind=self.spec.kind, external_id__in=[r.external_id for r in readable]
            )
        }
        for row in readable:
            row.mapping = known.get(row.external_id)
            if row.mapping is None:
                row.outcome = Outcome.CREATED
            elif row.mapping.row_sha256 == row.sha256:
                row.outcome = Outcome.UNCHANGED
            else:
                row.outcome = Outcome.UPDATED
        self.check_rows([r for r in readable if r.outcome != Outcome.UNCHANGED], problems)

    @abstractmethod
    def check_rows(self, rows: Sequence[Row], problems: Problems) -> None:
        """The kind's own checks on the new and changed rows of a chunk, adding to ``problems``."""

    def check_across_file(self, row: Row, problems: Problems) -> None:  # noqa: B027 - an optional hook
        """A check against the file's earlier rows, in file order (beyond duplicate external ids)."""

    # Writing -------------------------------------------------------------------------------------------

    def write(self, rows: Sequence[Row]) -> None:
        """Write one checked chunk (the caller holds the transaction), then record each row's mapping."""
        changed = [r for r in rows if r.outcome in {Outcome.CREATED, Outcome.UPDATED}]
        try:
            self.write_rows(changed)
        except BulkRejected as exc:  # the owning app's bulk action refused rows: name them by file column
            raise BulkRejected(
                RowError(e.row, self.bulk_columns.get(e.column, e.column), e.value, e.message)
                for e in exc.rows
            ) from exc
        self._keep_mappings(rows)

    @abstractmethod
    def write_rows(self, rows: Sequence[Row]) -> None:
        """Create or update the records of the new and changed rows of a chunk."""

    def finish(self) -> None:  # noqa: B027 - an optional hook
        """Called once after the last chunk, inside the transaction (for example to audit per person)."""

    def object_of(self, row: Row) -> tuple[int, int | None]:
        """The record's primary key and the participant it concerns, once written."""
        obj = row.extra["object"]
        return obj.pk, getattr(obj, "participant_id", None)

    def _keep_mappings(self, rows: Sequence[Row]) -> None:
        now = timezone.now()
        new, updated, unchanged = [], [], []
        for row in rows:
            if row.outcome == Outcome.UNCHANGED:
                mapping = row.mapping
                mapping.job, mapping.row_number, mapping.outcome, mapping.updated_at = (
                    self.job,
                    row.number,
                    row.outcome,
                    now,
                )  # type: ignore[union-attr]
                unchanged.append(mapping)
                continue
            object_id, participant_id = self.object_of(row)
            if row.mapping is None:
                new.append(
                    ExternalRecord(
                        service=self.service,
                        kind=self.spec.kind,
                        external_id=row.external_id,
                        content_type=self.content_type,
                        object_id=object_id,
                        participant_id=participant_id,
                        row_sha256=row.sha256,
                        job=self.job,
                        row_number=row.number,
                        outcome=row.outcome,
                        updated_at=now,
                    )
                )
            else:
                mapping = row.mapping
                mapping.row_sha256, mapping.job, mapping.row_number = row.sha256, self.job, row.number
                mapping.outcome, mapping.updated_at = row.outcome, now
                mapping.object_id, mapping.participant_id = object_id, participant_id
                updated.append(mapping)
        ExternalRecord.objects.bulk_create(new, batch_size=CHUNK_ROWS)
        if updated:
            ExternalRecord.objects.bulk_update(
                updated,
                ["row_sha256", "job", "row_number", "outcome", "updated_at", "object_id", "participant_id"],
                batch_size=CHUNK_ROWS,
            )
        if unchanged:
            ExternalRecord.objects.bulk_update(
                unchanged, ["job", "row_number", "outcome", "updated_at"], batch_size=CHUNK_ROWS
            )

    # Shared look-ups ----------------------------------------------------------------------------------

    def participants_by_reference(self, rows: Sequence[Row], id_column: str, ref_column: str) -> None:
        """Find each row's participant by the person's external id or by Placewell's record number, and put it
        in ``row.extra["participant"]``; rows whose person is unknown are left without one."""
        ids = {r.values.get(id_column) for r in rows} - {"", None}
        refs = {str(r.values.get(ref_column, "")).upper() for r in rows} - {""}
        by_id: dict[str, int] = {}
        for ext, pid in ExternalRecord.objects.filter(
            service=self.service, kind__in=PEOPLE_KINDS, external_id__in=ids, participant__isnull=False
        ).values_list("external_id", "participant_id"):
            by_id.setdefault(ext, pid)
        found = Participant.objects.filter(service=self.service).filter(
            models.Q(pk__in=set(by_id.values())) | models.Q(reference__in=refs)
        )
        people = {p.pk: p for p in found}
        by_ref = {p.reference: p for p in people.values()}
        for row in rows:
            ext, ref = row.values.get(id_column), str(row.values.get(ref_column, "")).upper()
            person = people.get(by_id[ext]) if ext in by_id else None
            if person is None and ref:
                person = by_ref.get(ref)
            row.extra["participant"] = person

    def audit(self, action: str, record_type: str, record_id: object, summary: str, **kw: Any) -> None:
        from placewell.accounts import audit

        audit.record(
            self.by,
            action,
            record_type,
            record_id,
            service_id=self.service.pk,
            summary=summary,
            actor_label=self.actor_label,
            **kw,
        )

    @property
    def source_label(self) -> str:
        return f"import {self.job.pk} ({self.job.file_name})" if self.job else "import"
