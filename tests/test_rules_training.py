"""rules.md §6: chiropractic speciale 64 supervised training packages (CTB, CTH).

Codes (back / hip-knee): start 3015 / 3019, group education 3016 / 3020, group training
3017 / 3021, status 3018 / 3022.
"""

from __future__ import annotations

import pytest
from tests.conftest import audit, day, found, line

# (pathway, start, education, training, status)
CTB = ("3015", "3016", "3017", "3018")
CTH = ("3019", "3020", "3021", "3022")
BOTH = pytest.mark.parametrize("codes", [CTB, CTH], ids=["CTB", "CTH"])


# ---------------------------------------------------------------------------------------------
# TP-EDU-ONCE
# ---------------------------------------------------------------------------------------------


@BOTH
def test_it_refuses_a_second_group_education_line_in_a_course(codes):
    start, edu, _, _ = codes
    lines = [line("2024-09-02", start), line("2024-09-04", edu), line("2024-09-11", edu)]
    assert found(lines) == {(3, "TP-EDU-ONCE")}


@BOTH
def test_it_refuses_every_group_education_line_after_the_first(codes):
    start, edu, _, _ = codes
    lines = [
        line("2024-09-02", start),
        line("2024-09-04", edu),
        line("2024-09-11", edu),
        line("2024-09-18", edu),
    ]
    assert found(lines) == {(3, "TP-EDU-ONCE"), (4, "TP-EDU-ONCE")}


def test_group_education_once_counts_by_date_not_input_order():
    lines = [line("2024-09-02", "3015"), line("2024-09-11", "3016"), line("2024-09-04", "3016")]
    assert found(lines) == {(2, "TP-EDU-ONCE")}


def test_one_group_education_per_course_is_fine_in_separate_courses_and_pathways():
    lines = [
        line("2024-09-02", "3015"),
        line("2024-09-04", "3016"),
        line("2025-03-03", "3015"),
        line("2025-03-05", "3016"),  # a new CTB course
        line("2024-09-03", "3019"),
        line("2024-09-05", "3020"),  # a CTH course
        line("2024-09-02", "3015", provider="K2"),
        line("2024-09-04", "3016", provider="K2"),
    ]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# TP-TEAM-SIZE
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["3016", "3017", "3020", "3021"])
def test_a_team_of_ten_is_allowed(code):
    start = "3015" if code < "3019" else "3019"
    lines = [line("2024-09-02", start), line("2024-09-04", code, team_size="10")]
    assert found(lines) == set()


@pytest.mark.parametrize("code", ["3016", "3017", "3020", "3021"])
def test_it_refuses_a_team_of_eleven(code):
    start = "3015" if code < "3019" else "3019"
    lines = [line("2024-09-02", start), line("2024-09-04", code, team_size="11")]
    assert found(lines) == {(2, "TP-TEAM-SIZE")}


@pytest.mark.parametrize(
    ("start", "code"), [("3015", "3015"), ("3015", "3018"), ("3019", "3019"), ("3019", "3022")]
)
def test_team_size_is_not_checked_on_start_and_status_lines(start, code):
    lines = [line("2024-09-02", start, team_size="12")]
    if code != start:
        lines.append(line("2024-10-28", code, team_size="25"))
    assert found(lines) == set()


def test_team_size_not_given_is_fine():
    lines = [line("2024-09-02", "3015", team_size=""), line("2024-09-04", "3017", team_size="")]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# TP-STATUS-ONCE
# ---------------------------------------------------------------------------------------------


@BOTH
def test_it_refuses_a_second_status_line_in_a_course(codes):
    start, _, _, status = codes
    lines = [line("2024-09-02", start), line("2024-10-28", status), line("2024-10-30", status)]
    assert found(lines) == {(3, "TP-STATUS-ONCE")}


def test_status_once_counts_by_date_not_input_order():
    lines = [line("2024-09-02", "3019"), line("2024-10-30", "3022"), line("2024-10-28", "3022")]
    assert found(lines) == {(2, "TP-STATUS-ONCE")}


def test_one_status_per_course_is_fine():
    lines = [
        line("2024-09-02", "3015"),
        line("2024-10-28", "3018"),
        line("2024-09-03", "3019"),
        line("2024-10-29", "3022"),
    ]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# TP-AFTER-STATUS
# ---------------------------------------------------------------------------------------------


@BOTH
def test_it_allows_education_and_training_on_the_status_day(codes):
    start, edu, train, status = codes
    lines = [
        line("2024-09-02", start),
        line("2024-10-28", status),
        line("2024-10-28", train),
        line("2024-10-28", edu),
    ]
    assert found(lines) == set()


@BOTH
def test_it_refuses_education_and_training_after_the_status(codes):
    start, edu, train, status = codes
    lines = [
        line("2024-09-02", start),
        line("2024-10-28", status),
        line("2024-10-29", train),
        line("2024-10-30", edu),
    ]
    assert found(lines) == {(3, "TP-AFTER-STATUS"), (4, "TP-AFTER-STATUS")}


def test_after_status_is_measured_from_the_first_status_line():
    lines = [
        line("2024-09-02", "3015"),
        line("2024-10-30", "3018"),  # 2 second by date
        line("2024-10-28", "3018"),  # 3 the course's first status
        line("2024-10-29", "3017"),  # 4 after the first status
    ]
    assert found(lines) == {(2, "TP-STATUS-ONCE"), (4, "TP-AFTER-STATUS")}


def test_training_before_the_status_is_fine_even_if_listed_after_it():
    lines = [line("2024-09-02", "3015"), line("2024-10-28", "3018"), line("2024-10-21", "3017")]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# TP-TRAIN-WEEKLY (warning)
