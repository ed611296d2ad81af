"""rules.md §7: chiropractic general services (first-exam level, same-day combinations, ...)."""

from __future__ import annotations

import pytest
from tests.conftest import audit, found, line

D = "2024-06-14"  # a Friday, no holiday


# ---------------------------------------------------------------------------------------------
# CH-EXAM-LEVEL
# Exam on 2024-06-14: 12 months before = 2023-06-14, 3 years before = 2021-06-14.
# ---------------------------------------------------------------------------------------------

EXAMS = ("1015", "1016", "1017")


def level_cases(previous: str, expected: str):
    return [
        pytest.param(previous, code, code != expected, id=f"prev-{previous}-{code}")
        for code in EXAMS
    ]


@pytest.mark.parametrize(
    ("previous", "code", "fires"),
    [
        *level_cases("2024-06-13", "1017"),  # the day before
        *level_cases("2023-06-14", "1017"),  # exactly 12 months before: within
        *level_cases("2023-06-13", "1016"),  # 12 months + 1 day
        *level_cases("2021-06-14", "1016"),  # exactly 3 years before: within 1-3 years
        *level_cases("2021-06-13", "1015"),  # 3 years + 1 day: older
        *level_cases("2015-01-05", "1015"),
    ],
)
def test_first_exam_level_follows_the_time_since_the_previous_service(previous, code, fires):
    # the previous service is an ordinary follow-up consultation at the same provider
    got = found([line(previous, "1035"), line(D, code)])
    assert got == ({(2, "CH-EXAM-LEVEL")} if fires else set())


@pytest.mark.parametrize(
    ("previous", "code", "fires"),
    [
        # 2024-02-29 - 12 months = 2023-02-28 (clamped): a line on 2023-02-28 is within.
        ("2023-02-28", "1017", False),
        ("2023-02-28", "1016", True),
        ("2023-02-27", "1016", False),
        ("2023-02-27", "1017", True),
        # 2024-02-29 - 3 years = 2021-02-28 (clamped)
        ("2021-02-28", "1016", False),
        ("2021-02-27", "1015", False),
        ("2021-02-27", "1016", True),
    ],
)
def test_exam_level_month_arithmetic_clamps_on_29_february(previous, code, fires):
    got = found([line(previous, "1035"), line("2024-02-29", code)])
    assert got == ({(2, "CH-EXAM-LEVEL")} if fires else set())


@pytest.mark.parametrize("code", EXAMS)
def test_exam_level_is_not_checked_without_a_previous_service(code):
    assert found([line(D, code)]) == set()


def test_a_previous_service_at_another_provider_does_not_count():
    lines = [
        line("2024-05-01", "1035", provider="K2"),  # recent, but at K2
        line("2019-01-07", "1035"),  # 5 years ago at K1
        line(D, "1017"),  # 3 -> should be 1015
        line(D, "1015", patient="0303903456"),  # 4: other patient, no history: unchecked
    ]
    assert found(lines) == {(3, "CH-EXAM-LEVEL")}


def test_only_another_providers_service_means_not_checked():
    lines = [line("2024-05-01", "1035", provider="K2"), line(D, "1015")]
    assert found(lines) == set()


def test_a_previous_service_of_another_patient_does_not_count():
    lines = [
        line("2024-05-01", "1035", patient="0303903456"),
        line("2019-01-07", "1035"),
        line(D, "1015"),
    ]
    assert found(lines) == set()


def test_the_latest_earlier_line_counts():
    lines = [line("2019-01-07", "1035"), line("2024-01-08", "1035"), line(D, "1015")]
    assert found(lines) == {(3, "CH-EXAM-LEVEL")}  # 2024-01-08 is within 12 months -> 1017


def test_a_later_line_listed_first_is_not_a_previous_service():
    lines = [line("2024-09-02", "1035"), line("2019-01-07", "1035"), line(D, "1015")]
    assert found(lines) == set()  # previous = 2019-01-07 -> 1015 is right


@pytest.mark.parametrize(
    ("last_visit", "code", "fires"),
    [
        ("2024-04-02", "1017", False),
        ("2024-04-02", "1016", True),
        ("2022-09-01", "1016", False),
        ("2022-09-01", "1017", True),
        ("2020-09-01", "1015", False),
        ("2020-09-01", "1016", True),
    ],
)
def test_last_visit_date_is_used_when_there_are_no_earlier_lines(last_visit, code, fires):
    got = found([line(D, code, last_visit_date=last_visit)])
    assert got == ({(1, "CH-EXAM-LEVEL")} if fires else set())


