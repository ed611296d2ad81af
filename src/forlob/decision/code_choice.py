"""Choosing chiropractic codes (seed 004): first exam level, follow-up level, conference fee.

The first-exam boundaries and the conference module size and cap are catalogue parameters
(`exam_level_short_months`, `exam_level_long_months`, `conference_module_minutes`,
`conference_modules_max`); the follow-up criteria and the transport table are in
`data/code_choice.toml`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from forlob.calendar import add_months_scalar
from forlob.decision._data import (
    DecimalText,
    DecisionDataError,
    Frozen,
    Source,
    Text,
    load_file,
    to_decimal,
)

__all__ = [
    "CodeChoiceData",
    "ConferenceFee",
    "Criterion",
    "FollowUpChoice",
    "conference_fee",
    "transport_fee",
    "first_exam_code",
    "follow_up_choice",
    "follow_up_code",
    "load_code_choice",
]

Code = Annotated[str, Field(pattern=r"^\d{4}$")]


# ------------------------------------------------------------------------------------ data
class FollowUpLevel(Frozen):
    min_criteria: Annotated[int, Field(ge=0)]
    code: Code
    da: Text
    source: Source


class Criterion(Frozen):
    number: Annotated[int, Field(ge=1)]
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    da: Text
    en: Text
    limit: Literal["none", "once_per_course", "exercise_regime_change"]
    source: Source


class TransportRow(Frozen):
    up_to_km: DecimalText
    fee_kr: DecimalText
    source: Source


class TransportBeyond(Frozen):
    from_km: DecimalText
    base_kr: DecimalText
    per_started_km_kr: DecimalText
    source: Source


class Conference(Frozen):
    code: Code
    source: Source
    transport: Annotated[tuple[TransportRow, ...], Field(strict=False, min_length=1)]
    transport_beyond: TransportBeyond

    @model_validator(mode="after")
    def _ascending(self) -> Conference:
        limits = [to_decimal(r.up_to_km) for r in self.transport]
        if limits != sorted(set(limits)):
            raise ValueError("transport: up_to_km must be strictly increasing")
        if to_decimal(self.transport_beyond.from_km) < limits[-1]:
            raise ValueError("transport_beyond.from_km must not be below the last row")
        return self


class CodeChoiceData(Frozen):
    """The validated content of `data/code_choice.toml`."""

    follow_up_level: Annotated[tuple[FollowUpLevel, ...], Field(strict=False, min_length=1)]
    criterion: Annotated[tuple[Criterion, ...], Field(strict=False, min_length=1)]
    conference: Conference

    @model_validator(mode="after")
    def _consistent(self) -> CodeChoiceData:
        mins = [lv.min_criteria for lv in self.follow_up_level]
        if mins != sorted(set(mins)) or mins[0] != 0:
            raise ValueError("follow_up_level: min_criteria must increase from 0")
        numbers = [c.number for c in self.criterion]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("criterion: numbers must run 1, 2, 3, … in order")
        if len({c.key for c in self.criterion}) != len(self.criterion):
            raise ValueError("criterion: duplicate key")
        return self


@cache
def _packaged() -> CodeChoiceData:
    return _load(None)


def load_code_choice(directory: Path | None = None) -> CodeChoiceData:
    """The code-choice data (packaged unless `directory` holds another `code_choice.toml`)."""
    return _packaged() if directory is None else _load(directory)


def _load(directory: Path | None) -> CodeChoiceData:
    from forlob.catalogue import load_catalogue

    data, origin = load_file(
        "code_choice.toml",
        CodeChoiceData,
        {"follow_up_level": ("code",), "criterion": ("key",)},
        directory,
    )
    codes = load_catalogue().codes
    for i, lv in enumerate(data.follow_up_level):
        if lv.code not in codes or codes[lv.code].role != "follow_up_consultation":
            raise DecisionDataError(
                f"{origin}: follow_up_level[{i}] ({lv.code}).code: not a catalogue follow-up code"
            )
    if data.conference.code not in codes or codes[data.conference.code].role != "conference":
        raise DecisionDataError(f"{origin}: conference.code: not a catalogue conference code")
    return data


# ------------------------------------------------------------------------------ first exam
def first_exam_code(service_date: dt.date, previous_visit: dt.date | None) -> str:
    """1015, 1016 or 1017 by the time since the patient's previous visit at the clinic.

    Same boundaries as the rule CH-EXAM-LEVEL: previous ≥ date − 12 months → 1017; previous ≥
    date − 3 years → 1016; older or none → 1015 (month arithmetic clamps to the month's end).
    """
    from forlob.catalogue import load_catalogue

    cat = load_catalogue()
    by_level = {c.exam_level: c.code for c in cat.codes.values() if c.exam_level is not None}
    if previous_visit is None:
        return by_level["none_or_older"]
    if previous_visit > service_date:
        raise ValueError(
            f"previous_visit {previous_visit.isoformat()} is after the service date "
            f"{service_date.isoformat()}"
        )
    if previous_visit >= add_months_scalar(service_date, -cat.param("exam_level_short_months")):
        return by_level["within_short"]
    if previous_visit >= add_months_scalar(service_date, -cat.param("exam_level_long_months")):
        return by_level["within_long"]
    return by_level["none_or_older"]


# ------------------------------------------------------------------------------ follow-up
@dataclass(frozen=True)
class FollowUpChoice:
    """The code, the criteria that count, and those given but not counted (with why)."""

    code: str
    counted: tuple[int, ...]
    not_counted: tuple[tuple[int, str], ...]


def _criterion_number(value: int | str, data: CodeChoiceData) -> int:
    by_key = {c.key: c.number for c in data.criterion}
    if isinstance(value, bool):
        pass
    elif isinstance(value, int) and 1 <= value <= len(data.criterion):
        return value
    elif isinstance(value, str) and value in by_key:
        return by_key[value]
    elif isinstance(value, str) and value.strip().isdigit():
        return _criterion_number(int(value.strip()), data)
    allowed = ", ".join(f"{c.number} ({c.key})" for c in data.criterion)
    raise ValueError(f"criterion {value!r} is unknown; allowed: {allowed}")


def follow_up_choice(
    criteria: Iterable[int | str],
    *,
    exercise_regime_starts_or_changes: bool = False,
    criterion_4_used_earlier_in_course: bool = False,
) -> FollowUpChoice:
    """Like follow_up_code, with the criteria counted and those set aside.

    A criterion counts once per consultation however often it is given. The criterion limited
    to the start or a change of the exercise regime (3) counts only with
    `exercise_regime_starts_or_changes`; the once-per-course criterion (4) does not count when
    `criterion_4_used_earlier_in_course`.
    """
    data = load_code_choice()
    numbers = sorted({_criterion_number(c, data) for c in criteria})
    counted: list[int] = []
    skipped: list[tuple[int, str]] = []
    for n in numbers:
        crit = data.criterion[n - 1]
        if crit.limit == "exercise_regime_change" and not exercise_regime_starts_or_changes:
            skipped.append((n, "only when the exercise regime starts or changes"))
        elif crit.limit == "once_per_course" and criterion_4_used_earlier_in_course:
            skipped.append((n, "already used once in this course"))
        else:
            counted.append(n)
    code = data.follow_up_level[0].code
    for level in data.follow_up_level:
        if len(counted) >= level.min_criteria:
            code = level.code
    return FollowUpChoice(code, tuple(counted), tuple(skipped))


def follow_up_code(
    criteria: Iterable[int | str],
    *,
    exercise_regime_starts_or_changes: bool = False,
    criterion_4_used_earlier_in_course: bool = False,
) -> str:
    """1035 (no criterion), 1036 (one) or 1037 (two or more) from the seven criteria of 004.

    `criteria` are criterion numbers 1–7 or keys (e.g. "soft_tissue"); see follow_up_choice.
    """
    return follow_up_choice(
        criteria,
        exercise_regime_starts_or_changes=exercise_regime_starts_or_changes,
        criterion_4_used_earlier_in_course=criterion_4_used_earlier_in_course,
    ).code


# ------------------------------------------------------------------------------ conference
@dataclass(frozen=True)
class ConferenceFee:
    """Modules to bill for a 1024 conference and the transport fee in kroner."""

    code: str
    modules: int
    capped: bool
    transport_kr: Decimal
    source: str


def _distance(value: Decimal | float | int | str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("distance_km must be a number of kilometres ≥ 0")
    try:
        # floats through str() so 4.1 is 4.1, not 4.0999999999999996447…
        d = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"distance_km {value!r} is not a number") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"distance_km {value!r} must be a number of kilometres ≥ 0")
    return d


def transport_fee(distance_km: Decimal | float | int | str) -> Decimal:
    """The 004 transport fee for a conference held `distance_km` from the clinic."""
    d = _distance(distance_km)
    conf = load_code_choice().conference
    for row in conf.transport:
        if d <= to_decimal(row.up_to_km):
            return to_decimal(row.fee_kr)
    beyond = conf.transport_beyond
    started = max(0, math.ceil(d - to_decimal(beyond.from_km)))
    return to_decimal(beyond.base_kr) + started * to_decimal(beyond.per_started_km_kr)


def conference_fee(
    minutes: int, distance_km: Decimal | float | int | str | None = None
) -> ConferenceFee:
    """Modules (one per started 10 minutes, at most 6) and transport for a 1024 conference.

    `distance_km` None: the conference was not held externally, so no transport.
    """
    from forlob.catalogue import load_catalogue

    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise ValueError(f"minutes {minutes!r} must be a whole number ≥ 1")
    cat = load_catalogue()
    size, cap = cat.param("conference_module_minutes"), cat.param("conference_modules_max")
    started = -(-minutes // size)
    transport = Decimal("0.00") if distance_km is None else transport_fee(distance_km)
    conf = load_code_choice().conference
    return ConferenceFee(conf.code, min(started, cap), started > cap, transport, conf.source)
