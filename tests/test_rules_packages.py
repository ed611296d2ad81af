"""rules.md §5: chiropractic speciale 64 disc-prolapse and stenosis packages (CPL, CPC, CSS).

Expected dates are worked out by hand from rules.md §1:
- "N weeks" = N×7 days; "N months" = same day of month, clamped to the month's last day.
- d is inside ±5 working days of target T when abs(numpy.busday_count(T, d)) <= 5, i.e.
  after T: at most 5 working days in [T, d)  -> the last allowed day is the 6th working day
           counted from T inclusive (T itself counts when it is a working day);
  before T: at most 5 working days in (d, T] -> the first allowed day is the 6th working day
           counted backwards from T inclusive.
- Danish public holidays used below: Easter 2024 = Thu 03-28, Fri 03-29, (Sun 03-31),
  Mon 04-01; Christmas 2024 = Wed 12-25, Thu 12-26; New Year = Wed 2025-01-01.
  Christmas Eve (12-24) and New Year's Eve (12-31) are working days.
"""

from __future__ import annotations

import pytest
from tests.conftest import found, line


def rule_rows(lines, rule_id: str) -> set[int]:
    return {row for row, rule in found(lines) if rule == rule_id}


# ---------------------------------------------------------------------------------------------
# PKG-STATUS-WINDOW
# ---------------------------------------------------------------------------------------------

