"""Counting: how many of a code a course, a week or a run may hold (rules.md §3–§7)."""

from __future__ import annotations

import numpy as np

from forlob.catalogue.rule_kinds import (
    CountRangeRule,
    LimitRule,
    ResetRule,
)
from forlob.rules.context import (
    Context,
    Hits,
    _dt,
    _merge,
)
from forlob.rules.kinds.registry import kind
from forlob.rules.segments import Segments, rank_in_runs


@kind("max_per_course")
def max_per_course(rule: LimitRule, ctx: Context) -> Hits:
    idx, n = ctx.rank_in_course(ctx.selected(rule))
    h = Hits.of(idx, n > ctx.cat.param(rule.limit), n=n)
    h.constants["codes"] = ctx.code_list(rule.roles, rule.pathways)
    return h


@kind("max_per_course_each_code")
def max_per_course_each_code(rule: LimitRule, ctx: Context) -> Hits:
    sel = ctx.selected(rule)
    order = np.lexsort((np.arange(len(sel)), ctx.lines.code[sel], ctx.course[sel]))
    idx = sel[order]
    n = rank_in_runs(ctx.course[idx], ctx.lines.code[idx])
    return Hits.of(idx, n > ctx.cat.param(rule.limit), n=n)


@kind("max_per_iso_week")
def max_per_iso_week(rule: LimitRule, ctx: Context) -> Hits:
    idx = ctx.by_course(ctx.selected(rule))
    d = ctx.lines.date[idx]
    # 1970-01-01 was a Thursday: shifting by 3 makes the week key change on Mondays
    monday = d - (d + 3) % 7
    n = rank_in_runs(ctx.course[idx], monday)
    hits = Hits.of(idx, n > ctx.cat.param(rule.limit), n=n, monday=monday)
    weeks = [
        x.isocalendar()
        for x in _dt(np.asarray(hits.details.pop("monday"), dtype=np.int64)).astype(object)
    ]
    hits.details["week"] = np.array([w for _, w, _ in weeks], dtype=np.int64)
    hits.details["week_year"] = np.array([y for y, _, _ in weeks], dtype=np.int64)
    return hits


@kind("max_since_reset")
def max_since_reset(rule: ResetRule, ctx: Context) -> Hits:
    counted = ctx.codes(rule.roles)
    reset = ctx.codes(rule.reset_roles)
    idx = _merge(counted, reset)
    is_reset = ctx.has_code(idx, rule.reset_roles)
    # a new run at each patient+provider and right after each reset line
    pp = ctx.lines.pp[idx]
    starts = np.ones(len(idx), dtype=bool)
    starts[1:] = (pp[1:] != pp[:-1]) | is_reset[:-1]
    n = Segments(starts).cumcount(~is_reset)
    return Hits.of(idx, ~is_reset & (n > ctx.cat.param(rule.limit)), n=n)


@kind("course_count_range")
def course_count_range(rule: CountRangeRule, ctx: Context) -> Hits:
    idx, n = ctx.rank_in_course(ctx.selected(rule))
    idx = idx[n == 1]
    counted = ctx.in_course(ctx.codes(rule.counted_roles, rule.pathways))
    per_course = np.bincount(ctx.course[counted], minlength=ctx.courses.n)
    count = per_course[ctx.course[idx]]
    low, high = ctx.cat.param(rule.low), ctx.cat.param(rule.high)
    h = Hits.of(idx, (count >= 1) & ((count < low) | (count > high)), count=count)
    h.constants.update(
        low=str(low), high=str(high), codes=ctx.code_list(rule.counted_roles, rule.pathways)
    )
    return h
