"""Danish working days and calendar arithmetic as rules.md §1 defines them.

Every expected date below is worked out by hand from rules.md §1 (Working days, Within ±5
working days, Calendar arithmetic); the comments show the counting.
"""

from __future__ import annotations

import datetime as dt

import pytest

from forlob.calendar import (
    add_months_scalar,
    is_working_day,
    window_bounds,
    within_working_days,
    working_days_between,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ---------------------------------------------------------------- public holidays


@pytest.mark.parametrize(
    "day",
    [
        "2024-01-01",  # New Year's Day (Monday)
        "2024-03-28",  # Maundy Thursday
        "2024-03-29",  # Good Friday
        "2024-04-01",  # Easter Monday
        "2024-05-09",  # Ascension Day (Thursday)
        "2024-05-20",  # Whit Monday
        "2024-12-25",  # Christmas Day (Wednesday)
        "2024-12-26",  # Boxing Day (Thursday)
        "2023-04-06",  # Maundy Thursday 2023
        "2023-04-07",  # Good Friday 2023
        "2023-04-10",  # Easter Monday 2023
        "2023-05-05",  # Great Prayer Day 2023: still a public holiday up to and including 2023
        "2025-01-01",  # New Year's Day 2025 (Wednesday)
    ],
)
def test_a_danish_public_holiday_on_a_weekday_is_not_a_working_day(day: str) -> None:
    assert is_working_day(d(day)) is False


@pytest.mark.parametrize(
    "day",
    [
        "2024-04-26",  # the Friday that would have been Great Prayer Day: abolished from 2024
        "2024-06-05",  # Constitution Day (Wednesday): not a public holiday
        "2024-12-24",  # Christmas Eve (Tuesday): not a public holiday
        "2024-12-31",  # New Year's Eve (Tuesday): not a public holiday
        "2023-06-05",  # Constitution Day 2023 (Monday)
        "2024-03-27",  # the Wednesday of Easter week
        "2024-04-02",  # the Tuesday after Easter Monday
    ],
)
def test_an_ordinary_or_optional_day_on_a_weekday_is_a_working_day(day: str) -> None:
    assert is_working_day(d(day)) is True


@pytest.mark.parametrize("day", ["2024-01-06", "2024-01-07", "2024-03-30", "2024-03-31"])
def test_saturdays_and_sundays_are_not_working_days(day: str) -> None:
    assert is_working_day(d(day)) is False


# ---------------------------------------------------------------- counting working days


@pytest.mark.parametrize(
    ("target", "day", "expected"),
    [
        # [T, d) = Mon 15 .. Fri 19 = 5
        ("2024-01-15", "2024-01-22", 5),
        # d before T counts (d, T]: Mon 8 .. Fri 12 + Mon 15 = 6, negative
        ("2024-01-15", "2024-01-07", -6),
        # (Jan 8, Jan 15] = Tue 9 .. Fri 12 + Mon 15 = 5
        ("2024-01-15", "2024-01-08", -5),
        ("2024-01-15", "2024-01-15", 0),
        # [Wed 27 Mar, Mon 8 Apr): 27, (28, 29, 1 Apr holidays), 2, 3, 4, 5 = 5
        ("2024-03-27", "2024-04-08", 5),
        # [Fri 20 Dec, Thu 2 Jan): 20, 23, 24, (25, 26), 27, 30, 31, (1 Jan) = 6
        ("2024-12-20", "2025-01-02", 6),
    ],
)
def test_working_days_between_counts_as_rules_md_defines(
    target: str, day: str, expected: int
) -> None:
    assert working_days_between(d(target), d(day)) == expected


# ---------------------------------------------------------------- within ±5 working days


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        # T = Monday 2024-01-15: the window runs from the previous Monday to the next Monday.
        ("2024-01-08", True),  # previous Monday: (8, 15] = 9, 10, 11, 12, 15 = 5
        ("2024-01-07", False),  # the Sunday before it: (7, 15] = 8..12, 15 = 6
        ("2024-01-05", False),  # the Friday before it: 6
        ("2024-01-15", True),  # T itself
        ("2024-01-22", True),  # next Monday: [15, 22) = 15..19 = 5
        ("2024-01-23", False),  # next Tuesday: 6
    ],
)
def test_t_on_a_monday_the_window_runs_from_the_previous_monday_to_the_next_monday(
    day: str, inside: bool
) -> None:
    assert within_working_days(d("2024-01-15"), d(day), 5) is inside


