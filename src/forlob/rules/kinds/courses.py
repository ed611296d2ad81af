"""The course rules of rules.md §2: lines that join no course, courses that mix pathways."""

from __future__ import annotations

import numpy as np

from forlob.catalogue.rule_kinds import (
    LineRule,
)
from forlob.rules.context import (
    Context,
    Hits,
)
from forlob.rules.kinds.registry import kind


@kind("course_no_start")
def course_no_start(rule: LineRule, ctx: Context) -> Hits:
    idx = np.flatnonzero(ctx.courses.no_start)
    pw = ctx.t.pathway[ctx.lines.code[idx]]
    starts = np.array(["/".join(ctx.cat.start_codes(p)) for p in ctx.t.pathways], dtype=object)
    return Hits(
        idx,
        {
            "start_codes": starts[pw],
        },
        phrases={
            "reason": np.where(
                ctx.lines.course_given[idx], "no_start_given_course", "no_start_inferred"
            ),
        },
    )


@kind("course_mixed_pathway")
def course_mixed_pathway(rule: LineRule, ctx: Context) -> Hits:
    idx = np.flatnonzero(ctx.courses.mixed)
    c = ctx.courses.mixed_course[idx]
    names = np.array(ctx.t.pathways, dtype=object)
    return Hits(idx, {"course_pathway": names[ctx.courses.pathway[c]]})


# handled while reading the input (forlob.rules.prepare), listed for the registry
