"""The kinds of check a rule in `catalogue/data/rules.toml` can be.

Each kind is one vectorised function over all service lines at once. It receives the rule
(with its codes, selected by pathway and role, and its named limits from the catalogue) and
the audit context, and returns the lines that break the rule with the values its message
needs. No kind knows a code or a number from the seeds: those come from the rule's data.

Kinds work on the *candidate lines* of a rule (the lines with its codes), found through an
index of lines by code, so each rule costs time in proportion to its candidates, not to the
whole extract.

Message placeholders every rule can use: {code} {date} {row} {pathway} {course_id} {source}
{limit} {codes}; the rest are the detail columns a kind returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from forlob import windows
from forlob.calendar import add_months
from forlob.catalogue import Catalogue, Rule
from forlob.rules.courses import Courses
from forlob.rules.prepare import FAR_FUTURE, NO_DATE, NO_INT, TOO_LARGE, Lines
from forlob.rules.segments import Segments, rank_in_runs
from forlob.rules.tables import CODE_SPACE, CodeTables, code_mask

Bool = npt.NDArray[np.bool_]
Int = npt.NDArray[np.integer[Any]]


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
    def of(idx: Int, bad: Bool, **details: npt.NDArray[np.generic]) -> Hits:
        """The lines `idx[bad]`, with each detail array (aligned with `idx`) cut alike."""
        return Hits(idx[bad], {k: v[bad] for k, v in details.items()})

    def keep(self, mask: Bool) -> Hits:
        return Hits(self.idx[mask], {k: v[mask] for k, v in self.details.items()}, self.constants)


def _ranges(starts: Int, ends: Int) -> Int:
    """The indices of the distinct ranges [start, end), in order."""
    starts, first = np.unique(starts, return_index=True)
    ends = np.asarray(ends)[first]
    lengths = ends - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(int(lengths.sum()))


def _merge(a: Int, b: Int) -> Int:
    """Two sets of line indices (lines of different codes, so disjoint), in line order."""
    out = np.concatenate((a, b))
    out.sort()
    return out


class Context:
    """Everything the kinds share: the lines, their courses and cached groupings."""

    def __init__(self, lines: Lines, courses: Courses, tables: CodeTables, catalogue: Catalogue):
        self.lines = lines
        self.courses = courses
        self.t = tables
        self.cat = catalogue
        self.n = len(lines)
        self.course = courses.course
        # lines grouped by code (a stable radix sort keeps each group in line order)
        order = np.argsort(lines.code.astype(np.int16), kind="stable").astype(np.int32)
        self._by_code = order
        self._code_bounds = np.searchsorted(lines.code[order], np.arange(CODE_SPACE + 1))
        self._selections: dict[tuple[str, ...], Int] = {}

    def warm_up(self) -> None:
        """Compute the shared groupings once, before rules run on several threads."""
        _ = self.course_start, self.pp_first, self.day_seg

    # -- per course (arrays indexed by course number) ---------------------------------
    @cached_property
    def course_start(self) -> Int:
        return self.lines.date[self.courses.start_line]

    # -- groupings over all lines ------------------------------------------------------
    @cached_property
    def pp_first(self) -> Int:
        """Per patient+provider: index of its first line (by date, then input order)."""
        return Segments.of(self.lines.pp).first

    @cached_property
    def day_seg(self) -> Segments:
        """Same day: same patient, same provider, same service_date (rules.md §1)."""
        return Segments.of(self.lines.pp, self.lines.date)

    # -- selections ----------------------------------------------------------------------
    def lines_with(self, codes: tuple[str, ...]) -> Int:
        """Indices of the lines with any of `codes`, in line order."""
        key = tuple(sorted(codes))
        if key not in self._selections:
            self._selections[key] = self._lines_with(key)
        return self._selections[key]

    def _lines_with(self, codes: tuple[str, ...]) -> Int:
        b = self._code_bounds
        sizes = [b[int(c) + 1] - b[int(c)] for c in codes]
        if sum(sizes) * 20 > self.n:  # many lines: one pass over the codes is cheaper
            # cached for the whole audit, so kept at 32 bits
            return np.flatnonzero(code_mask(codes)[self.lines.code]).astype(np.int32)
        parts = [self._by_code[b[int(c)] : b[int(c) + 1]] for c in codes]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        idx = np.concatenate(parts)
        idx.sort()
        return idx

    def has_code(self, idx: Int, roles: tuple[str, ...]) -> Bool:
        """Whether each line `idx` has a code of `roles`."""
        return code_mask(self.cat.codes_for(roles))[self.lines.code[idx]]

    def codes(self, roles: tuple[str, ...], pathways: tuple[str, ...] | None = None) -> Int:
        return self.lines_with(self.cat.codes_for(roles, pathways))

    def in_course(self, idx: Int, pathways: tuple[str, ...] | None = None) -> Int:
        return idx[self.in_course_mask(idx, pathways)]

    def in_course_mask(self, idx: Int, pathways: tuple[str, ...] | None = None) -> Bool:
        c = self.course[idx]
        ok = c >= 0
        if pathways is not None and self.courses.n:
            ok &= self.t.pathway_index(pathways)[self.courses.pathway[np.maximum(c, 0)]]
        return ok

    def selected(self, rule: Rule) -> Int:
        """Lines with the rule's codes; for pathway rules only lines in such a course."""
        idx = self.codes(rule.roles, rule.pathways)
        return idx if rule.pathways is None else self.in_course(idx, rule.pathways)

    def code_list(self, roles: tuple[str, ...], pathways: tuple[str, ...] | None) -> str:
        return "/".join(self.cat.codes_for(roles, pathways))

    # -- per-course helpers on candidate lines ----------------------------------------
    def by_course(self, idx: Int) -> Int:
        """`idx` (lines in courses) ordered by course, then date and input order."""
        return idx[np.argsort(self.course[idx], kind="stable")]

    def rank_in_course(self, idx: Int) -> tuple[Int, Int]:
        """Lines ordered by course, with each line's 1-based number among them in its course."""
        ordered = self.by_course(idx)
        return ordered, rank_in_runs(self.course[ordered])

    def first_date(self, idx: Int) -> Int:
        """Per course: the date of its first line among `idx` (FAR_FUTURE when none)."""
        out = np.full(self.courses.n, FAR_FUTURE, dtype=np.int64)
        np.minimum.at(out, self.course[idx], self.lines.date[idx])
        return out

    def own_or_course(self, name: str, idx: Int) -> Int:
        """The date field `name` of the lines `idx`, or where a line lacks it, the latest one
        given on its course's lines (a referral or a birth date belongs to the course)."""
        own = self.lines.of(name, idx).astype(np.int64)
        missing = own <= NO_DATE
        if missing.any():
            # a course lies within one patient+provider, so only their lines are read
            pp = self.lines.pp[idx[missing]]
            pp_ends = np.append(self.pp_first[1:], self.n)
            donors = _ranges(self.pp_first[pp], pp_ends[pp])
            wanted = np.unique(self.course[idx[missing]])
            donors = donors[np.isin(self.course[donors], wanted)]
            values = self.lines.of(name, donors).astype(np.int64)
            latest = np.full(self.courses.n, NO_DATE, dtype=np.int64)
            np.maximum.at(latest, self.course[donors], values)
            own[missing] = latest[self.course[idx[missing]]]
        return own

    def anchor(self, rule: Rule) -> Int:
        """Per course: the date of its first anchor line (e.g. the first 0267)."""
        return self.first_date(self.in_course(self.codes(rule.anchor_roles, rule.pathways)))

    # -- same-day helpers --------------------------------------------------------------
    def days_with(self, idx: Int) -> Bool:
        """Per day group: whether any of the lines `idx` falls on it."""
        has = np.zeros(self.day_seg.n, dtype=bool)
        has[self.day_seg.id[idx]] = True
        return has

    def day_counts(self, idx: Int) -> Int:
        return np.bincount(self.day_seg.id[idx], minlength=self.day_seg.n)

    def same_day_rank(self, idx: Int) -> Int:
        """1-based number of each line among `idx` on its day, in input order."""
        return rank_in_runs(self.day_seg.id[idx])


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
    idx, n = ctx.rank_in_course(ctx.selected(rule))
    h = Hits.of(idx, n > ctx.cat.param(rule.limit), n=n)
    h.constants["codes"] = ctx.code_list(rule.roles, rule.pathways)
    return h


