"""Employer actions: each is atomic and writes its audit event in the same transaction; and the reads other
apps use (the first face-to-face employer contact on a participant's behalf, for casework's rapid job search
alert). Views, the demo and tests call these; nothing else writes employer tables.

Employer records are the service's, not a participant's: their audit events carry the service only. A contact
made on behalf of named participants writes one event per participant, with ``participant_id``, so each
person's history shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from placewell.accounts import audit
from placewell.accounts.models import AuditEvent, Service
from placewell.casework import soc
from placewell.employers import choices
from placewell.employers.models import Employer, EmployerContact, Engagement, Location, Match, Vacancy
from placewell.errors import ActionError
from placewell.participants.models import Participant, Status

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.accounts.models import User

A = AuditEvent.Action
MAX_HOURS = Decimal(100)  # over 100 hours a week is taken as a typing mistake
MAX_HOURLY = Decimal(500)  # above £500 an hour is taken as a typing mistake (or the wrong pay basis)
WEEKS_A_YEAR = Decimal(52)
CONFLICT_DAYS = 90  # a colleague who has contacted the employer in the last 90 days is "working with" them
# DWP research report 1025, section 3.3: at least 6 face-to-face employer contacts a week.
IPS_FACE_TO_FACE_PER_WEEK = 6


class EmployerError(ActionError):
    """Input an action cannot accept. ``field`` names the form field the message belongs beside."""


def service_of(user: User) -> Service | None:
    """The service whose employers the user works with: their own, or their team's."""
    if user.service_id:
        return user.service
    if user.team_id:
        return user.team.service
    return None


def name_key(name: str) -> str:
    """A name as duplicates compare: lower case, without "ltd", "limited", "plc" and punctuation."""
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    return " ".join(w for w in words if w not in {"ltd", "limited", "plc", "the", "llp", "co"})


def _log(
    by: User | None,
    action: str,
    record_type: str,
    record_id: object,
    service_id: int | None,
    summary: str,
    changes: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    participant_id: int | None = None,
) -> None:
    audit.record(
        by,
        action,
        record_type,
        record_id,
        service_id=service_id,
        participant_id=participant_id,
        summary=summary,
        changes=changes,
        request=request,
    )


# Employers --------------------------------------------------------------------------------------------------

EMPLOYER_FIELDS = ("name", "sector", "size", "disability_confident", "notes", "holder")


def check_employer(values: Mapping[str, Any], service: Service, exclude: int | None = None) -> str:
    """The rules an employer meets, added or changed by hand or by an import: raises ``EmployerError``
    naming the field; returns the name as kept."""
    name = str(values.get("name") or "").strip()
    if not name:
        raise EmployerError("Enter the organisation name", "name")
    if values.get("sector") not in choices.Sector.values:
        raise EmployerError("Select the sector", "sector")
    if values.get("size") not in choices.Size.values:
        raise EmployerError("Select the size", "size")
    if values.get("disability_confident", "") not in choices.DisabilityConfident.values:
        raise EmployerError("Select a Disability Confident level from the list", "disability_confident")
    same = Employer.objects.filter(service=service, name_key=name_key(name)).exclude(pk=exclude).first()
    if same is not None:
        held = f", held by {same.holder}" if same.holder_id else ""
        raise EmployerError(f"{same.name} is already on the employer list{held}. Use that record", "name")
    return name


@transaction.atomic
def create_employer(
    *,
    by: User,
    service: Service,
    locations: Sequence[tuple[str, str]] = (),
    request: HttpRequest | None = None,
    **values: Any,
) -> Employer:
    name = check_employer(values, service)
    employer = Employer.objects.create(
        service=service,
        name=name,
        name_key=name_key(name),
        sector=values["sector"],
        size=values["size"],
        disability_confident=values.get("disability_confident", ""),
        notes=str(values.get("notes", "")).strip(),
        holder=values.get("holder"),
        created_by=by,
    )
    for town, district in locations:
        add_location(by=by, employer=employer, town=town, postcode_district=district, audited=False)
    _log(by, A.CREATE, "employer", employer.pk, service.pk, f"Added employer {name}", request=request)
    return employer