# ISO week 36 of 2024 = Mon 2024-09-02 .. Sun 2024-09-08; week 37 starts Mon 2024-09-09.
# ISO week 1 of 2025 = Mon 2024-12-30 .. Sun 2025-01-05.
# ---------------------------------------------------------------------------------------------


@BOTH
def test_it_warns_on_the_third_group_training_in_one_iso_week(codes):
    start, _, train, _ = codes
    lines = [
        line("2024-09-02", start),
        line("2024-09-02", train),
        line("2024-09-04", train),
        line("2024-09-06", train),
    ]
    assert found(lines) == {(4, "TP-TRAIN-WEEKLY")}


def test_train_weekly_is_a_warning():
    findings = audit(
        [
            line("2024-09-02", "3015"),
            line("2024-09-02", "3017"),
            line("2024-09-04", "3017"),
            line("2024-09-06", "3017"),
        ]
    )
    assert findings.filter(findings["rule_id"] == "TP-TRAIN-WEEKLY")["severity"].to_list() == [
        "warning"
    ]


def test_it_warns_on_every_group_training_after_the_second_in_a_week():
    lines = [line("2024-09-02", "3015")] + [
        line(d, "3017") for d in ("2024-09-03", "2024-09-04", "2024-09-05", "2024-09-06")
    ]
    assert found(lines) == {(4, "TP-TRAIN-WEEKLY"), (5, "TP-TRAIN-WEEKLY")}


def test_a_sunday_and_the_following_monday_are_in_different_weeks():
    lines = [
        line("2024-09-02", "3015"),
        line("2024-09-04", "3017"),
        line("2024-09-08", "3017"),  # Sunday, week 36
        line("2024-09-09", "3017"),
    ]  # Monday, week 37
    assert found(lines) == set()


def test_a_sunday_is_the_last_day_of_its_iso_week():
    lines = [
        line("2024-09-02", "3015"),
        line("2024-09-04", "3017"),
        line("2024-09-07", "3017"),
        line("2024-09-08", "3017"),
    ]  # Wed, Sat, Sun
    assert found(lines) == {(4, "TP-TRAIN-WEEKLY")}


def test_an_iso_week_spanning_new_year_is_one_week():
    lines = [
        line("2024-12-27", "3015"),
        line("2024-12-30", "3017"),
        line("2024-12-31", "3017"),
        line("2025-01-03", "3017"),
    ]  # all ISO 2025-W01
    assert found(lines) == {(4, "TP-TRAIN-WEEKLY")}


def test_the_week_before_the_new_year_week_is_another_week():
    # Fri 2024-12-27 and Sun 2024-12-29 are ISO 2024-W52; Mon 2024-12-30 is 2025-W01.
    lines = [
        line("2024-12-20", "3015"),
        line("2024-12-27", "3017"),
        line("2024-12-29", "3017"),
        line("2024-12-30", "3017"),
        line("2025-01-02", "3017"),
    ]
    assert found(lines) == set()


def test_same_week_numbers_in_different_years_are_different_weeks():
    # Mon 2024-01-01 and Tue 2024-01-02 are ISO 2024-W01; Tue 2024-12-31 is ISO 2025-W01.
    # All three are "week 1", but only two fall in one ISO week.
    lines = [
        line("2023-12-29", "3015"),
        line("2024-01-01", "3017"),
        line("2024-01-02", "3017"),
        line("2024-12-31", "3017"),
    ]
    assert found(lines) == set()


def test_training_weeks_count_within_one_course_only():
    # Two CTB lines and one CTH line in one week: each course has at most two.
    lines = [
        line("2024-09-02", "3015"),
        line("2024-09-02", "3019"),
        line("2024-09-03", "3017"),
        line("2024-09-04", "3017"),
        line("2024-09-05", "3021"),
    ]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# TP-TRAIN-MAX (warning)
# Twice a week (Mon, Thu) from Mon 2024-09-02 keeps TP-TRAIN-WEEKLY quiet.
# ---------------------------------------------------------------------------------------------


def twice_weekly(n: int) -> list[str]:
    out = []
    for week in range(n):
        out += [day("2024-09-02", 7 * week), day("2024-09-02", 7 * week + 3)]
    return out


@BOTH
def test_sixteen_group_trainings_are_fine(codes):
    start, _, train, _ = codes
    lines = [line("2024-09-02", start)] + [line(d, train) for d in twice_weekly(8)]
    assert len(lines) == 17
    assert found(lines) == set()


@BOTH
def test_it_warns_on_the_seventeenth_and_later_group_training(codes):
    start, _, train, _ = codes
    lines = [line("2024-09-02", start)] + [line(d, train) for d in twice_weekly(9)]
    # rows 2..19 are the 1st..18th training lines
    assert found(lines) == {(18, "TP-TRAIN-MAX"), (19, "TP-TRAIN-MAX")}


def test_train_max_counts_by_date_not_input_order():
    dates = twice_weekly(9)[:17]
    lines = [line("2024-09-02", "3015"), line(dates[-1], "3017")]
    lines += [line(d, "3017") for d in dates[:-1]]
    assert found(lines) == {(2, "TP-TRAIN-MAX")}
    findings = audit(lines)
    assert findings.filter(findings["rule_id"] == "TP-TRAIN-MAX")["severity"].to_list() == [
        "warning"
    ]


def test_train_max_is_per_course():
    # 9 trainings in a CTB course and 9 in a CTH course of the same patient: fine.
    dates = twice_weekly(5)[:9]
    lines = [line("2024-09-02", "3015"), line("2024-09-02", "3019")]
    lines += [line(d, "3017") for d in dates] + [line(d, "3021") for d in dates]
    assert found(lines) == set()