# (start code, start date, status code, date, fires?)  -- one status line after the start.
WINDOW_CASES = [
    # CPL 1042, start Mon 2024-09-02, target +2 weeks = Mon 2024-09-16 (no holidays near).
    # After: Mon16 Tue17 Wed18 Thu19 Fri20 Mon23 -> last allowed Mon 2024-09-23.
    # Before: Mon16 Fri13 Thu12 Wed11 Tue10 Mon09 -> first allowed Mon 2024-09-09.
    pytest.param("1040", "2024-09-02", "1042", "2024-09-16", False, id="CPL-2w-on-target"),
    pytest.param("1040", "2024-09-02", "1042", "2024-09-23", False, id="CPL-2w-last-allowed"),
    pytest.param("1040", "2024-09-02", "1042", "2024-09-24", True, id="CPL-2w-first-late"),
    pytest.param("1040", "2024-09-02", "1042", "2024-09-09", False, id="CPL-2w-first-allowed"),
    pytest.param("1040", "2024-09-02", "1042", "2024-09-08", True, id="CPL-2w-sunday-before"),
    pytest.param("1040", "2024-09-02", "1042", "2024-09-06", True, id="CPL-2w-friday-before"),
    # CPL 1042 mid-week: start Wed 2024-09-04, target Wed 2024-09-18.
    # After: Wed18 Thu19 Fri20 Mon23 Tue24 Wed25 -> last allowed 09-25, refused 09-26.
    # Before: Wed18 Tue17 Mon16 Fri13 Thu12 Wed11 -> first allowed 09-11, refused 09-10.
    pytest.param("1040", "2024-09-04", "1042", "2024-09-25", False, id="CPL-2w-wed-last"),
    pytest.param("1040", "2024-09-04", "1042", "2024-09-26", True, id="CPL-2w-wed-late"),
    pytest.param("1040", "2024-09-04", "1042", "2024-09-11", False, id="CPL-2w-wed-first"),
    pytest.param("1040", "2024-09-04", "1042", "2024-09-10", True, id="CPL-2w-wed-early"),
    # CPL 1042 across Easter: start Mon 2024-03-11 (via 1041), target Mon 2024-03-25.
    # After: Mon25 Tue26 Wed27 [Thu28 Fri29 Mon04-01 holidays] Tue04-02 Wed04-03 Thu04-04
    #   -> last allowed Thu 2024-04-04, first refused Fri 2024-04-05.
    # Before: Mon25 Fri22 Thu21 Wed20 Tue19 Mon18 -> first allowed 03-18, refused 03-17.
    pytest.param("1041", "2024-03-11", "1042", "2024-04-04", False, id="CPL-2w-easter-last"),
    pytest.param("1041", "2024-03-11", "1042", "2024-04-05", True, id="CPL-2w-easter-late"),
    pytest.param("1041", "2024-03-11", "1042", "2024-03-18", False, id="CPL-2w-easter-first"),
    pytest.param("1041", "2024-03-11", "1042", "2024-03-17", True, id="CPL-2w-easter-early"),
    # CPC 1053 (4 weeks): start Mon 2024-03-04, target Mon 2024-04-01 = Easter Monday.
    # After: [04-01 holiday] Tue02 Wed03 Thu04 Fri05 Mon08 Tue09 -> last allowed 04-09,
    #   first refused Wed 2024-04-10.
    # Before: [04-01, Sun31, Sat30, Fri29, Thu28 not working] Wed27 Tue26 Mon25 Fri22 Thu21
    #   Wed20 -> first allowed Wed 2024-03-20, first refused Tue 2024-03-19.
    pytest.param("1050", "2024-03-04", "1053", "2024-04-09", False, id="CPC-4w-easter-last"),
    pytest.param("1050", "2024-03-04", "1053", "2024-04-10", True, id="CPC-4w-easter-late"),
    pytest.param("1050", "2024-03-04", "1053", "2024-03-20", False, id="CPC-4w-easter-first"),
    pytest.param("1050", "2024-03-04", "1053", "2024-03-19", True, id="CPC-4w-easter-early"),
    # CPC 1052 (2 weeks), start via 1051 Mon 2024-09-02: same window as CPL above.
    pytest.param("1051", "2024-09-02", "1052", "2024-09-23", False, id="CPC-2w-last"),
    pytest.param("1051", "2024-09-02", "1052", "2024-09-24", True, id="CPC-2w-late"),
    # CPL 1044 last status (8 weeks) across Christmas: start Mon 2024-10-28, target
    # Mon 2024-12-23. After: Mon23 Tue24 [Wed25 Thu26] Fri27 Mon30 Tue31 [Wed 01-01] Thu 01-02
    #   -> last allowed 2025-01-02, first refused Fri 2025-01-03.
    # Before: Mon23 Fri20 Thu19 Wed18 Tue17 Mon16 -> first allowed 12-16, refused Sun 12-15.
    pytest.param("1040", "2024-10-28", "1044", "2025-01-02", False, id="CPL-8w-xmas-last"),
    pytest.param("1040", "2024-10-28", "1044", "2025-01-03", True, id="CPL-8w-xmas-late"),
    pytest.param("1040", "2024-10-28", "1044", "2024-12-16", False, id="CPL-8w-xmas-first"),
    pytest.param("1040", "2024-10-28", "1044", "2024-12-15", True, id="CPL-8w-xmas-early"),
    # CPC 1054 (8 weeks): start Mon 2024-09-02, target Mon 2024-10-28.
    # After: Mon28 .. Fri11-01, Mon 11-04 -> last allowed 11-04, refused 11-05.
    pytest.param("1050", "2024-09-02", "1054", "2024-11-04", False, id="CPC-8w-last"),
    pytest.param("1050", "2024-09-02", "1054", "2024-11-05", True, id="CPC-8w-late"),
    # CSS 1062 (4 weeks): start Wed 2024-02-28, target Wed 2024-03-27.
    # After: Wed27 [Thu28 Fri29 Mon04-01] Tue02 Wed03 Thu04 Fri05 Mon08 -> last allowed
    #   Mon 2024-04-08, first refused Tue 2024-04-09.
    # Before: Wed27 Tue26 Mon25 Fri22 Thu21 Wed20 -> first allowed 03-20, refused 03-19.
    pytest.param("1060", "2024-02-28", "1062", "2024-04-08", False, id="CSS-4w-easter-last"),
    pytest.param("1060", "2024-02-28", "1062", "2024-04-09", True, id="CSS-4w-easter-late"),
    pytest.param("1060", "2024-02-28", "1062", "2024-03-20", False, id="CSS-4w-easter-first"),
    pytest.param("1060", "2024-02-28", "1062", "2024-03-19", True, id="CSS-4w-easter-early"),
    # CSS 1063 (3 months, clamped): start Sat 2024-11-30 -> target 2025-02-28 (Fri; no
    # 2025-02-30). After: Fri28 Mon03-03 Tue04 Wed05 Thu06 Fri07 -> last allowed 2025-03-07,
    #   first refused Sat 2025-03-08.
    # Before: Fri28 Thu27 Wed26 Tue25 Mon24 Fri21 -> first allowed 02-21, refused 02-20.
    pytest.param("1061", "2024-11-30", "1063", "2025-03-07", False, id="CSS-3m-clamp-last"),
    pytest.param("1061", "2024-11-30", "1063", "2025-03-08", True, id="CSS-3m-clamp-late"),
    pytest.param("1061", "2024-11-30", "1063", "2025-03-10", True, id="CSS-3m-clamp-monday"),
    pytest.param("1061", "2024-11-30", "1063", "2025-02-21", False, id="CSS-3m-clamp-first"),
    pytest.param("1061", "2024-11-30", "1063", "2025-02-20", True, id="CSS-3m-clamp-early"),
    # CSS 1063 across Christmas: start Wed 2024-09-25 -> target Wed 2024-12-25 (holiday).
    # After: [25, 26] Fri27 Mon30 Tue31 [01-01] Thu02 Fri03 Mon06 -> last allowed 2025-01-06,
    #   first refused Tue 2025-01-07.
    # Before: [25] Tue24 Mon23 Fri20 Thu19 Wed18 Tue17 -> first allowed 12-17, refused 12-16.
    pytest.param("1060", "2024-09-25", "1063", "2025-01-06", False, id="CSS-3m-xmas-last"),
    pytest.param("1060", "2024-09-25", "1063", "2025-01-07", True, id="CSS-3m-xmas-late"),
    pytest.param("1060", "2024-09-25", "1063", "2024-12-17", False, id="CSS-3m-xmas-first"),
    pytest.param("1060", "2024-09-25", "1063", "2024-12-16", True, id="CSS-3m-xmas-early"),
]


