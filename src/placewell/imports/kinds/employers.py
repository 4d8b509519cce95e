"""Employers: the organisations a service works with, each with one location.

Employer lists are small (hundreds, not hundreds of thousands), and ``employers.services.create_employer``
checks each name against the service's list, so each row goes through the action itself: the same duplicate
check, the same location rules and the same audit event as an employer added by hand. The checks run on
the preview too (``check_employer``), and two rows of one file with the same name (as the duplicate check
compares names) are refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from placewell.employers import choices
from placewell.employers.models import Employer
from placewell.employers.services import (
    EmployerError,
    check_employer,
    create_employer,
    name_key,
    update_employer,
)
from placewell.imports import columns as c
from placewell.imports.kinds.base import Importer, Problems, Row
from placewell.imports.models import Kind, Outcome

FIELDS = ("name", "sector", "size", "disability_confident", "notes")


class EmployerImporter(Importer):
    model = Employer
    spec = c.Spec(
        kind=Kind.EMPLOYERS,
        title="Employers",
        summary="Employers the service works with, added to the service's employer list.",
        columns=(
            c.Column(
                "external_id",
                "The employer's id in your old system",
                "text",
                c.external_id,
                required=True,
                format="unique in the file",
                example="E-0042",
            ),
            c.Column(
                "name",
                "The organisation's name",
                "text",
                c.text(200),
                required=True,
                example="Greenway Garden Centre",
            ),
            c.Column(
                "sector",
                "Sector (UK SIC 2007 section)",
                "choice",
                c.choice(choices.Sector, "sector"),
                required=True,
                choices=c.pairs_of(choices.Sector),
                example="G",
            ),
            c.Column(
                "size",
                "Size",
                "choice",
                c.choice(choices.Size, "size"),
                required=True,
                choices=c.pairs_of(choices.Size),
                example="small",
            ),
            c.Column(
                "disability_confident",
                "Disability Confident level (empty if not signed up or not known)",
                "choice",
                c.choice(choices.DisabilityConfident, "disability_confident"),
                choices=c.pairs_of(choices.DisabilityConfident),
                example="committed",
            ),
            c.Column("notes", "Notes", "text", c.text(10000)),
            c.Column("town", "Town of the employer's site", "text", c.text(100), example="Leeds"),
            c.Column(
                "postcode_district",
                "Postcode district of the site",
                "text",
                c.text(4),
                format="like LS6 or BD1",
                example="LS6",
            ),
        ),
        notes=("Job starts can name their employer by this file's external_id, in employer_external_id.",),
    )

    def check_rows(self, rows: Sequence[Row], problems: Problems) -> None:
        existing = Employer.objects.in_bulk([r.mapping.object_id for r in rows if r.mapping is not None])
        for row in rows:
            values = self._values(row)
            employer = existing.get(row.mapping.object_id) if row.mapping is not None else None
            if row.mapping is not None and employer is None:
                problems.add(
                    row, "external_id", f"the employer imported as {row.external_id} has since been deleted"
                )
                continue
            try:
                check_employer(values, self.service, exclude=employer.pk if employer else None)
            except EmployerError as exc:
                problems.add(row, exc.field or "name", str(exc))
                continue
            district = row.values.get("postcode_district", "")
            if district and not row.values.get("town"):
                problems.add(row, "town", "enter the town of the site as well as its postcode district")
            row.extra["employer"] = employer

    def check_across_file(self, row: Row, problems: Problems) -> None:
        """Two rows of one file naming the same employer: the second is refused, naming the first. (An
        employer list is small, so the names seen are kept in memory.)"""
        if not row.ok or row.outcome == Outcome.UNCHANGED:
            return
        seen: dict[str, int] = self.__dict__.setdefault("_seen_names", {})
        key = name_key(str(row.values.get("name", "")))
        if key in seen:
            problems.add(
                row, "name", f"{c.shown(row.values['name'])} is the same employer as row {seen[key]}"
            )
        else:
            seen[key] = row.number

    @staticmethod
    def _values(row: Row) -> dict[str, object]:
        return {f: row.values.get(f, "") for f in FIELDS}

    def write_rows(self, rows: Sequence[Row]) -> None:
        for row in rows:
            values = self._values(row)
            employer = row.extra.get("employer")
            if employer is None:
                town = str(row.values.get("town", ""))
                locations = [(town, str(row.values.get("postcode_district", "")))] if town else []
                employer = create_employer(by=self.by, service=self.service, locations=locations, **values)  # type: ignore[arg-type]
            else:
                update_employer(by=self.by, employer=employer, **values)  # type: ignore[arg-type]
            row.extra["object"] = employer
