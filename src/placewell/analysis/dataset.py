"""The analysis dataset of a trial: one pseudonymised row per randomised, non-erased participant.

The research extract's sources (``governance.sources``, ``sources_mi``) are reused for the record, the
allocation, ages, MI and survey waves; this module adds what a trial analysis needs on top, each from one
bulk query: the 12-month outcomes from job starts, MI and staff time in the 12 months after randomisation,
the aliases the analysis plan names (``eq5d_12m``, ``baseline_swemwbs`` ...), and the linked administrative
outcomes (``linkage.py``). Column names are a contract: the default plan, the monitoring pages and the
demo rely on them (docs/explanation/analysis-dataset.md lists every one with its derivation).

The outcome window is the 365 days after the randomisation date (DWP research report 1025, Table 6.3: "employment for 13
or more weeks in the 12 months after randomisation"), cut at the data cut (``today``) for people whose
window has not ended yet (``followup_complete_12m`` says which). Never in the rows: names, contact details,
dates of birth, the NHS or National Insurance numbers themselves, record references or free text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone

from placewell.analysis import linkage
from placewell.casework.models import Contact
from placewell.governance import pseudonyms, sources, sources_mi
from placewell.governance.dictionary import DATE, INTEGER, NUMBER, STRING, Column
from placewell.governance.extract import apply_types, to_csv, to_parquet
from placewell.participants.models import Participant, Status
from placewell.trials.models import Allocation, Trial

Progress = Callable[[str], None]

WINDOW_DAYS = 365
"""The outcome window: the 365 days after the randomisation date (DWP research report 1025, Table 6.3: 12 months)."""
EMPLOYED_DAYS = 91
"""13 weeks of 7 days: "employment for 13 or more weeks" (DWP research report 1025, Table 6.3)."""
SOURCE = "analysis: derived"
YES_NO_01 = "1 (yes); 0 (no)"
YES_NO_01_MISSING = "1 (yes); 0 (no); empty when not recorded"
WHITE_GROUPS = ("white_british", "white_irish", "white_gypsy", "white_roma", "white_other")


def quiet(_message: str) -> None:
    return None


@dataclass
class SampleFlow:
    """CONSORT-style counts: who was randomised, who is in the rows, who answered at 12 months."""

    randomised: int
    erased: int
    rows: int
    arms: list[str]
    by_arm: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "randomised": self.randomised,
            "erased": self.erased,
            "rows": self.rows,
            "arms": self.arms,
            "by_arm": self.by_arm,
        }


@dataclass
class AnalysisDataset:
    """The rows (indexed by ``pseudo_id``), their dictionary and the sample flow."""

    trial_id: int
    data: pd.DataFrame
    columns: list[Column]
    flow: SampleFlow
    made_on: dt.date
    read_at: dt.datetime
    key_fingerprint: str

    @property
    def rows(self) -> int:
        return len(self.data)

    def table(self) -> pd.DataFrame:
        """The rows with ``pseudo_id`` as the first column, in dictionary order, as written to files."""
        return self.data.reset_index()[[c.name for c in self.columns]]

    def parquet(self) -> bytes:
        return to_parquet(self.table(), self.columns)

    def csv(self) -> str:
        return to_csv(self.table(), self.columns)

    def sha256(self) -> str:
        """The SHA-256 of the CSV file: the same rows and values give the same hash."""
        return hashlib.sha256(self.csv().encode()).hexdigest()


def _c(name: str, label: str, kind: str, allowed: str, derivation: str, source: str = SOURCE) -> Column:
    return Column(name, label, kind, allowed, source, derivation)


ALLOC = "trials: Allocation"
PEOPLE = "participants: Participant"
JOBS = "placements: JobStart"
MI = "casework: Contact"
LINKED = "analysis: LinkedOutcome (administrative data)"

CORE_COLUMNS: tuple[Column, ...] = (
    _c("pseudo_id", "Pseudonymous row key", STRING, "20 hexadecimal characters",
       'First 20 hex characters of HMAC-SHA256(research key, "participant:" + record number), as in the '
       "research extract", pseudonyms.__name__),
    _c("pseudo_nhs_number", "Pseudonymised NHS number, for linkage", STRING,
       "64 hexadecimal characters; empty if no NHS number was recorded",
       'HMAC-SHA256(research key, "nhs:" + the 10 digits), as in the research extract', pseudonyms.__name__),
    _c("trial_group", "Trial group: the randomisation stratum", STRING, "the trial's stratum labels",
       "Stratum.label of the allocation", ALLOC),
    _c("site", "Trial site", STRING, "the trial's site names", "Site of the allocation's stratum", ALLOC),
    _c("arm", "Arm allocated", STRING, "the trial's arm codes", "Arm.code", ALLOC),
    _c("treatment", "Allocated to the treatment arm", INTEGER, YES_NO_01, "Arm.is_treatment", ALLOC),
    _c("assignment_probability", "Probability of allocation to treatment", NUMBER, "0 to 1",
       "The ratio in force for the stratum on the day; use 1/p and 1/(1-p) as weights if it varied", ALLOC),
    _c("stratum", "Randomisation stratum key", STRING, "the trial's stratum keys", "Stratum.key", ALLOC),
    _c("allocation_period", "Ratio period of the allocation", STRING,
       "the date the ratio in force took effect (YYYY-MM-DD); base for the base ratio",
       "Allocation.ratio_effective_from; cross with trial_group as strata when the ratio changed", ALLOC),
    _c("randomised_on", "Date of randomisation", DATE, "a date", "Allocation.allocated_on", ALLOC),
    _c("randomised_month", "Month of randomisation", STRING, "YYYY-MM", "randomised_on as a month", ALLOC),
    _c("cohort", "Recruitment cohort (half year)", STRING, "YYYY Jan-Jun; YYYY Jul-Dec",
       "The half year of randomisation, for subgroup analysis by cohort (DWP research report 1025, section 4)"),
    _c("withdrawn_service", "Withdrew from the service", INTEGER, YES_NO_01,
       "1 when withdrawn_from_service_at is set; the person stays in the analysis (intention to treat)",
       PEOPLE),
    _c("withdrawn_research", "Withdrew from further research contact", INTEGER, YES_NO_01,
       "1 when withdrawn_from_research_at is set; data to date are kept and linkable (DWP research report 1025, 5.1.5)",
       PEOPLE),
    _c("age_at_randomisation", "Age in completed years at randomisation", INTEGER,
       "16 to 100; empty without a date of birth", "From the date of birth (never extracted) and randomised_on",
       PEOPLE),
    _c("age_band", "Age band at randomisation", STRING, "<30; 30-39; 40-49; 50+; empty when not known",
       "age_at_randomisation in the bands of DWP research report 1025, Table 1.2", PEOPLE),
    _c("gender", "Gender", STRING, "female; male; non_binary; other; not_said; empty", "As recorded", PEOPLE),
    _c("white", "White ethnic group", INTEGER, YES_NO_01_MISSING,
       "1 for the five White groups of the ONS 2021 classification; empty if not recorded or not said",
       PEOPLE),
    _c("limits_great_deal", "Health limits day-to-day activities a great deal", INTEGER, YES_NO_01_MISSING,
       "activity_limitation is great_deal (DWP research report 1025, Table 1.6)", PEOPLE),
    _c("work_history", "Paid work in the last 2 years", STRING,
       "always; more_than_half; less_than_half; none; empty", "As recorded (DWP research report 1025, Table 1.7)", PEOPLE),
    _c("stress_anxiety", "Condition: stress or anxiety", INTEGER, YES_NO_01,
       "health_conditions lists stress_anxiety (DWP research report 1025, Table 1.5)", PEOPLE),
    _c("depression", "Condition: depression", INTEGER, YES_NO_01,
       "health_conditions lists depression (DWP research report 1025, Table 1.5)", PEOPLE),
    _c("ethnic_group", "Ethnic group (ONS 2021)", STRING, "ONS 2021 codes; empty", "As recorded", PEOPLE),
    _c("employment_status_at_referral", "Employment status at referral", STRING, "in_work; out_of_work; empty",
       "As recorded", PEOPLE),
    _c("baseline_eq5d", "Baseline EQ-5D-5L index", NUMBER, "about -0.3 to 1; empty if not answered",
       "The baseline wave's EQ-5D-5L score (surveys app)", "surveys: Response"),
    _c("baseline_swemwbs", "Baseline SWEMWBS score", NUMBER, "7 to 35; empty if not answered",
       "The baseline wave's SWEMWBS score (surveys app)", "surveys: Response"),
    _c("baseline_health_band", "Baseline EQ-5D-5L in thirds of the trial sample", STRING,
       "poorer; middle; better; empty without a baseline EQ-5D-5L",
       "Tertiles of baseline_eq5d among the rows (DWP research report 1025, section 4: subgroups by baseline health)"),
    _c("followup_complete_12m", "The 12-month outcome window had ended by the data cut", INTEGER, YES_NO_01,
       "randomised_on + 365 days is on or before the data cut"),
    _c("employed_13wk", "Employed 13 weeks or more in the 12 months after randomisation", INTEGER, YES_NO_01,
       "1 if the days covered by job starts (started_on to ended_on, open jobs to the window's end) in the 365 "
       "days after randomisation, counted once however many jobs overlap, are 91 or more", JOBS),
    _c("days_employed_12m", "Days in paid work in the 12 months after randomisation", INTEGER, "0 to 365",
       "The union of the days of every job inside the window", JOBS),
    _c("earnings_12m", "Earnings in the 12 months after randomisation (GBP)", NUMBER, "0 or more",
       "Sum over jobs of the days inside the window / 7 x contracted hours x hourly pay", JOBS),
    _c("job_started_12m", "Started a job in the 12 months after randomisation", INTEGER, YES_NO_01,
       "1 if any job start's started_on falls inside the window", JOBS),
    _c("eq5d_12m", "EQ-5D-5L index at 12 months", NUMBER, "empty if not answered",
       "The score from the survey wave 12 months after baseline", "surveys: Response"),
    _c("swemwbs_12m", "SWEMWBS score at 12 months", NUMBER, "7 to 35; empty if not answered",
       "The score from the survey wave 12 months after baseline", "surveys: Response"),
    _c("invited_12m", "Invited to the 12-month survey", INTEGER, YES_NO_01,
       "The 12-month wave's status is anything but not_invited", "surveys: Invitation"),
    _c("responded_12m", "Responded to the 12-month survey", INTEGER, YES_NO_01,
       "The 12-month wave's status is responded", "surveys: Invitation"),
    _c("meetings", "Meetings with the participant in the 12 months after randomisation", INTEGER,
       "0 or more", "Contacts with the participant present, dated inside the window", MI),
    _c("received_service", "Received the service (one or more meetings)", INTEGER, YES_NO_01,
       "meetings >= 1: the report's definition of a participant (DWP research report 1025, glossary)", MI),
    _c("contacts_n", "Casework contacts in the 12 months after randomisation", INTEGER, "0 or more",
       "Every contact, with the participant or on their behalf, dated inside the window", MI),
    _c("days_randomisation_to_first_session", "Days from randomisation to the first session", INTEGER,
       "whole days; empty without a session", "As in the research extract", MI),
    _c("staff_minutes_12m", "Staff minutes in the 12 months after randomisation", INTEGER, "0 or more",
       "Sum of duration_minutes of the contacts counted in contacts_n", MI),
    _c("cost_12m", "Cost of staff time in the 12 months after randomisation (GBP)", NUMBER,
       "0 or more; empty when the plan gives no cost per staff hour",
       "staff_minutes_12m / 60 x the plan's cost per staff hour"),
    _c("admin_linked", "Linked to administrative records", INTEGER, YES_NO_01,
       "1 when the latest linkage import holds any month for pseudo_nhs_number", LINKED),
    _c("admin_months_employed_12m", "Months employed in the 12 calendar months after randomisation",
       INTEGER, "0 to 12; empty when not linked",
       "Employed months among the 12 months after the randomisation month; months without a row count as 0",
       LINKED),
    _c("admin_employed_13wk", "Employed in 3 or more of the 12 months after randomisation", INTEGER,
       "1; 0; empty when not linked", "admin_months_employed_12m >= 3", LINKED),
    _c("admin_earnings_12m", "Earnings in the 12 months after randomisation (administrative, GBP)", NUMBER,
       "0 or more; empty when not linked", "Sum of monthly earnings over the same 12 months", LINKED),
    _c("admin_benefit_months_12m", "Months on out-of-work benefits in the 12 months after randomisation",
       INTEGER, "0 to 12; empty when not linked", "Months with out_of_work_benefits = 1 over the same months",
       LINKED),
)  # fmt: skip


def survey_waves(trial: Trial) -> tuple[str | None, str | None]:
    """Column prefixes of the baseline wave and of the wave 12 months after baseline (None when absent)."""
    from placewell.surveys.models import SurveyWave

    waves = list(
        SurveyWave.objects.filter(
            service_id=trial.service_id, trial_reference__in=["", trial.registration_number]
        )
        .order_by("-trial_reference", "order")
        .values_list("key", "is_baseline", "offset_months")
    )
    baseline = next((key for key, is_base, _ in waves if is_base), None)
    year = next((key for key, is_base, months in waves if not is_base and months == 12), None)
    return (
        sources_mi.column_key(baseline) if baseline else None,
        sources_mi.column_key(year) if year else None,
    )


def _survey_part(qs: Any, trial: Trial) -> tuple[pd.DataFrame, list[Column]]:
    """The extract's survey columns by wave; those whose names the core columns already use (the baseline
    wave's ``baseline_swemwbs``, which is the same value) stay in the frame but not in the list."""
    part, columns = sources_mi.surveys(qs, [trial.service_id])
    part = part.reindex(columns=[c.name for c in columns])
    taken = {c.name for c in CORE_COLUMNS}
    return part, [c for c in columns if c.name not in taken]


