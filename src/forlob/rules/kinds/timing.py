"""Time limits: days, months and working-day windows from a course's start, referral or
closing (rules.md §1 calendar arithmetic)."""

from __future__ import annotations

import numpy as np

from forlob import windows
from forlob.catalogue.rule_kinds import (
    AgeRule,
    FollowupTimingRule,
    LimitRule,
    WindowRule,
)
from forlob.rules.context import (
    Context,
    Hits,
    _dt,
    add_months_days,
)
from forlob.rules.kinds.registry import kind
from forlob.rules.prepare import FAR_FUTURE, NO_DATE


@kind("days_after_start")
def days_after_start(rule: LimitRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    start = ctx.course_start[ctx.course[idx]]
    days = ctx.lines.date[idx] - start
    return Hits.of(idx, days > ctx.cat.param(rule.limit), days=days, start=_dt(start))


@kind("months_after_start")
def months_after_start(rule: LimitRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    start = ctx.course_start[ctx.course[idx]]
    deadline = add_months_days(start, ctx.cat.param(rule.limit))
    return Hits.of(idx, ctx.lines.date[idx] > deadline, deadline=_dt(deadline), start=_dt(start))


@kind("months_after_referral")
def months_after_referral(rule: LimitRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    # the line's own referral date, else the course's (a referral belongs to the course)
    referral = ctx.own_or_course("referral_date", idx)
    idx, referral = idx[referral > NO_DATE], referral[referral > NO_DATE]
    deadline = add_months_days(referral, ctx.cat.param(rule.limit))
    return Hits.of(
        idx, ctx.lines.date[idx] > deadline, deadline=_dt(deadline), referral=_dt(referral)
    )


@kind("min_age_at_start")
def min_age_at_start(rule: AgeRule, ctx: Context) -> Hits:
    mask = ctx.t.pathway_index(rule.pathways)[ctx.courses.pathway]
    idx = np.sort(ctx.courses.start_line[mask])
    birth = ctx.own_or_course("birth_date", idx)
    idx, birth = idx[birth > NO_DATE], birth[birth > NO_DATE]
    sixteenth = add_months_days(birth, 12 * ctx.cat.param(rule.limit))
    # allowed only when the start date is after the birthday: the patient is "over 16"
    return Hits.of(
        idx, ~(ctx.lines.date[idx] > sixteenth), birth=_dt(birth), deadline=_dt(sixteenth)
    )


@kind("status_window")
def status_window(rule: WindowRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    code = ctx.lines.code[idx]
    start = ctx.course_start[ctx.course[idx]]
    weeks = ctx.t.target_weeks[code]
    months = ctx.t.target_months[code]
    tdt = windows.targets(_dt(start), weeks, months)
    wd = windows.working_days_off(tdt, _dt(ctx.lines.date[idx]))
    tol = ctx.cat.param(rule.tolerance)
    bad = np.abs(wd) > tol
    idx, wd, start, weeks, months = idx[bad], wd[bad], start[bad], weeks[bad], months[bad]
    tdt = tdt[bad]
    earliest, latest = windows.bounds(tdt, tol)
    # a count of working days is never negative: "6 working days before its target" (a
    # finding is always more than the tolerance away, so the count is never 1)
    side = np.where(wd < 0, "before_target", "after_target")
    return Hits(
        idx,
        {
            "wd": np.abs(wd),
            "target": tdt,
            "start": _dt(start),
            "earliest": earliest,
            "latest": latest,
            "offset_n": np.where(weeks >= 0, weeks, months),
        },
        {"tolerance": str(tol)},
        {
            "side": side,
            "offset": np.where(weeks >= 0, "offset_weeks", "offset_months"),
        },
    )


@kind("followup_timing")
def followup_timing(rule: FollowupTimingRule, ctx: Context) -> Hits:
    idx, n = ctx.rank_in_course(ctx.selected(rule))
    anchor = ctx.anchor(rule.anchor_roles, rule.pathways)[ctx.course[idx]]
    d = ctx.lines.date[idx]
    earliest = np.full(len(idx), NO_DATE, dtype=np.int64)
    latest = np.full(len(idx), NO_DATE, dtype=np.int64)
    applies = np.zeros(len(idx), dtype=bool)
    for i, (lo, hi) in enumerate(rule.windows, start=1):
        m = (n == i) & (anchor < FAR_FUTURE)
        earliest[m] = add_months_days(anchor[m], ctx.cat.param(lo))
        latest[m] = add_months_days(anchor[m], ctx.cat.param(hi))
        applies |= m
    return Hits.of(
        idx,
        applies & ((d < earliest) | (d > latest)),
        n=n,
        anchor=_dt(anchor),
        days=d - anchor,
        earliest=_dt(earliest),
        latest=_dt(latest),
    )
