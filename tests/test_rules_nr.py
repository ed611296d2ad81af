"""rules.md §4: physiotherapy, nerve-root involvement (NRL 0241-0247, NRC 0231-0237).

Status targets are start + 2, 4 and 8 weeks (N×7 days). A status line is inside when
abs(numpy.busday_count(T, d)) <= 5 with Danish public holidays (rules.md §1):
  d after T:  at most 5 working days in [T, d);
  d before T: at most 5 working days in (d, T].
Every window below is counted by hand in the comments. Holidays used: Easter 2024 = Maundy
Thursday 03-28, Good Friday 03-29, Easter Monday 04-01; Christmas 2024 = Wed 12-25, Thu 12-26;
New Year's Day Wed 2025-01-01; Great Prayer Day 2023-05-05 (holiday until 2023; 2024-04-26 is
an ordinary Friday). Christmas Eve and New Year's Eve are working days.
"""

from __future__ import annotations

import pytest
from tests.conftest import audit, pairs

P = "0101901234"
PR = "022590"

# (start, 2-week status, 4-week status, last status, team training, individual training)
NRL = {
    "start": "0241",
    "start2": "0242",
    "s2": "0243",
    "s4": "0244",
    "s8": "0245",
    "team": "0246",
    "ind": "0247",
}
NRC = {
    "start": "0231",
    "start2": "0232",
    "s2": "0233",
    "s4": "0234",
    "s8": "0235",
    "team": "0236",
    "ind": "0237",
}
BOTH = pytest.mark.parametrize("pw", [NRL, NRC], ids=["NRL", "NRC"])


def line(date: str, code: str, *, provider: str = PR, patient: str = P) -> dict[str, str]:
    return {
        "patient_id": patient,
        "provider_id": provider,
        "service_date": date,
        "service_code": code,
    }


# ---------------------------------------------------------------- NR-STATUS-WINDOW, plain weeks
# Start Mon 2024-01-08. Targets: 2 weeks = Mon 2024-01-22, 4 weeks = Mon 2024-02-05,
# 8 weeks = Mon 2024-03-04. T on a Monday: window from the previous Monday to the next Monday.


@BOTH
@pytest.mark.parametrize(
    ("status", "day", "inside"),
    [
        ("s2", "2024-01-22", True),  # on target
        ("s2", "2024-01-15", True),  # previous Monday: (15, 22] = 16..19, 22 = 5
        ("s2", "2024-01-14", False),  # Sunday before it: (14, 22] = 15..19, 22 = 6
        ("s2", "2024-01-12", False),  # Friday before it: 6
        ("s2", "2024-01-29", True),  # next Monday: [22, 29) = 22..26 = 5
        ("s2", "2024-01-30", False),  # next Tuesday: 6
        ("s4", "2024-01-29", True),
        ("s4", "2024-01-28", False),
        ("s4", "2024-02-12", True),
        ("s4", "2024-02-13", False),
        ("s8", "2024-02-26", True),
        ("s8", "2024-02-25", False),
        ("s8", "2024-03-11", True),
        ("s8", "2024-03-12", False),
    ],
)
def test_a_status_line_must_be_within_5_working_days_of_its_target(
    pw: dict[str, str], status: str, day: str, inside: bool
) -> None:
    findings = audit([line("2024-01-08", pw["start"]), line(day, pw[status])])
    assert pairs(findings) == (set() if inside else {(2, "NR-STATUS-WINDOW")})


def test_the_status_window_finding_is_an_error() -> None:
    findings = audit([line("2024-01-08", "0241"), line("2024-02-05", "0243")])
    assert findings["severity"].to_list() == ["error"]


@BOTH
def test_a_complete_course_on_target_is_clean(pw: dict[str, str]) -> None:
    findings = audit(
        [
            line("2024-01-08", pw["start"]),
            line("2024-01-12", pw["ind"]),
            line("2024-01-16", pw["team"]),
            line("2024-01-22", pw["s2"]),
            line("2024-02-05", pw["s4"]),
            line("2024-02-20", pw["team"]),
            line("2024-03-04", pw["s8"]),
        ]
    )
    assert pairs(findings) == set()


