"""Waiting time from referral to first visit (003 §4.5 Ventetider: at most 14 days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from forlob.decision._data import Frozen, Source, Text, load_file

__all__ = ["WaitingLimit", "WaitingTime", "load_waiting_limit", "waiting_time"]

WaitingStatus = Literal["seen_in_time", "seen_late", "waiting", "overdue"]


class WaitingLimit(Frozen):
    days: Annotated[int, Field(ge=1)]
    da: Text
    en: Text
    source: Source


class _Limits(Frozen):
    referral_first_visit: WaitingLimit


class _WaitingFile(Frozen):
    limit: _Limits


@cache
def _packaged() -> WaitingLimit:
    return _load(None)


def load_waiting_limit(directory: Path | None = None) -> WaitingLimit:
    """The referral-to-first-visit limit (packaged unless `directory` has `waiting.toml`)."""
    return _packaged() if directory is None else _load(directory)


def _load(directory: Path | None) -> WaitingLimit:
    data, _ = load_file("waiting.toml", _WaitingFile, {}, directory)
    return data.limit.referral_first_visit


@dataclass(frozen=True)
class WaitingTime:
    """Days waited (to the first visit, or to today while waiting) against the limit."""

    referral: dt.date
    first_visit: dt.date | None
    days_waited: int
    deadline: dt.date
    limit_days: int
    past_limit: bool
    status: WaitingStatus
    source: str


def waiting_time(
    referral: dt.date, first_visit: dt.date | None, today: dt.date | None = None
) -> WaitingTime:
    """The wait from `referral` to `first_visit` (or to `today` when there is none yet).

    Calendar days. The deadline is referral + 14 days; a first visit on the deadline is in
    time, and a patient still waiting is past the limit from the day after the deadline.
    """
    limit = load_waiting_limit()
    today = dt.date.today() if today is None else today
    end = first_visit if first_visit is not None else today
    if end < referral:
        what = "first_visit" if first_visit is not None else "today"
        raise ValueError(
            f"{what} {end.isoformat()} is before the referral date {referral.isoformat()}"
        )
    days = (end - referral).days
    past = days > limit.days
    status: WaitingStatus
    if first_visit is not None:
        status = "seen_late" if past else "seen_in_time"
    else:
        status = "overdue" if past else "waiting"
    return WaitingTime(
        referral=referral,
        first_visit=first_visit,
        days_waited=days,
        deadline=referral + dt.timedelta(days=limit.days),
        limit_days=limit.days,
        past_limit=past,
        status=status,
        source=limit.source,
    )