@pytest.mark.parametrize(("start_code", "start", "status", "date", "fires"), WINDOW_CASES)
def test_status_lines_are_refused_exactly_outside_five_working_days_of_their_target(
    start_code, start, status, date, fires
):
    got = found([line(start, start_code), line(date, status)])
    assert got == ({(2, "PKG-STATUS-WINDOW")} if fires else set())


def test_css_has_no_two_week_status_so_its_4_week_status_is_not_measured_from_2_weeks():
    # CSS 1062 at start + 4 weeks exactly (2024-09-02 + 28 = 2024-09-30) is on target.
    assert found([line("2024-09-02", "1060"), line("2024-09-30", "1062")]) == set()


def test_each_status_line_of_a_course_is_measured_from_that_courses_own_start():
    lines = [
        line("2024-09-02", "1040"),  # 1 course A, 2 w target 09-16
        line("2024-09-16", "1042"),  # 2 on target
        line("2025-03-03", "1040"),  # 3 course B (Mon), 2 w target 2025-03-17
        line("2025-03-17", "1042"),  # 4 on target for B (would be far off for A)
        line("2025-03-31", "1043"),  # 5 B + 4 w exactly
    ]
    assert found(lines) == set()


def test_status_window_is_per_course_pathway_and_ignores_other_providers():
    # Provider K2's start 2024-09-09 is not this course's start: the 1042 at K1 on
    # 2024-09-30 is 10 working days after K1's target 09-16.
    lines = [
        line("2024-09-02", "1040"),
        line("2024-09-09", "1040", provider="K2"),
        line("2024-09-30", "1042"),
    ]
    assert found(lines) == {(3, "PKG-STATUS-WINDOW")}