@transaction.atomic
def update_employer(
    *, by: User, employer: Employer, request: HttpRequest | None = None, **values: Any
) -> Employer:
    merged = {f: getattr(employer, f) for f in EMPLOYER_FIELDS} | values
    name = check_employer(merged, employer.service, exclude=employer.pk)
    before = {f: getattr(employer, f) for f in EMPLOYER_FIELDS}
    for f in EMPLOYER_FIELDS:
        setattr(employer, f, merged[f])
    employer.name, employer.name_key = name, name_key(name)
    employer.save()
    changes = audit.diff(before, {f: getattr(employer, f) for f in EMPLOYER_FIELDS})
    _log(
        by,
        A.UPDATE,
        "employer",
        employer.pk,
        employer.service_id,
        f"Changed employer {name}",
        changes,
        request,
    )
    return employer


def add_location(
    *,
    by: User,
    employer: Employer,
    town: str,
    postcode_district: str = "",
    audited: bool = True,
    request: HttpRequest | None = None,
) -> Location:
    town, district = town.strip(), postcode_district.strip().upper().replace(" ", "")
    if not town:
        raise EmployerError("Enter the town", "town")
    if district and not (2 <= len(district) <= 4 and district[0].isalpha() and district[-1].isalnum()):
        raise EmployerError("Enter a postcode district like LS6 or BD1", "postcode_district")
    location = Location.objects.create(employer=employer, town=town, postcode_district=district)
    if audited:
        _log(
            by,
            A.UPDATE,
            "employer",
            employer.pk,
            employer.service_id,
            f"Added a location: {location}",
            request=request,
        )
    return location


@transaction.atomic
def add_person(
    *,
    by: User,
    employer: Employer,
    name: str,
    role: str = "",
    how_to_reach: str = "",
    request: HttpRequest | None = None,
) -> EmployerContact:
    if not name.strip():
        raise EmployerError("Enter the person's name", "name")
    person = EmployerContact.objects.create(
        employer=employer, name=name.strip(), role=role.strip(), how_to_reach=how_to_reach.strip()
    )
    _log(
        by, A.UPDATE, "employer", employer.pk, employer.service_id, "Added a contact person", request=request
    )
    return person


# Engagement -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Colleagues already working with an employer: the relationship holder and recent contacts."""

    holder: User | None
    recent: tuple[tuple[str, dt.date], ...]  # (colleague's name, last contact), most recent first

    def text(self) -> str:
        parts = []
        if self.holder is not None:
            parts.append(f"{self.holder} holds the relationship with this employer")
        for name, day in self.recent:
            parts.append(f"{name} last contacted them on {day.day} {day:%B %Y}")
        return "; ".join(parts) + ". Talk to them before you approach the employer."


def conflict_for(employer: Employer, user: User, today: dt.date | None = None) -> Conflict | None:
    """The warning for ``user`` about to approach ``employer`` that a colleague is already working with."""
    today = today or timezone.localdate()
    holder = employer.holder if employer.holder_id and employer.holder_id != user.pk else None
    rows = (
        Engagement.objects.filter(
            employer=employer, happened_on__gte=today - dt.timedelta(days=CONFLICT_DAYS)
        )
        .exclude(specialist=user)
        .values("specialist__first_name", "specialist__last_name", "specialist__username")
        .annotate(last=Max("happened_on"))
        .order_by("-last")
    )
    recent = tuple(
        (
            f"{r['specialist__first_name']} {r['specialist__last_name']}".strip()
            or r["specialist__username"],
            r["last"],
        )
        for r in rows
    )
    if holder is None and not recent:
        return None
    return Conflict(holder, recent)


