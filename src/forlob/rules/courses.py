"""Course (forløb) assignment: given `course_id`s and inference (rules.md §1, Course; §2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from forlob.rules.prepare import Lines
from forlob.rules.segments import Segments, rank_in_runs
from forlob.rules.tables import CodeTables

_BIG = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Courses:
    course: npt.NDArray[np.int32]  # per line: course number, -1 when in no course
    no_start: npt.NDArray[np.bool_]  # per line: COURSE-NO-START
    mixed: npt.NDArray[np.bool_]  # per line: COURSE-MIXED-PATHWAY
    mixed_course: npt.NDArray[np.int32]  # per line: the given course a mixed line was in
    # per course
    pathway: npt.NDArray[np.int64]
    start_line: npt.NDArray[np.int64]  # index (into Lines) of the line that opened it
    given: npt.NDArray[np.bool_]
    ordinal: npt.NDArray[np.int64]  # 1 unless several same-pathway starts share a day

    @property
    def n(self) -> int:
        return len(self.pathway)


def _clashes(key: npt.NDArray[np.uint64], full: npt.NDArray[np.uint64]) -> bool:
    """Whether two course ids of one patient+provider share a sort key."""
    return bool(np.any((key[1:] == key[:-1]) & (full[1:] != full[:-1])))


def assign_courses(lines: Lines, t: CodeTables) -> Courses:
    n = len(lines)
    pw = t.pathway[lines.code]
    is_pw = pw >= 0
    is_start = t.start[lines.code]
    course = np.full(n, -1, dtype=np.int32)
    no_start = np.zeros(n, dtype=bool)
    mixed = np.zeros(n, dtype=bool)
    mixed_course = np.full(n, -1, dtype=np.int32)
    c_pathway: list[npt.NDArray[np.int64]] = []
    c_start: list[npt.NDArray[np.int64]] = []
    c_given: list[npt.NDArray[np.bool_]] = []
    c_ordinal: list[npt.NDArray[np.int64]] = []
    next_id = 0

    # Inferred: per (patient, provider), in date order, a start code opens a course of its
    # pathway; other codes join the latest course of their pathway started on or before their
    # date. Counting starts up to the *end* of a line's day makes a same-day start count as
    # earlier whatever the input order. Each pathway's lines are handled as a subset, in
    # line order, so the cost follows the number of pathway lines.
    inferred = np.flatnonzero(is_pw & ~lines.course_given)
    inferred_pw = pw[inferred]
    for p in range(t.n_pathways):
        m = inferred[inferred_pw == p]
        if not len(m):
            continue
        s = is_start[m]
        cs = np.cumsum(s, dtype=np.int64)
        pp_seg = Segments.of(lines.pp[m])
        day_seg = Segments.of(lines.pp[m], lines.date[m])
        day_last = day_seg.first + day_seg.size - 1
        own = np.where(s, cs, cs[day_last][day_seg.id])
        before_pp = (cs - s)[pp_seg.first][pp_seg.id]
        has = own > before_pp
        course[m[has]] = next_id + own[has] - 1
        no_start[m[~has]] = True
        starts_at = m[s]
        c_pathway.append(np.full(len(starts_at), p, dtype=np.int64))
        c_start.append(starts_at.astype(np.int64))
        c_given.append(np.zeros(len(starts_at), dtype=bool))
        # several starts of one pathway on one day are told apart by their order
        c_ordinal.append(rank_in_runs(day_seg.id[s]))
        next_id += len(starts_at)

    # Given course ids: a course is one patient at one provider, so the key is
    # (patient, provider, course_id).
    g = np.flatnonzero(is_pw & lines.course_given)
    if len(g):
        # Lines are already in patient+provider order, so a stable sort on (pair, top 32 bits
        # of the course id's hash) is nearly free; two ids of one pair sharing those bits are
        # caught and sorted on the full hash instead.
        course_key = lines.of("course_key", g)
        key = (lines.pp[g].astype(np.uint64) << np.uint64(32)) | (course_key >> np.uint64(32))
        order = np.argsort(key, kind="stable")
        if _clashes(key[order], course_key[order]):
            key = course_key ^ (lines.pp[g].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
            order = np.argsort(key, kind="stable")
        gi = g[order]
        seg = Segments.of(key[order])
        dates = lines.date[gi]
        first_date = dates[seg.first][seg.id]
        # Leniency on the first day: a start code anywhere on the course's earliest date
        # counts as its start, as in inference.
        cand = is_start[gi] & (dates == first_date)
        pos = np.arange(len(gi), dtype=np.int64)
        first_cand = seg.min_where(pos, cand, _BIG)
        has_start = first_cand < _BIG
        cpath = np.where(has_start, pw[gi][np.minimum(first_cand, len(gi) - 1)], -1)
        line_has = has_start[seg.id]
        line_cpath = cpath[seg.id]
        no_start[gi[seg.first[~has_start]]] = True
        is_mixed = line_has & (pw[gi] != line_cpath)
        mixed[gi[is_mixed]] = True
        n_given = int(has_start.sum())
        course_no = np.full(seg.n, -1, dtype=np.int64)
        course_no[has_start] = next_id + np.arange(n_given)
        mixed_course[gi[is_mixed]] = course_no[seg.id][is_mixed]
        joined = line_has & ~is_mixed
        course[gi[joined]] = course_no[seg.id][joined]
        c_pathway.append(cpath[has_start])
        c_start.append(gi[first_cand[has_start]])
        c_given.append(np.ones(n_given, dtype=bool))
        c_ordinal.append(np.ones(n_given, dtype=np.int64))
        next_id += n_given

    def cat(parts: list[Any], dtype: type) -> Any:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    return Courses(
        course=course,
        no_start=no_start,
        mixed=mixed,
        mixed_course=mixed_course,
        pathway=cat(c_pathway, np.int64),
        start_line=cat(c_start, np.int64),
        given=cat(c_given, np.bool_),
        ordinal=cat(c_ordinal, np.int64),
    )
