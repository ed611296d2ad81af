"""`forlob triage [FILE|-]` as a plain function.

Reads one JSON object (keys: forlob.decision.triage.INPUT_KEYS) from FILE, or from stdin for
None or "-", and prints the triage result as one JSON object. Any invalid input gives exactly
one line on stderr naming the key and what is allowed, and exit code 2; never a traceback.
"""

from __future__ import annotations

import json
import sys

from forlob.decision._data import DecisionDataError
from forlob.decision.triage import TriageInputError, triage

__all__ = ["EXIT_INVALID", "EXIT_OK", "triage_command"]

EXIT_OK, EXIT_INVALID = 0, 2


def _error(message: str) -> int:
    # one line whatever the message holds, so scripts can rely on it
    sys.stderr.write("forlob triage: " + " ".join(message.split()) + "\n")
    return EXIT_INVALID


def _read(source: str | None) -> str:
    if source is None or source == "-":
        return sys.stdin.read()
    with open(source, encoding="utf-8") as fh:
        return fh.read()


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def triage_command(source: str | None) -> int:
    """Triage the patient in `source` (a JSON file path; stdin for None or "-")."""
    where = "stdin" if source is None or source == "-" else source
    try:
        text = _read(source)
    except OSError as exc:
        return _error(f"cannot read {where}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return _error(f"{where} is not UTF-8 text")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return _error(
            f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        )
    except ValueError as exc:
        return _error(f"{where}: {exc}")
    if not isinstance(data, dict):
        return _error(f"{where}: the input must be a JSON object, not {type(data).__name__}")
    try:
        result = triage(data)
    except TriageInputError as exc:
        return _error(str(exc))
    except DecisionDataError as exc:
        return _error(f"data file error: {exc}")
    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    return EXIT_OK
