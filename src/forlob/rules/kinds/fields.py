"""Line fields and the previous service: team size, quantity, the first-exam level."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from forlob.catalogue.rule_kinds import (
    ExamLevelRule,
    LimitRule,
    LineRule,
    QuantityRule,
)
from forlob.rules.context import (
    Context,
    Hits,
    Int,
    _dt,
    add_months_days,
)
from forlob.rules.kinds.registry import kind
from forlob.rules.prepare import NO_DATE, NO_INT, TOO_LARGE


def _count_text(values: Int) -> npt.NDArray[np.str_]:
    """A count for a message; one too large to hold is said to be so ("> 2147483646"), not
    shown as the number it was clipped to."""
    return np.where(values == TOO_LARGE, f"> {TOO_LARGE - 1}", values.astype(str))


@kind("quantity_max")
def quantity_max(rule: QuantityRule, ctx: Context) -> Hits:
    idx = ctx.codes(rule.roles)
    q = ctx.lines.of("quantity", idx)
    h = Hits.of(idx, q > ctx.cat.param(rule.limit), quantity=_count_text(q))
    h.constants["unit_minutes"] = str(ctx.cat.param(rule.unit_minutes))
    return h


@kind("team_size_max")
def team_size_max(rule: LimitRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    size = ctx.lines.of("team_size", idx)
    return Hits.of(
        idx,
        (size != NO_INT) & (size > ctx.cat.param(rule.limit)),
        team_size=_count_text(size),
    )


@kind("exam_level")
def exam_level(rule: ExamLevelRule, ctx: Context) -> Hits:
    idx = ctx.codes(rule.roles)
    seg = ctx.day_seg
    # the latest readable line dated strictly earlier at the provider is the last line of
    # the previous day group, when that group is the same patient+provider's
    prev = seg.first[seg.id[idx]] - 1
    ok = prev >= 0
    ok[ok] = ctx.lines.pp[prev[ok]] == ctx.lines.pp[idx[ok]]
    prev_day = np.where(ok, ctx.lines.date[np.maximum(prev, 0)], NO_DATE)
    previous = np.maximum(prev_day, ctx.lines.of("last_visit_date", idx))
    idx, previous = idx[previous > NO_DATE], previous[previous > NO_DATE]
    if not len(idx):
        return Hits(idx)
    d = ctx.lines.date[idx]
    short_from = add_months_days(d, -ctx.cat.param(rule.short))
    long_from = add_months_days(d, -ctx.cat.param(rule.long))
    level = np.where(
        previous >= short_from,
        "within_short",
        np.where(previous >= long_from, "within_long", "none_or_older"),
    )
    by_level = {c.exam_level: int(c.code) for c in ctx.cat.codes.values() if c.exam_level}
    expected = np.zeros(len(idx), dtype=np.int64)
    for lvl, code in by_level.items():
        expected[level == lvl] = code
    bad = expected != ctx.lines.code[idx]
    h = Hits.of(idx, bad, previous=_dt(previous), expected=np.char.zfill(expected.astype(str), 4))
    h.phrases["since"] = np.char.add("previous_", level)[bad]
    h.constants["short_months"] = str(ctx.cat.param(rule.short))
    h.constants["long_years"] = str(ctx.cat.param(rule.long) // 12)
    return h


@kind("code_unknown")
def code_unknown(rule: LineRule, ctx: Context) -> Hits:
    return Hits(np.flatnonzero(~ctx.t.known[ctx.lines.code]))