# ---------------------------------------------------------------------------------------------
# PKG-STATUS-ONCE
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_code", "status", "first", "second"),
    [
        ("1040", "1042", "2024-09-16", "2024-09-17"),
        ("1040", "1043", "2024-09-30", "2024-10-01"),
        ("1040", "1044", "2024-10-28", "2024-10-29"),
        ("1050", "1052", "2024-09-16", "2024-09-17"),
        ("1050", "1053", "2024-09-30", "2024-10-01"),
        ("1050", "1054", "2024-10-28", "2024-10-29"),
        ("1060", "1062", "2024-09-30", "2024-10-01"),
        ("1060", "1063", "2024-12-02", "2024-12-03"),  # start 09-02 + 3 months = 12-02
    ],
)
def test_a_second_line_of_the_same_status_code_in_a_course_is_refused(
    start_code, status, first, second
):
    lines = [line("2024-09-02", start_code), line(first, status), line(second, status)]
    assert found(lines) == {(3, "PKG-STATUS-ONCE")}


def test_status_once_counts_by_date_not_input_order():
    lines = [
        line("2024-09-02", "1040"),
        line("2024-09-17", "1042"),  # 2: the later one by date -> the 2nd
        line("2024-09-16", "1042"),  # 3: the first by date
    ]
    assert found(lines) == {(2, "PKG-STATUS-ONCE")}


def test_different_status_codes_and_separate_courses_are_each_allowed_once():
    lines = [
        line("2024-09-02", "1040"),
        line("2024-09-16", "1042"),
        line("2024-09-30", "1043"),
        line("2024-10-28", "1044"),
        line("2025-06-02", "1040"),  # new course (Mon)
        line("2025-06-16", "1042"),
        line("2024-09-02", "1040", provider="K2"),  # other provider: other course
        line("2024-09-16", "1042", provider="K2"),
    ]
    assert found(lines) == set()


def test_a_third_status_line_of_the_same_code_is_also_refused():
    lines = [
        line("2024-09-02", "1040"),
        line("2024-09-13", "1042"),
        line("2024-09-16", "1042"),
        line("2024-09-17", "1042"),
    ]
    assert found(lines) == {(3, "PKG-STATUS-ONCE"), (4, "PKG-STATUS-ONCE")}


# ---------------------------------------------------------------------------------------------
# PKG-6-MONTHS
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "date", "fires"),
    [
        # 2024-01-15 + 6 months = 2024-07-15
        ("2024-01-15", "2024-07-15", False),
        ("2024-01-15", "2024-07-16", True),
        # 2025-08-31 + 6 months = 2026-02-28 (clamped)
        ("2025-08-31", "2026-02-28", False),
        ("2025-08-31", "2026-03-01", True),
        # 2023-08-31 + 6 months = 2024-02-29 (leap year, clamped)
        ("2023-08-31", "2024-02-29", False),
        ("2023-08-31", "2024-03-01", True),
        # 2024-03-31 + 6 months = 2024-09-30 (clamped)
        ("2024-03-31", "2024-09-30", False),
        ("2024-03-31", "2024-10-01", True),
    ],
)
def test_package_lines_after_start_plus_six_months_are_refused(start, date, fires):
    # 1045 (follow-up before last status) with no last status in the course: only the
    # 6-month limit can apply to it.
    got = found([line(start, "1040"), line(date, "1045")])
    assert got == ({(2, "PKG-6-MONTHS")} if fires else set())


@pytest.mark.parametrize(
    ("start_code", "code"), [("1040", "1045"), ("1050", "1055"), ("1060", "1065"), ("1041", "1046")]
)
def test_six_month_limit_applies_to_every_package_pathway(start_code, code):
    lines = [line("2024-01-15", start_code), line("2024-07-16", code)]
    assert (2, "PKG-6-MONTHS") in found(lines)


def test_six_month_limit_applies_to_status_lines_too():
    # 1044 on 2024-07-16 is also far outside its window (target 2024-03-11).
    got = found([line("2024-01-15", "1040"), line("2024-07-16", "1044")])
    assert got == {(2, "PKG-6-MONTHS"), (2, "PKG-STATUS-WINDOW")}