@transaction.atomic
def record_engagement(
    *,
    by: User,
    employer: Employer,
    happened_on: dt.date,
    face_to_face: bool,
    purpose: str,
    participants: Iterable[Participant] = (),
    note: str = "",
    specialist: User | None = None,
    request: HttpRequest | None = None,
) -> Engagement:
    """Record a contact with an employer, optionally on behalf of participants (who must be open records)."""
    if happened_on > timezone.localdate():
        raise EmployerError("The date must be today or in the past", "happened_on")
    if purpose not in choices.Purpose.values:
        raise EmployerError("Select what the contact was for", "purpose")
    people = list(participants)
    for p in people:
        if p.service_id != employer.service_id or p.status in {Status.CLOSED, Status.ERASED}:
            raise EmployerError(f"{p.full_name} is not receiving support from this service", "participants")
    engagement = Engagement.objects.create(
        employer=employer,
        specialist=specialist or by,
        happened_on=happened_on,
        face_to_face=face_to_face,
        purpose=purpose,
        note=note.strip(),
    )
    engagement.participants.set(people)
    how = "face to face" if face_to_face else "not face to face"
    summary = f"Employer contact ({how}): {engagement.get_purpose_display().lower()}"
    _log(by, A.CREATE, "employer_engagement", engagement.pk, employer.service_id, summary, request=request)
    for p in people:
        _log(
            by,
            A.CREATE,
            "employer_engagement",
            engagement.pk,
            employer.service_id,
            f"{summary}, on their behalf",
            request=request,
            participant_id=p.pk,
        )
    return engagement


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week a day falls in (weeks run Monday to Sunday)."""
    return day - dt.timedelta(days=day.weekday())


def face_to_face_by_week(
    specialist_ids: Sequence[int], first_monday: dt.date, weeks: int
) -> dict[tuple[int, dt.date], int]:
    """Face-to-face employer contacts per specialist per week (Monday to Sunday). One query."""
    end = first_monday + dt.timedelta(days=7 * weeks - 1)
    rows = (
        Engagement.objects.filter(
            specialist_id__in=list(specialist_ids), face_to_face=True, happened_on__range=(first_monday, end)
        )
        .values_list("specialist_id", "happened_on")
        .order_by()
    )
    out: dict[tuple[int, dt.date], int] = {}
    for sid, day in rows:
        key = (sid, week_start(day))
        out[key] = out.get(key, 0) + 1
    return out


def first_face_to_face_for(participant_ids: Sequence[int]) -> dict[int, dt.date]:
    """The first face-to-face employer contact made on each participant's behalf. One query."""
    if not participant_ids:
        return {}
    rows = (
        Engagement.participants.through.objects.filter(
            participant_id__in=list(participant_ids), engagement__face_to_face=True
        )
        .values("participant_id")
        .annotate(first=Min("engagement__happened_on"))
        .values_list("participant_id", "first")
    )
    return dict(rows)


# Vacancies --------------------------------------------------------------------------------------------------

VACANCY_FIELDS = (
    "title",
    "soc",
    "hours",
    "pay",
    "pay_basis",
    "town",
    "postcode_district",
    "home_based",
    "source",
    "closing_on",
    "open_to_anyone",
    "apprenticeship",
    "conditions",
    "adjustments",
    "description",
)


def hourly(pay: Decimal, basis: str, hours: Decimal) -> Decimal:
    if basis == choices.PayBasis.HOUR:
        return pay
    weekly = pay if basis == choices.PayBasis.WEEK else pay / WEEKS_A_YEAR
    return (weekly / hours).quantize(Decimal("0.01"))


def _check_vacancy(values: Mapping[str, Any]) -> Decimal:
    if not str(values.get("title") or "").strip():
        raise EmployerError("Enter the job title", "title")
    if values.get("soc") not in soc.by_code():
        raise EmployerError("Select the kind of job", "soc")
    hours = values.get("hours")
    if hours is None or Decimal(hours) <= 0:
        raise EmployerError("Hours a week must be more than 0", "hours")
    if Decimal(hours) > MAX_HOURS:
        raise EmployerError("Hours a week must be 100 or fewer", "hours")
    pay = values.get("pay")
    if pay is None or Decimal(pay) <= 0:
        raise EmployerError("Pay must be more than £0", "pay")
    if values.get("pay_basis") not in choices.PayBasis.values:
        raise EmployerError("Select whether the pay is an hour, a week or a year", "pay_basis")
    rate = hourly(Decimal(pay), values["pay_basis"], Decimal(hours))
    if rate > MAX_HOURLY:
        raise EmployerError(
            f"That is £{rate:,.2f} an hour, which is too high to be right: check the amount and whether it is an "
            "hour, a week or a year",
            "pay",
        )
    if values.get("source") not in choices.Source.values:
        raise EmployerError("Select where the vacancy came from", "source")
    if not values.get("home_based") and not str(values.get("town") or "").strip():
        raise EmployerError("Enter the town, or say the job is home-based", "town")
    return rate


