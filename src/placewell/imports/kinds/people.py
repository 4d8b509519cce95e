"""Referrals and participants: the people a service supports.

A referrals file creates each person with their referral, as ``participants.services.refer_participant``
does; a participants file brings in the details of people already referred (found by their id in the old
system, or by Placewell's record number in ``reference``) and may create new people too, with the referral
columns filled in.

New people are referred through ``participants.services.refer_many``, the bulk form of
``refer_participant``: the same checks, the same duplicate flag and the same audit event for each person, a
chunk of rows at a time. The importer's own checks run first, on the preview too, and name the file's
columns. Changes to people already known go through ``participants.services.update_details`` and
``assign``, one person at a time, so they are audited field by field as any edit is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from django.db.models import Q
from django.utils import timezone

from placewell.accounts.models import Role, Team, User
from placewell.imports import columns as c
from placewell.imports.kinds.base import PEOPLE_KINDS, Importer, Problems, Row
from placewell.imports.models import ERASED, ExternalRecord, Kind, Outcome
from placewell.participants import choices
from placewell.participants import services as participant_actions
from placewell.participants.choices import ContactMethod
from placewell.participants.models import Participant, Status

NEW_PERSON = "for a new person"
REFERRAL_FIELDS = (
    "referral_source",
    "referral_date",
    "referrer_name",
    "referrer_organisation",
    "referral_notes",
)
DETAIL_FIELDS = participant_actions.EDITABLE_FIELDS  # the personal fields and employment status


def _max(name: str) -> int:
    return int(Participant._meta.get_field(name).max_length or 5000)


def _person_columns(*, full: bool) -> tuple[c.Column, ...]:
    """The columns describing a person; ``full`` adds the characteristics a referral does not carry."""
    new = {} if full else {"required": True}
    note = NEW_PERSON if full else ""
    out = [
        c.Column(
            "given_name",
            "The person's first name",
            "text",
            c.text(100),
            required_note=note,
            example="Rowan",
            **new,
        ),
        c.Column(
            "family_name",
            "The person's last name",
            "text",
            c.text(100),
            required_note=note,
            example="Example",
            **new,
        ),
        c.Column(
            "referral_source",
            "Who made the referral",
            "choice",
            c.choice(choices.ReferralSource, "referral_source"),
            required_note=note,
            choices=c.pairs_of(choices.ReferralSource),
            example="gp",
            **new,
        ),
        c.Column(
            "referral_date",
            "The date of the referral",
            "date",
            c.date,
            required_note=note,
            format=c.DATE_FORMAT,
            example="2025-03-14",
            **new,
        ),
        c.Column("referrer_name", "The referrer's name", "text", c.text(200), example="Dr A Jones"),
        c.Column(
            "referrer_organisation",
            "The referrer's organisation",
            "text",
            c.text(200),
            example="Park Surgery",
        ),
        c.Column("referral_notes", "Notes about the referral", "text", c.text(5000)),
        c.Column(
            "team",
            "The team's name in Placewell, exactly as on the Teams page",
            "text",
            c.text(200),
            example="North",
        ),
        c.Column(
            "specialist",
            "The employment specialist's Placewell user name; they must be in the team",
            "text",
            c.text(150),
            example="aisha",
        ),
        c.Column(
            "date_of_birth", "Date of birth", "date", c.date, format=c.DATE_FORMAT, example="1985-03-27"
        ),
        c.Column(
            "nhs_number",
            "NHS number",
            "NHS number",
            c.nhs_number,
            format="10 digits; spaces are allowed",
            example="943 476 5919",
        ),
        c.Column(
            "ni_number",
            "National Insurance number",
            "National Insurance number",
            c.ni_number,
            format="2 letters, 6 numbers, then A, B, C or D",
            example="AB 12 34 56 C",
        ),
        c.Column("email", "Email address", "email address", c.email, example="rowan@example.org"),
        c.Column("phone", "Phone number", "text", c.text(_max("phone")), example="07700 900123"),
        c.Column("address", "Postal address", "text", c.text(5000)),
        c.Column("postcode", "Postcode", "text", c.text(_max("postcode")), example="LS6 2AB"),
        c.Column(
            "preferred_contact_method",
            "How they would like to be contacted",
            "choice",
            c.choice(ContactMethod, "preferred_contact_method"),
            choices=c.pairs_of(ContactMethod),
            example="email",
        ),
        c.Column(
            "employment_status",
            "Employment status at referral",
            "choice",
            c.choice(choices.EmploymentStatus, "employment_status"),
            choices=c.pairs_of(choices.EmploymentStatus),
            example="out_of_work",
        ),
    ]
    if full:
        for name, description, options, many in (
            ("survey_mode", "How they want to answer surveys", choices.SurveyMode, False),
            ("gender", "Gender", choices.Gender, False),
            ("ethnic_group", "Ethnic group (ONS 2021 Census)", choices.EthnicGroup, False),
            ("highest_qualification", "Highest qualification", choices.Qualification, False),
            (
                "health_conditions",
                "Health conditions lasting 12 months or more",
                choices.HealthCondition,
                True,
            ),
            (
                "activity_limitation",
                "How much their conditions limit everyday activities",
                choices.ActivityLimitation,
                False,
            ),
            ("work_history", "Paid work in the last 2 years", choices.WorkHistory, False),
            ("barriers", "What has made it difficult to find work", choices.Barrier, True),
        ):
            out.append(
                c.Column(
                    name,
                    description,
                    "choices, separated by semicolons" if many else "choice",
                    (c.choices if many else c.choice)(options, name),
                    choices=c.pairs_of(options),
                    format="several allowed, separated by ; (semicolons)" if many else "",
                    example=str(options.values[0]) + (f"; {options.values[1]}" if many else ""),
                )
            )
        out.insert(-1, c.Column("survey_mode_reason", "Reason for the survey mode", "text", c.text(200)))
        out.append(c.Column("about", "What they told us about themselves", "text", c.text(10000)))
    return tuple(out)


EXTERNAL_ID = c.Column(
    "external_id",
    "The person's id in your old system",
    "text",
    c.external_id,
    required=True,
    format="up to 100 characters, unique in the file",
    example="C-10293",
)
REFERENCE = c.Column(
    "reference",
    "The person's Placewell record number, to link someone already in Placewell to their old id",
    "text",
    c.text(12),
    format="PW- and 7 letters or numbers",
    example="PW-ABC2345",
)


class _PeopleImporter(Importer):
    model = Participant
    creates_with_referral: ClassVar[bool] = True
    bulk_columns: ClassVar[dict[str, str]] = {"source": "referral_source", "notes": "referral_notes"}

    # Checks ------------------------------------------------------------------------------------------

    def check_rows(self, rows: Sequence[Row], problems: Problems) -> None:
        self._find_existing(rows)
        teams = {t.name.lower(): t for t in Team.objects.filter(service=self.service)}
        names = {str(r.values.get("specialist", "")) for r in rows} - {""}
        staff = {
            u.username.lower(): u for u in User.objects.filter(username__in=names).select_related("team")
        }
        today = timezone.localdate()
        for row in rows:
            v, person = row.values, row.extra.get("participant")
            if person is not None and person.status == Status.ERASED:
                problems.add(
                    row,
                    "external_id",
                    f"{row.external_id} belongs to a record that was erased, so it is not imported again: remove the row",
                )
                continue
            if person is None:
                missing = [
                    n
                    for n in ("given_name", "family_name", "referral_source", "referral_date")
                    if not v.get(n)
                ]
                for name in missing:
                    problems.add(
                        row,
                        name,
                        f"this column is required {NEW_PERSON}: {self.spec.column(name).description.lower()}",
                    )
            referral_date = v.get("referral_date")
            if referral_date and referral_date > today:
                problems.add(
                    row,
                    "referral_date",
                    f"{referral_date:%d/%m/%Y} is in the future: the referral date must be today or in the past",
                )
            born = v.get("date_of_birth")
            if born and born > today:
                problems.add(
                    row,
                    "date_of_birth",
                    f"{born:%d/%m/%Y} is in the future: the date of birth must be in the past",
                )
            elif born and born.year < 1900:
                problems.add(row, "date_of_birth", f"{born:%d/%m/%Y} is before 1900: check the year")
            if (
                v.get("preferred_contact_method") == ContactMethod.EMAIL
                and person is None
                and not v.get("email")
            ):
                problems.add(row, "email", "the preferred contact method is email, so enter an email address")
            self._check_assignment(row, teams, staff, problems)

    def _check_assignment(
        self, row: Row, teams: dict[str, Team], staff: dict[str, User], problems: Problems
    ) -> None:
        team_name, username = row.values.get("team"), row.values.get("specialist")
        team = None
        if team_name:
            team = teams.get(team_name.lower())
            if team is None:
                known = ", ".join(sorted(t.name for t in teams.values())) or "none"
                problems.add(
                    row,
                    "team",
                    f"{c.shown(team_name)} is not a team of {self.service.name} (its teams: {known})",
                )
                return
        specialist = None
        if username:
            specialist = staff.get(username.lower())
            if specialist is None or not specialist.is_active or specialist.role != Role.SPECIALIST:
                problems.add(
                    row,
                    "specialist",
                    f"{c.shown(username)} is not the user name of an active employment specialist",
                )
                return
            if specialist.team is None or specialist.team.service_id != self.service.pk:
                problems.add(row, "specialist", f"{username} does not work in {self.service.name}")
                return
            if team is not None and specialist.team_id != team.pk:
                problems.add(
                    row,
                    "specialist",
                    f"{username} is not a member of {team.name}: choose someone from that team",
                )
                return
            team = team or specialist.team
        row.extra["team"], row.extra["specialist"] = team, specialist

    def _find_existing(self, rows: Sequence[Row]) -> None:
        """The person each row is about, if Placewell knows them: by this kind's map, the other person kind's
        map (the same old id), or the record number in ``reference``."""
        ids = [r.external_id for r in rows]
        other: dict[str, ExternalRecord] = {}
        for m in ExternalRecord.objects.filter(
            service=self.service, kind__in=PEOPLE_KINDS, external_id__in=ids
        ).exclude(kind=self.spec.kind):
            other[m.external_id] = m
        refs = {str(r.values.get("reference", "")).upper() for r in rows} - {""}
        wanted = {r.mapping.participant_id for r in rows if r.mapping} | {
            m.participant_id for m in other.values()
        }
        people = {
            p.pk: p
            for p in Participant.objects.filter(service=self.service).filter(
                Q(pk__in=wanted) | Q(reference__in=refs)
            )
        }
        by_ref = {p.reference: p for p in people.values()}
        for row in rows:
            person = None
            if row.mapping is not None:
                person = people.get(row.mapping.participant_id)  # type: ignore[arg-type]
                if row.mapping.row_sha256 == ERASED and person is None:
                    person = Participant(status=Status.ERASED)
            elif row.external_id in other:
                person = people.get(other[row.external_id].participant_id)  # type: ignore[arg-type]
                if other[row.external_id].row_sha256 == ERASED and person is None:
                    person = Participant(status=Status.ERASED)
            ref = str(row.values.get("reference", "")).upper()
            if person is None and ref:
                person = by_ref.get(ref)
                if person is None:
                    row.extra["bad_reference"] = ref
            row.extra["participant"] = person
            if person is not None and row.outcome == Outcome.CREATED:
                row.outcome = Outcome.UPDATED  # a new map to a person Placewell already has

    # Writing ----------------------------------------------------------------------------------------

    def write_rows(self, rows: Sequence[Row]) -> None:
        new = [r for r in rows if r.extra.get("participant") is None]
        if new:
            self._create(new)
        for row in rows:
            if row.extra.get("participant") is not None and "object" not in row.extra:
                self._update(row)

    def _create(self, rows: Sequence[Row]) -> None:
        people = participant_actions.refer_many(
            by=self.by,
            service=self.service,
            people=[self._referral(row) for row in rows],
            numbers=[row.number for row in rows],
            how=f"imported from {self.source_label}",
            actor_label=self.actor_label,
        )
        for row, person in zip(rows, people, strict=True):
            row.extra["object"] = person

    @staticmethod
    def _referral(row: Row) -> dict[str, object]:
        """The row as ``refer_many``'s arguments: the referral, the team and specialist, and the details."""
        v = row.values
        details = {k: v[k] for k in DETAIL_FIELDS if v.get(k) not in (None, "", [])}
        return {
            **details,
            "source": v["referral_source"],
            "referral_date": v["referral_date"],
            "given_name": v["given_name"],
            "family_name": v["family_name"],
            "team": row.extra.get("team"),
            "specialist": row.extra.get("specialist"),
            "referrer_name": v.get("referrer_name", ""),
            "referrer_organisation": v.get("referrer_organisation", ""),
            "notes": v.get("referral_notes", ""),
        }

    def _update(self, row: Row) -> None:
        person: Participant = row.extra["participant"]
        changes = {k: row.values[k] for k in DETAIL_FIELDS if row.values.get(k) not in (None, "", [])}
        changes = {k: v for k, v in changes.items() if getattr(person, k) != v}
        if changes:
            participant_actions.update_details(by=self.by, participant=person, changes=changes)  # type: ignore[arg-type]
        team, specialist = row.extra.get("team"), row.extra.get("specialist")
        if team is not None and (
            team.pk != person.team_id or (specialist and specialist.pk != person.specialist_id)
        ):
            participant_actions.assign(by=self.by, participant=person, team=team, specialist=specialist)  # type: ignore[arg-type]
        self._update_referral(row, person)
        row.extra["object"] = person

    def _update_referral(self, row: Row, person: Participant) -> None:
        names = {"referral_source": "source", "referral_notes": "notes"}
        given = {names.get(k, k): row.values.get(k) for k in REFERRAL_FIELDS}
        participant_actions.change_referral(
            by=self.by,
            participant=person,
            values=given,
            how=f"by {self.source_label}",
            actor_label=self.actor_label,
        )

    def object_of(self, row: Row) -> tuple[int, int | None]:
        person = row.extra["object"]
        return person.pk, person.pk


