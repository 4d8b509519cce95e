"""Published Health-led Trials figures the simulator is calibrated to, each with its source.

All figures are from DWP research report 1025, *Health-led Employment Trials Evaluation: 12-month outcomes evidence synthesis* (August 2022) unless marked
"assumption": the synthesis does not publish them, so a plausible value is used and named as such.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupCalibration:
    """One trial group's published profile and results."""

    name: str
    site: str
    work_status: str
    n_treatment: int  # Table 1.1
    n_control: int  # Table 1.1
    age_bands: dict[str, float]  # Table 1.2
    male: float  # Table 1.3
    white: float  # Table 1.4
    stress_anxiety: float  # Table 1.5
    depression: float  # Table 1.5
    limits_great_deal: float  # Table 1.6
    work_history: dict[str, float]  # Table 1.7
    control_employment: float  # section 2.1 (OOW groups); assumption for SCR IW
    employment_ppt: float  # Table 2.1
    earnings_gbp: float  # Table 2.1
    health_sd: float  # Table 2.1
    wellbeing_sd: float  # Table 2.1
    response_treatment: float  # Table 6.2, 12-month survey
    response_control: float  # Table 6.2, 12-month survey
    received_share: float  # Table 6.2: MI records / treatment recruits
    mean_contacts: float  # section 3, MI: about 14 in WMCA, about 10 in SCR
    long_session_share: float  # section 3, MI: about 8 of 14 (WMCA), about 10 of 10 (SCR)
    first_week_share: float  # section 3, MI: 31% within a week in WMCA; assumption for SCR
    earnings_if_employed: float  # assumption: mean 12-month earnings of those employed 13+ weeks
    cost_per_treated_recruit: float  # Table 2.2


WORK_HISTORY_LEVELS: tuple[str, ...] = ("always", "more than half", "less than half", "none in 2 years")
"""Employment in the 2 years before randomisation (Table 1.7), in the table's order."""

WORK_HISTORY_SCORE: dict[str, float] = {
    "always": 0.5,
    "more than half": 0.2,
    "less than half": -0.1,
    "none in 2 years": -0.4,
}
"""Assumption: how much recent work history shifts the chance of sustained work (bounded score)."""

GROUPS: tuple[GroupCalibration, ...] = (
    GroupCalibration(
        name="SCR IW",
        site="SCR",
        work_status="IW",
        n_treatment=1260,
        n_control=1259,
        age_bands={"<30": 0.23, "30-39": 0.22, "40-49": 0.23, "50+": 0.32},
        male=0.43,
        white=0.90,
        stress_anxiety=0.86,
        depression=0.68,
        limits_great_deal=0.39,
        work_history={"always": 0.76, "more than half": 0.14, "less than half": 0.10, "none in 2 years": 0.0},
        control_employment=0.60,
        employment_ppt=3.0,
        earnings_gbp=442.0,
        health_sd=0.10,
        wellbeing_sd=0.18,
        response_treatment=0.508,
        response_control=0.430,
        received_share=1160 / 1260,
        mean_contacts=10.0,
        long_session_share=0.95,
        first_week_share=0.20,
        earnings_if_employed=16000.0,
        cost_per_treated_recruit=2116.0,
    ),
    GroupCalibration(
        name="SCR OOW",
        site="SCR",
        work_status="OOW",
        n_treatment=1799,
        n_control=1792,
        age_bands={"<30": 0.29, "30-39": 0.19, "40-49": 0.20, "50+": 0.32},
        male=0.56,
        white=0.86,
        stress_anxiety=0.81,
        depression=0.68,
        limits_great_deal=0.33,
        work_history={
            "always": 0.05,
            "more than half": 0.20,
            "less than half": 0.25,
            "none in 2 years": 0.50,
        },
        control_employment=0.27,
        employment_ppt=-2.0,
        earnings_gbp=-233.0,
        health_sd=0.10,
        wellbeing_sd=0.12,
        response_treatment=0.424,
        response_control=0.405,
        received_share=1556 / 1799,
        mean_contacts=10.0,
        long_session_share=0.95,
        first_week_share=0.20,
        earnings_if_employed=9000.0,
        cost_per_treated_recruit=2416.0,
    ),
    GroupCalibration(
        name="WMCA OOW",
        site="WMCA",
        work_status="OOW",
        n_treatment=1837,
        n_control=1838,
        age_bands={"<30": 0.26, "30-39": 0.19, "40-49": 0.21, "50+": 0.34},
        male=0.54,
        white=0.64,
        stress_anxiety=0.76,
        depression=0.64,
        limits_great_deal=0.29,
        work_history={
            "always": 0.03,
            "more than half": 0.16,
            "less than half": 0.22,
            "none in 2 years": 0.59,
        },
        control_employment=0.18,
        employment_ppt=4.0,
        earnings_gbp=150.0,
        health_sd=0.05,
        wellbeing_sd=0.09,  # printed "0.9sd" in Table 2.1; BRIEF.md reads it as 0.09
        response_treatment=0.410,
        response_control=0.361,
        received_share=1772 / 1837,
        mean_contacts=14.0,
        long_session_share=8 / 14,
        first_week_share=0.31,
        earnings_if_employed=8500.0,
        cost_per_treated_recruit=3893.0,
    ),
)

POOLED_GROUPS: dict[str, tuple[str, ...]] = {
    "All SCR": ("SCR IW", "SCR OOW"),
    "All OOW": ("SCR OOW", "WMCA OOW"),
}
"""Pooled groups analysed in DWP research report 1025, section 6.2.3."""

EQ5D_MEAN, EQ5D_SD = 0.55, 0.25
"""Assumption: EQ-5D-5L index at baseline and 12 months in a population with mild to moderate conditions."""

SWEMWBS_MEAN, SWEMWBS_SD = 19.5, 4.5
"""Assumption: SWEMWBS metric score (7-35) at baseline and 12 months."""

BASELINE_CORRELATION = 0.6
"""Assumption: correlation between a measure at baseline and at 12 months."""

RECRUITMENT_MONTHS: tuple[str, ...] = tuple(
    [f"2018-{m:02d}" for m in range(5, 13)] + [f"2019-{m:02d}" for m in range(1, 11)]
)
"""May 2018 to October 2019 (DWP research report 1025, Table 6.2 baseline data collection)."""

OCTOBER_2019_SHARE = 1500 / 9785
"""Over 1,500 of 9,785 recruits were randomised in October 2019 (DWP research report 1025, section 1.7, Figure 1.3)."""

MISSING_SHARE: dict[str, float] = {
    "gender": 12 / 9785,  # Table 1.3 base 9,773
    "limits_great_deal": 81 / 9785,  # Table 1.6 base 9,704
    "work_history": 81 / 9785,  # Table 1.7 base 9,704
}
"""Share of recruits not answering a baseline question (DWP research report 1025, Tables 1.3, 1.6, 1.7 bases)."""

CASELOAD_PER_SPECIALIST = 100
"""Assumption: recruits randomised per employment specialist over the recruitment window."""