@transaction.atomic
def add_vacancy(
    *, by: User, employer: Employer, request: HttpRequest | None = None, **values: Any
) -> Vacancy:
    """Add a vacancy. Pay below the legal minimum is accepted (the employer may not know) but is never matched
    as competitive employment; the vacancy page says why."""
    rate = _check_vacancy(values)
    data = {f: values[f] for f in VACANCY_FIELDS if f in values}
    data["postcode_district"] = str(data.get("postcode_district", "")).upper().replace(" ", "")
    vacancy = Vacancy.objects.create(employer=employer, hourly_pay=rate, created_by=by, **data)
    summary = f"Added a vacancy ({vacancy.get_source_display().lower()}): {vacancy.title}"
    _log(by, A.CREATE, "vacancy", vacancy.pk, employer.service_id, summary, request=request)
    return vacancy


@transaction.atomic
def update_vacancy(
    *, by: User, vacancy: Vacancy, request: HttpRequest | None = None, **values: Any
) -> Vacancy:
    """Change a vacancy's details with the same checks as adding one; the audit keeps the fields changed."""
    merged = {f: getattr(vacancy, f) for f in VACANCY_FIELDS} | {
        f: values[f] for f in VACANCY_FIELDS if f in values
    }
    rate = _check_vacancy(merged)
    merged["postcode_district"] = str(merged.get("postcode_district") or "").upper().replace(" ", "")
    before = {f: getattr(vacancy, f) for f in VACANCY_FIELDS}
    for f in VACANCY_FIELDS:
        setattr(vacancy, f, merged[f])
    vacancy.hourly_pay = rate
    vacancy.save()
    after = {f: getattr(vacancy, f) for f in VACANCY_FIELDS}
    changes = audit.diff(before, after, personal=("description",))
    service_id = vacancy.employer.service_id
    _log(
        by, A.UPDATE, "vacancy", vacancy.pk, service_id, f"Changed vacancy {vacancy.title}", changes, request
    )
    return vacancy


@transaction.atomic
def set_vacancy_status(
    *, by: User, vacancy: Vacancy, status: str, request: HttpRequest | None = None
) -> Vacancy:
    if status not in choices.VacancyStatus.values:
        raise EmployerError("Select the vacancy's status", "status")
    before = vacancy.status
    vacancy.status = status
    vacancy.save(update_fields=["status"])
    _log(
        by,
        A.UPDATE,
        "vacancy",
        vacancy.pk,
        vacancy.employer.service_id,
        "Vacancy status changed",
        {"status": [before, status]},
        request,
    )
    return vacancy


@transaction.atomic
def record_match(
    *,
    by: User,
    participant: Participant,
    vacancy: Vacancy,
    status: str,
    reason: str = "",
    score: int | None = None,
    request: HttpRequest | None = None,
) -> Match:
    """Record that a vacancy was put to a participant, or what they decided. "Not interested" needs a reason
    in their words and is shown on their matches page; it does not change how anything is scored."""
    if status not in choices.MatchStatus.values:
        raise EmployerError("Select what happened", "status")
    if status == choices.MatchStatus.NOT_INTERESTED and not reason.strip():
        raise EmployerError("Say why they are not interested, in their words", "reason")
    if participant.status in {Status.CLOSED, Status.ERASED}:
        raise EmployerError(f"{participant.full_name}'s record is closed")
    match, created = Match.objects.update_or_create(
        participant=participant,
        vacancy=vacancy,
        defaults={
            "status": status,
            "reason": reason.strip()[:300],
            "recorded_by": by,
            "recorded_at": timezone.now(),
            **({"score": score} if score is not None else {}),
        },
    )
    _log(
        by,
        A.CREATE if created else A.UPDATE,
        "vacancy_match",
        match.pk,
        participant.service_id,
        f"Vacancy {vacancy.pk}: {match.get_status_display().lower()}",
        request=request,
        participant_id=participant.pk,
    )
    return match


def record_read(*, by: User, participant: Participant, what: str, request: HttpRequest | None = None) -> None:
    _log(
        by,
        A.VIEW,
        "vacancy_match",
        participant.pk,
        participant.service_id,
        f"Viewed {what}",
        request=request,
        participant_id=participant.pk,
    )


def erase_participant_employer_records(participant: Participant, by: User | None = None) -> None:
    """Erasure step: remove the person's matches and their name from contacts made on their behalf."""
    Match.objects.filter(participant=participant).delete()
    Engagement.participants.through.objects.filter(participant=participant).delete()


def in_service(service_id: int | None) -> Q:
    return Q(service_id=service_id) if service_id else Q(pk__in=[])
