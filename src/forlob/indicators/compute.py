"""Counting the indicators of indicators.md over the rule engine's lines and courses.

The courses are exactly those the audit forms (`forlob.rules.evaluate`): there is no second
course builder. Each kind of indicator turns the lines and courses into units (a course, a
status line or a line), says which units are in the denominator and which of them meet the
indicator; the counts per provider and for the whole file follow from that. Every number
(days, working days, months, counts) is a parameter of the definitions, every code is
selected by pathway and role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from forlob import windows
from forlob.calendar import add_months
from forlob.catalogue import Catalogue
from forlob.indicators.definitions import Indicator, Indicators
from forlob.indicators.stats import funnel_positions, wilson
from forlob.rules import INPUT_KINDS, CourseLines, Evaluation
from forlob.rules.prepare import NO_DATE
from forlob.rules.tables import CODE_SPACE, CodeTables, code_mask

__all__ = ["RECORD_COLUMNS", "RECORD_SCHEMA", "Units", "count_indicators", "records"]

Int = npt.NDArray[np.integer[Any]]
Bool = npt.NDArray[np.bool_]

RECORD_COLUMNS = (
    "indicator",
    "provider_id",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "funnel",
)
RECORD_SCHEMA = pl.Schema(
    {
        "indicator": pl.String,
        "provider_id": pl.String,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
        "value": pl.Float64,
        "lower_95": pl.Float64,
        "upper_95": pl.Float64,
        "funnel": pl.String,
    }
)


@dataclass(frozen=True)
class Units:
    """One indicator's units in its denominator: each one's provider and whether it meets it."""

    provider: Int
    meets: Bool


@dataclass(frozen=True)
class _Input:
    cl: CourseLines
    ev: Evaluation
    cat: Catalogue
    tables: CodeTables
    as_of: int  # day number

    def lines_with(self, roles: tuple[str, ...], pathways: tuple[str, ...] | None) -> Int:
        """Lines in a course with a code of `roles` in `pathways`, in line order."""
        mask = code_mask(self.cat.codes_for(roles, pathways))
        return np.flatnonzero(mask[self.cl.code] & (self.cl.course >= 0))

    def courses_of(self, pathways: tuple[str, ...] | None) -> Bool:
        if pathways is None:
            return np.ones(len(self.cl.course_pathway), dtype=bool)
        return self.tables.pathway_index(pathways)[self.cl.course_pathway]

    def per_course_count(self, idx: Int) -> Int:
        return np.bincount(self.cl.course[idx], minlength=len(self.cl.course_pathway))

    def first_per_course(self, idx: Int) -> tuple[Int, Int]:
        """The courses among the lines `idx` (in line order) and each one's first line."""
        courses, first = np.unique(self.cl.course[idx], return_index=True)
        return courses, idx[first]


def _dates(days: Int) -> npt.NDArray[np.datetime64]:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]")


def _days(dates: npt.NDArray[np.datetime64]) -> Int:
    return dates.astype("datetime64[D]").astype(np.int64)


def _course_units(x: _Input, in_denominator: Bool, meets: Bool) -> Units:
    return Units(x.cl.course_provider[in_denominator], meets[in_denominator])


def _wait_after_referral(ind: Indicator, x: _Input) -> Units:
    cl = x.cl
    n_courses = len(cl.course_pathway)
    # the start line's referral date, failing that the earliest line of the course with one
    referral = cl.lines.of("referral_date", cl.course_start_line).astype(np.int64)
    missing = referral <= NO_DATE
    if missing.any():
        in_course = np.flatnonzero(cl.course >= 0)
        given = cl.lines.of("referral_date", in_course).astype(np.int64)
        has = given > NO_DATE
        courses, first = x.first_per_course(in_course[has])
        earliest = np.full(n_courses, NO_DATE, dtype=np.int64)
        earliest[courses] = given[has][np.searchsorted(in_course[has], first)]
        referral = np.where(missing, earliest, referral)
    start = cl.course_start.astype(np.int64)
    counted = x.courses_of(ind.pathways) & (referral > NO_DATE) & (referral <= start)
    return _course_units(x, counted, start - referral <= ind.param("max_days"))


def _status_on_time(ind: Indicator, x: _Input) -> Units:
    cl = x.cl
    idx = x.lines_with(ind.roles, ind.pathways)
    idx = idx[x.courses_of(ind.pathways)[cl.course[idx]]]
    # the first line of each status code in each course (rules.md §1, Order)
    key = cl.course[idx].astype(np.int64) * CODE_SPACE + cl.code[idx]
    _, first = np.unique(key, return_index=True)
    idx = np.sort(idx[first])
    code = cl.code[idx]
    target = windows.targets(
        _dates(cl.course_start[cl.course[idx]]),
        x.tables.target_weeks[code],
        x.tables.target_months[code],
    )
    off = windows.working_days_off(target, _dates(cl.date[idx]))
    return Units(cl.provider[idx], np.abs(off) <= ind.param("tolerance"))