def dataset_columns(trial: Trial) -> list[Column]:
    """The dictionary of the trial's dataset without reading anyone's data (for validating plans)."""
    _part, survey_columns = _survey_part(Participant.objects.none(), trial)
    return [*CORE_COLUMNS, *survey_columns]


def _age_band(age: pd.Series) -> pd.Series:
    years = pd.Series(pd.to_numeric(age).to_numpy(dtype=float, na_value=np.nan), index=age.index)
    bands = pd.cut(years, [-np.inf, 30, 40, 50, np.inf], right=False, labels=["<30", "30-39", "40-49", "50+"])
    return bands.astype("string")


def _health_band(values: pd.Series) -> pd.Series:
    observed = values.dropna()
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    if len(observed) >= 3:
        bands = pd.qcut(observed.rank(method="first"), 3, labels=["poorer", "middle", "better"])
        out.loc[observed.index] = bands.astype("string")
    return out


def _days(values: pd.Series) -> pd.Series:
    """Dates as whole days since 1970-01-01 (for vectorised window arithmetic)."""
    return (pd.to_datetime(values) - pd.Timestamp("1970-01-01")).dt.days


def job_outcomes(jobs: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Employment, days, earnings and job starts in each person's window, from their job starts.

    ``people`` holds ``start`` and ``end`` (the window, as day numbers, both inclusive); ``jobs`` holds
    ``participant_id``, ``started_on``, ``ended_on`` (None while open), ``hours`` and ``hourly_pay``. Days are
    counted once however many jobs overlap (the intervals are merged: sorted by start, each adds only the
    days after the furthest end so far); earnings add up job by job.
    """
    out = pd.DataFrame(index=people.index)
    out["days_employed_12m"] = 0
    out["earnings_12m"] = 0.0
    out["job_started_12m"] = 0
    if jobs.empty:
        return out
    j = jobs.join(people[["start", "end"]], on="participant_id", how="inner")
    started = _days(j["started_on"])
    finished = _days(j["ended_on"]).fillna(j["end"]).astype("int64")
    j["s"] = np.maximum(started, j["start"])
    j["e"] = np.minimum(finished, j["end"])
    j["days"] = (j["e"] - j["s"] + 1).clip(lower=0)
    j["pay"] = j["days"] / 7 * j["hours"] * j["hourly_pay"]
    j["new_start"] = (started >= j["start"]) & (started <= j["end"])
    out["earnings_12m"] = j.groupby("participant_id")["pay"].sum().reindex(out.index, fill_value=0.0)
    out["job_started_12m"] = (
        j.groupby("participant_id")["new_start"].any().reindex(out.index, fill_value=False).astype(int)
    )
    spans = j.loc[j["days"] > 0].sort_values(["participant_id", "s", "e"])
    if not spans.empty:
        frontier = spans.groupby("participant_id")["e"].cummax()
        before = frontier.groupby(spans["participant_id"]).shift(1).fillna(-(10**9))
        fresh = (spans["e"] - np.maximum(spans["s"], before + 1) + 1).clip(lower=0)
        union = fresh.groupby(spans["participant_id"]).sum()
        out["days_employed_12m"] = union.reindex(out.index, fill_value=0).astype(int)
    return out


def _jobs(qs: Any) -> pd.DataFrame:
    from django.apps import apps

    names = ["participant_id", "started_on", "ended_on", "hours", "hourly_pay"]
    if not apps.is_installed("placewell.placements"):
        return pd.DataFrame(columns=names)
    from placewell.placements.models import JobStart

    rows = list(JobStart.objects.filter(participant__in=qs.values("pk")).order_by().values_list(*names))
    df = pd.DataFrame.from_records(rows, columns=names)
    df["hours"] = df["hours"].astype(float)
    df["hourly_pay"] = df["hourly_pay"].astype(float)
    return df


def _contacts(qs: Any, people: pd.DataFrame) -> pd.DataFrame:
    rows = list(
        Contact.objects.filter(participant__in=qs.values("pk"))
        .order_by()
        .values_list("participant_id", "happened_at", "duration_minutes", "with_participant")
    )
    c = pd.DataFrame.from_records(rows, columns=["participant_id", "at", "minutes", "with_participant"])
    out = pd.DataFrame(index=people.index)
    if c.empty:
        out["meetings"] = out["contacts_n"] = out["staff_minutes_12m"] = 0
        return out
    c["day"] = _days(sources.local_dates(c["at"]))
    c = c.join(people[["start", "end"]], on="participant_id", how="inner")
    c = c.loc[(c["day"] >= c["start"]) & (c["day"] <= c["end"])]
    grouped = c.groupby("participant_id")
    out["meetings"] = grouped["with_participant"].sum().reindex(out.index, fill_value=0).astype(int)
    out["contacts_n"] = grouped.size().reindex(out.index, fill_value=0).astype(int)
    out["staff_minutes_12m"] = grouped["minutes"].sum().reindex(out.index, fill_value=0).astype(int)
    return out


def _half_year(day: dt.date | None) -> str | None:
    if day is None or pd.isna(day):
        return None
    return f"{day.year} {'Jan-Jun' if day.month <= 6 else 'Jul-Dec'}"


def build_dataset(
    trial: Trial,
    *,
    key: bytes | None = None,
    today: dt.date | None = None,
    cost_per_staff_hour: float | None = None,
    progress: Progress = quiet,
) -> AnalysisDataset:
    """The analysis dataset of ``trial`` as it stands on ``today`` (the data cut), under the research key.

    About a dozen queries whatever the number of people. ``key`` defaults to the research key from the
    environment (``PseudonymKeyError`` says how to set it).
    """
    key = key if key is not None else pseudonyms.load_research_key()
    today = today or timezone.localdate()
    read_at = timezone.now()
    allocations = Allocation.objects.filter(trial=trial)
    erased = allocations.filter(participant__status=Status.ERASED).count()
    qs = Participant.objects.reportable().filter(pk__in=allocations.values("participant_id")).order_by()
    progress("Reading participant records")
    base, _ = sources.record(qs)
    progress(f"{len(base):,} randomised participants; reading allocations and referrals")
    for part, part_columns in (sources.allocation(qs), sources.referral_and_agreement(qs)):
        base = base.join(part.reindex(columns=[c.name for c in part_columns]), how="left")
    ages, _ = sources.ages(base)
    base = base.join(ages)
    extra = pd.DataFrame.from_records(
        list(
            allocations.filter(participant__in=qs.values("pk"))
            .order_by()
            .values_list("participant_id", "stratum__key", "stratum__values", "ratio_effective_from")
        ),
        columns=["participant_id", "stratum_key", "_values", "_period"],
    ).set_index("participant_id")
    sites = dict(trial.sites.values_list("code", "name"))
    base = base.join(extra)
    progress("Reading casework contacts")
    mi, _ = sources_mi.contacts(qs)
    base = base.join(mi[["first_session_on"]], how="left")
    progress("Reading survey waves and scores")
    survey, survey_columns = _survey_part(qs, trial)
    base = base.join(survey, how="left")
    sources_mi.fill_survey_status(base, survey_columns)
    for name in survey.columns:
        if name.endswith("_status"):
            base[name] = base[name].fillna("not_invited")

    df = pd.DataFrame(index=base.index)
    df["pseudo_id"] = [pseudonyms.record_pseudonym(key, int(pk)) for pk in base.index]
    df["pseudo_nhs_number"] = [pseudonyms.nhs_pseudonym(key, v) or None for v in base["_nhs"]]
    df["trial_group"] = base["stratum"]

    def site_name(values: dict[str, Any] | None, /) -> Any:
        code: Any = (values or {}).get("site")
        return sites.get(code, code)

    df["site"] = base["_values"].map(site_name)
    df["arm"] = base["arm"]
    df["treatment"] = base["treatment"].astype(bool).astype(int)
    df["assignment_probability"] = base["probability_of_treatment"].astype(float)
    df["stratum"] = base["stratum_key"]
    df["allocation_period"] = base["_period"].map(lambda d: d.isoformat() if d else "base")
    df["randomised_on"] = base["randomised_on"]
    df["randomised_month"] = base["randomised_on"].map(lambda d: f"{d:%Y-%m}")
    df["cohort"] = base["randomised_on"].map(_half_year)
    df["withdrawn_service"] = base["withdrawn_from_service"].astype(int)
    df["withdrawn_research"] = base["withdrawn_from_research"].astype(int)
    df["age_at_randomisation"] = base["age_at_randomisation"]
    df["age_band"] = _age_band(base["age_at_randomisation"])
    df["gender"] = base["gender"].replace("", None)
    ethnic = base["ethnic_group"].replace({"": None, "not_said": None})
    df["white"] = ethnic.map(lambda v: None if v is None else int(v in WHITE_GROUPS))
    limits = base["activity_limitation"].replace("", None)
    df["limits_great_deal"] = limits.map(lambda v: None if v is None else int(v == "great_deal"))
    df["work_history"] = base["work_history_2_years"].replace("", None)
    df["stress_anxiety"] = base["condition_stress_anxiety"].astype(int)
    df["depression"] = base["condition_depression"].astype(int)
    df["ethnic_group"] = base["ethnic_group"].replace("", None)
    df["employment_status_at_referral"] = base["employment_status_at_referral"].replace("", None)

    baseline_wave, year_wave = survey_waves(trial)

    def wave_value(wave: str | None, instrument: str) -> pd.Series:
        name = f"{wave}_{instrument}"
        return base[name].astype(float) if wave and name in base else pd.Series(np.nan, index=base.index)

    df["baseline_eq5d"] = wave_value(baseline_wave, "eq5d5l")
    df["baseline_swemwbs"] = wave_value(baseline_wave, "swemwbs")
    df["baseline_health_band"] = _health_band(df["baseline_eq5d"])

    window = pd.DataFrame(index=base.index)
    window["start"] = _days(base["randomised_on"]) + 1
    window["end"] = np.minimum(window["start"] + WINDOW_DAYS - 1, _days(pd.Series([today])).iloc[0])
    df["followup_complete_12m"] = (window["start"] + WINDOW_DAYS - 1 <= window["end"]).astype(int)
    progress("Reading job starts")
    jobs = job_outcomes(_jobs(qs), window)
    df["employed_13wk"] = (jobs["days_employed_12m"] >= EMPLOYED_DAYS).astype(int)
    df["days_employed_12m"] = jobs["days_employed_12m"]
    df["earnings_12m"] = jobs["earnings_12m"]
    df["job_started_12m"] = jobs["job_started_12m"]

    df["eq5d_12m"] = wave_value(year_wave, "eq5d5l")
    df["swemwbs_12m"] = wave_value(year_wave, "swemwbs")
    status = base[f"{year_wave}_status"] if year_wave else pd.Series("not_invited", index=base.index)
    df["invited_12m"] = (status != "not_invited").astype(int)
    df["responded_12m"] = (status == "responded").astype(int)

    contacts = _contacts(qs, window)
    df["meetings"] = contacts["meetings"]
    df["received_service"] = (contacts["meetings"] >= 1).astype(int)
    df["contacts_n"] = contacts["contacts_n"]
    first = pd.to_datetime(base["first_session_on"])
    df["days_randomisation_to_first_session"] = (first - pd.to_datetime(base["randomised_on"])).dt.days
    df["staff_minutes_12m"] = contacts["staff_minutes_12m"]
    df["cost_12m"] = (
        contacts["staff_minutes_12m"] / 60 * cost_per_staff_hour
        if cost_per_staff_hour is not None
        else np.nan
    )
    progress("Reading linked administrative outcomes")
    admin = linkage.admin_outcomes(trial, df["pseudo_nhs_number"], base["randomised_on"])
    df = df.join(admin)
    for c in survey_columns:
        df[c.name] = base[c.name]

    columns = [*CORE_COLUMNS, *survey_columns]
    data = df[[c.name for c in columns]].copy()
    apply_types(data, columns)
    data = data.sort_values(["trial_group", "pseudo_id"]).set_index("pseudo_id")
    flow = sample_flow(trial, data, erased)
    progress(f"Dataset ready: {len(data):,} rows, {len(columns)} columns")
    return AnalysisDataset(trial.pk, data, columns, flow, today, read_at, pseudonyms.key_fingerprint(key))


def sample_flow(trial: Trial, data: pd.DataFrame, erased: int) -> SampleFlow:
    """The counts of the CONSORT diagram, by arm, from the rows themselves."""
    arms = list(trial.arms.order_by("order").values_list("code", flat=True))
    flow = SampleFlow(randomised=len(data) + erased, erased=erased, rows=len(data), arms=arms)
    for arm in arms:
        rows = data.loc[data["arm"] == arm]
        flow.by_arm[arm] = {
            "rows": len(rows),
            "withdrawn_service": int(rows["withdrawn_service"].sum()),
            "withdrawn_research": int(rows["withdrawn_research"].sum()),
            "followup_complete_12m": int(rows["followup_complete_12m"].sum()),
            "invited_12m": int(rows["invited_12m"].sum()),
            "responded_12m": int(rows["responded_12m"].sum()),
            "admin_linked": int(rows["admin_linked"].sum()),
        }
    return flow


def analysed_counts(data: pd.DataFrame, outcomes: list[str]) -> dict[str, dict[str, int]]:
    """For each outcome, the rows per arm with a value (those an estimate can use)."""
    return {
        outcome: {str(arm): int(n) for arm, n in data[outcome].notna().groupby(data["arm"]).sum().items()}
        for outcome in outcomes
        if outcome in data
    }


def read_parquet(body: bytes) -> pd.DataFrame:
    """A dataset file back as a frame indexed by ``pseudo_id``: what the runner analyses, and what anyone
    analysing the downloaded file gets, so estimates from either agree to the last digit."""
    import io

    frame = pd.read_parquet(io.BytesIO(body))
    return frame.set_index("pseudo_id")