# ---------------------------------------------------------------------------------------------
# PKG-FOLLOWUP-BEFORE-LAST / PKG-FOLLOWUP-AFTER-LAST / PKG-FOLLOWUP-AFTER-MAX
# Course: start Mon 2024-01-15, last status 1044 on its target Mon 2024-03-11 (+8 weeks).
# ---------------------------------------------------------------------------------------------

START, LAST = "2024-01-15", "2024-03-11"


@pytest.mark.parametrize(
    ("start_code", "last", "before"),
    [("1040", "1044", "1045"), ("1050", "1054", "1055")],
)
def test_it_allows_the_before_last_follow_up_the_day_before_the_last_status(
    start_code, last, before
):
    lines = [line(START, start_code), line("2024-03-10", before), line(LAST, last)]
    assert found(lines) == set()


@pytest.mark.parametrize(
    ("start_code", "last", "before"),
    [("1040", "1044", "1045"), ("1050", "1054", "1055")],
)
def test_it_refuses_the_before_last_follow_up_on_the_last_status_day(start_code, last, before):
    # Same day as the last status: also two package lines on one day (the 2nd in input).
    lines = [line(START, start_code), line(LAST, last), line(LAST, before)]
    assert found(lines) == {(3, "PKG-FOLLOWUP-BEFORE-LAST"), (3, "PKG-SAME-DAY")}


def test_it_refuses_1045_after_the_last_status_even_when_listed_before_it():
    lines = [line(START, "1040"), line("2024-03-20", "1045"), line(LAST, "1044")]
    assert found(lines) == {(2, "PKG-FOLLOWUP-BEFORE-LAST")}


def test_css_before_last_follow_up_uses_the_three_month_last_status_date():
    # CSS start 2024-01-15, 1063 on target 2024-04-15 (+3 months).
    lines = [
        line(START, "1060"),
        line("2024-04-14", "1065"),  # day before: fine
        line("2024-04-15", "1063"),
        line("2024-04-16", "1065"),  # after last status
    ]
    assert found(lines) == {(4, "PKG-FOLLOWUP-BEFORE-LAST")}


def test_1045_without_any_last_status_in_the_course_is_fine():
    lines = [line(START, "1040"), line("2024-02-01", "1045"), line("2024-04-01", "1045")]
    assert found(lines) == set()


def test_before_last_follow_up_is_measured_against_the_first_last_status_line():
    lines = [
        line(START, "1040"),
        line(LAST, "1044"),  # 2 the course's last-status date
        line("2024-03-13", "1044"),  # 3 second 1044
        line("2024-03-12", "1045"),  # 4 after the first 1044 -> refused
    ]
    assert found(lines) == {(3, "PKG-STATUS-ONCE"), (4, "PKG-FOLLOWUP-BEFORE-LAST")}


@pytest.mark.parametrize(
    ("start_code", "last", "after"),
    [("1040", "1044", "1046"), ("1050", "1054", "1056")],
)
def test_it_refuses_1046_on_the_last_status_day(start_code, last, after):
    lines = [line(START, start_code), line(LAST, last), line(LAST, after)]
    assert found(lines) == {(3, "PKG-FOLLOWUP-AFTER-LAST"), (3, "PKG-SAME-DAY")}


def test_it_refuses_1046_on_the_last_status_day_even_when_listed_first():
    # 1046 first in input: no PKG-SAME-DAY on it (the 1044 is the 2nd line that day),
    # but it is still not preceded by a last status dated strictly earlier.
    lines = [line(START, "1040"), line(LAST, "1046"), line(LAST, "1044")]
    assert found(lines) == {(2, "PKG-FOLLOWUP-AFTER-LAST"), (3, "PKG-SAME-DAY")}