@kind("max_per_course_each_code")
def max_per_course_each_code(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    sel = ctx.selected(rule)
    order = np.lexsort((np.arange(len(sel)), ctx.lines.code[sel], ctx.course[sel]))
    idx = sel[order]
    n = rank_in_runs(ctx.course[idx], ctx.lines.code[idx])
    return Hits.of(idx, n > ctx.cat.param(rule.limit), n=n)


@kind("max_per_iso_week")
def max_per_iso_week(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
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
    hits.details["week"] = np.array([f"{y}-W{w:02d}" for y, w, _ in weeks], dtype=object)
    return hits


@kind("max_since_reset")
def max_since_reset(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
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
def course_count_range(rule: Rule, ctx: Context) -> Hits:
    assert rule.low and rule.high
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


# ---------------------------------------------------------------------- time limits
@kind("days_after_start")
def days_after_start(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    idx = ctx.selected(rule)
    start = ctx.course_start[ctx.course[idx]]
    days = ctx.lines.date[idx] - start
    return Hits.of(idx, days > ctx.cat.param(rule.limit), days=days, start=_dt(start))


@kind("months_after_start")
def months_after_start(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    idx = ctx.selected(rule)
    start = ctx.course_start[ctx.course[idx]]
    deadline = add_months_days(start, ctx.cat.param(rule.limit))
    return Hits.of(idx, ctx.lines.date[idx] > deadline, deadline=_dt(deadline), start=_dt(start))


@kind("months_after_referral")
def months_after_referral(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    idx = ctx.selected(rule)
    # the line's own referral date, else the course's (a referral belongs to the course)
    referral = ctx.own_or_course("referral_date", idx)
    idx, referral = idx[referral > NO_DATE], referral[referral > NO_DATE]
    deadline = add_months_days(referral, ctx.cat.param(rule.limit))
    return Hits.of(
        idx, ctx.lines.date[idx] > deadline, deadline=_dt(deadline), referral=_dt(referral)
    )


@kind("min_age_at_start")
def min_age_at_start(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit and rule.pathways
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
def status_window(rule: Rule, ctx: Context) -> Hits:
    assert rule.tolerance
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
    idx, n = ctx.rank_in_course(ctx.selected(rule))
    anchor = ctx.anchor(rule)[ctx.course[idx]]
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


# ---------------------------------------------------------------------- order in a course
@kind("after_first")
def after_first(rule: Rule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    anchor = ctx.anchor(rule)[ctx.course[idx]]
    return Hits.of(idx, ctx.lines.date[idx] > anchor, anchor=_dt(anchor))


@kind("on_or_after_first")
def on_or_after_first(rule: Rule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    anchor = ctx.anchor(rule)[ctx.course[idx]]
    h = Hits.of(idx, ctx.lines.date[idx] >= anchor, anchor=_dt(anchor))
    h.constants["alternative"] = ctx.code_list(("follow_up_after_last",), rule.pathways)
    return h


@kind("requires_earlier")
def requires_earlier(rule: Rule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    anchor = ctx.anchor(rule)[ctx.course[idx]]
    hits = Hits.of(idx, ~(anchor < ctx.lines.date[idx]), anchor=anchor)
    a = np.asarray(hits.details.pop("anchor"), dtype=np.int64)
    names = ctx.code_list(rule.anchor_roles, rule.pathways)
    hits.details["reason"] = np.where(
        a >= FAR_FUTURE,
        f"the course has no earlier {names}",
        np.char.add(
            np.char.add(f"the course's first {names} is on ", _dt(a).astype(str)), ", not before it"
        ),
    )
    return hits


@kind("requires_prior_service")
def requires_prior_service(rule: Rule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    # "earlier" in the order of rules.md §1: by date, then input order
    h = Hits.of(idx, idx == ctx.pp_first[ctx.lines.pp[idx]])
    h.constants["alternative"] = ctx.code_list(("start",), rule.pathways)
    return h


# ---------------------------------------------------------------------- same day
@kind("requires_same_day")
def requires_same_day(rule: Rule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    has = ctx.days_with(ctx.codes(rule.other_roles))
    h = Hits.of(idx, ~has[ctx.day_seg.id[idx]])
    h.constants["other_codes"] = ctx.code_list(rule.other_roles, None)
    h.constants["alternative"] = ctx.code_list(("start",), rule.pathways)
    return h


@kind("forbidden_same_day")
def forbidden_same_day(rule: Rule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    has = ctx.days_with(ctx.codes(rule.other_roles))
    h = Hits.of(idx, has[ctx.day_seg.id[idx]])
    h.constants["other_codes"] = ctx.code_list(rule.other_roles, None)
    if rule.alternative_roles:
        h.constants["alternative"] = ctx.code_list(rule.alternative_roles, rule.pathways)
    return h


@kind("same_day_repeat")
def same_day_repeat(rule: Rule, ctx: Context) -> Hits:
    # every readable line with the codes counts; pathway rules report only lines in a course
    idx = ctx.codes(rule.roles, rule.pathways)
    n = ctx.same_day_rank(idx)
    bad = n > 1
    if rule.pathways is not None:
        bad &= ctx.in_course_mask(idx, rule.pathways)
    return Hits.of(idx, bad, n=n)


@kind("same_day_pair")
def same_day_pair(rule: Rule, ctx: Context) -> Hits:
    codes = ctx.cat.codes_for(rule.roles)
    idx = ctx.codes(rule.roles)
    kinds_present = sum(ctx.days_with(ctx.lines_with((c,))).astype(np.int64) for c in codes)
    both = np.asarray(kinds_present)[ctx.day_seg.id[idx]] >= 2
    h = Hits.of(idx, both & (ctx.same_day_rank(idx) > 1))
    h.constants["others"] = " and ".join(codes)
    return h


@kind("exam_same_day")
def exam_same_day(rule: Rule, ctx: Context) -> Hits:
    exam = ctx.codes(rule.roles)
    idx = _merge(exam, ctx.codes(rule.other_roles))
    n_exam = ctx.day_counts(exam)[ctx.day_seg.id[idx]]
    n_all = ctx.day_counts(idx)[ctx.day_seg.id[idx]]
    # two exams, or an exam with a follow-up consultation: every such line after the first
    conflict = (n_exam >= 2) | ((n_exam >= 1) & (n_all > n_exam))
    h = Hits.of(idx, conflict & (ctx.same_day_rank(idx) > 1))
    h.constants["others"] = ctx.code_list(rule.roles + rule.other_roles, None)
    return h


@kind("speciale_53_64_same_day")
def speciale_53_64_same_day(rule: Rule, ctx: Context) -> Hits:
    exam = ctx.codes(rule.roles)
    follow = ctx.codes(rule.other_roles)
    sp64_days = ctx.days_with(ctx.lines_with(ctx.cat.speciale_64_codes))
    package_days = ctx.days_with(ctx.lines_with(ctx.cat.package_codes))
    bad = _merge(
        exam[sp64_days[ctx.day_seg.id[exam]]], follow[package_days[ctx.day_seg.id[follow]]]
    )
    h = Hits(bad)
    h.constants["others"] = "package or training-package codes"
    return h


@kind("training_same_day")
def training_same_day(rule: Rule, ctx: Context) -> Hits:
    intro = ctx.codes(rule.roles)
    alone = ctx.codes(rule.alone_roles)
    other_days = ctx.days_with(ctx.codes(rule.other_roles))
    bad_intro = intro[other_days[ctx.day_seg.id[intro]]]
    bad_alone = alone[ctx.day_seg.size[ctx.day_seg.id[alone]] > 1]
    idx = _merge(bad_intro, bad_alone)
    is_intro = ctx.has_code(idx, rule.roles)
    alone_names = ctx.code_list(rule.alone_roles, None)
    intro_names = ctx.code_list(rule.roles, None)
    other_names = ctx.code_list(rule.other_roles, None)
    return Hits(
        idx,
        {
            "others": np.where(is_intro, other_names, "other services"),
            "reason": np.where(
                is_intro,
                f"{intro_names} is not billed together with {other_names}",
                f"{alone_names} is billed on a day of its own",
            ),
        },
    )


# ---------------------------------------------------------------------- line fields
def _count_text(values: Int) -> npt.NDArray[np.str_]:
    """A count for a message; one too large to hold is said to be so, not shown as 2³¹−1."""
    return np.where(values == TOO_LARGE, f"more than {TOO_LARGE - 1}", values.astype(str))


@kind("quantity_max")
def quantity_max(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    idx = ctx.codes(rule.roles)
    q = ctx.lines.of("quantity", idx)
    h = Hits.of(idx, q > ctx.cat.param(rule.limit), quantity=_count_text(q))
    h.constants["module_minutes"] = str(ctx.cat.param("conference_module_minutes"))
    return h


@kind("team_size_max")
def team_size_max(rule: Rule, ctx: Context) -> Hits:
    assert rule.limit
    idx = ctx.selected(rule)
    size = ctx.lines.of("team_size", idx)
    return Hits.of(
        idx,
        (size != NO_INT) & (size > ctx.cat.param(rule.limit)),
        team_size=_count_text(size),
    )


@kind("exam_level")
def exam_level(rule: Rule, ctx: Context) -> Hits:
    assert rule.short and rule.long
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
    since = np.where(
        level == "within_short",
        f"within {ctx.cat.param(rule.short)} months",
        np.where(
            level == "within_long",
            f"within {ctx.cat.param(rule.long) // 12} years",
            f"more than {ctx.cat.param(rule.long) // 12} years ago",
        ),
    )
    return Hits.of(
        idx,
        expected != ctx.lines.code[idx],
        previous=_dt(previous),
        expected=np.char.zfill(expected.astype(str), 4),
        since=since,
    )


@kind("code_unknown")
def code_unknown(rule: Rule, ctx: Context) -> Hits:
    return Hits(np.flatnonzero(~ctx.t.known[ctx.lines.code]))


# ---------------------------------------------------------------------- courses (§2)
@kind("course_no_start")
def course_no_start(rule: Rule, ctx: Context) -> Hits:
    idx = np.flatnonzero(ctx.courses.no_start)
    pw = ctx.t.pathway[ctx.lines.code[idx]]
    starts = np.array(["/".join(ctx.cat.start_codes(p)) for p in ctx.t.pathways], dtype=object)
    return Hits(
        idx,
        {
            "start_codes": starts[pw],
            "reason": np.where(
                ctx.lines.course_given[idx],
                "its course does not begin with a start code",
                "the patient has no course of that pathway at this provider started on or before "
                "this date",
            ),
        },
    )


@kind("course_mixed_pathway")
def course_mixed_pathway(rule: Rule, ctx: Context) -> Hits:
    idx = np.flatnonzero(ctx.courses.mixed)
    c = ctx.courses.mixed_course[idx]
    names = np.array(ctx.t.pathways, dtype=object)
    return Hits(idx, {"course_pathway": names[ctx.courses.pathway[c]]})


# handled while reading the input (forlob.rules.prepare), listed for the registry
INPUT_KINDS = frozenset({"input_invalid", "input_field_ignored"})
