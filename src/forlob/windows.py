"""Due windows of the pathways: one definition for the rule engine and the planner.

A status consultation is due at its target (the course start plus the catalogue's offset in
weeks or months) and allowed within ±N working days of it (rules.md §1). The engine checks
registered lines against exactly these windows, and the planner shows them, so the two can
never disagree. Vectorised over numpy datetime64[D] arrays; scalar helpers wrap them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

from forlob.calendar import add_months, busdaycalendar, window_bounds_array
from forlob.catalogue import Target

Dates = npt.NDArray[np.datetime64]
Ints = npt.NDArray[np.integer[Any]]


def targets(start: Dates, weeks: Ints, months: Ints) -> Dates:
    """Target dates: start + weeks×7 days where weeks ≥ 0, else start + months (clamped)."""
    start = np.asarray(start, dtype="datetime64[D]")
    weeks = np.asarray(weeks)
    months = np.asarray(months)
    out: Dates = start + (7 * np.maximum(weeks, 0)).astype("timedelta64[D]")
    by_month = months >= 0
    if by_month.any():
        out[by_month] = add_months(start[by_month], months[by_month])
    return out


def working_days_off(target: Dates, day: Dates) -> npt.NDArray[np.int64]:
    """Signed working days from target to day (numpy.busday_count, rules.md §1)."""
    return np.busday_count(
        np.asarray(target, dtype="datetime64[D]"),
        np.asarray(day, dtype="datetime64[D]"),
        busdaycal=busdaycalendar(),
    ).astype(np.int64)


def bounds(target: Dates, tolerance: int) -> tuple[Dates, Dates]:
    """First and last day allowed within ±tolerance working days of each target."""
    return window_bounds_array(target, tolerance)


def status_window(start: dt.date, target: Target, tolerance: int) -> tuple[dt.date, ...]:
    """(target, earliest, latest) of one status consultation of a course started on `start`."""
    t = targets(
        np.array([start], dtype="datetime64[D]"),
        np.array([-1 if target.weeks is None else target.weeks]),
        np.array([-1 if target.months is None else target.months]),
    )
    earliest, latest = bounds(t, tolerance)
    return tuple(x[0].astype(dt.date) for x in (t, earliest, latest))
