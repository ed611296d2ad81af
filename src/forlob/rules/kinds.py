"""The kinds of check a rule in `catalogue/data/rules.toml` can be.

Each kind is one vectorised function over all service lines at once. It receives the rule
(with its selected codes and named limits from the catalogue) and the audit context, and
returns the lines that break the rule with the values its message needs. No kind knows a
code or a number from the seeds: those come from the rule's data.

Message placeholders every rule can use: {code} {date} {row} {pathway} {course_id} {source}
{limit} {codes}; the rest are the detail columns a kind returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from forlob.calendar import add_months, busdaycalendar
from forlob.catalogue import Catalogue, Rule
from forlob.rules.courses import Courses
from forlob.rules.prepare import FAR_FUTURE, NO_DATE, NO_INT, Lines
from forlob.rules.segments import Segments
from forlob.rules.tables import CodeTables, code_mask

Bool = npt.NDArray[np.bool_]
Int = npt.NDArray[np.int64]
_BIG = np.iinfo(np.int64).max


def _dt(days: Int) -> npt.NDArray[np.datetime64]:
    """Day numbers to datetime64[D] (sentinels become NaT)."""
    out = days.astype("datetime64[D]")
    out[(days <= NO_DATE) | (days >= FAR_FUTURE)] = np.datetime64("NaT")
    return out


def _days(d: npt.NDArray[np.datetime64]) -> Int:
    out = d.astype("datetime64[D]").astype(np.int64)
    out[np.isnat(d)] = NO_DATE
    return out


def add_months_days(days: Int, months: int | Int) -> Int:
    return _days(add_months(_dt(days), months))


@dataclass
class Hits:
    """Lines (indices into Lines) that break a rule, and per-line values for the message."""

    idx: Int
    details: dict[str, npt.NDArray[np.generic]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def where(mask: Bool, **details: npt.NDArray[np.generic]) -> Hits:
        idx = np.flatnonzero(mask)
        return Hits(idx, {k: v[idx] for k, v in details.items()})


class Context:
    """Everything the kinds share: the lines, their courses and cached groupings."""

    def __init__(self, lines: Lines, courses: Courses, tables: CodeTables, catalogue: Catalogue):
        self.lines = lines
        self.courses = courses
        self.t = tables
        self.cat = catalogue
        self.n = len(lines)
        self.in_course = courses.course >= 0
        # course order: the lines of each course together, in (date, input order)
        ci = np.flatnonzero(self.in_course)
        self.co: Int = ci[np.argsort(courses.course[ci], kind="stable")]
        self.co_seg = Segments.of(courses.course[self.co])

    # -- groupings -------------------------------------------------------------------
    @cached_property
    def pp_seg(self) -> Segments:
        return Segments.of(self.lines.pp)

    @cached_property
    def day_seg(self) -> Segments:
        """Same day: same patient, same provider, same service_date (rules.md §1)."""
        return Segments.of(self.lines.pp, self.lines.date)

    @cached_property
    def course_pathway(self) -> Int:
        """Per line: the pathway index of its course, -1 when in no course."""
        out = np.full(self.n, -1, dtype=np.int64)
        out[self.in_course] = self.courses.pathway[self.courses.course[self.in_course]]
        return out

    @cached_property
    def start_date(self) -> Int:
        """Per line: its course's start date."""
        out = np.full(self.n, NO_DATE, dtype=np.int64)
        c = self.courses.course[self.in_course]
        out[self.in_course] = self.lines.date[self.courses.start_line[c]]
        return out

    # -- selections ------------------------------------------------------------------
    def codes(self, roles: tuple[str, ...], pathways: tuple[str, ...] | None) -> Bool:
        return code_mask(self.cat.codes_for(roles, pathways))[self.lines.code]

    def selected(self, rule: Rule) -> Bool:
        """Lines with the rule's codes; for pathway rules only lines in such a course."""
        m = self.codes(rule.roles, rule.pathways)
        if rule.pathways is not None:
            m &= self.t.pathway_index(rule.pathways)[self.course_pathway]
        return m

    # -- per-course helpers (results per line) ---------------------------------------
    def course_cumcount(self, mask: Bool) -> Int:
        out = np.zeros(self.n, dtype=np.int64)
        out[self.co] = self.co_seg.cumcount(mask[self.co])
        return out

    def course_count(self, mask: Bool) -> Int:
        out = np.zeros(self.n, dtype=np.int64)
        out[self.co] = self.co_seg.count(mask[self.co])
        return out

    def course_first_date(self, mask: Bool) -> Int:
        """Per line: the date of the course's first `mask` line, FAR_FUTURE when none."""
        out = np.full(self.n, FAR_FUTURE, dtype=np.int64)
        per = self.co_seg.min_where(self.lines.date[self.co], mask[self.co], FAR_FUTURE)
        out[self.co] = per[self.co_seg.id]
        return out

    def course_latest_value(self, values: Int) -> Int:
        """Per line: the latest given value of a date field in its course (NO_DATE if none)."""
        out = np.full(self.n, NO_DATE, dtype=np.int64)
        per = self.co_seg.max_where(values[self.co], values[self.co] > NO_DATE, NO_DATE)
        out[self.co] = per[self.co_seg.id]
        return out

    def code_list(self, roles: tuple[str, ...], pathways: tuple[str, ...] | None) -> str:
        return "/".join(self.cat.codes_for(roles, pathways))