def test_the_window_counts_from_the_start_code_of_a_0242_course() -> None:
    # 0110 on 2024-01-02, 0242 on Mon 2024-01-08: the 2-week target is 2024-01-22, not 01-16.
    findings = audit(
        [line("2024-01-02", "0110"), line("2024-01-08", "0242"), line("2024-01-29", "0243")]
    )
    assert pairs(findings) == set()


# ---------------------------------------------------------------- NR-STATUS-WINDOW, Easter 2024


@BOTH
@pytest.mark.parametrize(
    ("start", "day", "inside"),
    [
        # Start Wed 2024-03-13 -> 2-week target Wed 2024-03-27, the day before Maundy Thursday.
        # After: [27 Mar, d) counts 27 Mar, 2, 3, 4, 5 Apr (28, 29 Mar and 1 Apr are holidays).
        ("2024-03-13", "2024-04-08", True),  # Mon 8 Apr: 5
        ("2024-03-13", "2024-04-09", False),  # Tue 9 Apr: 6
        # Before: (d, 27 Mar]: Wed 20 Mar -> 21, 22, 25, 26, 27 = 5; Tue 19 Mar -> 6
        ("2024-03-13", "2024-03-20", True),
        ("2024-03-13", "2024-03-19", False),
        # Start Tue 2024-03-19 -> target Tue 2024-04-02, the day after Easter Monday.
        # Before: (d, 2 Apr]: Thu 21 Mar -> 22, 25, 26, 27 Mar, 2 Apr = 5; Wed 20 Mar -> 6
        ("2024-03-19", "2024-03-21", True),
        ("2024-03-19", "2024-03-20", False),
        # After: [2 Apr, d): 2, 3, 4, 5, 8 -> Tue 9 Apr inside, Wed 10 Apr outside
        ("2024-03-19", "2024-04-09", True),
        ("2024-03-19", "2024-04-10", False),
        # Start Thu 2024-03-14 -> target Maundy Thursday 2024-03-28 (a holiday).
        # After: [28 Mar, d) = 2, 3, 4, 5, 8 Apr -> Tue 9 Apr inside, Wed 10 Apr outside.
        ("2024-03-14", "2024-04-09", True),
        ("2024-03-14", "2024-04-10", False),
        # Before: (d, 28 Mar]: Wed 20 Mar -> 21, 22, 25, 26, 27 = 5; Tue 19 Mar -> 6
        ("2024-03-14", "2024-03-20", True),
        ("2024-03-14", "2024-03-19", False),
    ],
)
def test_the_2_week_status_window_skips_easter_2024(
    pw: dict[str, str], start: str, day: str, inside: bool
) -> None:
    findings = audit([line(start, pw["start"]), line(day, pw["s2"])])
    assert pairs(findings) == (set() if inside else {(2, "NR-STATUS-WINDOW")})


# ---------------------------------------------------------------- NR-STATUS-WINDOW, Christmas 2024


@BOTH
@pytest.mark.parametrize(
    ("day", "inside"),
    [
        # Start Fri 2024-11-22 -> 4-week target Fri 2024-12-20.
        # [20 Dec, d): 20, 23, 24 (Christmas Eve works), 27, 30 -> Tue 31 Dec inside (5)
        ("2024-12-31", True),
        ("2025-01-01", False),  # + New Year's Eve = 6
        # Thu 2 Jan: 6 as well. Were Christmas Eve and New Year's Eve holidays it would be 4.
        ("2025-01-02", False),
        # Before: (d, 20 Dec]: Fri 13 Dec -> 16..20 = 5; Thu 12 Dec -> 6
        ("2024-12-13", True),
        ("2024-12-12", False),
    ],
)
def test_the_4_week_status_window_skips_christmas_2024(
    pw: dict[str, str], day: str, inside: bool
) -> None:
    findings = audit([line("2024-11-22", pw["start"]), line(day, pw["s4"])])
    assert pairs(findings) == (set() if inside else {(2, "NR-STATUS-WINDOW")})


@BOTH
@pytest.mark.parametrize(
    ("day", "inside"),
    [
        # Start Mon 2024-10-28 -> 8-week target Mon 2024-12-23.
        # [23 Dec, d): 23, 24, 27, 30, 31 (25, 26 Dec and 1 Jan are holidays)
        ("2025-01-02", True),  # Thu 2 Jan: 5
        ("2025-01-03", False),  # Fri 3 Jan: 6
        # Before: (d, 23 Dec]: Mon 16 Dec -> 17, 18, 19, 20, 23 = 5; Sun 15 Dec -> 6
        ("2024-12-16", True),
        ("2024-12-15", False),
    ],
)
def test_the_last_status_window_skips_christmas_and_new_year(
    pw: dict[str, str], day: str, inside: bool
) -> None:
    findings = audit([line("2024-10-28", pw["start"]), line(day, pw["s8"])])
    assert pairs(findings) == (set() if inside else {(2, "NR-STATUS-WINDOW")})