def test_a_later_last_visit_date_wins_over_an_older_earlier_line():
    lines = [line("2022-01-03", "1035"), line(D, "1016", last_visit_date="2024-04-02")]
    assert found(lines) == {(2, "CH-EXAM-LEVEL")}  # previous = 2024-04-02 -> 1017


def test_a_later_earlier_line_wins_over_an_older_last_visit_date():
    lines = [line("2024-04-02", "1035"), line(D, "1017", last_visit_date="2018-04-02")]
    assert found(lines) == set()  # previous = 2024-04-02 -> 1017


def test_an_unreadable_last_visit_date_is_ignored():
    lines = [line(D, "1017", last_visit_date="2024-4-2")]
    assert found(lines) == {(1, "INPUT-FIELD-IGNORED")}  # not checked: no previous service


def test_a_same_day_earlier_line_is_not_strictly_earlier():
    lines = [
        line("2019-01-07", "1035"),  # 1: the previous service -> 1015
        line(D, "2020"),  # 2: same day, listed before the exam: not earlier
        line(D, "1017"),  # 3
    ]
    assert found(lines) == {(3, "CH-EXAM-LEVEL")}


def test_only_a_same_day_line_means_not_checked():
    assert found([line(D, "2020"), line(D, "1016")]) == set()


def test_an_unreadable_line_is_nobodys_previous_service():
    lines = [line("2024-05-01", "10x5"), line("2019-01-07", "1035"), line(D, "1015")]
    assert found(lines) == {(1, "INPUT-INVALID")}


def test_a_line_with_an_unknown_code_is_a_previous_service():
    lines = [line("2024-05-01", "9999"), line(D, "1015")]
    assert found(lines) == {(1, "CODE-UNKNOWN"), (2, "CH-EXAM-LEVEL")}


def test_a_physiotherapy_or_package_line_is_a_previous_service_too():
    lines = [
        line("2024-05-01", "0110"),
        line(D, "1017"),
        line("2024-05-01", "1040", provider="K2"),
        line(D, "1015", provider="K2"),
    ]
    assert found(lines) == {(4, "CH-EXAM-LEVEL")}


# ---------------------------------------------------------------------------------------------
# CH-EXAM-SAME-DAY
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("1015", "1016"),
        ("1017", "1017"),
        ("1015", "1035"),
        ("1035", "1015"),
        ("1037", "1016"),
        ("1017", "1036"),
    ],
)
def test_it_refuses_the_second_of_a_first_exam_and_another_exam_or_consultation(first, second):
    assert found([line(D, first), line(D, second)]) == {(2, "CH-EXAM-SAME-DAY")}


def test_two_follow_up_consultations_the_same_day_are_not_an_exam_conflict():
    assert found([line(D, "1035"), line(D, "1036")]) == set()


def test_exam_same_day_needs_the_same_provider_and_date():
    lines = [
        line(D, "1015"),
        line(D, "1016", provider="K2"),
        line("2024-06-13", "1035", provider="K3"),
    ]
    assert found(lines) == set()


def test_three_first_exams_the_same_day_refuse_the_second_and_third():
    got = found([line(D, "1015"), line(D, "1015"), line(D, "1015")])
    assert got == {(2, "CH-EXAM-SAME-DAY"), (3, "CH-EXAM-SAME-DAY")}


# ---------------------------------------------------------------------------------------------
# CH-53-64-SAME-DAY
# ---------------------------------------------------------------------------------------------

SP64_STARTS = ("1040", "1041", "1050", "1060", "3015", "3019")
PACKAGE_STARTS = ("1040", "1051", "1061")


@pytest.mark.parametrize("exam", EXAMS)
@pytest.mark.parametrize("sp64", SP64_STARTS)
@pytest.mark.parametrize("exam_first", [True, False], ids=["exam-first", "sp64-first"])
def test_a_first_exam_on_a_speciale_64_day_is_refused_on_the_exam(exam, sp64, exam_first):
    lines = [line(D, exam), line(D, sp64)]
    if not exam_first:
        lines.reverse()
    exam_row = 1 if exam_first else 2
    assert found(lines) == {(exam_row, "CH-53-64-SAME-DAY")}


