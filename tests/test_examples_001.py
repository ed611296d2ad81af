"""The three example LBP courses of seed 001 ("Eksempler på patienter med primære smerter i
lænderyggen i strukturerede forløb"), registered as a clinic would, audit clean.

Each course follows the seed's description; the dates were chosen by hand to respect
rules.md §3 (0266 at most 6 and within 84 days of the start, at most 2 patient-education
services, nothing but follow-ups after the 0267, 0268 about 3 and 9 months after the 0267,
within 12 months of the referral).
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.conftest import audit, pairs

PROVIDER = "022590"


def lines_for(patient: str, referral: str, visits: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [
        {
            "patient_id": patient,
            "provider_id": PROVIDER,
            "service_date": date,
            "service_code": code,
            "referral_date": referral,
        }
        for date, code in visits
    ]


def weekly(first: str, n: int, code: str) -> list[tuple[str, str]]:
    start = dt.date.fromisoformat(first)
    return [((start + dt.timedelta(days=7 * i)).isoformat(), code) for i in range(n)]


# Forløb 1: self-training course, first episode, 38-year-old who trains in a gym.
# 0110 + 0262 the same day; 0265 1-2 times; 0266 1-2 times; 0113 "XX times" until the patient
# trains alone; 0267 when they can; 0268 about 3 and 9 months after the 0267.
# Start Mon 2024-09-02; closing Mon 2024-11-11 (10 weeks);
# 1st 0268 window [2025-01-11, 2025-03-11], 2nd [2025-07-11, 2025-09-11];
# referral 2024-08-26 + 12 months = 2025-08-26.
COURSE_1 = lines_for(
    "0101861234",
    "2024-08-26",
    [
        ("2024-09-02", "0110"),
        ("2024-09-02", "0262"),
        ("2024-09-09", "0265"),
        ("2024-09-16", "0266"),
        *weekly("2024-09-19", 7, "0113"),  # Thursdays 19 Sep .. 31 Oct
        ("2024-10-07", "0266"),
        ("2024-10-14", "0265"),
        ("2024-11-11", "0267"),
        ("2025-02-10", "0268"),  # closing + 3 months - 1 day
        ("2025-08-11", "0268"),  # closing + 9 months
    ],
)

# Forløb 2: recurrent low back pain, third episode, 50-year-old, 6-8 weeks of training.
# The patient is in a current course (0110 a week earlier) and moves to the structured course
# with 0261; team education 0263 twice; 0266 up to 6 times within 3 months, 0269 as needed;
# team training 0264 once a week for 6 weeks; 0267 after about 8 weeks; 0268 at ~3 and ~9 months.
# Start (0261) Mon 2024-03-11: 0266 allowed until 2024-06-03 (84 days).
# Closing Mon 2024-05-06 (8 weeks): 1st 0268 window [2024-07-06, 2024-09-06],
# 2nd [2025-01-06, 2025-03-06]; referral 2024-02-26 + 12 months = 2025-02-26.
COURSE_2 = lines_for(
    "0202741234",
    "2024-02-26",
    [
        ("2024-03-04", "0110"),
        ("2024-03-11", "0261"),
        ("2024-03-13", "0263"),
        ("2024-03-14", "0266"),
        ("2024-03-20", "0263"),
        ("2024-03-21", "0266"),
        *weekly("2024-03-26", 6, "0264"),  # Tuesdays 26 Mar .. 30 Apr
        ("2024-04-04", "0266"),
        ("2024-04-11", "0269"),
        ("2024-04-11", "0266"),
        ("2024-04-18", "0266"),
        ("2024-04-25", "0269"),
        ("2024-04-25", "0266"),
        ("2024-05-06", "0267"),
        ("2024-08-05", "0268"),  # closing + 3 months - 1 day
        ("2025-02-03", "0268"),  # closing + 9 months - 3 days
    ],
)

# Forløb 3: persistent (> 12 weeks) low back pain, 43-year-old, not suited for team training;
# a 12-week course. 0110 + 0262; individual education 0265 twice; 0266 up to 6 within 3 months;
# supplementary manual therapy 0269; 0113 supervised self-training; 0267; 0268 at ~3 and ~9 months.
# Start Mon 2024-01-08: 0266 allowed until 2024-04-01 (84 days; the last one is on 03-25).
# Closing Tue 2024-04-02 (12 weeks + 1 day, after Easter Monday): 1st 0268 window
# [2024-06-02, 2024-08-02], 2nd [2024-12-02, 2025-02-02]; referral 2024-01-03 + 12 months =
# 2025-01-03, so the 2nd follow-up is booked before New Year.
COURSE_3 = lines_for(
    "0303811234",
    "2024-01-03",
    [
        ("2024-01-08", "0110"),
        ("2024-01-08", "0262"),
        ("2024-01-15", "0265"),
        ("2024-01-22", "0266"),
        ("2024-01-25", "0269"),
        ("2024-01-29", "0265"),
        ("2024-02-05", "0266"),
        ("2024-02-12", "0269"),
        ("2024-02-19", "0266"),
        *weekly("2024-02-22", 5, "0113"),  # Thursdays 22 Feb .. 21 Mar
        ("2024-02-26", "0269"),
        ("2024-03-04", "0266"),
        ("2024-03-11", "0266"),
        ("2024-03-25", "0266"),
        ("2024-04-02", "0267"),
        ("2024-07-02", "0268"),  # closing + 3 months
        ("2024-12-17", "0268"),  # closing + 8 months 15 days
    ],
)


@pytest.mark.parametrize(
    "course", [COURSE_1, COURSE_2, COURSE_3], ids=["forloeb1", "forloeb2", "forloeb3"]
)
def test_the_seed_001_example_course_audits_without_error_or_warning(
    course: list[dict[str, str]],
) -> None:
    assert pairs(audit(course)) == set()


def test_the_three_example_courses_in_one_clinic_extract_audit_clean() -> None:
    assert pairs(audit(COURSE_1 + COURSE_2 + COURSE_3)) == set()


def test_the_example_courses_with_shuffled_rows_audit_clean() -> None:
    rows = COURSE_1 + COURSE_2 + COURSE_3
    assert pairs(audit(rows[::-1])) == set()


def test_forloeb_2s_six_weekly_team_trainings_get_only_a_dose_note_on_the_0267() -> None:
    # 6 × 0264 is outside the 12-16 dose guidance: info on the 0267 (row 19), nothing more.
    findings = audit(COURSE_2)
    closing_row = next(i for i, r in enumerate(COURSE_2, 1) if r["service_code"] == "0267")
    assert pairs(findings, ("info",)) == {(closing_row, "LBP-TEAM-TRAIN-DOSE")}
