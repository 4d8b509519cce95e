"""The full-size demo trial: records that reproduce the calibrated simulator, checked independently.

Small loads (3% of the published arm sizes) check the counts, the model rules, the job-start derivation of
12-month employment and earnings, the questionnaire scores and the survey response; one full-size load
(9,785 randomised) estimates the impacts from the records and compares them with the published ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from scipy.stats import t as student_t

from placewell.accounts.models import AuditEvent
from placewell.casework.models import Contact
from placewell.engine.evaluation import estimate_itt
from placewell.participants.models import Agreement, Participant, Referral, Screening
from placewell.placements.models import JobStart
from placewell.surveys.models import Invitation, Response, SurveyEnrolment
from placewell.trials import demo_fullsize
from placewell.trials.models import Allocation, Trial

SMALL = 0.03
KEY = b"test-research-key-not-a-secret-0123456789"

# EQ-5D-5L England value set, decrements by dimension for levels 2-5 (Devlin et al. 2018, Health Economics
# 27(1):7-22), as tabulated in ../shared/reference/INSTRUMENTS.md: written out here, not read from the engine.
ENGLAND = [
    (-0.058, -0.076, -0.207, -0.274),
    (-0.050, -0.080, -0.164, -0.203),
    (-0.050, -0.063, -0.162, -0.184),
    (-0.063, -0.084, -0.276, -0.335),
    (-0.078, -0.104, -0.285, -0.289),
]
# SWEMWBS raw total 7-35 to metric score (Warwick Medical School table, ../shared/reference/INSTRUMENTS.md).
SWEMWBS_METRIC = [7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98,
                  18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31,
                  30.70, 32.55, 35.00]  # fmt: skip
GROUP_OF = {"SCR in work": "SCR IW", "SCR out of work": "SCR OOW", "WMCA out of work": "WMCA OOW"}


def _england_values() -> np.ndarray:
    values = {
        round(1 + sum(0.0 if lv == 1 else ENGLAND[d][lv - 2] for d, lv in enumerate(levels)), 3)
        for levels in itertools.product(range(1, 6), repeat=5)
    }
    return np.array(sorted(values))


def _nearest(achievable: np.ndarray, target: float) -> float:
    return float(achievable[np.abs(achievable - target).argmin()])


def _window_outcomes(loaded: demo_fullsize.FullSizeTrial) -> dict[int, tuple[int, float]]:
    """The derivation, computed here from the job-start rows: days 1-365 after randomisation; employed when
    the union of days in jobs is 91 or more; earnings = sum of days in the window / 7 x hours x pay."""
    randomised = dict(zip(loaded.participant_ids.tolist(), loaded.randomised_on, strict=True))
    days: dict[int, set[int]] = defaultdict(set)
    pay: dict[int, float] = defaultdict(float)
    for pid, start, end, hours, rate in JobStart.objects.filter(participant_id__in=randomised).values_list(
        "participant_id", "started_on", "ended_on", "hours", "hourly_pay"
    ):
        first = randomised[pid] + dt.timedelta(days=1)
        last = randomised[pid] + dt.timedelta(days=365)
        lo, hi = max(start, first), min(end or last, last)
        inside = {lo.toordinal() + k for k in range((hi - lo).days + 1)}
        days[pid] |= inside
        pay[pid] += len(inside) / 7 * float(hours) * float(rate)
    return {pid: (int(len(days[pid]) >= 91), pay[pid]) for pid in randomised}


def _group(label: str) -> str:
    site, _, status = label.partition(" · ")
    return GROUP_OF[f"{'SCR' if site.startswith('Sheffield') else 'WMCA'} {status.lower()}"]


@pytest.fixture
def small(db) -> demo_fullsize.FullSizeTrial:  # type: ignore[no-untyped-def]
    loaded = demo_fullsize.load_fullsize_trial(scale=SMALL, progress=lambda _m: None)
    assert loaded is not None
    return loaded


def test_counts_by_group_and_arm_match_the_simulator(small) -> None:  # type: ignore[no-untyped-def]
    expected = Counter(zip(small.data["trial_group"], small.data["treatment"], strict=True))
    found = Counter(
        (_group(label), int(is_treatment))
        for label, is_treatment in Allocation.objects.filter(trial=small.trial).values_list(
            "stratum__label", "arm__is_treatment"
        )
    )
    assert found == expected
    ids = small.participant_ids.tolist()
    assert Participant.objects.filter(pk__in=ids).count() == len(small.data)
    assert Referral.objects.filter(participant_id__in=ids).count() == len(ids)
    assert Screening.objects.filter(participant_id__in=ids, eligible=True).count() == len(ids)
    assert Agreement.objects.filter(participant_id__in=ids, all_required_agreed=True).count() == len(ids)
    created = AuditEvent.objects.filter(action="create", record_type="participant", participant_id__in=ids)
    assert sorted(created.values_list("participant_id", flat=True)) == sorted(ids)
    assert not small.trial.is_recruiting  # closed, so no new allocation can reuse a slot


def test_every_record_passes_the_model_rules(small) -> None:  # type: ignore[no-untyped-def]
    ids = small.participant_ids.tolist()
    for model in (Participant, Referral, Screening, Agreement, Allocation, SurveyEnrolment, Invitation):
        for record in model.objects.filter(**({"pk__in": ids} if model is Participant else {"participant_id__in": ids}))[:25]:  # fmt: skip
            record.full_clean()
    for model in (Contact, Response, JobStart):
        rows = list(model.objects.filter(participant_id__in=ids).order_by("?")[:40])
        assert rows
        for record in rows:
            record.full_clean()
    nhs = list(Participant.objects.filter(pk__in=ids).values_list("nhs_number", flat=True))
    assert len(set(nhs)) == len(ids) and all(len(n) == 10 and n.startswith("9") for n in nhs)


def test_contacts_follow_the_simulated_meetings(small) -> None:  # type: ignore[no-untyped-def]
    contacts = defaultdict(list)
    for pid, at, minutes in Contact.objects.filter(
        participant_id__in=small.participant_ids.tolist()
    ).values_list("participant_id", "happened_at", "duration_minutes"):
        contacts[pid].append((at, minutes))
    for i, row in enumerate(small.data.itertuples(index=False)):
        mine = sorted(contacts.get(int(small.participant_ids[i]), []))
        assert len(mine) == row.meetings
        if row.meetings:
            assert sum(m > 15 for _, m in mine) == row.long_sessions
            first = (mine[0][0].date() - small.randomised_on[i]).days
            assert first == min(int(row.days_to_first_session), 364)


def test_job_starts_reproduce_employment_and_earnings(small) -> None:  # type: ignore[no-untyped-def]
    derived = _window_outcomes(small)
    for i, row in enumerate(small.data.itertuples(index=False)):
        employed, earnings = derived[int(small.participant_ids[i])]
        assert employed == int(row.employed_13wk)
        assert earnings == pytest.approx(row.earnings_12m, abs=0.01)  # to the penny
    with_jobs = set(
        JobStart.objects.filter(participant_id__in=derived).values_list("participant_id", flat=True)
    )
    assert any(pid in with_jobs and not employed for pid, (employed, _) in derived.items())
    competitive = JobStart.objects.filter(participant_id__in=derived)
    assert competitive.filter(competitive=True).count() == competitive.count()  # at least the minimum wage


def test_scores_are_the_nearest_achievable_and_only_responders_answer_at_12_months(small) -> None:  # type: ignore[no-untyped-def]
    england = _england_values()
    metric = np.array(SWEMWBS_METRIC)
    row_of = {int(pid): i for i, pid in enumerate(small.participant_ids)}
    values = {
        (pid, wave, instrument): value
        for pid, wave, instrument, value in Response.objects.filter(participant_id__in=row_of).values_list(
            "participant_id", "invitation__wave__key", "instrument_id", "value"
        )
    }
    for pid, i in row_of.items():
        row = small.data.iloc[i]
        assert values[(pid, "baseline", "eq5d5l")] == pytest.approx(_nearest(england, row["baseline_eq5d"]))
        assert values[(pid, "baseline", "swemwbs")] == pytest.approx(
            _nearest(metric, row["baseline_swemwbs"])
        )
        if row["responded_12m"]:
            assert values[(pid, "12-month", "eq5d5l")] == pytest.approx(_nearest(england, row["eq5d_12m"]))
            assert values[(pid, "12-month", "swemwbs")] == pytest.approx(_nearest(metric, row["swemwbs_12m"]))
        else:
            assert (pid, "12-month", "eq5d5l") not in values and (pid, "12-month", "swemwbs") not in values
    statuses = Counter(
        Invitation.objects.filter(participant_id__in=row_of, wave__key="12-month").values_list(
            "status", flat=True
        )
    )
    responded = int(small.data["responded_12m"].sum())
    assert statuses == {"responded": responded, "non_response": len(row_of) - responded}


def test_admin_outcomes_file_agrees_with_the_job_starts(small, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLACEWELL_PSEUDONYM_KEY", KEY.decode())
    path, rows = demo_fullsize.write_admin_outcomes(small.trial, tmp_path / "admin.csv")  # type: ignore[misc]
    admin = pd.read_csv(path)
    assert list(admin.columns) == [
        "pseudo_nhs_number",
        "month",
        "employed",
        "earnings",
        "out_of_work_benefits",
    ]
    assert len(admin) == rows and admin["pseudo_nhs_number"].nunique() == len(small.data)
    derived = _window_outcomes(small)
    employed_ever = {pid for pid, (employed, _) in derived.items() if employed}
    from placewell.governance.pseudonyms import nhs_pseudonym

    numbers = dict(Participant.objects.filter(pk__in=derived).values_list("pk", "nhs_number"))
    employed_months = admin.groupby("pseudo_nhs_number")["employed"].sum()
    for pid in employed_ever:  # 91 days or more in the window: at least three calendar months in work
        assert employed_months[nhs_pseudonym(KEY, numbers[pid])] >= 3
    assert not ((admin["employed"] == 1) & (admin["out_of_work_benefits"] == 1)).any()


def test_the_demo_step_is_off_in_tests_and_the_command_runs_once(db, settings, capsys) -> None:  # type: ignore[no-untyped-def]
    messages: list[str] = []
    demo_fullsize.demo_step(None, messages.append)
    assert messages == ["Full-size trial skipped (PLACEWELL_DEMO_FULLSIZE_TRIAL is off)"]
    call_command("load_fullsize_trial", "--scale", "0.01")
    before = Participant.objects.count()
    call_command("load_fullsize_trial", "--scale", "0.01")
    assert (
        Participant.objects.count() == before
        and Trial.objects.filter(registration_number=demo_fullsize.REGISTRATION).exists()
    )
    assert "already loaded" in capsys.readouterr().out


# Published impacts (seed 001, Table 2.1, as in ../shared/domain/BRIEF.md): employment in percentage points,
# earnings in pounds, health (EQ-5D-5L) and wellbeing (SWEMWBS) in control-group standard deviations.
PUBLISHED = {
    "SCR IW": {"employed_13wk": 3.0, "earnings_12m": 442.0, "eq5d_12m": 0.10, "swemwbs_12m": 0.18},
    "SCR OOW": {"employed_13wk": -2.0, "earnings_12m": -233.0, "eq5d_12m": 0.10, "swemwbs_12m": 0.12},
    "WMCA OOW": {"employed_13wk": 4.0, "earnings_12m": 150.0, "eq5d_12m": 0.05, "swemwbs_12m": 0.09},
    "All SCR": {"employed_13wk": 1.0, "earnings_12m": 102.0, "eq5d_12m": 0.10, "swemwbs_12m": 0.14},
    "All OOW": {"employed_13wk": 1.0, "earnings_12m": -51.0, "eq5d_12m": 0.08, "swemwbs_12m": 0.10},
}
POOLED = {"All SCR": ("SCR IW", "SCR OOW"), "All OOW": ("SCR OOW", "WMCA OOW")}
COVARIATES = ["age_band", "gender", "white", "limits_great_deal", "work_history", "stress_anxiety", "depression",
              "baseline_eq5d", "baseline_swemwbs"]  # fmt: skip


def _frame_from_records(trial: Trial, loaded: demo_fullsize.FullSizeTrial) -> pd.DataFrame:
    """One row per randomised person, built from the stored records only (the simulated frame is not read)."""
    rows = Allocation.objects.filter(trial=trial).values_list(
        "participant_id", "stratum__label", "arm__is_treatment", "allocated_on", "participant__date_of_birth",
        "participant__gender", "participant__ethnic_group", "participant__activity_limitation",
        "participant__work_history", "participant__health_conditions",
    )  # fmt: skip
    frame = pd.DataFrame.from_records(
        list(rows), columns=["pid", "stratum", "treatment", "on", "born", "gender", "ethnic", "limits", "history", "conditions"]
    ).set_index("pid")  # fmt: skip
    frame["trial_group"] = frame["stratum"].map(_group)
    frame["treatment"] = frame["treatment"].astype(int)
    age = [(on - born).days // 365.25 for on, born in zip(frame["on"], frame["born"], strict=True)]
    frame["age_band"] = pd.cut(
        age, [0, 30, 40, 50, 200], right=False, labels=["<30", "30-39", "40-49", "50+"]
    ).astype(str)
    frame["gender"] = frame["gender"].replace("", None)
    frame["white"] = frame["ethnic"].str.startswith("white").astype(float)
    frame["limits_great_deal"] = frame["limits"].map(lambda v: None if not v else float(v == "great_deal"))
    frame["work_history"] = frame["history"].replace("", None)
    frame["stress_anxiety"] = frame["conditions"].map(lambda c: float("stress_anxiety" in c))
    frame["depression"] = frame["conditions"].map(lambda c: float("depression" in c))
    for pid, (employed, earnings) in _window_outcomes(loaded).items():
        frame.loc[pid, ["employed_13wk", "earnings_12m"]] = (employed, earnings)
    scores = pd.DataFrame.from_records(
        list(Response.objects.filter(participant_id__in=frame.index).values_list(
            "participant_id", "invitation__wave__key", "instrument_id", "value"
        )), columns=["pid", "wave", "instrument", "value"],
    ).pivot_table(index="pid", columns=["wave", "instrument"], values="value")  # fmt: skip
    frame["baseline_eq5d"] = scores[("baseline", "eq5d5l")]
    frame["baseline_swemwbs"] = scores[("baseline", "swemwbs")]
    frame["eq5d_12m"] = scores[("12-month", "eq5d5l")]
    frame["swemwbs_12m"] = scores[("12-month", "swemwbs")]
    return frame


@pytest.mark.django_db
def test_full_size_trial_gives_the_published_impacts() -> None:
    loaded = demo_fullsize.load_fullsize_trial(scale=1.0, progress=lambda _m: None)
    assert loaded is not None
    trial = loaded.trial
    sizes = Counter(
        Allocation.objects.filter(trial=trial).values_list("stratum__label", "arm__is_treatment")
    )  # seed 001, Table 1.1
    assert {(_group(k[0]), k[1]): n for k, n in sizes.items()} == {
        ("SCR IW", True): 1260, ("SCR IW", False): 1259, ("SCR OOW", True): 1799, ("SCR OOW", False): 1792,
        ("WMCA OOW", True): 1837, ("WMCA OOW", False): 1838,
    }  # fmt: skip
    frame = _frame_from_records(trial, loaded)
    assert len(frame) == 9785
    # The synthesis publishes point estimates and significance stars, not intervals, so the check runs the
    # other way: each published figure must lie inside the interval estimated from the records. There are 20
    # comparisons, so each interval is at 1 - 0.05 / 20 (Bonferroni): a familywise 95% level. Unadjusted 95%
    # intervals would miss one figure in twenty by chance alone (at this seed the simulator's own data put
    # WMCA wellbeing at 0.20 sd against the published 0.09).
    level = 1 - 0.05 / (2 * sum(len(v) for v in PUBLISHED.values()))
    for group, published in PUBLISHED.items():
        members = POOLED.get(group, (group,))
        rows = frame.loc[frame["trial_group"].isin(members)]
        strata = ["trial_group"] if len(members) > 1 else []
        for outcome, figure in published.items():
            est = estimate_itt(rows, outcome, "treatment", COVARIATES, strata=strata)
            half = float(student_t.ppf(level, est.df_resid)) * est.se
            scale = est.control_sd if outcome in ("eq5d_12m", "swemwbs_12m") else 1.0
            low, high = (est.effect - half) / scale, (est.effect + half) / scale
            assert low <= figure <= high, (
                f"{group} {outcome}: published {figure} outside [{low:.3f}, {high:.3f}]"
            )
    _check_with_analysis_dataset(trial, frame)


def _check_with_analysis_dataset(trial: Trial, frame: pd.DataFrame) -> None:
    """The analysis app's dataset builder, reading the same records, gives the same outcomes."""
    dataset = pytest.importorskip("placewell.analysis.dataset")
    from placewell.governance.pseudonyms import record_pseudonym

    built = dataset.build_dataset(trial, key=KEY, today=dt.date(2022, 1, 1)).data
    mine = frame.rename(index=lambda pid: record_pseudonym(KEY, int(pid))).reindex(built.index)
    assert (built["employed_13wk"].astype(int) == mine["employed_13wk"].astype(int)).all()
    assert np.allclose(built["earnings_12m"].astype(float), mine["earnings_12m"].astype(float), atol=0.005)
    for column in ("eq5d_12m", "swemwbs_12m", "baseline_eq5d", "baseline_swemwbs"):
        assert np.allclose(built[column].astype(float), mine[column].astype(float), equal_nan=True)
    assert (built["responded_12m"].astype(int) == mine["eq5d_12m"].notna().astype(int)).all()