@pytest.mark.parametrize(
    ("start_code", "last", "after"),
    [("1040", "1044", "1046"), ("1050", "1054", "1056")],
)
def test_it_allows_1046_the_day_after_the_last_status(start_code, last, after):
    lines = [line(START, start_code), line(LAST, last), line("2024-03-12", after)]
    assert found(lines) == set()


def test_css_after_last_follow_up_needs_an_earlier_1063():
    lines = [
        line(START, "1060"),
        line("2024-04-15", "1066"),  # 2 same day as 1063, listed before it
        line("2024-04-15", "1063"),  # 3
        line("2024-04-16", "1066"),  # 4 fine
    ]
    assert found(lines) == {(2, "PKG-FOLLOWUP-AFTER-LAST"), (3, "PKG-SAME-DAY")}


@pytest.mark.parametrize(
    ("start_code", "after"), [("1040", "1046"), ("1050", "1056"), ("1060", "1066")]
)
def test_it_refuses_an_after_last_follow_up_when_the_course_has_no_last_status(start_code, after):
    lines = [line(START, start_code), line("2024-03-20", after)]
    assert found(lines) == {(2, "PKG-FOLLOWUP-AFTER-LAST")}


def test_a_last_status_of_another_course_or_provider_does_not_count():
    lines = [
        line(START, "1040"),
        line(LAST, "1044"),
        line(START, "1040", provider="K2"),
        line("2024-03-20", "1046", provider="K2"),  # K2's course has no last status
        line("2024-01-16", "1050"),  # CPC course at K1, no 1054
        line("2024-03-21", "1056"),
    ]
    assert found(lines) == {(4, "PKG-FOLLOWUP-AFTER-LAST"), (6, "PKG-FOLLOWUP-AFTER-LAST")}


def after_last_days(n: int) -> list[str]:
    # 1046 on n different days after the last status, all within 6 months of the start.
    return [f"2024-04-{day:02d}" for day in range(2, 2 + n)]


def test_it_allows_five_after_last_follow_ups():
    lines = [line(START, "1040"), line(LAST, "1044")]
    lines += [line(d, "1046") for d in after_last_days(5)]
    assert found(lines) == set()


def test_it_refuses_the_sixth_and_later_after_last_follow_ups():
    lines = [line(START, "1040"), line(LAST, "1044")]
    lines += [line(d, "1046") for d in after_last_days(7)]
    assert found(lines) == {(8, "PKG-FOLLOWUP-AFTER-MAX"), (9, "PKG-FOLLOWUP-AFTER-MAX")}


def test_after_last_follow_up_max_counts_by_date_not_input_order():
    days = after_last_days(6)
    lines = [line(START, "1050"), line(LAST, "1054")]
    # The latest date is listed first in the input: it is still the 6th.
    lines += [line(days[5], "1056")] + [line(d, "1056") for d in days[:5]]
    assert found(lines) == {(3, "PKG-FOLLOWUP-AFTER-MAX")}


def test_css_after_last_follow_up_max():
    lines = [line(START, "1060"), line("2024-04-15", "1063")]
    lines += [line(f"2024-05-{day:02d}", "1066") for day in (1, 2, 3, 6, 7, 8)]
    assert found(lines) == {(8, "PKG-FOLLOWUP-AFTER-MAX")}


# ---------------------------------------------------------------------------------------------
# PKG-SAME-DAY
# ---------------------------------------------------------------------------------------------


def test_two_package_lines_on_one_day_refuse_the_second_in_input_order():
    lines = [line(START, "1040"), line(START, "1045")]
    assert found(lines) == {(2, "PKG-SAME-DAY")}


def test_same_day_package_lines_report_the_later_input_row_even_if_it_is_the_start():
    # The 1045 joins the course the same-day 1040 opens (rules.md §1), but the 1040 is
    # the line after the first in input order.
    lines = [line(START, "1045"), line(START, "1040")]
    assert found(lines) == {(2, "PKG-SAME-DAY")}