class ReferralImporter(_PeopleImporter):
    spec = c.Spec(
        kind=Kind.REFERRALS,
        title="Referrals",
        summary="Creates each person with their referral. A person already imported is updated.",
        columns=(EXTERNAL_ID, *_person_columns(full=False)),
        notes=(
            "external_id is the person's id in your old system. Contacts and job starts refer to the person by it.",
            "Everyone imported starts as referred: record screening and agreement in Placewell.",
        ),
    )


class ParticipantImporter(_PeopleImporter):
    spec = c.Spec(
        kind=Kind.PARTICIPANTS,
        title="Participants",
        summary=(
            "The details of people: updates people already in Placewell (found by external_id, or by reference) "
            "and creates new people, who need the referral columns too."
        ),
        columns=(EXTERNAL_ID, REFERENCE, *_person_columns(full=True)),
        notes=(
            "A person imported from a referrals file is found by the same external_id.",
            "An empty cell leaves what Placewell holds as it is: an import never blanks a value.",
        ),
    )

    def check_rows(self, rows: Sequence[Row], problems: Problems) -> None:
        super().check_rows(rows, problems)
        for row in rows:
            if "bad_reference" in row.extra:
                problems.add(
                    row,
                    "reference",
                    f"{row.extra['bad_reference']} is not the record number of anyone in {self.service.name}",
                )