@pytest.mark.parametrize(
    ("target", "day", "inside"),
    [
        # Easter week 2024, T = Wed 27 Mar. After: 27, 2, 3, 4, 5 Apr -> Mon 8 Apr inside,
        # Tue 9 Apr outside.
        ("2024-03-27", "2024-04-08", True),
        ("2024-03-27", "2024-04-09", False),
        # T = Tue 2 Apr (after Easter). Before: (d, 2 Apr] with 28, 29 Mar and 1 Apr holidays:
        # Thu 21 Mar -> 22, 25, 26, 27, 2 Apr = 5 inside; Wed 20 Mar -> 6 outside.
        ("2024-04-02", "2024-03-21", True),
        ("2024-04-02", "2024-03-20", False),
        # Christmas 2024, T = Fri 20 Dec: [20, 31) = 20, 23, 24, 27, 30 = 5 (25/26 holidays)
        ("2024-12-20", "2024-12-31", True),
        # New Year's Day: 20, 23, 24, 27, 30, 31 = 6. Christmas Eve and New Year's Eve count.
        ("2024-12-20", "2025-01-01", False),
        ("2024-12-20", "2025-01-02", False),
        # Great Prayer Day: T = Mon 2023-05-01, d = Tue 2023-05-09 (T + 8):
        # 1, 2, 3, 4, (5 May holiday), 8 = 5 -> inside
        ("2023-05-01", "2023-05-09", True),
        # same offsets in 2024: T = Mon 2024-04-22, d = Tue 2024-04-30:
        # 22, 23, 24, 25, 26 (a working day from 2024), 29 = 6 -> outside
        ("2024-04-22", "2024-04-30", False),
        # Constitution Day is a working day: T = Mon 2024-06-03, d = Tue 2024-06-11:
        # 3, 4, 5, 6, 7, 10 = 6 -> outside
        ("2024-06-03", "2024-06-11", False),
    ],
)
def test_within_five_working_days_skips_danish_public_holidays_only(
    target: str, day: str, inside: bool
) -> None:
    assert within_working_days(d(target), d(day), 5) is inside


# ---------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2025-08-31", 6, "2026-02-28"),  # the rules.md example: clamped to February's end
        ("2024-01-31", 1, "2024-02-29"),  # leap year: clamped to the 29th
        ("2023-01-31", 1, "2023-02-28"),  # common year: clamped to the 28th
        ("2024-02-29", 12, "2025-02-28"),  # leap day + 12 months: no 29 Feb 2025
        ("2024-02-29", 48, "2028-02-29"),  # four years on: leap day again
        ("2023-12-31", 2, "2024-02-29"),
        ("2024-03-31", 1, "2024-04-30"),
        ("2024-10-31", 8, "2025-06-30"),
        ("2024-05-15", 3, "2024-08-15"),  # no clamping: same day of month
        ("2024-11-30", 3, "2025-02-28"),
        ("2024-01-08", 12, "2025-01-08"),
    ],
)
def test_adding_months_keeps_the_day_of_month_clamped_to_the_months_last_day(
    start: str, months: int, expected: str
) -> None:
    assert add_months_scalar(d(start), months) == d(expected)


# ---------------------------------------------------------------- window bounds


@pytest.mark.parametrize(
    ("target", "last_allowed", "first_refused_after"),
    [
        ("2024-01-17", "2024-01-24", "2024-01-25"),  # Wed: 17, 18, 19, 22, 23 -> Wed 24
        ("2024-01-15", "2024-01-22", "2024-01-23"),  # Mon: to the next Monday
        ("2024-03-27", "2024-04-08", "2024-04-09"),  # Easter week 2024
        ("2024-04-02", "2024-04-09", "2024-04-10"),  # after Easter: 2, 3, 4, 5, 8
        ("2024-12-20", "2024-12-31", "2025-01-01"),  # Christmas 2024
        ("2023-05-01", "2023-05-09", "2023-05-10"),  # Great Prayer Day 2023 is a holiday
        ("2024-04-22", "2024-04-29", "2024-04-30"),  # 26 April 2024 is a working day
        # T on a holiday (Maundy Thursday): [28 Mar, d) = 2, 3, 4, 5, 8 Apr -> Tue 9 Apr
        ("2024-03-28", "2024-04-09", "2024-04-10"),
    ],
)
def test_window_bounds_gives_the_last_allowed_day_and_the_day_after_is_refused(
    target: str, last_allowed: str, first_refused_after: str
) -> None:
    _, latest = window_bounds(d(target), 5)
    assert latest == d(last_allowed)
    assert within_working_days(d(target), d(last_allowed), 5) is True
    assert within_working_days(d(target), d(first_refused_after), 5) is False


@pytest.mark.parametrize(
    ("target", "first_allowed", "last_refused_before"),
    [
        ("2024-01-17", "2024-01-10", "2024-01-09"),  # Wed: (10, 17] = 11, 12, 15, 16, 17
        # Mon: from the previous Monday; the Sunday before it is already 6 working days away
        ("2024-01-15", "2024-01-08", "2024-01-07"),
        # Wed 27 Mar 2024: (20, 27] = 21, 22, 25, 26, 27
        ("2024-03-27", "2024-03-20", "2024-03-19"),
        # Tue 2 Apr 2024: (21 Mar, 2 Apr] = 22, 25, 26, 27 Mar, 2 Apr (28, 29, 1 are holidays)
        ("2024-04-02", "2024-03-21", "2024-03-20"),
        # Mon 23 Dec 2024: (16, 23] = 17, 18, 19, 20, 23
        ("2024-12-23", "2024-12-16", "2024-12-15"),
    ],
)
def test_window_bounds_gives_the_first_allowed_day_and_the_day_before_is_refused(
    target: str, first_allowed: str, last_refused_before: str
) -> None:
    earliest, _ = window_bounds(d(target), 5)
    assert earliest == d(first_allowed)
    assert within_working_days(d(target), d(first_allowed), 5) is True
    assert within_working_days(d(target), d(last_refused_before), 5) is False
