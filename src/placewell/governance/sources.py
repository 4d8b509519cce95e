"""Who is in an extract, and their record, referral, agreement, support dates and trial allocation.

Every function reads one table (or one join) for all the people at once with ``values_list`` and returns a
pandas frame indexed by ``participant_id``; nothing loops over people with the ORM. The people are the
reportable participants (erased records never appear: DWP research report 1025, section 6.3) of the chosen services who have
recorded an agreement to take part, which is what allows their data to be used for research (section 1.5).
Withdrawn people stay in, flagged: their data to date is kept and may be linked (section 5.1.5).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from django.conf import settings
from django.db.models import Exists, Min, OuterRef, QuerySet

from placewell.accounts.models import AuditEvent
from placewell.governance.dictionary import BOOLEAN, DATE, INTEGER, NUMBER, STRING, YES_NO, Column, codes
from placewell.participants import choices
from placewell.participants.models import Agreement, Participant, Referral, Status
from placewell.trials.models import Allocation, Method

PARTICIPANTS = "participants: Participant"


def people(service_ids: Sequence[int] | None) -> QuerySet[Participant]:
    """The participants an extract covers (a query, so other tables can filter by it as a subquery)."""
    agreed = Agreement.objects.filter(participant=OuterRef("pk"), all_required_agreed=True)
    qs = Participant.objects.reportable().filter(Exists(agreed))
    if service_ids is not None:
        qs = qs.filter(service_id__in=list(service_ids))
    return qs.order_by()


def local_dates(values: pd.Series) -> pd.Series:
    """Aware datetimes as local calendar dates (the day the service recorded them on)."""
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_convert(settings.TIME_ZONE).dt.date.where(stamps.notna(), None)


def frame(rows: Sequence[tuple[object, ...]], names: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=names).set_index("participant_id")


def whole_years(born: pd.Series, on: pd.Series) -> pd.Series:
    """Age in completed years on a date (a birthday counts on the day itself)."""
    b = pd.to_datetime(born)
    o = pd.to_datetime(on)
    years = o.dt.year - b.dt.year - ((o.dt.month * 100 + o.dt.day) < (b.dt.month * 100 + b.dt.day))
    return years.astype("Int64")


def record(qs: QuerySet[Participant]) -> tuple[pd.DataFrame, list[Column]]:
    """The participant record: service, status, withdrawal and the baseline characteristics.

    Identifiers and date of birth come back as private columns (``_nhs``, ``_ni``, ``_born``) for the caller
    to pseudonymise or turn into ages; names, contact details and free text are never read.
    """
    names = [
        "participant_id",
        "service",
        "team",
        "status",
        "_nhs",
        "_ni",
        "_born",
        "gender",
        "ethnic_group",
        "highest_qualification",
        "activity_limitation",
        "employment_status_at_referral",
        "work_history_2_years",
        "_conditions",
        "_barriers",
        "_closed",
        "_withdrawn_service",
        "_withdrawn_research",
    ]
    rows = list(
        qs.values_list(
            "pk",
            "service__name",
            "team__name",
            "status",
            "nhs_number",
            "ni_number",
            "date_of_birth",
            "gender",
            "ethnic_group",
            "highest_qualification",
            "activity_limitation",
            "employment_status",
            "work_history",
            "health_conditions",
            "barriers",
            "closed_at",
            "withdrawn_from_service_at",
            "withdrawn_from_research_at",
        )
    )
    df = frame(rows, names)
    df["support_ended_on"] = local_dates(df.pop("_closed"))
    withdrawn_service = local_dates(df.pop("_withdrawn_service"))
    withdrawn_research = local_dates(df.pop("_withdrawn_research"))
    df["withdrawn_from_service"] = withdrawn_service.notna()
    df["withdrawn_from_service_on"] = withdrawn_service
    df["withdrawn_from_research"] = withdrawn_research.notna()
    df["withdrawn_from_research_on"] = withdrawn_research
    conditions = df.pop("_conditions").map(lambda v: set(v or ()))
    barriers = df.pop("_barriers").map(lambda v: set(v or ()))
    for code, _label in choices.HealthCondition.choices:
        df[f"condition_{code}"] = conditions.map(lambda s, c=code: c in s)
    df["conditions_n"] = conditions.map(len).astype("Int64")
    for code, _label in choices.Barrier.choices:
        df[f"barrier_{code}"] = barriers.map(lambda s, c=code: c in s)
    columns = [
        Column(
            "service",
            "Service the person was referred to",
            STRING,
            "service names",
            PARTICIPANTS,
            "As recorded",
        ),
        Column(
            "team",
            "Team holding the record",
            STRING,
            "team names; empty if none",
            PARTICIPANTS,
            "As recorded",
        ),
        Column(
            "status",
            "Record status when the extract was made",
            STRING,
            codes([(v, label) for v, label in Status.choices if v != Status.ERASED]),
            PARTICIPANTS,
            "As recorded; erased records are never extracted",
        ),
        Column("gender", "Gender", STRING, codes(choices.Gender, extra="empty"), PARTICIPANTS, "As recorded"),
        Column(
            "ethnic_group",
            "Ethnic group (ONS 2021 Census, England and Wales)",
            STRING,
            codes(choices.EthnicGroup, extra="empty"),
            PARTICIPANTS,
            "As recorded",
        ),
        Column(
            "highest_qualification",
            "Highest qualification (DWP research report 1025, Table 1.10)",
            STRING,
            codes(choices.Qualification, extra="empty"),
            PARTICIPANTS,
            "As recorded",
        ),
        Column(
            "activity_limitation",
            "Day-to-day activities limited by health (DWP research report 1025, Table 1.6)",
            STRING,
            codes(choices.ActivityLimitation, extra="empty"),
            PARTICIPANTS,
            "As recorded",
        ),
        Column(
            "employment_status_at_referral",
            "Employment status at referral",
            STRING,
            codes(choices.EmploymentStatus, extra="empty"),
            PARTICIPANTS,
            "As recorded (field employment_status)",
        ),
        Column(
            "work_history_2_years",
            "Paid work in the last 2 years (DWP research report 1025, Table 1.7)",
            STRING,
            codes(choices.WorkHistory, extra="empty"),
            PARTICIPANTS,
            "As recorded (field work_history)",
        ),
        Column(
            "support_ended_on",
            "Date the record was closed (support ended)",
            DATE,
            "a date; empty while open",
            PARTICIPANTS,
            "closed_at as a local date",
        ),
        Column(
            "withdrawn_from_service",
            "Withdrew from the service",
            BOOLEAN,
            YES_NO,
            PARTICIPANTS,
            "true when withdrawn_from_service_at is set",
        ),
        Column(
            "withdrawn_from_service_on",
            "Date of withdrawal from the service",
            DATE,
            "a date; empty if not withdrawn",
            PARTICIPANTS,
            "withdrawn_from_service_at as a local date",
        ),
        Column(
            "withdrawn_from_research",
            "Withdrew from further research contact (data to date kept and linkable)",
            BOOLEAN,
            YES_NO,
            PARTICIPANTS,
            "true when withdrawn_from_research_at is set (DWP research report 1025, section 5.1.5)",
        ),
        Column(
            "withdrawn_from_research_on",
            "Date of withdrawal from research contact",
            DATE,
            "a date; empty if not withdrawn",
            PARTICIPANTS,
            "withdrawn_from_research_at as a local date",
        ),
    ]
    for code, label in choices.HealthCondition.choices:
        columns.append(
            Column(
                f"condition_{code}",
                f"Health condition lasting 12 months or more: {label}",
                BOOLEAN,
                "true; false",
                PARTICIPANTS,
                f"true when health_conditions lists {code} (DWP research report 1025, Table 1.5)",
            )
        )
    columns.append(
        Column(
            "conditions_n",
            "Number of health conditions recorded",
            INTEGER,
            "0 or more",
            PARTICIPANTS,
            "Length of health_conditions",
        )
    )
    for code, label in choices.Barrier.choices:
        columns.append(
            Column(
                f"barrier_{code}",
                f"Made it difficult to find work: {label}",
                BOOLEAN,
                "true; false",
                PARTICIPANTS,
                f"true when barriers lists {code} (DWP research report 1025, Table 1.9)",
            )
        )
    return df, columns


def referral_and_agreement(qs: QuerySet[Participant]) -> tuple[pd.DataFrame, list[Column]]:
    """First referral (date and source), first agreement and first move into support."""
    refs = frame(
        list(
            Referral.objects.filter(participant__in=qs.values("pk"))
            .order_by("participant_id", "referral_date", "id")
            .values_list("participant_id", "referral_date", "source")
        ),
        ["participant_id", "referred_on", "referral_source"],
    )
    refs = refs[~refs.index.duplicated(keep="first")]
    agreed = frame(
        list(
            Agreement.objects.filter(participant__in=qs.values("pk"), all_required_agreed=True)
            .values("participant_id")
            .annotate(first=Min("recorded_at"))
            .values_list("participant_id", "first")
        ),
        ["participant_id", "_agreed"],
    )
    agreed["agreed_on"] = local_dates(agreed.pop("_agreed"))
    # The first move from agreed to receiving support, from the audit log as casework.dates reads it.
    started = frame(
        list(
            AuditEvent.objects.filter(
                participant_id__in=qs.values("pk"),
                action=AuditEvent.Action.STATUS,
                changes__status__0=Status.AGREED,
                changes__status__1=Status.ACTIVE,
            )
            .order_by()
            .values("participant_id")
            .annotate(first=Min("at"))
            .values_list("participant_id", "first")
        ),
        ["participant_id", "_started"],
    )
    started["support_started_on"] = local_dates(started.pop("_started"))
    df = refs.join(agreed, how="outer").join(started, how="outer")
    columns = [
        Column(
            "referred_on",
            "Date of first referral",
            DATE,
            "a date",
            "participants: Referral",
            "Earliest referral_date",
        ),
        Column(
            "referral_source",
            "Who referred the person (first referral)",
            STRING,
            codes(choices.ReferralSource),
            "participants: Referral",
            "source of the earliest referral",
        ),
        Column(
            "agreed_on",
            "Date the person agreed to take part",
            DATE,
            "a date",
            "participants: Agreement",
            "Earliest agreement with every required statement agreed, as a local date",
        ),
        Column(
            "support_started_on",
            "Date support started",
            DATE,
            "a date; empty if support never started",
            "accounts: AuditEvent (status changes)",
            "First status change from agreed to receiving support (as casework.dates reads it)",
        ),
    ]
    return df, columns


def allocation(qs: QuerySet[Participant]) -> tuple[pd.DataFrame, list[Column]]:
    """The person's trial allocation with its probability of treatment (first allocation if several)."""
    names = [
        "participant_id",
        "trial_id",
        "trial_registration",
        "stratum",
        "arm",
        "treatment",
        "probability_of_treatment",
        "randomised_on",
        "allocation_method",
    ]
    rows = list(
        Allocation.objects.filter(participant__in=qs.values("pk"))
        .order_by("participant_id", "allocated_on", "id")
        .values_list(
            "participant_id",
            "trial_id",
            "trial__registration_number",
            "stratum__label",
            "arm__code",
            "arm__is_treatment",
            "probability_of_treatment",
            "allocated_on",
            "method",
        )
    )
    df = frame(rows, names)
    df = df[~df.index.duplicated(keep="first")]
    df["trial_id"] = df["trial_id"].astype("Int64")
    source = "trials: Allocation"
    columns = [
        Column(
            "trial_id",
            "Trial the person was randomised in",
            INTEGER,
            "trial numbers; empty if not randomised",
            source,
            "trial_id",
        ),
        Column(
            "trial_registration",
            "Trial registration number (e.g. ISRCTN)",
            STRING,
            "as registered",
            source,
            "Trial.registration_number",
        ),
        Column(
            "stratum",
            "Randomisation stratum (site and stratifying characteristics)",
            STRING,
            "the trial's strata",
            source,
            "Stratum.label",
        ),
        Column(
            "arm",
            "Arm allocated",
            STRING,
            "the trial's arm codes (e.g. treatment; control)",
            source,
            "Arm.code",
        ),
        Column("treatment", "Allocated to the treatment arm", BOOLEAN, YES_NO, source, "Arm.is_treatment"),
        Column(
            "probability_of_treatment",
            "Probability of allocation to treatment at the time",
            NUMBER,
            "0 to 1",
            source,
            "The arm weights in force for the stratum on the day (ratio changes apply); use as inverse-probability "
            "weights when the ratio varied",
        ),
        Column("randomised_on", "Date of randomisation", DATE, "a date", source, "allocated_on"),
        Column(
            "allocation_method",
            "How the allocation was made",
            STRING,
            codes(Method),
            source,
            "Allocation.method",
        ),
    ]
    return df, columns


def ages(base: pd.DataFrame) -> tuple[pd.DataFrame, list[Column]]:
    """Age in whole years at referral and at randomisation, from the private date of birth."""
    born = base["_born"]
    df = pd.DataFrame(index=base.index)
    df["age_at_referral"] = whole_years(born, base["referred_on"])
    df["age_at_randomisation"] = whole_years(born, base["randomised_on"])
    columns = [
        Column(
            "age_at_referral",
            "Age in completed years at first referral",
            INTEGER,
            "16 to 100; empty without a date of birth",
            PARTICIPANTS,
            "From date_of_birth and referred_on; the date of birth itself is not extracted",
        ),
        Column(
            "age_at_randomisation",
            "Age in completed years at randomisation",
            INTEGER,
            "16 to 100; empty if not randomised or without a date of birth",
            PARTICIPANTS,
            "From date_of_birth and randomised_on; the date of birth itself is not extracted",
        ),
    ]
    return df, columns