def test_three_package_lines_on_one_day_refuse_every_line_after_the_first():
    lines = [line(START, "1040"), line(START, "1045"), line(START, "1045")]
    assert found(lines) == {(2, "PKG-SAME-DAY"), (3, "PKG-SAME-DAY")}


def test_package_lines_of_different_pathways_on_one_day_are_refused():
    lines = [line(START, "1040"), line(START, "1050"), line(START, "1060")]
    assert found(lines) == {(2, "PKG-SAME-DAY"), (3, "PKG-SAME-DAY")}


def test_package_lines_on_one_day_at_different_providers_or_patients_are_fine():
    lines = [
        line(START, "1040"),
        line(START, "1040", provider="K2"),
        line(START, "1040", patient="0202902345"),
    ]
    assert found(lines) == set()


def test_training_package_lines_are_not_package_lines_for_same_day():
    # 3015 is a speciale 64 line but not a package line (1040–1066).
    assert found([line(START, "1040"), line(START, "3015")]) == set()


def test_non_codes_between_package_codes_are_not_package_lines():
    # 1047 and 1064 are not codes: CODE-UNKNOWN, but no PKG-SAME-DAY.
    lines = [line(START, "1040"), line(START, "1047"), line(START, "1064")]
    assert found(lines) == {(2, "CODE-UNKNOWN"), (3, "CODE-UNKNOWN")}


def test_package_lines_without_a_course_get_only_course_no_start():
    # Two orphan package lines on one day: PKG-SAME-DAY is a pathway rule (rules.md §2), so
    # lines that belong to no course get COURSE-NO-START and no PKG finding.
    lines = [line(START, "1045"), line(START, "1046")]
    assert found(lines) == {(1, "COURSE-NO-START"), (2, "COURSE-NO-START")}


# ---------------------------------------------------------------------------------------------
# CH-AGE-16
# ---------------------------------------------------------------------------------------------

START_CODES = ["1040", "1041", "1050", "1051", "1060", "1061", "3015", "3019"]


@pytest.mark.parametrize("code", START_CODES)
def test_it_refuses_a_package_start_for_a_patient_exactly_sixteen(code):
    got = found([line("2024-03-10", code, birth_date="2008-03-10")])
    assert got == {(1, "CH-AGE-16")}


@pytest.mark.parametrize("code", START_CODES)
def test_it_allows_a_package_start_the_day_after_the_sixteenth_birthday(code):
    assert found([line("2024-03-11", code, birth_date="2008-03-10")]) == set()


def test_it_refuses_a_start_for_a_younger_patient():
    assert found([line("2024-03-10", "1040", birth_date="2010-01-01")]) == {(1, "CH-AGE-16")}


def test_a_patient_born_on_29_february_is_over_sixteen_from_1_march():
    # 2008-02-29 + 16 years = 2024-02-29.
    assert found([line("2024-02-29", "1040", birth_date="2008-02-29")]) == {(1, "CH-AGE-16")}
    assert found([line("2024-03-01", "1040", birth_date="2008-02-29")]) == set()


def test_age_is_checked_on_start_codes_only():
    lines = [
        line("2024-03-11", "1040", birth_date="2008-03-10"),  # over 16 at start
        line("2024-03-25", "1042", birth_date="2008-03-10"),
        line("2024-03-11", "0261", provider="K2", birth_date="2010-03-10"),  # physio start
    ]
    assert found(lines) == set()


def test_age_is_not_checked_without_a_birth_date():
    lines = [
        line("2024-03-10", "1040", birth_date="2020-01-01"),  # 1 too young
        line("2024-03-10", "3015", provider="K2", birth_date=""),  # 2 not given
    ]
    assert found(lines) == {(1, "CH-AGE-16")}
    assert found([line("2024-03-10", "3019")]) == set()


def test_age_applies_to_each_course_start():
    lines = [
        line("2024-01-08", "1040", birth_date="2008-03-10"),  # too young
        line("2024-09-02", "1040", birth_date="2008-03-10"),  # new course, over 16
    ]
    assert found(lines) == {(1, "CH-AGE-16")}
