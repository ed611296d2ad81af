"""Clinic outcome reports: per pathway, how many courses, and how their PROM scores moved.

No Django here: the caller passes plain records (the web app passes only answers that may be
used beyond the journal, i.e. of consenting patients — seed 000). Per course and instrument
the change is from the first to the last answered score (`forlob.prom.change`, the same
computation as the course page); a course counts for an instrument once it has two scores in
the same unit. "Reaching the MCID" means an important improvement: a change in the better
direction at least as large as one of the instrument's MCID thresholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from forlob.catalogue import Catalogue, load_catalogue
from forlob.prom import (
    INSTRUMENT_NAMES,
    InstrumentDataError,
    Score,
    change,
    load_instrument,
    stored_score,
)

__all__ = ["InstrumentOutcome", "Measurement", "PathwayOutcome", "outcome_report"]

_ONE = Decimal("0.1")


@dataclass(frozen=True)
class Measurement:
    """One answered score of a course (as stored: the reported, one-decimal score)."""

    course_id: int
    instrument: str
    unit: str
    answered_at: dt.datetime | dt.date
    score: Decimal
    order: int = 0  # tie-break for equal times (e.g. the round's id)


@dataclass(frozen=True)
class InstrumentOutcome:
    instrument: str
    abbreviation: str
    unit: str
    courses: int  # courses with a baseline and a later score
    mean_change: Decimal  # mean of (last − first), one decimal, in `unit`
    reaching_mcid: int  # courses with an important improvement

    @property
    def share_reaching_mcid(self) -> Decimal:
        """Percent of `courses`, one decimal."""
        return (Decimal(self.reaching_mcid) * 100 / self.courses).quantize(_ONE, ROUND_HALF_UP)


@dataclass(frozen=True)
class PathwayOutcome:
    pathway: str
    name_da: str
    name_en: str
    courses: int  # every course of the pathway given
    courses_with_scores: int  # of which with at least one change measured
    instruments: tuple[InstrumentOutcome, ...]


def _score(m: Measurement) -> Score:
    return stored_score(load_instrument(m.instrument), m.score, m.unit)


def _instrument_order(name: str) -> tuple[int, str]:
    n = INSTRUMENT_NAMES.index(name) if name in INSTRUMENT_NAMES else len(INSTRUMENT_NAMES)
    return n, name


def outcome_report(
    courses: Mapping[int, str],
    measurements: Iterable[Measurement],
    catalogue: Catalogue | None = None,
) -> list[PathwayOutcome]:
    """`courses` maps course id → pathway id; measurements of other courses are ignored.

    Pathways come in catalogue order, only those with at least one course.
    """
    cat = catalogue or load_catalogue()
    series: dict[tuple[int, str], list[Measurement]] = {}
    for m in measurements:
        if m.course_id in courses:
            series.setdefault((m.course_id, m.instrument), []).append(m)

    # per pathway and (instrument, unit): the changes of its courses
    changes: dict[str, dict[tuple[str, str], list[tuple[Decimal, bool]]]] = {}
    measured: dict[str, set[int]] = {}
    for (course_id, name), ms in series.items():
        if len(ms) < 2:
            continue
        ms.sort(key=lambda m: (m.answered_at, m.order))
        first, last = ms[0], ms[-1]
        if first.unit != last.unit:
            continue
        try:
            c = change(_score(first), _score(last))
        except InstrumentDataError:
            continue
        changes.setdefault(courses[course_id], {}).setdefault((name, first.unit), []).append(
            (c.absolute, c.important_improvement)
        )
        measured.setdefault(courses[course_id], set()).add(course_id)

    report = []
    for pid, pathway in cat.pathways.items():
        ids = [cid for cid, p in courses.items() if p == pid]
        if not ids:
            continue
        rows = []
        by_instrument = changes.get(pid, {})
        for name, unit in sorted(by_instrument, key=lambda k: (_instrument_order(k[0]), k[1])):
            values = by_instrument[(name, unit)]
            total = sum((v for v, _ in values), Decimal(0))
            rows.append(
                InstrumentOutcome(
                    instrument=name,
                    abbreviation=load_instrument(name).abbreviation,
                    unit=unit,
                    courses=len(values),
                    mean_change=(total / len(values)).quantize(_ONE, ROUND_HALF_UP),
                    reaching_mcid=sum(1 for _, ok in values if ok),
                )
            )
        report.append(
            PathwayOutcome(
                pathway=pid,
                name_da=pathway.name_da,
                name_en=pathway.name_en,
                courses=len(ids),
                courses_with_scores=len(measured.get(pid, ())),
                instruments=tuple(rows),
            )
        )
    return report
