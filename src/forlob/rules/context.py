"""What every kind of check shares: the lines of an audit with their courses and groupings
(`Context`), and what a kind returns (`Hits`).

Kinds work on the *candidate lines* of a rule (the lines with its codes), found through an
index of lines by code, so each rule costs time in proportion to its candidates, not to the
whole extract.

Message placeholders every rule can use: {code} {date} {row} {pathway} {course_id} {source}
{limit} {codes}; the rest are the detail columns a kind returns. Where the wording itself
depends on the line (which side of its window, which reason), the kind returns the key of a
catalogue phrase (`Hits.phrases`, or a `Phrase` constant), never a sentence: the engine fills
it in the caller's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from forlob.calendar import add_months
from forlob.catalogue import Catalogue
from forlob.catalogue.rule_kinds import CodedRule
from forlob.rules.courses import Courses
from forlob.rules.prepare import FAR_FUTURE, NO_DATE, Lines
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


@dataclass(frozen=True)
class Phrase:
    """A constant placeholder value that is a catalogue phrase (by key), not a literal."""

    key: str


@dataclass
class Hits:
    """Lines (indices into Lines) that break a rule, and per-line values for the message.

    `details` are values (numbers, dates, codes); `phrases` are per-line phrase keys; a
    constant is a value or a `Phrase`.
    """

    idx: Int
    details: dict[str, npt.NDArray[np.generic]] = field(default_factory=dict)
    constants: dict[str, str | Phrase] = field(default_factory=dict)
    phrases: dict[str, npt.NDArray[np.generic]] = field(default_factory=dict)

    @staticmethod
    def of(idx: Int, bad: Bool, **details: npt.NDArray[np.generic]) -> Hits:
        """The lines `idx[bad]`, with each detail array (aligned with `idx`) cut alike."""
        return Hits(idx[bad], {k: v[bad] for k, v in details.items()})

    def keep(self, mask: Bool) -> Hits:
        return Hits(
            self.idx[mask],
            {k: v[mask] for k, v in self.details.items()},
            self.constants,
            {k: v[mask] for k, v in self.phrases.items()},
        )


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

    def selected(self, rule: CodedRule) -> Int:
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

    def anchor(self, roles: tuple[str, ...], pathways: tuple[str, ...] | None) -> Int:
        """Per course: the date of its first line of `roles` (e.g. the first 0267)."""
        return self.first_date(self.in_course(self.codes(roles, pathways)))

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
