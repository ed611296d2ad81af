"""`forlob score INSTRUMENT ANSWER... [--format table|json]` as a plain function.

The typer app wires `score_command` in; keeping it a plain function lets it be tested with capsys
and keeps typer's error formatting out of the one-line contract: any invalid input gives exactly
one line on stderr naming the item and the allowed range, and exit code 2.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal, InvalidOperation

from forlob.prom.instruments import (
    INSTRUMENT_NAMES,
    Instrument,
    InstrumentDataError,
    load_instrument,
)
from forlob.prom.scoring import Answer, Score, ScoreInputError, score

__all__ = ["EXIT_INVALID", "EXIT_OK", "FORMATS", "score_command"]

EXIT_OK, EXIT_INVALID = 0, 2
FORMATS = ("table", "json")
UNANSWERED = "-"


def _error(message: str) -> int:
    # one line, whatever the message contains, so scripts can rely on it
    sys.stderr.write("forlob: " + " ".join(message.split()) + "\n")
    return EXIT_INVALID


def _position(inst: Instrument, index: int) -> tuple[str, str]:
    """The name and allowed values of answer position `index`, for parse errors."""
    if inst.kind == "performance":
        label = "time in seconds" if inst.unit == "seconds" else "count"
        allowed = "a whole number ≥ 0" if inst.whole_numbers else "a number ≥ 0"
        return f"{inst.id} {label}", allowed
    if inst.kind == "sections" and index >= len(inst.items):
        return f"{inst.id} answer {index + 1}", f"{len(inst.items)} answers"
    item = inst.items[min(index, len(inst.items) - 1)]
    allowed = f"{item.low}–{item.high}"
    if inst.kind == "sections":
        allowed += f" or {UNANSWERED} for unanswered"
    return f"{inst.id} {inst.item_label(index)}", allowed


def _parse(inst: Instrument, index: int, text: str) -> Answer:
    text = text.strip()
    if text == UNANSWERED:
        return None
    # ASCII digits only: int() would also take "1_0" and non-Latin digits
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    # decimals only make sense for timed tests; a Danish decimal comma is common in clinics
    if inst.kind == "performance" and not inst.whole_numbers:
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            pass
        else:
            if value.is_finite():
                return value
    label, allowed = _position(inst, index)
    raise ScoreInputError(
        f"{label}: {text!r} is not a valid answer; allowed {allowed}", item=label, allowed=allowed
    )


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _as_json(result: Score) -> str:
    payload = {
        "instrument": result.instrument,
        # always a float so the one reported decimal survives (7.0, not 7)
        "score": float(result.score),
        "unit": result.unit,
        "raw": _number(result.raw),
        "max": None if result.max is None else _number(result.max),
        "answered": result.answered,
    }
    return json.dumps(payload, ensure_ascii=False)


def _as_table(inst: Instrument, result: Score, given: int) -> str:
    unit = " %" if result.unit == "%" else f" {result.unit}"
    rows = [
        ("instrument", f"{inst.abbreviation} ({inst.name_en})"),
        ("score", f"{result.score}{unit}"),
    ]
    if inst.kind == "performance":
        # a capped test keeps what was measured visible next to the cap it was held to
        rows.append(("measured", f"{_number(result.raw)}{unit}"))
        if result.max is not None:
            rows.append(("cap", f"{_number(result.max)}{unit}"))
    else:
        rows.append(("raw", f"{_number(result.raw)} of {_number(result.max or Decimal(0))}"))
    rows.append(("answered", f"{result.answered} of {given}"))
    rows.append(("version", result.version))
    rows.extend(("note", note) for note in result.notes)
    width = max(len(key) for key, _ in rows)
    return "\n".join(f"{key:<{width}}  {value}" for key, value in rows)


def score_command(instrument: str, answers: list[str], format: str = "table") -> int:
    """Score one instrument from command-line answers; print the result; return the exit code."""
    fmt = format.strip().lower()
    if fmt not in FORMATS:
        return _error(f"--format: {format!r} is not allowed; choose one of {', '.join(FORMATS)}")
    try:
        inst = load_instrument(instrument)
    except InstrumentDataError:
        return _error(
            f"instrument {instrument!r} is unknown; choose one of {', '.join(INSTRUMENT_NAMES)}"
        )
    try:
        parsed = [_parse(inst, i, text) for i, text in enumerate(answers)]
        result = score(inst, parsed)
    except ScoreInputError as exc:
        return _error(str(exc))
    output = _as_json(result) if fmt == "json" else _as_table(inst, result, len(answers))
    sys.stdout.write(output + "\n")
    return EXIT_OK
