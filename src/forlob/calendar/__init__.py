"""Danish working days (hverdage) and calendar arithmetic, shared by the rule engine and planner.

Working days are Monday–Friday that are not Danish public holidays. The holidays come from the
`holidays` package, DK, *public* category only: Great Prayer Day (store bededag) is a public
holiday up to and including 2023, while Constitution Day, Christmas Eve and New Year's Eve are
in the optional category and therefore working days here (rules.md §1, Working days).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import holidays
import numpy as np
import numpy.typing as npt

from forlob.texts import Text

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "OUTSIDE_CALENDAR",
    "DateArray",
    "add_months",
    "add_months_scalar",
    "add_working_days",
    "busdaycalendar",
    "dk_holidays",
    "holiday_names_between",
    "in_calendar",
    "is_working_day",
    "window_bounds",
    "window_bounds_array",
    "within_working_days",
    "working_days_between",
]

# The calendar covers every plausible service, birth and referral date. Outside it numpy
# would silently treat holidays as working days, so the range is generous.
FIRST_YEAR = 1900
LAST_YEAR = 2100

# What a user is told when a date they enter (a service, a referral, a course's planned start)
# is outside the calendar: its working-day windows would be wrong there, and the planner's
# weeks and months after a date near year 9999 do not exist.
OUTSIDE_CALENDAR = Text(
    da=f"Datoen skal ligge mellem 01.01.{FIRST_YEAR} og 31.12.{LAST_YEAR}.",
    en=f"The date must be between 01.01.{FIRST_YEAR} and 31.12.{LAST_YEAR}.",
)


def in_calendar(day: dt.date) -> bool:
    """Whether `day` lies in the years the calendar knows the holidays of."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


DateArray = npt.NDArray[np.datetime64]


@lru_cache(maxsize=1)
def _holiday_table() -> dict[dt.date, str]:
    table = holidays.country_holidays(
        "DK", years=range(FIRST_YEAR, LAST_YEAR + 1), categories=("public",), language="da"
    )
    return dict(sorted(table.items()))


def dk_holidays() -> DateArray:
    """Danish public holidays as a sorted datetime64[D] array."""
    return np.array(sorted(_holiday_table()), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def busdaycalendar() -> np.busdaycalendar:
    """The numpy business-day calendar of Danish working days, built once."""
    return np.busdaycalendar(weekmask="1111100", holidays=dk_holidays())


def holiday_names_between(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """Public holidays in [start, end], with their Danish names (for plan notes)."""
    return [(d, n) for d, n in _holiday_table().items() if start <= d <= end]


def is_working_day(day: dt.date | DateArray) -> bool | npt.NDArray[np.bool_]:
    result = np.is_busday(np.asarray(day, dtype="datetime64[D]"), busdaycal=busdaycalendar())
    return bool(result) if np.ndim(result) == 0 else result


def working_days_between(target: object, day: object) -> npt.NDArray[np.int64] | int:
    """Signed number of working days from `target` to `day` (numpy.busday_count semantics).

    Counts [target, day) when day is after target and -[day, target) when before, which is
    exactly the measure rules.md §1 uses for "within ±N working days".
    """
    result = np.busday_count(
        np.asarray(target, dtype="datetime64[D]"),
        np.asarray(day, dtype="datetime64[D]"),
        busdaycal=busdaycalendar(),
    )
    return int(result) if np.ndim(result) == 0 else result


def within_working_days(
    target: object, day: object, tolerance: int
) -> bool | npt.NDArray[np.bool_]:
    """rules.md §1: `abs(numpy.busday_count(T, d, holidays=DK_HOLIDAYS)) <= tolerance`."""
    inside = np.abs(working_days_between(target, day)) <= tolerance
    return bool(inside) if np.ndim(inside) == 0 else inside


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (before it for negative n); a `day` that is not a
    working day is first moved to the next (n > 0) or previous (n <= 0) working day."""
    rolled = np.busday_offset(
        np.datetime64(day, "D"),
        n,
        roll="forward" if n > 0 else "backward",
        busdaycal=busdaycalendar(),
    )
    result: dt.date = rolled.astype(dt.date)
    return result


def window_bounds(target: dt.date, tolerance: int) -> tuple[dt.date, dt.date]:
    """First and last calendar day d with |busday_count(target, d)| <= tolerance.

    The day before the first and the day after the last are the first refused days.
    """
    earliest, latest = window_bounds_array(np.array([target], dtype="datetime64[D]"), tolerance)
    return earliest[0].astype(dt.date), latest[0].astype(dt.date)


def window_bounds_array(target: DateArray, tolerance: int) -> tuple[DateArray, DateArray]:
    """`window_bounds` for an array of targets.

    numpy counts [T, d) after the target and (d, T] before it, so the bounds are the
    tolerance-th working day on either side (rolled back and forward from the target).
    """
    cal = busdaycalendar()
    t = np.asarray(target, dtype="datetime64[D]")
    earliest = np.busday_offset(t, -tolerance, roll="backward", busdaycal=cal)
    latest = np.busday_offset(t, tolerance, roll="forward", busdaycal=cal)
    return earliest, latest


def add_months(dates: DateArray, months: int | npt.NDArray[np.integer[Any]]) -> DateArray:
    """Same day of month N months later, clamped to the month's last day (vectorised).

    2025-08-31 + 6 months = 2026-02-28 (rules.md §1, Calendar arithmetic). NaT stays NaT.
    """
    d = np.asarray(dates, dtype="datetime64[D]")
    month_start = d.astype("datetime64[M]")
    day_offset = d - month_start.astype("datetime64[D]")
    target_month = month_start + np.asarray(months).astype("timedelta64[M]")
    last_day = (target_month + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(
        1, "D"
    )
    candidate = target_month.astype("datetime64[D]") + day_offset
    clamped: DateArray = np.minimum(candidate, last_day)
    return clamped


def add_months_scalar(day: dt.date, months: int) -> dt.date:
    result: dt.date = add_months(np.array([day], dtype="datetime64[D]"), months)[0].astype(dt.date)
    return result