KindFn = Callable[[Rule, Context], Hits]
KINDS: dict[str, KindFn] = {}


def kind(name: str) -> Callable[[KindFn], KindFn]:
    def register(fn: KindFn) -> KindFn:
        KINDS[name] = fn
        return fn

    return register


# ---------------------------------------------------------------------- counting
@kind("max_per_course")
def max_per_course(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.selected(rule)
    n = ctx.course_cumcount(sel)
    h = Hits.where(sel & (n > ctx.cat.param(rule.limit)), n=n)
    h.constants["codes"] = ctx.code_list(rule.roles, rule.pathways)
    return h


@kind("max_per_course_each_code")
def max_per_course_each_code(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.selected(rule)
    n = np.zeros(ctx.n, dtype=np.int64)
    for code in np.unique(ctx.lines.code[sel]):
        this = sel & (ctx.lines.code == code)
        n[this] = ctx.course_cumcount(this)[this]
    return Hits.where(sel & (n > ctx.cat.param(rule.limit)), n=n)


@kind("max_per_iso_week")
def max_per_iso_week(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.selected(rule)
    d = ctx.lines.date
    # 1970-01-01 was a Thursday: shifting by 3 makes the week key change on Mondays
    monday = d - (d + 3) % 7
    co = ctx.co
    seg = Segments.of(ctx.courses.course[co], monday[co])
    n = np.zeros(ctx.n, dtype=np.int64)
    n[co] = seg.cumcount(sel[co])
    iso = _dt(d).astype(object)
    hits = Hits.where(sel & (n > ctx.cat.param(rule.limit)), n=n)
    hits.details["week"] = np.array(
        [f"{x.isocalendar()[0]}-W{x.isocalendar()[1]:02d}" for x in iso[hits.idx]], dtype=object
    )
    return hits


@kind("max_since_reset")
def max_since_reset(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.codes(rule.roles, None)
    reset = ctx.codes(rule.reset_roles, None)
    # a new group at each patient+provider and right after each reset line
    starts = ctx.pp_seg.is_first()
    starts[1:] |= reset[:-1]
    n = Segments(starts).cumcount(sel)
    return Hits.where(sel & (n > ctx.cat.param(rule.limit)), n=n)


@kind("course_count_range")
def course_count_range(rule: Rule, ctx: Context) -> Hits:
    assert rule.low and rule.high
    sel = ctx.selected(rule)
    first_sel = sel & (ctx.course_cumcount(sel) == 1)
    counted = ctx.codes(rule.counted_roles, rule.pathways) & ctx.in_course
    count = ctx.course_count(counted)
    low, high = ctx.cat.param(rule.low), ctx.cat.param(rule.high)
    h = Hits.where(first_sel & (count >= 1) & ((count < low) | (count > high)), count=count)
    h.constants.update(
        low=str(low), high=str(high), codes=ctx.code_list(rule.counted_roles, rule.pathways)
    )
    return h


# ---------------------------------------------------------------------- time limits
@kind("days_after_start")
def days_after_start(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.selected(rule)
    days = ctx.lines.date - ctx.start_date
    return Hits.where(
        sel & (days > ctx.cat.param(rule.limit)), days=days, start=_dt(ctx.start_date)
    )


@kind("months_after_start")
def months_after_start(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.selected(rule)
    deadline = np.full(ctx.n, FAR_FUTURE, dtype=np.int64)
    deadline[sel] = add_months_days(ctx.start_date[sel], ctx.cat.param(rule.limit))
    return Hits.where(
        sel & (ctx.lines.date > deadline), deadline=_dt(deadline), start=_dt(ctx.start_date)
    )


@kind("months_after_referral")
def months_after_referral(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.selected(rule)
    # the line's own referral date, else the course's (a referral belongs to the course)
    referral = np.where(
        ctx.lines.referral > NO_DATE,
        ctx.lines.referral,
        ctx.course_latest_value(ctx.lines.referral),
    )
    sel &= referral > NO_DATE
    deadline = np.full(ctx.n, FAR_FUTURE, dtype=np.int64)
    deadline[sel] = add_months_days(referral[sel], ctx.cat.param(rule.limit))
    return Hits.where(
        sel & (ctx.lines.date > deadline), deadline=_dt(deadline), referral=_dt(referral)
    )


@kind("min_age_at_start")
def min_age_at_start(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit and rule.pathways
    starts = np.zeros(ctx.n, dtype=bool)
    starts[ctx.courses.start_line] = True
    sel = starts & ctx.t.pathway_index(rule.pathways)[ctx.course_pathway]
    birth = np.where(
        ctx.lines.birth > NO_DATE, ctx.lines.birth, ctx.course_latest_value(ctx.lines.birth)
    )
    sel &= birth > NO_DATE
    deadline = np.full(ctx.n, NO_DATE, dtype=np.int64)
    deadline[sel] = add_months_days(birth[sel], 12 * ctx.cat.param(rule.limit))
    # allowed only when the start date is after the 16th birthday ("over 16")
    return Hits.where(sel & ~(ctx.lines.date > deadline), birth=_dt(birth), deadline=_dt(deadline))


@kind("status_window")
def status_window(rule: Rule, ctx: Context) -> Hits:
    assert rule.tolerance
    sel = ctx.selected(rule)
    idx = np.flatnonzero(sel)
    code = ctx.lines.code[idx]
    start = ctx.start_date[idx]
    weeks = ctx.t.target_weeks[code]
    months = ctx.t.target_months[code]
    target = np.where(weeks >= 0, start + 7 * weeks, 0)
    by_month = months >= 0
    target[by_month] = add_months_days(start[by_month], months[by_month])
    cal = busdaycalendar()
    tdt = _dt(target)
    wd = np.busday_count(tdt, _dt(ctx.lines.date[idx]), busdaycal=cal).astype(np.int64)
    tol = ctx.cat.param(rule.tolerance)
    bad = np.abs(wd) > tol
    idx, tdt, wd, start, weeks, months = (a[bad] for a in (idx, tdt, wd, start, weeks, months))
    latest = np.busday_offset(tdt, tol, roll="forward", busdaycal=cal)
    earliest = np.busday_offset(
        tdt - np.timedelta64(1, "D"), -tol, roll="backward", busdaycal=cal
    ) + np.timedelta64(1, "D")
    offset = np.where(
        weeks >= 0,
        np.char.add(weeks.astype(str), " weeks"),
        np.char.add(months.astype(str), " months"),
    )
    return Hits(
        idx,
        {
            "wd": np.where(wd > 0, np.char.add("+", wd.astype(str)), wd.astype(str)),
            "target": tdt,
            "start": _dt(start),
            "earliest": earliest,
            "latest": latest,
            "offset": offset,
        },
        {"tolerance": str(tol)},
    )


@kind("followup_timing")
def followup_timing(rule: Rule, ctx: Context) -> Hits:
    sel = ctx.selected(rule)
    anchor = ctx.course_first_date(ctx.codes(rule.anchor_roles, rule.pathways) & ctx.in_course)
    n = ctx.course_cumcount(sel)
    earliest = np.full(ctx.n, NO_DATE, dtype=np.int64)
    latest = np.full(ctx.n, NO_DATE, dtype=np.int64)
    applies = np.zeros(ctx.n, dtype=bool)
    for i, (lo, hi) in enumerate(rule.windows, start=1):
        m = sel & (n == i) & (anchor < FAR_FUTURE)
        earliest[m] = add_months_days(anchor[m], ctx.cat.param(lo))
        latest[m] = add_months_days(anchor[m], ctx.cat.param(hi))
        applies |= m
    d = ctx.lines.date
    return Hits.where(
        applies & ((d < earliest) | (d > latest)),
        n=n,
        anchor=_dt(anchor),
        days=d - anchor,
        earliest=_dt(earliest),
        latest=_dt(latest),
    )


# ---------------------------------------------------------------------- order in a course
@kind("after_first")
def after_first(rule: Rule, ctx: Context) -> Hits:
    sel = ctx.selected(rule)
    anchor = ctx.course_first_date(ctx.codes(rule.anchor_roles, rule.pathways) & ctx.in_course)
    return Hits.where(sel & (ctx.lines.date > anchor), anchor=_dt(anchor))


@kind("on_or_after_first")
def on_or_after_first(rule: Rule, ctx: Context) -> Hits:
    sel = ctx.selected(rule)
    anchor = ctx.course_first_date(ctx.codes(rule.anchor_roles, rule.pathways) & ctx.in_course)
    h = Hits.where(sel & (ctx.lines.date >= anchor), anchor=_dt(anchor))
    h.constants["alternative"] = _sibling_codes(ctx, rule, "follow_up_after_last")
    return h


@kind("requires_earlier")
def requires_earlier(rule: Rule, ctx: Context) -> Hits:
    sel = ctx.selected(rule)
    anchor_codes = ctx.codes(rule.anchor_roles, rule.pathways)
    anchor = ctx.course_first_date(anchor_codes & ctx.in_course)
    hits = Hits.where(sel & ~(anchor < ctx.lines.date), anchor=anchor)
    a = hits.details.pop("anchor")
    names = ctx.code_list(rule.anchor_roles, rule.pathways)
    reason = np.where(
        a >= FAR_FUTURE,
        f"the course has no earlier {names}",
        np.char.add(
            np.char.add(f"the course's first {names} is on ", _dt(a).astype(str)), ", not before it"
        ),
    )
    hits.details["reason"] = reason
    return hits


@kind("requires_prior_service")
def requires_prior_service(rule: Rule, ctx: Context) -> Hits:
    sel = ctx.selected(rule)
    # "earlier" in the order of rules.md §1: by date, then input order
    h = Hits.where(sel & ctx.pp_seg.is_first())
    h.constants["alternative"] = _sibling_codes(ctx, rule, "start")
    return h


def _sibling_codes(ctx: Context, rule: Rule, role: str) -> str:
    """The codes of `role` in the pathways of the lines hit (for "use X instead")."""
    return ctx.code_list((role,), rule.pathways)


# ---------------------------------------------------------------------- same day
def _same_day_count(ctx: Context, mask: Bool) -> Int:
    return ctx.day_seg.count(mask)


@kind("requires_same_day")
def requires_same_day(rule: Rule, ctx: Context) -> Hits:
    sel = ctx.selected(rule)
    other = ctx.codes(rule.other_roles, None)
    h = Hits.where(sel & (_same_day_count(ctx, other) == 0))
    h.constants["other_codes"] = ctx.code_list(rule.other_roles, None)
    h.constants["alternative"] = ctx.code_list(("start",), rule.pathways)
    return h


@kind("forbidden_same_day")
def forbidden_same_day(rule: Rule, ctx: Context) -> Hits:
    sel = ctx.selected(rule)
    other = ctx.codes(rule.other_roles, None)
    h = Hits.where(sel & (_same_day_count(ctx, other) > 0))
    h.constants["other_codes"] = ctx.code_list(rule.other_roles, None)
    if rule.alternative_roles:
        h.constants["alternative"] = ctx.code_list(rule.alternative_roles, rule.pathways)
    return h


@kind("same_day_repeat")
def same_day_repeat(rule: Rule, ctx: Context) -> Hits:
    # every readable line with the codes counts; pathway rules report only lines in a course
    counted = ctx.codes(rule.roles, rule.pathways)
    n = ctx.day_seg.cumcount(counted)
    report = ctx.selected(rule)
    return Hits.where(report & (n > 1), n=n)


@kind("same_day_pair")
def same_day_pair(rule: Rule, ctx: Context) -> Hits:
    codes = ctx.cat.codes_for(rule.roles)
    sel = ctx.codes(rule.roles, None)
    present = [_same_day_count(ctx, ctx.lines.code == int(c)) > 0 for c in codes]
    both = np.sum(present, axis=0) >= 2 if present else np.zeros(ctx.n, dtype=bool)
    n = ctx.day_seg.cumcount(sel)
    h = Hits.where(sel & both & (n > 1))
    h.constants["others"] = " and ".join(codes)
    return h


@kind("exam_same_day")
def exam_same_day(rule: Rule, ctx: Context) -> Hits:
    exam = ctx.codes(rule.roles, None)
    follow = ctx.codes(rule.other_roles, None)
    n_exam = _same_day_count(ctx, exam)
    n_follow = _same_day_count(ctx, follow)
    involved = (exam | follow) & ((n_exam >= 2) | ((n_exam >= 1) & (n_follow >= 1)))
    n = ctx.day_seg.cumcount(exam | follow)
    h = Hits.where(involved & (n > 1))
    h.constants["others"] = ctx.code_list(rule.roles + rule.other_roles, None)
    return h


@kind("speciale_53_64_same_day")
def speciale_53_64_same_day(rule: Rule, ctx: Context) -> Hits:
    exam = ctx.codes(rule.roles, None)
    follow = ctx.codes(rule.other_roles, None)
    sp64 = code_mask(ctx.cat.speciale_64_codes)[ctx.lines.code]
    package = code_mask(ctx.cat.package_codes)[ctx.lines.code]
    bad = (exam & (_same_day_count(ctx, sp64) > 0)) | (follow & (_same_day_count(ctx, package) > 0))
    h = Hits.where(bad)
    h.constants["others"] = "package or training-package codes"
    return h


@kind("training_same_day")
def training_same_day(rule: Rule, ctx: Context) -> Hits:
    intro = ctx.codes(rule.roles, None)
    other = ctx.codes(rule.other_roles, None)
    alone = ctx.codes(rule.alone_roles, None)
    bad_intro = intro & (_same_day_count(ctx, other) > 0)
    bad_alone = alone & (ctx.day_seg.size[ctx.day_seg.id] > 1)
    hits = Hits.where(bad_intro | bad_alone)
    alone_names = ctx.code_list(rule.alone_roles, None)
    intro_names = ctx.code_list(rule.roles, None)
    other_names = ctx.code_list(rule.other_roles, None)
    hits.details["others"] = np.where(bad_intro[hits.idx], other_names, "other services")
    hits.details["reason"] = np.where(
        bad_intro[hits.idx],
        f"{intro_names} is not billed together with {other_names}",
        f"{alone_names} is billed on a day of its own",
    )
    return hits


# ---------------------------------------------------------------------- line fields
@kind("quantity_max")
def quantity_max(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.codes(rule.roles, None)
    h = Hits.where(
        sel & (ctx.lines.quantity > ctx.cat.param(rule.limit)), quantity=ctx.lines.quantity
    )
    h.constants["module_minutes"] = str(ctx.cat.param("conference_module_minutes"))
    return h


@kind("team_size_max")
def team_size_max(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.selected(rule) & (ctx.lines.team_size != NO_INT)
    return Hits.where(
        sel & (ctx.lines.team_size > ctx.cat.param(rule.limit)), team_size=ctx.lines.team_size
    )


@kind("exam_level")
def exam_level(rule: Rule, ctx: Context) -> Hits:
    assert rule.short and rule.long
    sel = ctx.codes(rule.roles, None)
    seg = ctx.day_seg
    # the latest readable line dated strictly earlier at the provider: the last line of the
    # previous day-group when it belongs to the same patient+provider
    prev_idx = seg.first - 1
    same_pp = np.zeros(seg.n, dtype=bool)
    ok = prev_idx >= 0
    same_pp[ok] = ctx.lines.pp[prev_idx[ok]] == ctx.lines.pp[seg.first[ok]]
    prev_day = np.where(same_pp, ctx.lines.date[np.maximum(prev_idx, 0)], NO_DATE)[seg.id]
    previous = np.maximum(prev_day, ctx.lines.last_visit)
    sel &= previous > NO_DATE
    idx = np.flatnonzero(sel)
    if not len(idx):
        return Hits(idx)
    d = ctx.lines.date[idx]
    prev = previous[idx]
    short_from = add_months_days(d, -ctx.cat.param(rule.short))
    long_from = add_months_days(d, -ctx.cat.param(rule.long))
    level = np.where(
        prev >= short_from,
        "within_short",
        np.where(prev >= long_from, "within_long", "none_or_older"),
    )
    by_level = {c.exam_level: c.code for c in ctx.cat.codes.values() if c.exam_level}
    expected = np.vectorize(by_level.__getitem__, otypes=[object])(level)
    actual = np.char.zfill(ctx.lines.code[idx].astype(str), 4)
    bad = expected != actual
    since = np.where(
        level == "within_short",
        f"within {ctx.cat.param(rule.short)} months",
        np.where(
            level == "within_long",
            f"within {ctx.cat.param(rule.long) // 12} years",
            f"more than {ctx.cat.param(rule.long) // 12} years ago",
        ),
    )
    return Hits(
        idx[bad], {"previous": _dt(prev[bad]), "expected": expected[bad], "since": since[bad]}
    )


@kind("code_unknown")
def code_unknown(rule: Rule, ctx: Context) -> Hits:
    return Hits.where(~ctx.t.known[ctx.lines.code])


# ---------------------------------------------------------------------- courses (§2)
@kind("course_no_start")
def course_no_start(rule: Rule, ctx: Context) -> Hits:
    no_start = ctx.courses.no_start
    hits = Hits.where(no_start)
    pw = ctx.t.pathway[ctx.lines.code[hits.idx]]
    starts = {i: "/".join(ctx.cat.start_codes(p)) for i, p in enumerate(ctx.t.pathways)}
    given = ctx.lines.course_given[hits.idx]
    hits.details["start_codes"] = np.array([starts[int(p)] for p in pw], dtype=object)
    hits.details["reason"] = np.where(
        given,
        "its course does not begin with a start code",
        "the patient has no course of that pathway at this provider started on or before this date",
    )
    return hits


@kind("course_mixed_pathway")
def course_mixed_pathway(rule: Rule, ctx: Context) -> Hits:
    hits = Hits.where(ctx.courses.mixed)
    c = ctx.courses.mixed_course[hits.idx]
    names = np.array(ctx.t.pathways, dtype=object)
    hits.details["course_pathway"] = names[ctx.courses.pathway[c]] if len(c) else names[:0]
    return hits


# handled while reading the input (forlob.rules.prepare), listed for the registry
INPUT_KINDS = frozenset({"input_invalid", "input_field_ignored"})
