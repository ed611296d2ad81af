"""Outcomes of a course for its page: questionnaire rounds, baseline vs latest, chart (§7, §8).

`course_outcomes(course)` gives the context of the course page's two partials
(`forlob/course/_questionnaires.html` and `_outcomes.html`) in a fixed number of queries:
the rounds with their answers (2: rounds, then answers prefetched) plus, unless the caller
passes the course's `progress`, the service lines for the plan (1). The course's patient,
referral and clinic are expected loaded with it (`access_course` does so).

`reportable_answers()` is the one place that decides which answers may leave the journal: only
answered rounds of patients who consent to use beyond the journal (seed 000).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from forlob.course import instrument_ids
from forlob.planning import ItemProgress, PlannedItem
from forlob.prom import (
    INSTRUMENT_NAMES,
    Change,
    Instrument,
    InstrumentDataError,
    Score,
    Threshold,
    load_instrument,
    stored_score,
)
from forlob.prom import change as prom_change
from forlob.web.actions.questionnaires import round_state
from forlob.web.chart import Series, scores_svg
from forlob.web.models import Course, QuestionnaireAnswer, QuestionnaireRound
from forlob.web.plans import course_progress


def reportable_answers(
    answers: QuerySet[QuestionnaireAnswer] | None = None,
) -> QuerySet[QuestionnaireAnswer]:
    """Answers that may be used beyond the journal (reports, statistics): answered rounds of
    patients who consent. Without consent the answers stay on the course only."""
    base = answers if answers is not None else QuestionnaireAnswer.objects.all()
    return base.filter(
        round__course__patient__consent_beyond_journal=True,
        round__completed_at__isnull=False,
    )


def scale_max(inst: Instrument) -> Decimal:
    """The top of an instrument's reported scale (ODI/NDI 100 %, NPRS/PSFS 10)."""
    if inst.kind == "sections":
        return Decimal(100)
    return Decimal(inst.items[0].high) if inst.items else Decimal(0)


def unit_label(unit: str) -> str:
    return _("points") if unit == "points" else unit


@dataclass
class ScorePoint:
    on: dt.date
    score: Decimal
    round_id: int


@dataclass
class OutcomeRow:
    """Baseline vs latest of one instrument on a course."""

    instrument: Instrument
    unit: str
    points: list[ScorePoint]
    change: Change | None

    @property
    def key(self) -> str:
        return self.instrument.id

    @property
    def abbreviation(self) -> str:
        return self.instrument.abbreviation

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)

    @property
    def baseline(self) -> ScorePoint:
        return self.points[0]

    @property
    def latest(self) -> ScorePoint | None:
        return self.points[-1] if len(self.points) > 1 else None

    @property
    def lower_is_better(self) -> bool:
        return not self.instrument.higher_is_better

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        return self.instrument.mcid

    @property
    def reaches_mcid(self) -> bool | None:
        return None if self.change is None else self.change.reaches_mcid

    @property
    def verdict(self) -> str:
        """important_improvement | improvement | no_change | deterioration |
        important_deterioration | single (only a baseline so far)."""
        c = self.change
        if c is None:
            return "single"
        if c.improved is None:
            return "no_change"
        if c.important_improvement:
            return "important_improvement"
        if c.important_deterioration:
            return "important_deterioration"
        return "improvement" if c.improved else "deterioration"


@dataclass
class RoundRow:
    """A round as the course page lists it."""

    round: QuestionnaireRound
    state: str  # answered | sent | expired | open
    instruments: list[str]
    scores: list[tuple[str, Decimal, str]] = field(default_factory=list)  # abbr, score, unit


@dataclass
class PlannedRound:
    """A questionnaire round of the plan, with what happened to it."""

    progress: ItemProgress
    instruments: list[str]  # prom ids
    rounds: list[RoundRow]

    @property
    def key(self) -> str:
        return self.progress.item.key

    @property
    def item(self) -> PlannedItem:
        return self.progress.item

    @property
    def state(self) -> str:
        """answered | sent | expired | overdue | open | upcoming | unreachable."""
        states = [r.state for r in self.rounds]
        for s in ("answered", "sent", "expired"):
            if s in states:
                return s
        own = self.progress.state
        return "open" if own == "done" else own

    @property
    def live_round(self) -> RoundRow | None:
        return next((r for r in reversed(self.rounds) if r.state == "sent"), None)

    @property
    def can_send(self) -> bool:
        return self.state not in ("answered", "sent", "unreachable")


@dataclass
class QuestionnaireContext:
    course: Course
    planned: list[PlannedRound]
    other_rounds: list[RoundRow]
    rounds: list[RoundRow]
    consent: bool
    consent_recorded_at: dt.datetime | None
    has_email: bool