@pytest.mark.parametrize("code", ["3016", "3017", "3018", "3020", "3021", "3022"])
def test_a_first_exam_on_a_training_package_day_is_refused(code):
    start = "3015" if code < "3019" else "3019"
    # the exam is 1017: its previous service (the 06-03 start) is within 12 months
    lines = [line("2024-06-03", start), line(D, code), line(D, "1017")]
    assert found(lines) == {(3, "CH-53-64-SAME-DAY")}


@pytest.mark.parametrize("followup", ["1035", "1036", "1037"])
@pytest.mark.parametrize("package", PACKAGE_STARTS)
def test_a_follow_up_consultation_on_a_package_day_is_refused_on_the_consultation(
    followup, package
):
    got = found([line(D, package), line(D, followup)])
    assert got == {(2, "CH-53-64-SAME-DAY")}


@pytest.mark.parametrize("followup", ["1035", "1036", "1037"])
@pytest.mark.parametrize("training", ["3015", "3019"])
def test_a_follow_up_consultation_on_a_training_package_day_is_fine(followup, training):
    assert found([line(D, followup), line(D, training)]) == set()


def test_a_follow_up_consultation_with_group_training_is_fine():
    lines = [line("2024-06-03", "3015"), line(D, "1035"), line(D, "3017")]
    assert found(lines) == set()


def test_an_orphan_package_line_still_makes_a_speciale_64_day():
    # §7 rules apply to every readable line whatever its course.
    lines = [line(D, "1015"), line(D, "1045")]
    assert found(lines) == {(1, "CH-53-64-SAME-DAY"), (2, "COURSE-NO-START")}


@pytest.mark.parametrize("code", ["3011", "3012"])
def test_3011_and_3012_may_fall_on_a_package_day(code):
    assert found([line(D, "1040"), line(D, code)]) == set()


def test_speciale_53_and_64_on_different_days_or_providers_are_fine():
    lines = [line(D, "1040"), line("2024-06-13", "1035"), line(D, "1035", provider="K2")]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# CH-REMOTE-SAME-DAY
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("remote", ["1025", "1026"])
@pytest.mark.parametrize("visit", ["1015", "1016", "1017", "1035", "1036", "1037"])
@pytest.mark.parametrize("remote_first", [True, False], ids=["remote-first", "visit-first"])
def test_a_remote_consultation_on_a_visit_day_is_refused_on_the_remote_line(
    remote, visit, remote_first
):
    lines = [line(D, remote), line(D, visit)]
    if not remote_first:
        lines.reverse()
    remote_row = 1 if remote_first else 2
    assert found(lines) == {(remote_row, "CH-REMOTE-SAME-DAY")}


def test_remote_consultations_with_other_lines_are_fine():
    lines = [
        line(D, "1025"),
        line(D, "1026"),
        line(D, "1040"),
        line(D, "2020"),
        line("2024-06-13", "1035"),
    ]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# CH-XRAY-PRIMARY-SAME-DAY
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"), [("2014", "2015"), ("2015", "2014"), ("2014", "2014"), ("2015", "2015")]
)
def test_it_refuses_a_second_primary_xray_the_same_day(first, second):
    assert found([line(D, first), line(D, second)]) == {(2, "CH-XRAY-PRIMARY-SAME-DAY")}


def test_three_primary_xrays_refuse_the_second_and_third():
    got = found([line(D, "2015"), line(D, "2014"), line(D, "2015")])
    assert got == {(2, "CH-XRAY-PRIMARY-SAME-DAY"), (3, "CH-XRAY-PRIMARY-SAME-DAY")}


def test_2013_is_not_a_primary_xray_and_other_days_are_fine():
    lines = [
        line(D, "2013"),
        line(D, "2014"),
        line(D, "2013"),
        line("2024-06-13", "2015"),
        line(D, "2015", provider="K2"),
    ]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# CH-ULTRASOUND-PAIR
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [("2030", "2031"), ("2031", "2030")])
def test_2030_and_2031_the_same_day_are_refused_on_the_later_line(first, second):
    assert found([line(D, first), line(D, second)]) == {(2, "CH-ULTRASOUND-PAIR")}


@pytest.mark.parametrize("code", ["2030", "2031"])
def test_two_of_the_same_ultrasound_code_are_not_a_pair(code):
    assert found([line(D, code), line(D, code)]) == set()


def test_ultrasound_on_different_days_is_fine():
    assert found([line(D, "2030"), line("2024-06-13", "2031")]) == set()


