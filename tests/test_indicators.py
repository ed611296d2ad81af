"""The indicators of indicators.md on hand-worked extracts, each at its boundaries.

Every expected count below is worked out by hand from the contract and rules.md §1 (courses,
calendar arithmetic, working days), not from the code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest
from tests.conftest import extract

from forlob.indicators import compute_report

Line = dict[str, str]


def line(patient: str, provider: str, date: str, code: str, **optional: str) -> Line:
    return {
        "patient_id": patient,
        "provider_id": provider,
        "service_date": date,
        "service_code": code,
        **optional,
    }


def counts(
    lines: Iterable[Line], as_of: dt.date | None = None
) -> dict[tuple[str, str | None], tuple[int, int]]:
    """(indicator, provider_id) -> (numerator, denominator) of every record."""
    report = compute_report(extract(lines), as_of=as_of)
    return {
        (r["indicator"], r["provider_id"]): (r["numerator"], r["denominator"])
        for r in report.records.iter_rows(named=True)
    }


def of(result: dict[tuple[str, str | None], tuple[int, int]], indicator: str) -> dict:
    return {p: v for (i, p), v in result.items() if i == indicator}


# ---------------------------------------------------------------------------- WAIT-14D


def test_a_course_starting_14_days_after_the_referral_is_in_time_and_15_days_is_not():
    result = of(
        counts(
            [
                line("p1", "A", "2025-03-15", "0261", referral_date="2025-03-01"),  # 14 days
                line("p2", "A", "2025-03-16", "0261", referral_date="2025-03-01"),  # 15 days
            ]
        ),
        "WAIT-14D",
    )
    assert result == {None: (1, 2), "A": (1, 2)}


def test_the_wait_uses_the_start_lines_referral_else_the_earliest_line_with_one():
    result = of(
        counts(
            [
                # start line without a referral: the course's earliest line with one (5 days)
                line("p1", "A", "2025-03-10", "0261"),
                line("p1", "A", "2025-03-12", "0263", referral_date="2025-03-05"),
                line("p1", "A", "2025-03-14", "0263", referral_date="2025-01-01"),
                # the start line's own referral (28 days) wins over a later line's (4 days)
                line("p2", "A", "2025-03-01", "0261", referral_date="2025-02-01"),
                line("p2", "A", "2025-03-03", "0263", referral_date="2025-02-25"),
            ]
        ),
        "WAIT-14D",
    )
    assert result["A"] == (1, 2)


def test_courses_without_a_referral_or_referred_after_the_start_are_not_counted():
    result = of(
        counts(
            [
                line("p1", "A", "2025-03-15", "0261", referral_date="2025-03-20"),  # after
                line("p2", "A", "2025-03-15", "0261"),  # no referral at all
                line("p3", "A", "2025-03-15", "0261", referral_date="2025-03-15"),  # same day
                line("p4", "A", "2025-03-15", "0243", referral_date="2025-03-14"),  # no course
            ]
        ),
        "WAIT-14D",
    )
    assert result == {None: (1, 1), "A": (1, 1)}


def test_with_no_referral_anywhere_the_wait_indicator_has_no_record():
    result = counts([line("p1", "A", "2025-03-15", "0261")])
    assert not of(result, "WAIT-14D")


# ---------------------------------------------------------------------- STATUS-ON-TIME

# 2025-03-31 + 2 weeks = Monday 2025-04-14. Easter 2025: Maundy Thursday 17, Good Friday 18,
# Easter Monday 21 April are no working days, so +5 working days from the target is
# Thursday 24 April (14, 15, 16, 22, 23 lie in [T, d)); without the holidays it would be 21.


def test_a_status_inside_its_window_only_because_of_easter_is_on_time_and_a_day_later_is_not():
    result = of(
        counts(
            [
                line("p1", "A", "2025-03-31", "0241"),
                line("p1", "A", "2025-04-24", "0243"),  # +5 working days: on time
                line("p2", "A", "2025-03-31", "0241"),
                line("p2", "A", "2025-04-25", "0243"),  # +6 working days: late
            ]
        ),
        "STATUS-ON-TIME",
    )
    assert result == {None: (1, 2), "A": (1, 2)}


def test_only_the_first_line_of_each_status_code_in_a_course_counts():
    result = of(
        counts(
            [
                line("p1", "A", "2025-03-31", "0241"),
                line("p1", "A", "2025-04-14", "0243"),  # first 0243: on time
                line("p1", "A", "2025-05-20", "0243"),  # second 0243: not a unit
                line("p1", "A", "2025-04-28", "0244"),  # 4 weeks exactly: on time
                # 8 weeks = 2025-05-26; +5 working days over Ascension Day (29 May) = 3 June
                line("p1", "A", "2025-06-03", "0245"),
            ]
        ),
        "STATUS-ON-TIME",
    )
    assert result["A"] == (3, 3)


def test_a_status_in_months_is_judged_against_start_plus_3_months_clamped():
    # CSS: 2025-01-31 + 3 months = 2025-04-30; +5 working days = 2025-05-07 (1 May works)
    result = of(
        counts(
            [
                line("p1", "B", "2025-01-31", "1060"),
                line("p1", "B", "2025-05-07", "1063"),
                line("p2", "B", "2025-01-31", "1060"),
                line("p2", "B", "2025-05-08", "1063"),
            ]
        ),
        "STATUS-ON-TIME",
    )
    assert result["B"] == (1, 2)


def test_status_lines_in_no_course_are_not_counted():
    result = counts([line("p1", "A", "2025-04-14", "0243")])  # COURSE-NO-START
    assert not of(result, "STATUS-ON-TIME")


# -------------------------------------------------------------------- LAST-STATUS-DONE

# NRL started Monday 2025-06-02: last-status target + 8 weeks = Monday 2025-07-28, window
# ends +5 working days = Monday 2025-08-04.
LAST_STATUS = [
    line("p1", "A", "2025-06-02", "0241"),
    line("p2", "A", "2025-06-02", "0241"),
    line("p2", "A", "2025-07-28", "0245"),
]


def test_a_last_status_window_that_ended_the_day_before_as_of_is_counted():
    result = of(counts(LAST_STATUS, as_of=dt.date(2025, 8, 5)), "LAST-STATUS-DONE")
    assert result == {None: (1, 2), "A": (1, 2)}


def test_a_last_status_window_ending_on_as_of_is_not_counted_yet():
    result = of(counts(LAST_STATUS, as_of=dt.date(2025, 8, 4)), "LAST-STATUS-DONE")
    assert result == {}


def test_the_stenosis_last_status_window_is_start_plus_3_months():
    # CSS 2025-01-31: target 2025-04-30, window ends 2025-05-07
    lines = [line("p1", "B", "2025-01-31", "1060"), line("p1", "B", "2025-05-07", "1063")]
    assert of(counts(lines, as_of=dt.date(2025, 5, 8)), "LAST-STATUS-DONE") == {
        None: (1, 1),
        "B": (1, 1),
    }
    assert of(counts(lines, as_of=dt.date(2025, 5, 7)), "LAST-STATUS-DONE") == {}


# ----------------------------------------------------------------------- LBP-TEAM-DOSE


def team_course(patient: str, sessions: int, closing: bool = True) -> list[Line]:
    start = dt.date(2025, 1, 6)
    out = [line(patient, "A", start.isoformat(), "0261")]
    out += [
        line(patient, "A", (start + dt.timedelta(days=1 + i)).isoformat(), "0264")
        for i in range(sessions)
    ]
    if closing:
        out.append(line(patient, "A", (start + dt.timedelta(days=30)).isoformat(), "0267"))
    return out


def test_12_and_16_team_sessions_meet_the_dose_and_11_and_17_do_not():
    lines = [
        *team_course("p11", 11),
        *team_course("p12", 12),
        *team_course("p16", 16),
        *team_course("p17", 17),
    ]
    assert of(counts(lines), "LBP-TEAM-DOSE") == {None: (2, 4), "A": (2, 4)}


def test_courses_without_a_closing_or_without_team_training_are_not_counted():
    lines = [*team_course("p1", 12, closing=False), *team_course("p2", 0)]
    assert of(counts(lines), "LBP-TEAM-DOSE") == {}


# ------------------------------------------------------------------- LBP-FOLLOWUP-DONE

# first 0267 on 2025-01-31: + 10 months = 2025-11-30 (clamped to November's last day)
FOLLOWUP = [
    line("p1", "A", "2025-01-06", "0261"),
    line("p1", "A", "2025-01-31", "0267"),
    line("p1", "A", "2025-04-30", "0268"),
    line("p1", "A", "2025-10-31", "0268"),
    # one follow-up only; its second 0267 is later, the first one decides
    line("p2", "A", "2025-01-06", "0261"),
    line("p2", "A", "2025-01-31", "0267"),
    line("p2", "A", "2025-03-01", "0267"),
    line("p2", "A", "2025-04-30", "0268"),
    # closed a day later: 2025-02-01 + 10 months = 2025-12-01, after as-of
    line("p3", "A", "2025-01-06", "0261"),
    line("p3", "A", "2025-02-01", "0267"),
]


def test_a_course_whose_closing_plus_10_months_is_as_of_is_due_for_both_follow_ups():
    result = of(counts(FOLLOWUP, as_of=dt.date(2025, 11, 30)), "LBP-FOLLOWUP-DONE")
    assert result == {None: (1, 2), "A": (1, 2)}


def test_a_course_whose_closing_plus_10_months_is_after_as_of_is_not_counted():
    result = of(counts(FOLLOWUP, as_of=dt.date(2025, 11, 29)), "LBP-FOLLOWUP-DONE")
    assert result == {}


# ---------------------------------------------------------------------- BILLING-ERRORS


def test_billing_errors_count_readable_lines_with_an_error_in_a_course_or_not():
    result = of(
        counts(
            [
                line("p1", "A", "2025-03-03", "0262"),  # LBP-0262-NO-0110: error
                line("p2", "A", "2025-03-03", "0263"),  # COURSE-NO-START: error, no course
                line("p3", "A", "2025-03-03", "9999"),  # CODE-UNKNOWN: a warning only
                line("p4", "A", "2025-03-03", "0110", team_size="x"),  # INPUT-FIELD-IGNORED
                line("p5", "A", "2025-3-3", "0110"),  # INPUT-INVALID: not readable
                line("p6", "B", "2025-03-03", "0110"),
            ]
        ),
        "BILLING-ERRORS",
    )
    assert result == {None: (2, 5), "A": (2, 4), "B": (0, 1)}


def test_an_info_finding_is_not_a_billing_error():
    lines = team_course("p1", 11)  # LBP-TEAM-TRAIN-DOSE (info) on the 0267
    assert of(counts(lines), "BILLING-ERRORS") == {None: (0, 13), "A": (0, 13)}


# ------------------------------------------------------------------------------- as of


def test_as_of_defaults_to_the_latest_readable_service_date():
    lines = [
        *LAST_STATUS,
        line("p9", "A", "2025-08-05", "0110"),
        line("p9", "A", "2099-01-01", "01100"),  # INPUT-INVALID: its date does not count
    ]
    report = compute_report(extract(lines))
    assert report.as_of == dt.date(2025, 8, 5)
    assert of(counts(lines), "LAST-STATUS-DONE")["A"] == (1, 2)


def test_a_file_with_no_readable_line_has_no_records():
    report = compute_report(extract([line("p1", "A", "2025-3-3", "0110")]))
    assert report.as_of is None
    assert report.records.height == 0
    assert report.lines_read == 1 and report.lines_invalid == 1


@pytest.mark.parametrize("given", [True, False])
def test_indicators_use_the_same_courses_given_or_inferred(given):
    lines = [
        line("p1", "A", "2025-03-31", "0241", referral_date="2025-03-20"),
        line("p1", "A", "2025-04-24", "0243"),
    ]
    if given:
        for x in lines:
            x["course_id"] = "K1"
    result = counts(lines)
    assert result[("STATUS-ON-TIME", "A")] == (1, 1)
    assert result[("WAIT-14D", "A")] == (1, 1)
