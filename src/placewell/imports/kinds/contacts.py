"""Casework contacts: when, how long, how, where, with whom, why, and a note.

Each row names its participant by the person's old id (``participant_external_id``, from a referrals or
participants import) or by Placewell's record number (``participant_reference``). The rules are
``casework.services``' own: ``ensure_open`` (no new contacts for a closed or erased record) and
``check_contact`` (a past date and time, 1 to 480 minutes, mode, place, whom and purposes from their
lists), run on the preview too. New contacts are written through ``casework.services.record_contacts``,
a chunk of rows at a time, which checks them again and writes one audit event per person naming how many
contacts were added. A changed row goes through ``change_contact``, which keeps the values before and
after and audits the change.
"""

from __future__ import annotations

from collections.abc import Sequence

from placewell.casework import choices
from placewell.casework._common import CaseworkError
from placewell.casework.models import Contact
from placewell.casework.services import change_contact, check_contact, ensure_open, record_contacts
from placewell.imports import columns as c
from placewell.imports.kinds.base import Importer, Problems, Row
from placewell.imports.models import Kind, Outcome

PARTICIPANT_ID = c.Column(
    "participant_external_id",
    "The person's id in your old system, as in the referrals or participants file",
    "text",
    c.external_id,
    required_note="unless participant_reference is given",
    example="C-10293",
)
PARTICIPANT_REF = c.Column(
    "participant_reference",
    "The person's Placewell record number",
    "text",
    c.text(12),
    required_note="unless participant_external_id is given",
    format="PW- and 7 letters or numbers",
    example="PW-ABC2345",
)


def find_participants(importer: Importer, rows: Sequence[Row], problems: Problems) -> None:
    """Each row's participant, or a problem naming the id that matched nobody."""
    importer.participants_by_reference(rows, "participant_external_id", "participant_reference")
    for row in rows:
        if row.extra["participant"] is not None:
            continue
        ext, ref = row.values.get("participant_external_id"), row.values.get("participant_reference")
        if ext:
            problems.add(
                row,
                "participant_external_id",
                f"no participant of {importer.service.name} has the external id {c.shown(ext)}: import their "
                "referral first, or give their Placewell record number in participant_reference",
            )
        elif ref:
            problems.add(
                row,
                "participant_reference",
                f"{c.shown(ref)} is not the record number of anyone in {importer.service.name}",
            )
        else:
            problems.add(
                row,
                "participant_external_id",
                "give the person's external id, or their Placewell record number in participant_reference",
            )


class ContactImporter(Importer):
    model = Contact
    spec = c.Spec(
        kind=Kind.CONTACTS,
        title="Casework contacts",
        summary="Meetings and other contacts with participants, each added to the person's record.",
        columns=(
            c.Column(
                "external_id",
                "The contact's id in your old system",
                "text",
                c.external_id,
                required=True,
                format="unique in the file",
                example="M-55012",
            ),
            PARTICIPANT_ID,
            PARTICIPANT_REF,
            c.Column(
                "happened_at",
                "When the contact happened",
                "date and time",
                c.date_time,
                required=True,
                format=c.DATETIME_FORMAT,
                example="2025-03-14 10:30",
            ),
            c.Column(
                "duration_minutes",
                "How long it took, in minutes",
                "whole number",
                c.whole_number,
                required=True,
                format="1 to 480",
                example="45",
            ),
            c.Column(
                "mode",
                "How the contact happened",
                "choice",
                c.choice(choices.Mode, "mode"),
                required=True,
                choices=c.pairs_of(choices.Mode),
                example="face_to_face",
            ),
            c.Column(
                "place",
                "Where the contact happened",
                "choice",
                c.choice(choices.Place, "place"),
                required=True,
                choices=c.pairs_of(choices.Place),
                example="community",
            ),
            c.Column(
                "whom",
                "Who the contact was with (the participant if left empty)",
                "choices, separated by semicolons",
                c.choices(choices.Whom, "whom"),
                choices=c.pairs_of(choices.Whom),
                format="several allowed, separated by ; (semicolons)",
                example="participant; employer",
            ),
            c.Column(
                "purposes",
                "What the contact was for",
                "choices, separated by semicolons",
                c.choices(choices.Purpose, "purposes"),
                required=True,
                choices=c.pairs_of(choices.Purpose),
                format="several allowed, separated by ; (semicolons)",
                example="job_search; applications",
            ),
            c.Column("note", "A note of the contact", "text", c.text(10000)),
        ),
        notes=(
            "Give each contact's person by participant_external_id (their id in your old system) or by "
            "participant_reference (their Placewell record number).",
        ),
        one_of=(("participant_external_id", "participant_reference"),),
    )

    def check_rows(self, rows: Sequence[Row], problems: Problems) -> None:
        find_participants(self, rows, problems)
        existing = {}
        updates = [r.mapping.object_id for r in rows if r.mapping is not None]
        if updates:
            existing = Contact.objects.select_related("participant").in_bulk(updates)
        for row in rows:
            person = row.extra["participant"]
            if person is None:
                continue
            values = self._values(row)
            try:
                if row.outcome == Outcome.CREATED:
                    ensure_open(person, "new contacts")
                check_contact(values)
            except CaseworkError as exc:
                problems.add(row, exc.field or "participant_external_id", str(exc))
                continue
            if row.mapping is not None:
                contact = existing.get(row.mapping.object_id)
                if contact is None:
                    problems.add(
                        row,
                        "external_id",
                        f"the contact imported as {row.external_id} has since been deleted",
                    )
                    continue
                if contact.participant_id != person.pk:
                    problems.add(
                        row,
                        "participant_external_id",
                        "a contact cannot move to another person: it was imported for someone else",
                    )
                    continue
                row.extra["contact"] = contact
            row.extra["values"] = values

    @staticmethod
    def _values(row: Row) -> dict[str, object]:
        v = row.values
        return {
            "happened_at": v.get("happened_at"),
            "duration_minutes": v.get("duration_minutes"),
            "mode": v.get("mode"),
            "place": v.get("place"),
            "whom": v.get("whom") or [choices.Whom.PARTICIPANT],
            "purposes": v.get("purposes") or [],
            "note": v.get("note", ""),
        }

    def write_rows(self, rows: Sequence[Row]) -> None:
        new = []
        for row in rows:
            values = row.extra["values"]
            if row.outcome == Outcome.UPDATED:
                contact = row.extra["contact"]
                try:
                    change_contact(
                        by=self.by, contact=contact, changes=values, reason=f"Updated by {self.source_label}"
                    )  # type: ignore[arg-type]
                except CaseworkError as exc:
                    if str(exc) != "Nothing has changed":
                        raise
                row.extra["object"] = contact
                continue
            new.append(row)
        if not new:
            return
        added = record_contacts(
            by=self.by,
            contacts=[{**row.extra["values"], "participant": row.extra["participant"]} for row in new],
            numbers=[row.number for row in new],
            how=f"imported from {self.source_label}",
            actor_label=self.actor_label,
        )
        for row, contact in zip(new, added, strict=True):
            row.extra["object"] = contact