def _last_status_done(ind: Indicator, x: _Input) -> Units:
    cl, t = x.cl, x.tables
    pathways = ind.pathways or ()
    weeks = np.full(t.n_pathways, -1, dtype=np.int64)
    months = np.full(t.n_pathways, -1, dtype=np.int64)
    for p in pathways:
        (code,) = (int(c) for c in x.cat.codes_for(ind.roles, (p,)))
        weeks[t.pathways.index(p)] = t.target_weeks[code]
        months[t.pathways.index(p)] = t.target_months[code]
    chosen = np.flatnonzero(x.courses_of(ind.pathways))
    pw = cl.course_pathway[chosen]
    target = windows.targets(_dates(cl.course_start[chosen]), weeks[pw], months[pw])
    _, latest = windows.bounds(target, ind.param("tolerance"))
    # the window has ended before the day the data is judged on
    ended = np.zeros(len(cl.course_pathway), dtype=bool)
    ended[chosen] = _days(latest) < x.as_of
    has_last = x.per_course_count(x.lines_with(ind.roles, ind.pathways)) > 0
    return _course_units(x, ended, has_last)


def _count_in_range(ind: Indicator, x: _Input) -> Units:
    anchors = x.per_course_count(x.lines_with(ind.anchor_roles, ind.pathways))
    counted = x.per_course_count(x.lines_with(ind.counted_roles, ind.pathways))
    chosen = x.courses_of(ind.pathways) & (anchors > 0) & (counted > 0)
    meets = (counted >= ind.param("low")) & (counted <= ind.param("high"))
    return _course_units(x, chosen, meets)


def _count_after_anchor(ind: Indicator, x: _Input) -> Units:
    cl = x.cl
    courses, first = x.first_per_course(x.lines_with(ind.anchor_roles, ind.pathways))
    due_day = _days(add_months(_dates(cl.date[first]), ind.param("months")))
    due = np.zeros(len(cl.course_pathway), dtype=bool)
    due[courses] = due_day <= x.as_of
    counted = x.per_course_count(x.lines_with(ind.counted_roles, ind.pathways))
    chosen = x.courses_of(ind.pathways) & due
    return _course_units(x, chosen, counted >= ind.param("min_count"))


def _lines_with_findings(ind: Indicator, x: _Input) -> Units:
    # every readable line counts, in a course or not; INPUT-* findings are not billing errors
    bad = x.ev.reported(lambda r: r.severity == ind.severity and r.kind not in INPUT_KINDS)
    return Units(x.cl.provider, bad)


_KINDS: dict[str, Callable[[Indicator, _Input], Units]] = {
    "wait_after_referral": _wait_after_referral,
    "status_on_time": _status_on_time,
    "last_status_done": _last_status_done,
    "count_in_range": _count_in_range,
    "count_after_anchor": _count_after_anchor,
    "lines_with_findings": _lines_with_findings,
}


def finding_severities(defs: Indicators) -> frozenset[str]:
    """The rule severities the indicators count findings of (the rules that must run)."""
    return frozenset(i.severity for i in defs if i.kind == "lines_with_findings" and i.severity)


def latest_service_date(ev: Evaluation) -> dt.date | None:
    dates = ev.context.lines.date
    if not len(dates):
        return None
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(dates.max()))


def count_indicators(
    ev: Evaluation, defs: Indicators, as_of: dt.date
) -> tuple[dict[str, tuple[Int, Int]], tuple[str, ...]]:
    """Per indicator: (numerator, denominator) per provider; and the providers, in order."""
    cl = ev.course_lines()
    x = _Input(
        cl=cl,
        ev=ev,
        cat=ev.catalogue,
        tables=CodeTables.of(ev.catalogue),
        as_of=(as_of - dt.date(1970, 1, 1)).days,
    )
    n = len(cl.providers)
    out: dict[str, tuple[Int, Int]] = {}
    for ind in defs:
        units = _KINDS[ind.kind](ind, x)
        den = np.bincount(units.provider, minlength=n)
        num = np.bincount(units.provider[units.meets], minlength=n)
        out[ind.id] = (num, den)
    return out, cl.providers


def records(
    counts: dict[str, tuple[Int, Int]], providers: tuple[str, ...], defs: Indicators
) -> pl.DataFrame:
    """One record per (indicator, provider) with a non-zero denominator, the whole file first
    (provider_id null), ordered by indicator then provider_id (indicators.md, Output)."""
    stats = defs.statistics
    parts = [pl.DataFrame(schema=RECORD_SCHEMA)]
    names = np.array(providers, dtype=object)
    for ind_id in sorted(counts):
        num, den = counts[ind_id]
        whole_num, whole_den = int(num.sum()), int(den.sum())
        if whole_den == 0:
            continue
        shown = np.flatnonzero(den > 0)
        k = np.concatenate(([whole_num], num[shown])).astype(np.int64)
        n = np.concatenate(([whole_den], den[shown])).astype(np.int64)
        lower, upper = wilson(k, n, stats.interval_level)
        position = funnel_positions(
            k, n, whole_num / whole_den, stats.funnel_inner, stats.funnel_outer
        )
        parts.append(
            pl.DataFrame(
                {
                    "indicator": [ind_id] * len(k),
                    "provider_id": [None, *names[shown].tolist()],
                    "numerator": k,
                    "denominator": n,
                    "value": k / n,
                    "lower_95": lower,
                    "upper_95": upper,
                    "funnel": position.tolist(),
                },
                schema=RECORD_SCHEMA,
            )
        )
    frame = pl.concat(parts, how="vertical")
    return frame.sort(["indicator", "provider_id"], nulls_last=False, maintain_order=True)
