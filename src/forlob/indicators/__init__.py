"""Quality indicators from claim extracts (indicators.md; seed 003 §5 Monitorering af kvalitet).

`indicators_report` is the whole of `forlob indicators`: it reads an extract as `forlob audit`
does, lets the rule engine form the courses and check the rules (`forlob.rules.evaluate`),
counts each indicator of `catalogue/data/indicators.toml` per provider and for the whole file,
and writes the records as jsonl, csv, a table or an HTML page.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import threading
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl
from rich.console import Console

from forlob import __version__
from forlob.indicators.compute import (
    RECORD_COLUMNS,
    count_indicators,
    finding_severities,
    latest_service_date,
    records,
)
from forlob.indicators.definitions import Indicator, Indicators, load_indicators
from forlob.indicators.render import (
    Report,
    render_html,
    render_table,
    suppressed,
    write_csv,
    write_jsonl,
)
from forlob.texts import Language

__all__ = [
    "RECORD_COLUMNS",
    "CannotRun",
    "Indicator",
    "Indicators",
    "Report",
    "compute_report",
    "indicators_report",
    "load_indicators",
    "suppressed",
]

Format = Literal["table", "jsonl", "csv", "html"]


class CannotRun(Exception):
    """`forlob indicators` could not run; the message is one line for the user."""


def compute_report(
    frame: pl.DataFrame | pl.LazyFrame,
    as_of: dt.date | None = None,
    input_name: str = "",
    suppress_below: int | None = None,
    definitions: Indicators | None = None,
) -> Report:
    """The indicators of the service lines `frame` (text columns of formats.md).

    `as_of` defaults to the latest readable service_date.
    """
    from forlob.rules import evaluate

    # scipy's import takes a noticeable part of a small run; polars reads without the GIL,
    # so the import runs beside the read instead of before it
    warm = threading.Thread(target=importlib.import_module, args=("scipy.special",), daemon=True)
    warm.start()
    defs = definitions if definitions is not None else load_indicators()
    severities = finding_severities(defs)
    # only the rules whose findings an indicator counts need to run
    ev = evaluate(frame, defs.catalogue, rules=lambda r: r.severity in severities)
    day = as_of if as_of is not None else latest_service_date(ev)
    warm.join()
    counts: dict[str, tuple[Any, Any]] = {}
    providers: tuple[str, ...] = ()
    if day is not None:  # else no line is readable and every denominator is empty
        counts, providers = count_indicators(ev, defs, day)
    return Report(
        input_name=input_name,
        as_of=day,
        lines_read=ev.lines_read,
        lines_invalid=ev.lines_read - ev.context.n,
        records=records(counts, providers, defs),
        definitions=defs,
        forlob_version=__version__,
        made=dt.datetime.now(),
        suppress_below=suppress_below,
    )


def indicators_report(
    file: Path,
    *,
    as_of: dt.date | None = None,
    format: Format = "table",
    output: Path | None = None,
    language: Language = "da",
    suppress_below: int | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    sheet: str | None = None,
) -> None:
    """`forlob indicators FILE`: read, count and write; `CannotRun` when it cannot.

    FILE is read as `forlob audit` reads it (formats.md), with the same one-line reasons.
    """
    from forlob.audit.reader import ExtractError, explain_failure, read_extract
    from forlob.rules import InputError

    try:
        frame = read_extract(file, encoding=encoding, delimiter=delimiter, sheet=sheet)
    except ExtractError as exc:
        raise CannotRun(str(exc)) from None
    try:
        report = compute_report(frame, as_of, str(file), suppress_below)
    except InputError as exc:
        raise CannotRun(f"{file}: {exc}") from None
    except pl.exceptions.PolarsError as exc:
        explained = explain_failure(file, encoding)
        if explained:
            raise CannotRun(explained) from None
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise CannotRun(f"cannot read {file}: {reason}") from None
    if report.lines_read == 0:
        # as for the audit: an empty extract is almost always the wrong file
        raise CannotRun(f"{file} has no lines to count")
    try:
        _write(report, format, output, language)
    except OSError as exc:
        raise CannotRun(f"cannot write {output or 'output'}: {exc.strerror or exc}") from None


def _write(report: Report, format: Format, output: Path | None, language: Language) -> None:
    if format == "table":
        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                render_table(report, Console(file=fh, width=160), language)
        else:
            console = Console()
            # piped or redirected: wide lines that tools can search, not an 80-column wrap
            render_table(report, console if console.is_terminal else Console(width=160), language)
        return
    if format == "html":
        data = render_html(report, language).encode("utf-8")
        if output is not None:
            output.write_bytes(data)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return
    writer = write_jsonl if format == "jsonl" else write_csv
    if output is not None:
        with output.open("wb") as fh:
            writer(report, fh)
        return
    sys.stdout.flush()
    out: IO[bytes] = sys.stdout.buffer
    writer(report, out)
    out.flush()
