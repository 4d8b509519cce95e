"""The analysis dataset against a hand-built cohort (``helpers.build``), every value worked out by hand.

The window is the 365 days after randomisation on 15 January 2026: 16 January 2026 to 15 January 2027.
Days are counted inclusive of both ends; earnings are days / 7 x hours x hourly pay.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from placewell.analysis import dataset, linkage
from placewell.analysis.models import LinkageImport, LinkedOutcome
from placewell.governance.pseudonyms import nhs_pseudonym, record_pseudonym
from tests.analysis.conftest import KEY
from tests.analysis.helpers import DATA_CUT, build, key_of
from tests.governance.conftest import nhs_number


@pytest.fixture
def cohort(world):  # type: ignore[no-untyped-def]
    return build(world)


def _row(ds: dataset.AnalysisDataset, person) -> pd.Series:  # type: ignore[no-untyped-def]
    return ds.data.loc[record_pseudonym(KEY, person.pk)]


def good_file() -> str:
    p1, p3 = key_of(1, KEY), key_of(3, KEY)
    stranger = nhs_pseudonym(KEY, nhs_number(40))
    return "\n".join(
        [
            "pseudo_nhs_number,month,employed,earnings,out_of_work_benefits",
            f"{p1},2026-01,1,900,0",  # the randomisation month: outside the window
            f"{p1},2026-02,1,1000,0",
            f"{p1},2026-03,1,1000,0",
            f"{p1},2026-04,1,1000,0",
            f"{p1},2026-05,0,0,1",
            f"{p1},2027-01,1,500,0",  # the 12th month after January 2026: inside
            f"{p1},2027-02,1,500,0",  # the 13th: outside
            f"{p1},2026-02,1,9999,0",  # a duplicate of person and month: the first is kept
            f"{p3.upper()},2026-02,1,800,0",  # upper-case hexadecimal is the same key
            f"{p3},2026-03,1,800.00,0",
            f"{stranger},2026-03,1,700,0",  # not in the trial
        ]
    )


def test_one_row_per_randomised_person_and_erased_only_counted(cohort) -> None:  # type: ignore[no-untyped-def]
    ds = dataset.build_dataset(cohort.trial, today=DATA_CUT)
    assert ds.rows == 7  # 8 randomised, 1 erased
    assert ds.flow.randomised == 8 and ds.flow.erased == 1 and ds.flow.rows == 7
    assert record_pseudonym(KEY, cohort.people["erased"].pk) not in ds.data.index
    withdrawn = _row(ds, cohort.people["withdrawn"])
    assert withdrawn["withdrawn_service"] == 1 and withdrawn["withdrawn_research"] == 0
    assert _row(ds, cohort.people["open"])["withdrawn_service"] == 0
    assert sum(c["withdrawn_service"] for c in ds.flow.by_arm.values()) == 1
    assert list(ds.table().columns) == [c.name for c in ds.columns]


def test_job_outcomes_by_hand(cohort) -> None:  # type: ignore[no-untyped-def]
    ds = dataset.build_dataset(cohort.trial, today=DATA_CUT)
    p = cohort.people
    # Two jobs: 1 Feb-31 Mar 2026 is 28 + 31 = 59 days at 20 h x £10; 1 Jun-31 Jul is 30 + 31 = 61 days at
    # 10 h x £12. Days 59 + 61 = 120 >= 91; earnings (59 x 200 + 61 x 120) / 7 = 19,120 / 7.
    row = _row(ds, p["two_jobs"])
    assert row["days_employed_12m"] == 120 and row["employed_13wk"] == 1 and row["job_started_12m"] == 1
    assert row["earnings_12m"] == pytest.approx(19_120 / 7, abs=1e-9)
    # Overlapping jobs: 1 Mar-30 Apr (61 days, 16 h x £11) and 1 Apr-15 May (45 days, 8 h x £11) cover
    # 1 Mar-15 May once: 31 + 30 + 15 = 76 days < 91. Earnings count both: (61 x 176 + 45 x 88) / 7.
    row = _row(ds, p["overlap"])
    assert row["days_employed_12m"] == 76 and row["employed_13wk"] == 0
    assert row["earnings_12m"] == pytest.approx((61 * 176 + 45 * 88) / 7, abs=1e-9)
    # A job from 12 Jan 2026 (before randomisation) to 10 May: only 16 Jan-10 May counts,
    # 16 + 28 + 31 + 30 + 10 = 115 days at 30 h x £9; it started before the window, so no job start in it.
    row = _row(ds, p["before"])
    assert row["days_employed_12m"] == 115 and row["employed_13wk"] == 1 and row["job_started_12m"] == 0
    assert row["earnings_12m"] == pytest.approx(115 * 270 / 7, abs=1e-9)
    # An open job from 1 Oct 2026 runs to the window's end, 15 Jan 2027: 31 + 30 + 31 + 15 = 107 days at
    # 25 h x £12.50.
    row = _row(ds, p["open"])
    assert row["days_employed_12m"] == 107 and row["employed_13wk"] == 1
    assert row["earnings_12m"] == pytest.approx(107 * 312.5 / 7, abs=1e-9)
    # A job from 1 Dec 2026 to 28 Feb 2027 counts to 15 Jan only: 31 + 15 = 46 days at 35 h x £10.
    row = _row(ds, p["after"])
    assert row["days_employed_12m"] == 46 and row["employed_13wk"] == 0 and row["job_started_12m"] == 1
    assert row["earnings_12m"] == pytest.approx(46 * 350 / 7, abs=1e-9)
    row = _row(ds, p["withdrawn"])
    assert row["days_employed_12m"] == 0 and row["earnings_12m"] == 0 and row["employed_13wk"] == 0
    assert (ds.data["followup_complete_12m"] == 1).all()


def test_the_window_stops_at_the_data_cut(cohort) -> None:  # type: ignore[no-untyped-def]
    # On 31 Oct 2026 the open job (from 1 Oct) has run 31 days, and nobody's window has ended.
    ds = dataset.build_dataset(cohort.trial, today=dt.date(2026, 10, 31))
    row = _row(ds, cohort.people["open"])
    assert row["days_employed_12m"] == 31 and row["followup_complete_12m"] == 0


def test_mi_counts_contacts_inside_the_window_only(cohort) -> None:  # type: ignore[no-untyped-def]
    ds = dataset.build_dataset(cohort.trial, today=DATA_CUT, cost_per_staff_hour=30.0)
    row = _row(ds, cohort.people["two_jobs"])
    # Contacts: 15 Jan (the randomisation day, not after it), 20 Jan with the person (45 min), 10 Feb with an
    # employer on their behalf (20 min), 20 Jan 2027 (after the window). Inside: 2 contacts, 1 meeting.
    assert row["meetings"] == 1 and row["received_service"] == 1 and row["contacts_n"] == 2
    assert row["staff_minutes_12m"] == 65 and row["cost_12m"] == pytest.approx(65 / 60 * 30)
    assert row["days_randomisation_to_first_session"] == 0  # the first session, on the day (as the extract)
    other = _row(ds, cohort.people["overlap"])
    assert other["meetings"] == 0 and other["received_service"] == 0 and other["cost_12m"] == 0


def test_baseline_and_survey_outcomes(cohort) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import Response

    ds = dataset.build_dataset(cohort.trial, today=DATA_CUT)
    p1 = cohort.people["two_jobs"]
    row = _row(ds, p1)
    scores = dict(
        Response.objects.filter(participant=p1, invitation__wave__offset_months=12).values_list(
            "instrument_id", "value"
        )
    )
    assert row["responded_12m"] == 1 and row["invited_12m"] == 1
    assert row["eq5d_12m"] == pytest.approx(float(scores["eq5d5l"]))
    assert row["swemwbs_12m"] == pytest.approx(float(scores["swemwbs"]))
    baseline = Response.objects.get(
        participant=p1, invitation__wave__is_baseline=True, instrument_id="eq5d5l"
    )
    assert row["baseline_eq5d"] == pytest.approx(float(baseline.value))
    silent = _row(ds, cohort.people["nonresponder"])
    assert silent["invited_12m"] == 1 and silent["responded_12m"] == 0 and pd.isna(silent["eq5d_12m"])
    # Person 1 (odd): female, White British, limited a great deal, depression; born 1987-06-01, so 38.
    assert row["gender"] == "female" and row["white"] == 1 and row["limits_great_deal"] == 1
    assert row["depression"] == 1 and row["stress_anxiety"] == 0 and row["work_history"] == "none"
    assert row["age_at_randomisation"] == 38 and row["age_band"] == "30-39"
    assert row["randomised_month"] == "2026-01" and row["cohort"] == "2026 Jan-Jun"
    assert row["trial_group"] == "North site · Out of work" and row["site"] == "North site"
    assert row["treatment"] == (1 if row["arm"] == "treatment" else 0)
    flow = ds.flow.by_arm
    assert sum(c["responded_12m"] for c in flow.values()) == 1
    assert sum(c["invited_12m"] for c in flow.values()) == int(ds.data["invited_12m"].sum())


def test_linked_admin_outcomes_by_hand(cohort) -> None:  # type: ignore[no-untyped-def]
    record = linkage.import_linked_outcomes(
        by=None, trial=cohort.trial, file_name="dwp.csv", body=good_file().encode()
    )
    # 11 rows: 1 duplicate, 1 stranger (unmatched); people 1 and 3 matched; person 1's 2026-01 and 2027-02
    # are outside the 12 months after January 2026.
    assert (record.rows_read, record.people_matched, record.unmatched_keys) == (11, 2, 1)
    assert (record.duplicate_rows, record.months_outside_window) == (1, 2)
    assert LinkedOutcome.objects.filter(trial=cohort.trial).count() == 9
    ds = dataset.build_dataset(cohort.trial, today=DATA_CUT)
    one = _row(ds, cohort.people["two_jobs"])
    # Inside: Feb, Mar, Apr 2026 and Jan 2027 employed (4 months, >= 3); £1,000 x 3 + £500; May on benefit.
    assert one["admin_linked"] == 1 and one["admin_months_employed_12m"] == 4
    assert one["admin_employed_13wk"] == 1 and one["admin_earnings_12m"] == 3500
    assert one["admin_benefit_months_12m"] == 1
    three = _row(ds, cohort.people["before"])
    # Feb and Mar 2026 employed: 2 months (< 3); £800 x 2.
    assert three["admin_months_employed_12m"] == 2 and three["admin_employed_13wk"] == 0
    assert three["admin_earnings_12m"] == 1600 and three["admin_benefit_months_12m"] == 0
    unlinked = _row(ds, cohort.people["overlap"])  # has an NHS number, not in the file
    assert unlinked["admin_linked"] == 0 and pd.isna(unlinked["admin_employed_13wk"])
    assert pd.isna(unlinked["admin_earnings_12m"])
    # Re-importing replaces the previous import.
    linkage.import_linked_outcomes(
        by=None,
        trial=cohort.trial,
        file_name="dwp-2.csv",
        body=f"pseudo_nhs_number,month,employed,earnings,out_of_work_benefits\n{key_of(2, KEY)},2026-02,1,10,0\n".encode(),
    )
    ds = dataset.build_dataset(cohort.trial, today=DATA_CUT)
    assert _row(ds, cohort.people["two_jobs"])["admin_linked"] == 0
    assert _row(ds, cohort.people["overlap"])["admin_linked"] == 1
    assert LinkedOutcome.objects.filter(trial=cohort.trial).count() == 1


HEADER = "pseudo_nhs_number,month,employed,earnings,out_of_work_benefits"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f"{HEADER}\n9434765919,2026-02,1,10,0\n", "row 2, column pseudo_nhs_number: not a pseudonym"),
        (
            "nhs_number,month,employed,earnings,out_of_work_benefits\nx,2026-02,1,10,0\n",
            "missing column(s) pseudo_nhs_number",
        ),
        (f"{HEADER},notes\nx,2026-02,1,10,0,hi\n", "unexpected column(s) 'notes'"),
        (f"{HEADER}\n{'a' * 64},2026-13,1,10,0\n", "row 2, column month"),
        (f"{HEADER}\n{'a' * 64},2026-02,1,10,0\n{'a' * 64},2026-03,yes,10,0\n", "row 3, column employed"),
        (f"{HEADER}\n{'a' * 64},2026-02,1,-5,0\n", "row 2, column earnings"),
        (f"{HEADER}\n{'a' * 64},2026-02,1,10\n", "row 2: 4 values where the header has 5"),
        ("", "the file is empty"),
    ],
)
def test_bad_admin_files_link_nothing(cohort, body: str, message: str) -> None:  # type: ignore[no-untyped-def]
    linkage.import_linked_outcomes(
        by=None, trial=cohort.trial, file_name="good.csv", body=good_file().encode()
    )
    before = (LinkageImport.objects.count(), LinkedOutcome.objects.count())
    with pytest.raises(linkage.LinkageError) as caught:
        linkage.import_linked_outcomes(by=None, trial=cohort.trial, file_name="bad.csv", body=body.encode())
    assert message in str(caught.value) and "nothing was linked" in str(caught.value)
    assert "9434765919" not in str(caught.value)  # an identifier in a bad file is never repeated
    assert (LinkageImport.objects.count(), LinkedOutcome.objects.count()) == before


def test_no_personal_data_in_any_column(cohort) -> None:  # type: ignore[no-untyped-def]
    ds = dataset.build_dataset(cohort.trial, today=DATA_CUT)
    body = ds.csv()
    for p in cohort.people.values():
        for secret in (p.reference, p.given_name, p.family_name, p.nhs_number, p.email, p.phone, p.postcode):
            if secret:
                assert secret not in body, secret
    for n in (1, 2, 3):
        assert nhs_number(n) not in body
    assert "Testperson" not in body and "rowan@example.org" not in body
    for day in ("1987-06-01", "1984-06-01", "1981-06-01"):
        assert day not in body  # dates of birth
    names = {c.name for c in ds.columns}
    for banned in ("given_name", "family_name", "email", "phone", "postcode", "address", "date_of_birth",
                   "nhs_number", "ni_number", "about", "reference"):  # fmt: skip
        assert banned not in names


def test_query_count_does_not_grow_with_people(world, cohort, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        dataset.build_dataset(cohort.trial, today=DATA_CUT)
    from tests.analysis.helpers import RANDOMISED_ON, at
    from tests.trials.helpers import agreed

    with at(RANDOMISED_ON):
        from placewell.trials import services as ts

        for _ in range(5):
            ts.randomise(
                by=world.alice,
                trial=cohort.trial,
                participant=agreed(world, referral_date=dt.date(2026, 1, 5)),
            )
    with django_assert_max_num_queries(len(first.captured_queries)):
        dataset.build_dataset(cohort.trial, today=DATA_CUT)