@dataclass
class OutcomesContext:
    course: Course
    rows: list[OutcomeRow]
    chart: SafeString

    @property
    def any(self) -> bool:
        return bool(self.rows)


def _as_score(inst: Instrument, row: QuestionnaireAnswer) -> Score:
    """The stored (reported) score as a `forlob.prom.Score`, for `change`."""
    return stored_score(inst, Decimal(row.score), row.unit, len(row.answers))


def _order(name: str) -> int:
    return INSTRUMENT_NAMES.index(name) if name in INSTRUMENT_NAMES else len(INSTRUMENT_NAMES)


def outcome_rows(rounds: list[QuestionnaireRound]) -> list[OutcomeRow]:
    """Per instrument, its scores in the order answered; change from the first to the last."""
    answered = sorted(
        (r for r in rounds if r.completed_at is not None),
        key=lambda r: (r.completed_at, r.pk),
    )
    by_instrument: dict[str, list[tuple[QuestionnaireAnswer, QuestionnaireRound]]] = {}
    for r in answered:
        for a in r.answers.all():
            # stored as prom ids ("odi"); rows written elsewhere may say "ODI"
            key = a.instrument.strip().lower()
            by_instrument.setdefault(key, []).append((a, r))
    rows: list[OutcomeRow] = []
    for name in sorted(by_instrument, key=_order):
        try:
            inst = load_instrument(name)
        except InstrumentDataError:  # no longer shipped: skip rather than break the page
            continue
        answers = by_instrument[name]
        points = [
            ScorePoint(timezone.localtime(r.completed_at).date(), Decimal(a.score), r.pk)
            for a, r in answers
            if r.completed_at is not None
        ]
        first, last = answers[0][0], answers[-1][0]
        delta = None
        if len(answers) > 1 and first.unit == last.unit:
            delta = prom_change(_as_score(inst, first), _as_score(inst, last))
        rows.append(OutcomeRow(inst, first.unit, points, delta))
    return rows


def chart_series(rows: list[OutcomeRow]) -> list[Series]:
    return [
        Series(
            key=row.key,
            label=f"{row.abbreviation} ({row.unit_label})",
            points=tuple((p.on, p.score) for p in row.points),
            scale_max=scale_max(row.instrument),
            higher_is_better=row.instrument.higher_is_better,
        )
        for row in rows
    ]


def chart_for(rows: list[OutcomeRow]) -> SafeString:
    # every text in the SVG is escaped by the chart module, so it may be inlined
    svg = scores_svg(
        chart_series(rows),
        title=_("Scores over time"),
        empty_text=_("No answered questionnaires yet"),
    )
    return mark_safe(svg)


def load_rounds(course: Course) -> list[QuestionnaireRound]:
    """The course's rounds with their answers: two queries."""
    return list(
        QuestionnaireRound.objects.filter(course=course)
        .prefetch_related("answers")
        .order_by("created_at", "id")
    )


def _round_row(r: QuestionnaireRound, now: dt.datetime) -> RoundRow:
    scores = sorted(
        ((a.instrument, Decimal(a.score), a.unit) for a in r.answers.all()),
        key=lambda s: _order(s[0].strip().lower()),
    )
    return RoundRow(
        round=r,
        state=round_state(r, now),
        instruments=[load_instrument(n).abbreviation for n in r.instruments],
        scores=[(load_instrument(n).abbreviation, s, unit_label(u)) for n, s, u in scores],
    )


def course_outcomes(
    course: Course,
    *,
    progress: list[ItemProgress] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Template context for the course page's questionnaire and outcome sections.

    Queries: 2 (rounds + answers) when `progress` is given, 3 otherwise (+ the service lines).
    """
    now = timezone.now()
    day = today or timezone.localdate()
    items = progress if progress is not None else course_progress(course, day)
    rounds = load_rounds(course)
    rows = [_round_row(r, now) for r in rounds]
    planned: list[PlannedRound] = []
    claimed: set[int] = set()
    for p in items:
        if p.item.kind != "questionnaire":
            continue
        mine = [row for row in rows if row.round.plan_key == p.item.key]
        claimed.update(row.round.pk for row in mine)
        planned.append(PlannedRound(p, instrument_ids(p.item.instruments), mine))
    outcome = outcome_rows(rounds)
    patient = course.patient
    return {
        "questionnaires": QuestionnaireContext(
            course=course,
            planned=planned,
            other_rounds=[row for row in rows if row.round.pk not in claimed],
            rounds=rows,
            consent=patient.consent_beyond_journal,
            consent_recorded_at=patient.consent_recorded_at,
            has_email=bool(patient.email),
        ),
        "outcomes": OutcomesContext(course=course, rows=outcome, chart=chart_for(outcome)),
    }