# ------------------------------------------------------------- NR-STATUS-WINDOW, Great Prayer Day


@BOTH
@pytest.mark.parametrize(
    ("start", "day", "inside"),
    [
        # After the target, same offsets (target Monday, status 8 days later on a Tuesday):
        # 2023: start Mon 2023-04-17 -> target Mon 2023-05-01; [1 May, 9 May) = 1, 2, 3, 4, 8
        #       (Fri 5 May 2023 is Great Prayer Day) = 5 -> inside
        ("2023-04-17", "2023-05-09", True),
        # 2024: start Mon 2024-04-08 -> target Mon 2024-04-22; [22 Apr, 30 Apr) = 22..26, 29
        #       (Fri 26 Apr 2024 is a working day) = 6 -> outside
        ("2024-04-08", "2024-04-30", False),
        # Before the target, same offsets (target Friday, status 8 days earlier on a Thursday):
        # 2023: start Fri 2023-04-28 -> target Fri 2023-05-12; (4 May, 12 May] = 8..12 = 5
        ("2023-04-28", "2023-05-04", True),
        # 2024: start Fri 2024-04-19 -> target Fri 2024-05-03; (25 Apr, 3 May] =
        #       26, 29, 30 Apr, 1, 2, 3 May = 6
        ("2024-04-19", "2024-04-25", False),
    ],
)
def test_great_prayer_day_is_a_holiday_in_2023_but_not_in_2024(
    pw: dict[str, str], start: str, day: str, inside: bool
) -> None:
    findings = audit([line(start, pw["start"]), line(day, pw["s2"])])
    assert pairs(findings) == (set() if inside else {(2, "NR-STATUS-WINDOW")})


# ---------------------------------------------------------------- NR-STATUS-ONCE


@BOTH
@pytest.mark.parametrize("status", ["s2", "s4"])
def test_it_refuses_a_second_line_of_the_same_status_code(pw: dict[str, str], status: str) -> None:
    target = {"s2": "2024-01-22", "s4": "2024-02-05"}[status]
    day_after = {"s2": "2024-01-23", "s4": "2024-02-06"}[status]
    findings = audit(
        [line("2024-01-08", pw["start"]), line(target, pw[status]), line(day_after, pw[status])]
    )
    assert pairs(findings) == {(3, "NR-STATUS-ONCE")}


@BOTH
def test_it_refuses_the_later_in_input_order_of_two_status_lines_the_same_day(
    pw: dict[str, str],
) -> None:
    findings = audit(
        [
            line("2024-01-08", pw["start"]),
            line("2024-01-22", pw["s2"]),
            line("2024-01-22", pw["s2"]),
        ]
    )
    assert pairs(findings) == {(3, "NR-STATUS-ONCE")}


@BOTH
def test_two_last_status_lines_the_same_day_are_refused_once_and_not_as_after_last_status(
    pw: dict[str, str],
) -> None:
    findings = audit(
        [
            line("2024-01-08", pw["start"]),
            line("2024-03-04", pw["s8"]),
            line("2024-03-04", pw["s8"]),
        ]
    )
    assert pairs(findings) == {(3, "NR-STATUS-ONCE")}


@BOTH
def test_the_second_status_line_is_the_later_one_by_date(pw: dict[str, str]) -> None:
    findings = audit(
        [
            line("2024-01-08", pw["start"]),
            line("2024-01-24", pw["s2"]),
            line("2024-01-22", pw["s2"]),
        ]
    )
    assert pairs(findings) == {(2, "NR-STATUS-ONCE")}


def test_status_codes_are_counted_per_course() -> None:
    # A second 0241 opens a new course with its own 2-week status.
    findings = audit(
        [
            line("2024-01-08", "0241"),
            line("2024-01-22", "0243"),
            line("2024-06-03", "0241"),
            line("2024-06-17", "0243"),
        ]
    )
    assert pairs(findings) == set()


