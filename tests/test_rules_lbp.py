"""rules.md §3: physiotherapy, primary low back pain (LBP, codes 0261-0269).

Each rule has a case that fires and a boundary case that does not. Dates are worked out by
hand from rules.md §1: "N weeks" = N×7 days, "N months" = same day of month N months later,
clamped to the month's last day.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.conftest import audit, pairs

P = "0101901234"
PR = "022590"

START = "2024-01-08"  # a Monday: 0110 + 0262 the same day open the course (rows 1 and 2)


def line(date: str, code: str, *, provider: str = PR, **extra: str) -> dict[str, str]:
    return {
        "patient_id": P,
        "provider_id": provider,
        "service_date": date,
        "service_code": code,
        **extra,
    }


def opened(date: str = START, **extra: str) -> list[dict[str, str]]:
    """Rows 1-2: first consultation and the same-day supplementary initial consultation."""
    return [line(date, "0110", **extra), line(date, "0262", **extra)]


def days_after(date: str, n: int) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=n)).isoformat()


def weekly(first: str, n: int) -> list[str]:
    return [days_after(first, 7 * i) for i in range(n)]


# ---------------------------------------------------------------- LBP-0262-NO-0110


def test_it_refuses_0262_without_a_0110_the_same_day() -> None:
    findings = audit([line(START, "0262")])
    assert pairs(findings) == {(1, "LBP-0262-NO-0110")}


def test_it_refuses_0262_when_the_0110_was_the_day_before() -> None:
    findings = audit([line("2024-01-05", "0110"), line(START, "0262")])
    assert pairs(findings) == {(2, "LBP-0262-NO-0110")}


def test_it_refuses_0262_when_the_same_day_0110_is_at_another_provider() -> None:
    findings = audit([line(START, "0110", provider="022591"), line(START, "0262")])
    assert pairs(findings) == {(2, "LBP-0262-NO-0110")}


def test_it_accepts_0262_with_a_0110_the_same_day_in_either_input_order() -> None:
    assert pairs(audit([line(START, "0262"), line(START, "0110")])) == set()
    assert pairs(audit(opened())) == set()


# ---------------------------------------------------------------- LBP-0261-SAME-DAY-0110


def test_it_refuses_0261_the_same_day_as_a_0110() -> None:
    findings = audit([line(START, "0110"), line(START, "0261")])
    assert pairs(findings) == {(2, "LBP-0261-SAME-DAY-0110")}


def test_it_accepts_0261_the_day_after_a_0110() -> None:
    assert pairs(audit([line(START, "0110"), line("2024-01-09", "0261")])) == set()


def test_it_accepts_0261_the_same_day_as_a_0110_at_another_provider() -> None:
    findings = audit([line(START, "0110", provider="022591"), line(START, "0261")])
    assert pairs(findings) == set()


# ---------------------------------------------------------------- LBP-EDU-MAX


@pytest.mark.parametrize("codes", [["0263", "0263"], ["0265", "0265"], ["0263", "0265"], ["0263"]])
def test_it_accepts_up_to_2_patient_education_services(codes: list[str]) -> None:
    lines = opened() + [
        line(d, c) for d, c in zip(weekly("2024-01-15", len(codes)), codes, strict=True)
    ]
    assert pairs(audit(lines)) == set()


@pytest.mark.parametrize(
    "codes",
    [
        ["0263", "0263", "0263"],
        ["0265", "0265", "0265"],
        ["0263", "0265", "0263"],
        ["0265", "0263", "0265"],
    ],
)
def test_it_refuses_the_3rd_patient_education_service(codes: list[str]) -> None:
    lines = opened() + [line(d, c) for d, c in zip(weekly("2024-01-15", 3), codes, strict=True)]
    assert pairs(audit(lines)) == {(5, "LBP-EDU-MAX")}


def test_it_refuses_every_patient_education_service_after_the_2nd() -> None:
    lines = opened() + [line(d, "0263") for d in weekly("2024-01-15", 4)]
    assert pairs(audit(lines)) == {(5, "LBP-EDU-MAX"), (6, "LBP-EDU-MAX")}


def test_the_3rd_patient_education_service_is_counted_by_date_not_input_order() -> None:
    lines = opened() + [
        line("2024-02-05", "0263"),  # 3rd by date
        line("2024-01-15", "0265"),
        line("2024-01-22", "0263"),
    ]
    assert pairs(audit(lines)) == {(3, "LBP-EDU-MAX")}


def test_patient_education_is_counted_per_course() -> None:
    # A new 0261 opens a new course: its education count starts again.
    lines = opened() + [
        line("2024-01-15", "0263"),
        line("2024-01-22", "0263"),
        line("2024-06-03", "0261"),
        line("2024-06-10", "0263"),
    ]
    assert pairs(audit(lines)) == set()


# ---------------------------------------------------------------- LBP-IND-TRAIN-MAX

SIX_0266 = ["2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12", "2024-01-15", "2024-01-16"]


def test_it_accepts_the_6th_0266() -> None:
    assert pairs(audit(opened() + [line(d, "0266") for d in SIX_0266])) == set()


def test_it_refuses_the_7th_0266() -> None:
    lines = opened() + [line(d, "0266") for d in SIX_0266] + [line("2024-01-17", "0266")]
    assert pairs(audit(lines)) == {(9, "LBP-IND-TRAIN-MAX")}


def test_it_refuses_every_0266_after_the_6th() -> None:
    lines = opened() + [line(d, "0266") for d in SIX_0266]
    lines += [line("2024-01-17", "0266"), line("2024-01-18", "0266")]
    assert pairs(audit(lines)) == {(9, "LBP-IND-TRAIN-MAX"), (10, "LBP-IND-TRAIN-MAX")}


def test_the_7th_0266_is_counted_by_date_not_input_order() -> None:
    lines = opened() + [line("2024-01-17", "0266")] + [line(d, "0266") for d in SIX_0266]
    assert pairs(audit(lines)) == {(3, "LBP-IND-TRAIN-MAX")}


# ---------------------------------------------------------------- LBP-IND-TRAIN-WINDOW
# Start Mon 2024-01-08 (2024 is a leap year): + 84 days = 2024-04-01, + 85 = 2024-04-02.


def test_it_accepts_0266_on_day_84() -> None:
    assert pairs(audit(opened() + [line("2024-04-01", "0266")])) == set()


def test_it_refuses_0266_on_day_85() -> None:
    findings = audit(opened() + [line("2024-04-02", "0266")])
    assert pairs(findings) == {(3, "LBP-IND-TRAIN-WINDOW")}


def test_the_0266_window_message_names_the_days_and_the_limit() -> None:
    findings = audit(opened() + [line("2024-04-08", "0266")])  # 91 days after the start
    assert pairs(findings) == {(3, "LBP-IND-TRAIN-WINDOW")}
    message = findings.filter(findings["rule_id"] == "LBP-IND-TRAIN-WINDOW")["message"][0]
    assert "91 dage efter forløbets start den 08.01.2024" in message
    assert "inden for 84 dage" in message


def test_the_0266_window_counts_from_the_start_code_not_the_first_consultation() -> None:
    # 0110 on 2024-01-01, 0261 (the start) on 2024-01-08: 2024-04-01 is day 84 from the start.
    lines = [line("2024-01-01", "0110"), line(START, "0261"), line("2024-04-01", "0266")]
    assert pairs(audit(lines)) == set()


# ---------------------------------------------------------------- LBP-CLOSE-ONCE


def test_it_accepts_one_0267() -> None:
    assert pairs(audit(opened() + [line("2024-03-04", "0267")])) == set()


def test_it_refuses_a_second_0267() -> None:
    lines = opened() + [line("2024-03-04", "0267"), line("2024-03-11", "0267")]
    assert pairs(audit(lines)) == {(4, "LBP-CLOSE-ONCE")}


def test_it_refuses_the_later_in_input_order_of_two_0267_the_same_day() -> None:
    lines = opened() + [line("2024-03-04", "0267"), line("2024-03-04", "0267")]
    assert pairs(audit(lines)) == {(4, "LBP-CLOSE-ONCE")}


def test_the_second_0267_is_the_later_one_by_date() -> None:
    lines = opened() + [line("2024-03-11", "0267"), line("2024-03-04", "0267")]
    assert pairs(audit(lines)) == {(3, "LBP-CLOSE-ONCE")}


# ---------------------------------------------------------------- LBP-AFTER-CLOSE


@pytest.mark.parametrize("code", ["0263", "0264", "0265", "0266", "0269"])
def test_it_refuses_treatment_dated_after_the_0267(code: str) -> None:
    lines = opened() + [line("2024-03-04", "0267"), line("2024-03-05", code)]
    assert pairs(audit(lines)) == {(4, "LBP-AFTER-CLOSE")}


@pytest.mark.parametrize("code", ["0263", "0264", "0265", "0266", "0269"])
def test_it_accepts_treatment_the_same_day_as_the_0267(code: str) -> None:
    lines = opened() + [line("2024-03-04", code), line("2024-03-04", "0267")]
    assert pairs(audit(lines)) == set()


@pytest.mark.parametrize("code", ["0113", "0110", "2001"])
def test_it_accepts_general_codes_after_the_0267(code: str) -> None:
    lines = opened() + [line("2024-03-04", "0267"), line("2024-03-05", code)]
    assert pairs(audit(lines)) == set()


def test_after_close_counts_from_the_first_0267() -> None:
    # 0266 between the first and the second 0267 is already after the close.
    lines = opened() + [
        line("2024-03-04", "0267"),
        line("2024-03-06", "0266"),
        line("2024-03-11", "0267"),
    ]
    assert pairs(audit(lines)) == {(4, "LBP-AFTER-CLOSE"), (5, "LBP-CLOSE-ONCE")}


# ---------------------------------------------------------------- LBP-FOLLOWUP-BEFORE-CLOSE


def test_it_refuses_0268_without_a_0267() -> None:
    findings = audit(opened() + [line("2024-04-08", "0268")])
    assert pairs(findings) == {(3, "LBP-FOLLOWUP-BEFORE-CLOSE")}


def test_it_refuses_0268_the_same_day_as_the_0267() -> None:
    findings = audit(opened() + [line("2024-03-04", "0267"), line("2024-03-04", "0268")])
    assert pairs(findings) == {(4, "LBP-FOLLOWUP-BEFORE-CLOSE")}


def test_it_refuses_0268_dated_before_the_0267_whatever_the_input_order() -> None:
    findings = audit(opened() + [line("2024-03-04", "0267"), line("2024-03-01", "0268")])
    assert pairs(findings) == {(4, "LBP-FOLLOWUP-BEFORE-CLOSE")}


def test_it_does_not_refuse_0268_the_day_after_the_0267_only_warns_on_timing() -> None:
    findings = audit(opened() + [line("2024-03-04", "0267"), line("2024-03-05", "0268")])
    assert pairs(findings) == {(4, "LBP-FOLLOWUP-TIMING")}


def test_a_0267_in_another_course_does_not_close_this_one() -> None:
    # Course 1 closes 2024-03-04; a 0261 on 2024-04-08 opens course 2, whose 0268 has no 0267.
    lines = opened() + [
        line("2024-03-04", "0267"),
        line("2024-04-08", "0261"),
        line("2024-06-04", "0268"),
    ]
    assert pairs(audit(lines)) == {(5, "LBP-FOLLOWUP-BEFORE-CLOSE")}


# ---------------------------------------------------------------- LBP-FOLLOWUP-MAX
# Closing 2024-03-04: 1st 0268 window [2024-05-04, 2024-07-04], 2nd [2024-11-04, 2025-01-04].


def test_it_accepts_two_well_timed_0268() -> None:
    lines = opened() + [
        line("2024-03-04", "0267"),
        line("2024-06-04", "0268"),
        line("2024-12-04", "0268"),
    ]
    assert pairs(audit(lines)) == set()


def test_it_refuses_the_3rd_0268_without_a_timing_warning() -> None:
    lines = opened() + [
        line("2024-03-04", "0267"),
        line("2024-06-04", "0268"),
        line("2024-12-04", "0268"),
        line("2024-12-05", "0268"),
    ]
    assert pairs(audit(lines)) == {(6, "LBP-FOLLOWUP-MAX")}


def test_it_refuses_every_0268_after_the_2nd() -> None:
    lines = opened() + [
        line("2024-03-04", "0267"),
        line("2024-06-04", "0268"),
        line("2024-12-04", "0268"),
        line("2024-12-05", "0268"),
        line("2024-12-06", "0268"),
    ]
    assert pairs(audit(lines)) == {(6, "LBP-FOLLOWUP-MAX"), (7, "LBP-FOLLOWUP-MAX")}


# ---------------------------------------------------------------- LBP-FOLLOWUP-REFERRAL-12M


def referral_course(ref: str, start: str, close: str, first: str, second: str) -> list[dict]:
    return [
        *opened(start, referral_date=ref),
        line(close, "0267", referral_date=ref),
        line(first, "0268", referral_date=ref),
        line(second, "0268", referral_date=ref),
    ]


# Referral 2024-01-05: + 12 months = 2025-01-05. Closing 2024-03-25: 1st 0268 window
# [2024-05-25, 2024-07-25], 2nd [2024-11-25, 2025-01-25].
def test_it_accepts_0268_exactly_12_months_after_the_referral() -> None:
    lines = referral_course("2024-01-05", START, "2024-03-25", "2024-06-24", "2025-01-05")
    assert pairs(audit(lines)) == set()


def test_it_refuses_0268_one_day_after_referral_plus_12_months() -> None:
    lines = referral_course("2024-01-05", START, "2024-03-25", "2024-06-24", "2025-01-06")
    assert pairs(audit(lines)) == {(5, "LBP-FOLLOWUP-REFERRAL-12M")}


# Referral on the leap day 2024-02-29: + 12 months = 2025-02-28 (clamped). Start 2024-03-04,
# closing 2024-05-20: 1st window [2024-07-20, 2024-09-20], 2nd [2025-01-20, 2025-03-20].
def test_it_accepts_0268_on_the_clamped_12_month_day_after_a_leap_day_referral() -> None:
    lines = referral_course("2024-02-29", "2024-03-04", "2024-05-20", "2024-08-19", "2025-02-28")
    assert pairs(audit(lines)) == set()


def test_it_refuses_0268_the_day_after_the_clamped_12_month_day() -> None:
    lines = referral_course("2024-02-29", "2024-03-04", "2024-05-20", "2024-08-19", "2025-03-01")
    assert pairs(audit(lines)) == {(5, "LBP-FOLLOWUP-REFERRAL-12M")}


def test_it_does_not_check_the_12_months_without_a_referral_date() -> None:
    lines = [
        *opened(),
        line("2024-03-25", "0267"),
        line("2024-06-24", "0268"),
        line("2025-01-06", "0268"),
    ]
    assert pairs(audit(lines)) == set()


def test_the_12_month_limit_applies_to_the_first_0268_too() -> None:
    # Referral 2023-03-10 + 12 months = 2024-03-10; the 1st 0268 on 2024-06-04 is too late
    # (its timing is fine: closing 2024-03-04 + 3 months).
    ref = "2023-03-10"
    lines = [
        *opened(referral_date=ref),
        line("2024-03-04", "0267", referral_date=ref),
        line("2024-06-04", "0268", referral_date=ref),
    ]
    assert pairs(audit(lines)) == {(4, "LBP-FOLLOWUP-REFERRAL-12M")}


# ---------------------------------------------------------------- LBP-FOLLOWUP-TIMING
# Closing Thu 2024-10-31 (start Mon 2024-08-12, rows 1-2; 0267 is row 3):
#   1st 0268 window: closing + 2 months = 2024-12-31, + 4 months = 2025-02-28 (Feb 31 clamped)
#   2nd 0268 window: closing + 8 months = 2025-06-30 (June 31 clamped), + 10 months = 2025-08-31

TIMING_START = "2024-08-12"
CLOSING = "2024-10-31"


def timing_course(*followups: str) -> list[dict[str, str]]:
    return [*opened(TIMING_START), line(CLOSING, "0267")] + [line(d, "0268") for d in followups]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("2024-12-31", "2025-06-30", set()),  # both on their first allowed day
        ("2025-02-28", "2025-08-31", set()),  # both on their last allowed day
        ("2024-12-30", "2025-06-30", {4}),  # 1st: the day before closing + 2 months
        ("2025-03-01", "2025-08-31", {4}),  # 1st: the day after closing + 4 months
        ("2025-01-31", "2025-06-29", {5}),  # 2nd: the day before closing + 8 months
        ("2025-01-31", "2025-09-01", {5}),  # 2nd: the day after closing + 10 months
        ("2024-12-02", "2025-10-01", {4, 5}),
    ],
)
def test_it_warns_when_a_follow_up_is_outside_its_window(
    first: str, second: str, expected: set[int]
) -> None:
    findings = audit(timing_course(first, second))
    assert pairs(findings) == {(r, "LBP-FOLLOWUP-TIMING") for r in expected}


def test_the_follow_up_timing_is_a_warning() -> None:
    findings = audit(timing_course("2024-12-30"))
    assert findings.filter(findings["rule_id"] == "LBP-FOLLOWUP-TIMING")["severity"].to_list() == [
        "warning"
    ]


def test_a_single_well_timed_follow_up_is_fine() -> None:
    assert pairs(audit(timing_course("2025-01-31"))) == set()


def test_follow_up_timing_counts_from_the_first_0267() -> None:
    # 2nd 0267 on 2024-11-29 (LBP-CLOSE-ONCE). The 0268 on 2024-12-31 is closing + 2 months from
    # the first 0267; from the second it would be only 1 month and 2 days.
    lines = [
        *opened(TIMING_START),
        line(CLOSING, "0267"),
        line("2024-11-29", "0267"),
        line("2024-12-31", "0268"),
    ]
    assert pairs(audit(lines)) == {(4, "LBP-CLOSE-ONCE")}


def test_follow_up_timing_is_not_raised_with_follow_up_before_close() -> None:
    findings = audit(opened() + [line("2024-01-09", "0268")])
    assert pairs(findings) == {(3, "LBP-FOLLOWUP-BEFORE-CLOSE")}


def test_follow_up_timing_is_not_raised_with_follow_up_max() -> None:
    # The 3rd 0268 the day after the 2nd: only LBP-FOLLOWUP-MAX.
    findings = audit(timing_course("2025-01-31", "2025-07-31", "2025-08-01"))
    assert pairs(findings) == {(6, "LBP-FOLLOWUP-MAX")}


def test_a_0268_before_the_close_is_still_the_1st_follow_up() -> None:
    # rules.md §1 Order: the 1st/2nd 0268 are counted by date. The 0268 dated before the 0267 is
    # the 1st (refused, no timing warning); the 0268 three months after closing is then the 2nd
    # and outside [closing + 8 months, closing + 10 months]; the third is over the maximum.
    findings = audit(timing_course("2024-10-30", "2025-01-31", "2025-07-31"))
    assert pairs(findings) == {
        (4, "LBP-FOLLOWUP-BEFORE-CLOSE"),
        (5, "LBP-FOLLOWUP-TIMING"),
        (6, "LBP-FOLLOWUP-MAX"),
    }


# ---------------------------------------------------------------- LBP-TEAM-TRAIN-DOSE (info)


def dose_course(n_0264: int, close: bool = True) -> list[dict[str, str]]:
    # 0264 twice a week from Tue 2024-01-09 (Tue/Fri), closing after the last one.
    team = []
    day = dt.date(2024, 1, 9)
    while len(team) < n_0264:
        team.append(day.isoformat())
        day += dt.timedelta(days=3 if day.weekday() == 1 else 4)
    lines = opened() + [line(d, "0264") for d in team]
    if close:
        lines.append(line("2024-04-15", "0267"))
    return lines


@pytest.mark.parametrize("n", [1, 11, 17, 20])
def test_it_notes_a_team_training_dose_outside_12_to_16_on_the_0267(n: int) -> None:
    findings = audit(dose_course(n))
    assert pairs(findings) == set()  # guidance only: no error and no warning
    assert pairs(findings, ("info",)) == {(3 + n, "LBP-TEAM-TRAIN-DOSE")}


@pytest.mark.parametrize("n", [12, 14, 16])
def test_it_says_nothing_about_a_team_training_dose_of_12_to_16(n: int) -> None:
    findings = audit(dose_course(n))
    assert pairs(findings, ("error", "warning", "info")) == set()


def test_it_says_nothing_about_team_training_dose_without_any_0264() -> None:
    findings = audit(dose_course(0))
    assert pairs(findings, ("error", "warning", "info")) == set()


def test_it_says_nothing_about_team_training_dose_before_the_course_is_closed() -> None:
    findings = audit(dose_course(11, close=False))
    assert pairs(findings, ("error", "warning", "info")) == set()