# ---------------------------------------------------------------------------------------------
# CH-TRAINING-SAME-DAY
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["3011-first", "3012-first"])
def test_3011_with_3012_is_refused_on_the_3011(order):
    lines = [line(D, "3011"), line(D, "3012")]
    if order == "3012-first":
        lines.reverse()
    row_3011 = 1 if order == "3011-first" else 2
    assert found(lines) == {(row_3011, "CH-TRAINING-SAME-DAY")}


def test_3011_with_3010_is_refused_on_both_lines():
    # the 3011 (with a 3010) and the 3010 (with any other line)
    got = found([line(D, "3010"), line(D, "3011")])
    assert got == {(1, "CH-TRAINING-SAME-DAY"), (2, "CH-TRAINING-SAME-DAY")}


@pytest.mark.parametrize("other", ["2020", "1035", "3012", "1040", "0110"])
def test_3010_with_any_other_line_is_refused_on_the_3010(other):
    got = found([line(D, other), line(D, "3010")])
    assert got == {(2, "CH-TRAINING-SAME-DAY")}


def test_two_3010_lines_the_same_day_are_both_refused():
    got = found([line(D, "3010"), line(D, "3010")])
    assert got == {(1, "CH-TRAINING-SAME-DAY"), (2, "CH-TRAINING-SAME-DAY")}


def test_training_codes_alone_or_on_other_days_are_fine():
    lines = [
        line(D, "3010"),
        line("2024-06-13", "3011"),
        line("2024-06-12", "3012"),
        line(D, "3011", provider="K2"),
        line(D, "2020", provider="K2"),
        line(D, "3011", patient="0303903456"),
        line(D, "3011", patient="0303903456"),
    ]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# CH-TRAINING-INTRO-MAX (warning)
# ---------------------------------------------------------------------------------------------


def test_two_3011_are_fine():
    assert found([line("2024-06-03", "3011"), line("2024-06-10", "3011")]) == set()


def test_it_warns_on_the_third_and_later_3011_without_a_3012():
    lines = [line(f"2024-06-{d:02d}", "3011") for d in (3, 10, 17, 24)]
    assert found(lines) == {(3, "CH-TRAINING-INTRO-MAX"), (4, "CH-TRAINING-INTRO-MAX")}
    findings = audit(lines)
    assert set(findings.filter(findings["rule_id"] == "CH-TRAINING-INTRO-MAX")["severity"]) == {
        "warning"
    }


def test_a_3012_restarts_the_3011_count():
    lines = [
        line("2024-06-03", "3011"),
        line("2024-06-04", "3011"),
        line("2024-06-05", "3012"),
        line("2024-06-10", "3011"),
        line("2024-06-11", "3011"),
        line("2024-06-12", "3011"),
    ]
    assert found(lines) == {(6, "CH-TRAINING-INTRO-MAX")}


def test_intro_max_counts_by_date_not_input_order():
    lines = [
        line("2024-06-24", "3011"),
        line("2024-06-03", "3012"),
        line("2024-06-10", "3011"),
        line("2024-06-17", "3011"),
    ]
    assert found(lines) == {(1, "CH-TRAINING-INTRO-MAX")}


def test_a_3012_listed_before_but_dated_after_does_not_restart_the_count():
    lines = [
        line("2024-06-30", "3012"),
        line("2024-06-03", "3011"),
        line("2024-06-10", "3011"),
        line("2024-06-17", "3011"),
    ]
    assert found(lines) == {(4, "CH-TRAINING-INTRO-MAX")}


def test_intro_max_is_per_patient_and_provider():
    lines = [
        line("2024-06-03", "3011"),
        line("2024-06-10", "3011"),
        line("2024-06-17", "3011", provider="K2"),
        line("2024-06-17", "3011", patient="0303903456"),
    ]
    assert found(lines) == set()


# ---------------------------------------------------------------------------------------------
# CH-CONFERENCE-MODULES
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "fires"), [("1", False), ("6", False), ("7", True), ("12", True), ("", False)]
)
def test_conference_is_refused_beyond_six_modules(quantity, fires):
    got = found([line(D, "1024", quantity=quantity)])
    assert got == ({(1, "CH-CONFERENCE-MODULES")} if fires else set())


def test_conference_without_a_quantity_column_is_fine():
    assert found([line(D, "1024")]) == set()


def test_quantity_on_other_codes_is_not_a_conference_limit():
    assert found([line(D, "1023", quantity="9"), line(D, "1027", quantity="7")]) == set()