# ---------------------------------------------------------------- NR-AFTER-LAST-STATUS


@BOTH
@pytest.mark.parametrize("code", ["team", "ind"])
def test_it_refuses_a_pathway_code_dated_after_the_last_status(
    pw: dict[str, str], code: str
) -> None:
    findings = audit(
        [
            line("2024-01-08", pw["start"]),
            line("2024-03-04", pw["s8"]),
            line("2024-03-05", pw[code]),
        ]
    )
    assert pairs(findings) == {(3, "NR-AFTER-LAST-STATUS")}


@BOTH
@pytest.mark.parametrize("code", ["team", "ind"])
def test_it_accepts_a_pathway_code_the_same_day_as_the_last_status(
    pw: dict[str, str], code: str
) -> None:
    findings = audit(
        [
            line("2024-01-08", pw["start"]),
            line("2024-03-04", pw[code]),
            line("2024-03-04", pw["s8"]),
        ]
    )
    assert pairs(findings) == set()


@pytest.mark.parametrize("code", ["0110", "0113", "2001"])
def test_it_accepts_ordinary_codes_after_the_last_status(code: str) -> None:
    findings = audit(
        [line("2024-01-08", "0241"), line("2024-03-04", "0245"), line("2024-03-11", code)]
    )
    assert pairs(findings) == set()


def test_after_last_status_counts_from_the_first_last_status_line() -> None:
    # 0247 between the first 0245 (2024-03-04) and a repeated one (2024-03-08, also in its
    # window: [T, 8 Mar) = 4 working days) is after the first.
    findings = audit(
        [
            line("2024-01-08", "0241"),
            line("2024-03-04", "0245"),
            line("2024-03-06", "0247"),
            line("2024-03-08", "0245"),
        ]
    )
    assert pairs(findings) == {
        (3, "NR-AFTER-LAST-STATUS"),
        (4, "NR-AFTER-LAST-STATUS"),
        (4, "NR-STATUS-ONCE"),
    }


def test_a_new_start_after_the_last_status_opens_a_new_course() -> None:
    findings = audit(
        [
            line("2024-01-08", "0241"),
            line("2024-03-04", "0245"),
            line("2024-04-08", "0241"),
            line("2024-04-10", "0247"),
        ]
    )
    assert pairs(findings) == set()


# ---------------------------------------------------------------- NR-0242-NO-PRIOR


@BOTH
def test_it_warns_about_a_current_course_start_with_no_earlier_line(pw: dict[str, str]) -> None:
    findings = audit([line("2024-01-08", pw["start2"])])
    assert pairs(findings) == {(1, "NR-0242-NO-PRIOR")}
    assert findings["severity"].to_list() == ["warning"]


@BOTH
@pytest.mark.parametrize("earlier", ["0110", "0113", "2001", "0263", "9999"])
def test_it_accepts_a_current_course_start_after_an_earlier_line_of_any_code(
    pw: dict[str, str], earlier: str
) -> None:
    findings = audit([line("2023-11-20", earlier), line("2024-01-08", pw["start2"])])
    assert not {(2, "NR-0242-NO-PRIOR")} & pairs(findings)


def test_an_earlier_line_later_in_the_input_still_counts() -> None:
    findings = audit([line("2024-01-08", "0242"), line("2023-12-11", "0110")])
    assert pairs(findings) == set()


@BOTH
def test_an_earlier_line_at_another_provider_does_not_count(pw: dict[str, str]) -> None:
    findings = audit(
        [line("2023-12-11", "0110", provider="022591"), line("2024-01-08", pw["start2"])]
    )
    assert pairs(findings) == {(2, "NR-0242-NO-PRIOR")}


def test_an_earlier_line_for_another_patient_does_not_count() -> None:
    findings = audit([line("2023-12-11", "0110", patient="0202902345"), line("2024-01-08", "0242")])
    assert pairs(findings) == {(2, "NR-0242-NO-PRIOR")}


def test_a_later_line_does_not_count_as_prior() -> None:
    findings = audit([line("2024-01-08", "0242"), line("2024-01-22", "0243")])
    assert pairs(findings) == {(1, "NR-0242-NO-PRIOR")}


def test_0241_needs_no_earlier_line() -> None:
    assert pairs(audit([line("2024-01-08", "0241")])) == set()
