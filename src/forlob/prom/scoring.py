"""Scoring and change for outcome measures, in exact decimal arithmetic.

Scores are `Decimal`s rounded half-up to one decimal, because published worked examples (ODI
16 of 45 → 35.6 %) are stated that way and binary floats round some halves down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from forlob.prom.instruments import Instrument, Threshold, load_instrument

__all__ = [
    "stored_score",
    "Change",
    "InstrumentAnswers",
    "Score",
    "ScoreInputError",
    "change",
    "other_test",
    "score",
]

Answer = int | Decimal | None

_ONE_DECIMAL = Decimal("0.1")


@dataclass
class InstrumentAnswers:
    """One instrument's answers as given: a value (None: unanswered) per item, in item order;
    PSFS also the activities the patient named, in answer order."""

    answers: list[int | None]
    activities: list[str] = field(default_factory=list)


class ScoreInputError(ValueError):
    """An answer set cannot be scored; the message names the item and the allowed range."""

    def __init__(self, message: str, *, item: str, allowed: str) -> None:
        super().__init__(message)
        self.item = item
        self.allowed = allowed


@dataclass(frozen=True, slots=True)
class Score:
    """One scored measurement.

    `score` is the reported value (one decimal). `raw` and `max` are what it was computed from:
    for ODI the sum of the answered sections out of 5 × answered; for NDI the raw sum scaled to
    50 out of 50; for a performance test the measured value and the cap (None without one).
    """

    instrument: str
    score: Decimal
    unit: str  # "points", "%", "count" or "seconds"; free text for a clinic's other test
    raw: Decimal
    max: Decimal | None
    answered: int
    version: str
    higher_is_better: bool | None
    notes: tuple[str, ...] = ()
    # the MCID criteria in force for this instrument; carried so `change` needs no lookup
    mcid: tuple[Threshold, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """The change from `before` to `after`.

    `absolute` is after − before in the score's unit; `percent` is that relative to `before`
    (None when before is 0). `improved` is direction-aware (None without a direction or when
    nothing changed). `reaches_mcid` says whether the size of the change, either way, meets any
    MCID criterion (None when the instrument has none); `important_improvement` and
    `important_deterioration` combine the two.
    """

    instrument: str
    before: Decimal
    after: Decimal
    absolute: Decimal
    percent: Decimal | None
    improved: bool | None
    reaches_mcid: bool | None
    threshold: str | None

    @property
    def important_improvement(self) -> bool:
        return bool(self.improved and self.reaches_mcid)

    @property
    def important_deterioration(self) -> bool:
        return self.improved is False and bool(self.reaches_mcid)


def _round(value: Fraction | Decimal | int) -> Decimal:
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(value)
    return exact.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _whole(value: Answer, label: str, allowed: str) -> int | None:
    if value is None or isinstance(value, int):
        return value
    if value != value.to_integral_value():
        raise ScoreInputError(
            f"{label}: {value} is not a whole number; allowed {allowed}",
            item=label,
            allowed=allowed,
        )
    return int(value)


def score(instrument: str | Instrument, answers: Sequence[Answer]) -> Score:
    """Score one completed instrument. `None` marks an unanswered item.

    Raises `ScoreInputError` for an answer out of range, too many unanswered items or a wrong
    number of answers.
    """
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    if inst.kind == "sections":
        return _score_sections(inst, answers)
    if inst.kind == "rating":
        return _score_rating(inst, answers)
    if inst.kind == "activities":
        return _score_activities(inst, answers)
    return _score_performance(inst, answers)


def _check_range(inst: Instrument, index: int, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        label = f"{inst.id} {inst.item_label(index)}"
        allowed = f"{low}–{high}"
        raise ScoreInputError(
            f"{label}: {value} is out of range; allowed {allowed}", item=label, allowed=allowed
        )


def _score_sections(inst: Instrument, answers: Sequence[Answer]) -> Score:
    n = len(inst.items)
    noun = "sections" if inst.id == "odi" else "items"
    allowed_each = f"{inst.items[0].low}–{inst.items[0].high}"
    if len(answers) != n:
        raise ScoreInputError(
            f"{inst.id}: expected {n} answers ({noun} 1–{n}, each {allowed_each} or unanswered), "
            f"got {len(answers)}",
            item=f"{inst.id} {noun}",
            allowed=f"{n} answers",
        )
    values: list[int] = []
    missing: list[int] = []
    for i, (item, answer) in enumerate(zip(inst.items, answers, strict=True)):
        value = _whole(answer, f"{inst.id} {inst.item_label(i)}", f"{item.low}–{item.high}")
        if value is None:
            missing.append(i + 1)
            continue
        _check_range(inst, i, value, item.low, item.high)
        values.append(value)
    if len(missing) > inst.max_missing:
        listed = ", ".join(str(m) for m in missing)
        raise ScoreInputError(
            f"{inst.id}: {len(missing)} {noun} unanswered ({listed}); "
            f"at most {inst.max_missing} may be unanswered",
            item=f"{inst.id} {noun} {listed}",
            allowed=f"0–{inst.max_missing} unanswered",
        )
    answered = len(values)
    total = sum(values)
    possible = sum(inst.items[i].high for i in range(n) if i + 1 not in missing)
    percent = Fraction(total * 100, possible)
    notes: tuple[str, ...] = ()
    if missing:
        which = noun if len(missing) > 1 else noun[:-1]
        listed = ", ".join(str(m) for m in missing)
        notes = (f"{which} {listed} unanswered; scored on the {answered} answered",)
    if inst.raw_scaled_to is not None:
        raw = _round(Fraction(total * inst.raw_scaled_to, possible))
        maximum = Decimal(inst.raw_scaled_to)
    else:
        raw = Decimal(total)
        maximum = Decimal(possible)
    return Score(
        instrument=inst.id,
        score=_round(percent),
        unit=inst.unit,
        raw=raw,
        max=maximum,
        answered=answered,
        version=inst.version,
        higher_is_better=inst.higher_is_better,
        notes=notes,
        mcid=inst.mcid,
    )


def _score_rating(inst: Instrument, answers: Sequence[Answer]) -> Score:
    item = inst.items[0]
    allowed = f"{item.low}–{item.high}"
    label = f"{inst.id} {inst.item_label(0)}"
    if len(answers) != 1:
        raise ScoreInputError(
            f"{inst.id}: expected 1 answer ({allowed}), got {len(answers)}",
            item=label,
            allowed=allowed,
        )
    value = _whole(answers[0], label, allowed)
    if value is None:
        raise ScoreInputError(
            f"{label}: unanswered; allowed {allowed}", item=label, allowed=allowed
        )
    _check_range(inst, 0, value, item.low, item.high)
    return Score(
        instrument=inst.id,
        score=_round(value),
        unit=inst.unit,
        raw=Decimal(value),
        max=Decimal(item.high),
        answered=1,
        version=inst.version,
        higher_is_better=inst.higher_is_better,
        mcid=inst.mcid,
    )


def _score_activities(inst: Instrument, answers: Sequence[Answer]) -> Score:
    item = inst.items[0]
    allowed = f"{item.low}–{item.high}"
    assert inst.min_items is not None and inst.max_items is not None  # schema guarantees both
    count = f"{inst.min_items}–{inst.max_items} activities"
    if len(answers) > inst.max_items:
        label = f"{inst.id} {inst.item_label(inst.max_items)}"
        raise ScoreInputError(
            f"{label}: at most {inst.max_items} activities; allowed {count}, each {allowed}",
            item=label,
            allowed=count,
        )
    if len(answers) < inst.min_items:
        raise ScoreInputError(
            f"{inst.id}: {len(answers)} activities given; allowed {count}, each {allowed}",
            item=f"{inst.id} activities",
            allowed=count,
        )
    values: list[int] = []
    for i, answer in enumerate(answers):
        label = f"{inst.id} {inst.item_label(i)}"
        value = _whole(answer, label, allowed)
        # An activity the patient named but did not rate is an incomplete form, not a gap the
        # mean can absorb: leaving it out would silently change what the score describes.
        if value is None:
            raise ScoreInputError(
                f"{label}: unanswered; a named activity needs a rating {allowed}",
                item=label,
                allowed=allowed,
            )
        _check_range(inst, i, value, item.low, item.high)
        values.append(value)
    return Score(
        instrument=inst.id,
        score=_round(Fraction(sum(values), len(values))),
        unit=inst.unit,
        raw=Decimal(sum(values)),
        max=Decimal(item.high * len(values)),
        answered=len(values),
        version=inst.version,
        higher_is_better=inst.higher_is_better,
        mcid=inst.mcid,
    )


def _measure(
    inst_id: str,
    label: str,
    value: Answer,
    *,
    whole: bool,
    cap: Decimal | None,
) -> tuple[Decimal, Decimal, tuple[str, ...]]:
    allowed = "a whole number ≥ 0" if whole else "a number ≥ 0"
    if cap is not None:
        allowed += f" (values above {cap} are capped)"
    full = f"{inst_id} {label}"
    if value is None:
        raise ScoreInputError(f"{full}: unanswered; allowed {allowed}", item=full, allowed=allowed)
    measured = Decimal(value)
    if not measured.is_finite() or measured < 0:
        raise ScoreInputError(
            f"{full}: {value} is out of range; allowed {allowed}", item=full, allowed=allowed
        )
    if whole and measured != measured.to_integral_value():
        raise ScoreInputError(
            f"{full}: {value} is not a whole number; allowed {allowed}", item=full, allowed=allowed
        )
    notes: tuple[str, ...] = ()
    kept = measured
    if cap is not None and measured > cap:
        kept = cap
        notes = (f"measured {measured} capped at {cap} (the test stops at {cap})",)
    return measured, kept, notes


def _score_performance(inst: Instrument, answers: Sequence[Answer]) -> Score:
    label = "time in seconds" if inst.unit == "seconds" else "count"
    if len(answers) != 1:
        raise ScoreInputError(
            f"{inst.id}: expected 1 measurement ({label}), got {len(answers)}",
            item=f"{inst.id} {label}",
            allowed="1 measurement",
        )
    measured, kept, notes = _measure(
        inst.id, label, answers[0], whole=inst.whole_numbers, cap=inst.cap
    )
    return Score(
        instrument=inst.id,
        score=_round(kept),
        unit=inst.unit,
        raw=measured,
        max=inst.cap,
        answered=1,
        version=inst.version,
        higher_is_better=inst.higher_is_better,
        notes=notes,
        mcid=inst.mcid,
    )


def other_test(
    name: str,
    unit: str,
    value: int | Decimal,
    *,
    higher_is_better: bool | None = None,
) -> Score:
    """A clinic's own functional test: a name, a free unit and one non-negative measurement.

    There is no published MCID, so `change` reports direction (when given) but no MCID.
    """
    name = name.strip()
    unit = unit.strip()
    if not name:
        raise ScoreInputError("other test: give a name", item="other test name", allowed="text")
    if not unit:
        raise ScoreInputError(
            f"{name}: give a unit", item=f"{name} unit", allowed="text such as 'm' or 'seconds'"
        )
    measured, _, _ = _measure(name, unit, value, whole=False, cap=None)
    return Score(
        instrument=name,
        score=_round(measured),
        unit=unit,
        raw=measured,
        max=None,
        answered=1,
        version=f"clinic-defined test ({unit})",
        higher_is_better=higher_is_better,
    )


def _meets(threshold: Threshold, absolute: Decimal, before: Decimal) -> bool:
    size = abs(absolute)
    if threshold.kind == "points":
        return size >= threshold.value
    if before == 0:
        return False
    # compare exactly (size/before ≥ value %) rather than via a rounded percentage
    return size * 100 >= threshold.value * abs(before)


def stored_score(inst: Instrument, value: Decimal, unit: str, answered: int = 0) -> Score:
    """A score read back from storage, where only its reported value was kept (the clinic's
    database, a course record): enough for `change`, which needs the value, the direction
    and the MCID criteria of its instrument."""
    return Score(
        instrument=inst.id,
        score=value,
        unit=unit,
        raw=value,
        max=None,
        answered=answered,
        version=inst.version,
        higher_is_better=inst.higher_is_better,
        mcid=inst.mcid,
    )


def change(before: Score, after: Score) -> Change:
    """Absolute and percent change between two scores of the same instrument.

    Computed from the reported (one-decimal) scores so a clinician can redo it by hand.
    """
    if before.instrument != after.instrument or before.unit != after.unit:
        raise ValueError(
            f"cannot compare {before.instrument} ({before.unit}) "
            f"with {after.instrument} ({after.unit})"
        )
    absolute = after.score - before.score
    percent = None if before.score == 0 else _round(absolute * 100 / before.score)
    direction = before.higher_is_better
    improved = None if direction is None or absolute == 0 else (absolute > 0) == direction
    thresholds = before.mcid
    reaches = None if not thresholds else any(_meets(t, absolute, before.score) for t in thresholds)
    text = " or ".join(t.describe() for t in thresholds) if thresholds else None
    return Change(
        instrument=before.instrument,
        before=before.score,
        after=after.score,
        absolute=absolute,
        percent=percent,
        improved=improved,
        reaches_mcid=reaches,
        threshold=text,
    )
