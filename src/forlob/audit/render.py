"""Render audit findings as jsonl, csv, a terminal table or a self-contained HTML report.

The findings frame is the rule engine's output (formats.md, Findings): one row per finding with
the columns of `COLUMNS`, sorted by (row, rule_id). Machine formats (jsonl, csv) always carry
every finding; the human formats (table, HTML) summarise with Polars and cap the detail rows so
a million findings still render in seconds.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, Final, TextIO

import jinja2
import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from forlob.audit.texts import SEVERITY, SEVERITY_PLURAL, TEXTS, decimal, say
from forlob.catalogue import Catalogue, load_catalogue
from forlob.rules import FINDING_COLUMNS
from forlob.texts import DEFAULT_LANGUAGE, Language

__all__ = [
    "COLUMNS",
    "FINDINGS_SCHEMA",
    "NO_FINDINGS",
    "SEVERITIES",
    "ReportMeta",
    "normalise_findings",
    "render_html",
    "render_table",
    "severity_counts",
    "summary_line",
    "visible",
    "write_csv",
    "write_jsonl",
]

COLUMNS: Final = FINDING_COLUMNS
FINDINGS_SCHEMA: Final = pl.Schema({c: pl.Int64 if c == "row" else pl.String for c in COLUMNS})
SEVERITIES: Final = ("error", "warning", "info")
NO_FINDINGS: Final = TEXTS["no_findings"]

Sink = str | os.PathLike[str] | BinaryIO | TextIO | IO[Any]

# Text sinks without a byte buffer (StringIO) get the output in slices, so a million findings
# never have to exist as one Python string.
_CHUNK_ROWS: Final = 100_000

# Characters that move the cursor, end a line or turn text around on a terminal or in a page:
# C0/C1 controls, DEL, line and paragraph separators, zero-width and bidirectional controls.
# The people's formats (table, HTML) show them as escapes, so a field cannot misalign a
# message or disguise what it says.
_INVISIBLE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# A spreadsheet runs a cell that starts like this as a formula (OWASP, CSV injection): in the
# csv output such a cell gets a leading single quote; jsonl keeps the data as it is.
_FORMULA_START: Final = "^[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]"

_RICH_STYLE: Final = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the audit run was, for the report header."""

    input_name: str
    lines_read: int
    lines_invalid: int
    started: datetime
    seconds: float
    forlob_version: str


# -- the frame ---------------------------------------------------------------------------


def normalise_findings(findings: pl.DataFrame) -> pl.DataFrame:
    """The findings with exactly `COLUMNS`, in that order, `row` Int64 and the rest String.

    The engine should already deliver this; casting here keeps the output contract (key order,
    text IDs, ISO dates) even if a column arrives as Date or as all-null `pl.Null`.
    """
    missing = [c for c in COLUMNS if c not in findings.columns]
    if missing and findings.height == 0:
        # An engine that found nothing may hand over a bare empty frame; that is still
        # "no findings", not a broken contract.
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    if missing:
        raise ValueError(f"findings frame lacks column(s): {', '.join(missing)}")
    # rechunk: a frame concatenated from many small parts makes every later filter slow.
    return findings.select(
        pl.col("row").cast(pl.Int64),
        *(pl.col(c).cast(pl.String) for c in COLUMNS[1:]),
    ).rechunk()


def visible(value: object) -> str:
    """`value` as text with control and invisible characters shown as escapes (\\x07, \\u202e)."""
    text = "" if value is None else str(value)
    if _INVISIBLE.search(text) is None:
        return text
    return _INVISIBLE.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def severity_counts(findings: pl.DataFrame) -> dict[str, int]:
    """Number of findings per severity, with every severity present (0 when none)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    if findings.height:
        grouped = findings.group_by("severity").len()
        for severity, n in grouped.iter_rows():
            if severity in counts:
                counts[severity] = int(n)
    return counts


def summary_line(counts: dict[str, int], lang: Language = DEFAULT_LANGUAGE) -> str:
    """'2 fejl, 1 advarsel, 0 info', or the no-findings sentence when all are zero."""
    if not any(counts.values()):
        return NO_FINDINGS.get(lang)
    return ", ".join(_count_phrase(counts.get(s, 0), s, lang) for s in SEVERITIES)


def _count_phrase(n: int, severity: str, lang: Language) -> str:
    word = (SEVERITY if n == 1 else SEVERITY_PLURAL)[severity].get(lang)
    return f"{n} {word}"


def _rule_counts(findings: pl.DataFrame) -> pl.DataFrame:
    """Findings per (severity, rule_id), most frequent first within a severity."""
    order = pl.col("severity").replace_strict(
        {s: i for i, s in enumerate(SEVERITIES)}, default=len(SEVERITIES), return_dtype=pl.Int32
    )
    return (
        findings.group_by("severity", "rule_id")
        .len("count")
        .sort(
            [order, pl.col("count"), pl.col("rule_id")],
            descending=[False, True, False],
            nulls_last=True,
        )
    )


def _provider_counts(findings: pl.DataFrame) -> pl.DataFrame:
    """Per provider: distinct lines with a finding and findings per severity, worst first."""
    sev = pl.col("severity")
    return (
        findings.group_by("provider_id")
        .agg(
            pl.col("row").n_unique().alias("lines"),
            (sev == "error").sum().alias("errors"),
            (sev == "warning").sum().alias("warnings"),
            (sev == "info").sum().alias("info"),
        )
        .sort(
            ["errors", "warnings", "info", "provider_id"],
            descending=[True, True, True, False],
            nulls_last=True,
        )
    )


def _rule_source(catalogue: Catalogue, rule_id: str | None) -> str:
    rule = catalogue.rules.get(rule_id or "")
    return "" if rule is None else catalogue.rule_source(rule)


def _source_title(catalogue: Catalogue, source: str) -> str:
    """Title of the seed document a source reference starts with ('000, …'), if any."""
    doc = catalogue.sources.get(source[:3])
    return "" if doc is None else doc.title


# -- jsonl and csv ---------------------------------------------------------------------------


def write_jsonl(findings: pl.DataFrame, out: Sink) -> None:
    """One JSON object per finding and line, keys in `COLUMNS` order, UTF-8, nulls as null."""
    _write(normalise_findings(findings), out, _ndjson, _ndjson_chunks)


def write_csv(findings: pl.DataFrame, out: Sink) -> None:
    """Comma-separated, UTF-8, header row of `COLUMNS`; nulls are empty fields.

    A text cell that a spreadsheet would run as a formula starts with a single quote.
    """
    frame = normalise_findings(findings)
    frame = frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in COLUMNS
        if c != "row"
    )
    _write(frame, out, _csv, _csv_chunks)


def _ndjson(frame: pl.DataFrame, target: Path | IO[bytes]) -> None:
    frame.write_ndjson(target)


def _csv(frame: pl.DataFrame, target: Path | IO[bytes]) -> None:
    frame.write_csv(target)


def _ndjson_chunks(frame: pl.DataFrame) -> Iterator[str]:
    for chunk in frame.iter_slices(_CHUNK_ROWS):
        yield chunk.write_ndjson()


def _csv_chunks(frame: pl.DataFrame) -> Iterator[str]:
    # An empty frame still gets its header: a csv consumer needs the column names.
    yield frame.head(0).write_csv()
    for chunk in frame.iter_slices(_CHUNK_ROWS):
        yield chunk.write_csv(include_header=False)


def _write(
    frame: pl.DataFrame,
    out: Sink,
    write: Callable[[pl.DataFrame, Path | IO[bytes]], None],
    chunks: Callable[[pl.DataFrame], Iterator[str]],
) -> None:
    if isinstance(out, str | os.PathLike):
        write(frame, Path(out))
        return
    stream: Any = out  # binary or text is only known at run time
    if not _is_text(stream):
        write(frame, stream)
        return
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        # Bytes go to the underlying buffer so the output is UTF-8 whatever the stream's own
        # encoding is (a C-locale stdout would otherwise fail on "æ"); flush first to keep
        # anything already written to the text layer in front of it.
        stream.flush()
        write(frame, buffer)
        buffer.flush()
        return
    for piece in chunks(frame):
        stream.write(piece)


def _is_text(out: Any) -> bool:
    return isinstance(out, io.TextIOBase) or hasattr(out, "encoding")


# -- terminal table --------------------------------------------------------------------------


def render_table(
    findings: pl.DataFrame,
    meta: ReportMeta,
    console: Console,
    max_rows: int = 200,
    catalogue: Catalogue | None = None,
    lang: Language = DEFAULT_LANGUAGE,
) -> None:
    """Print the audit for people: header, per severity the counts per rule and the first
    `max_rows` findings, and a closing count line."""
    cat = catalogue if catalogue is not None else load_catalogue()
    frame = normalise_findings(findings)
    console.print(_header_text(meta, lang))
    counts = severity_counts(frame)
    if frame.height == 0:
        console.print(Text(NO_FINDINGS.get(lang), style="bold green"))
        return
    per_rule = _rule_counts(frame)
    for severity in SEVERITIES:
        total = counts[severity]
        if total == 0:
            continue
        style = _RICH_STYLE[severity]
        console.print()
        console.print(
            Text(f"{say('heading_' + severity, lang)}: {total}", style=f"{style} underline")
        )
        console.print(_rich_rule_table(per_rule.filter(pl.col("severity") == severity), cat, lang))
        shown = frame.filter(pl.col("severity") == severity).head(max_rows)
        console.print(_rich_findings_table(shown, style, lang))
        left_out = total - shown.height
        if left_out > 0:
            what = SEVERITY_PLURAL[severity].get(lang)
            console.print(Text(say("more_in_table", lang, n=left_out, what=what), style="italic"))
    console.print()
    line = Text()
    for i, severity in enumerate(SEVERITIES):
        if i:
            line.append(", ")
        n = counts[severity]
        line.append(_count_phrase(n, severity, lang), style=_RICH_STYLE[severity] if n else "")
    console.print(line)


def _header_text(meta: ReportMeta, lang: Language) -> Text:
    text = Text()
    text.append(visible(meta.input_name), style="bold")
    text.append(
        say(
            "header",
            lang,
            read=meta.lines_read,
            invalid=meta.lines_invalid,
            seconds=decimal(meta.seconds, 2, lang),
        )
    )
    return text


def _rich_rule_table(per_rule: pl.DataFrame, cat: Catalogue, lang: Language) -> Table:
    table = Table(show_edge=True, header_style="bold")
    table.add_column(say("rule", lang), no_wrap=True)
    table.add_column(say("count", lang), justify="right")
    table.add_column(say("source", lang), overflow="fold")
    for _severity, rule_id, n in per_rule.iter_rows():
        table.add_row(Text(rule_id or ""), str(n), Text(_rule_source(cat, rule_id)))
    return table


def _rich_findings_table(shown: pl.DataFrame, style: str, lang: Language) -> Table:
    """One finding per entry: where it is on the first line, what is wrong below it.

    A two-column grid reads well at any terminal width, where seven columns would squeeze
    the message into a sliver.
    """
    table = Table.grid(padding=(0, 2))
    table.add_column(say("row", lang), justify="right", no_wrap=True, style="dim")
    table.add_column(say("findings", lang), overflow="fold", ratio=1)
    cols = ("row", "rule_id", "patient_id", "provider_id", "service_date", "service_code")
    for row, rule_id, patient, provider, date, code, message in shown.select(
        *cols, "message"
    ).iter_rows():
        # Text, not str: data such as "[x]" must not be read as Rich markup.
        where = Text()
        where.append(visible(rule_id), style=f"bold {style}")
        parts = [
            say("patient_n", lang, id=visible(patient)) if patient is not None else None,
            say("provider_n", lang, id=visible(provider)) if provider is not None else None,
            visible(_date(date, lang)) if date is not None else None,
            visible(code) if code is not None else None,
        ]
        where.append("  " + " · ".join(p for p in parts if p), style="dim")
        body = Text.assemble(where, "\n", Text(visible(message)))
        table.add_row(Text(say("row_n", lang, n=row)), body)
    return table


def _date(iso: str | None, lang: Language) -> str | None:
    """An ISO date as the report's language writes it (24.11.2026 in Danish)."""
    if iso is None or lang == "en" or len(iso) != 10:
        return iso
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}"


# -- HTML ----------------------------------------------------------------------------------

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("forlob.audit", "templates"),
    autoescape=True,
    # a missing value is an empty cell, never the word "None"; control and invisible
    # characters of the data show as escapes, so a field cannot disguise what a row says
    finalize=lambda value: (
        "" if value is None else visible(value) if isinstance(value, str) else value
    ),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
)


def render_html(
    findings: pl.DataFrame,
    meta: ReportMeta,
    max_rows: int = 10_000,
    max_providers: int = 1_000,
    catalogue: Catalogue | None = None,
    lang: Language = DEFAULT_LANGUAGE,
) -> str:
    """A self-contained HTML report (inline CSS, no scripts, no external resources), built from
    a Jinja2 template with autoescaping.

    The detail table shows at most `max_rows` findings per severity and the provider summary at
    most `max_providers` providers; each cap is stated in the report with how much was left out.
    """
    cat = catalogue if catalogue is not None else load_catalogue()
    frame = normalise_findings(findings)
    counts = severity_counts(frame)
    context: dict[str, Any] = {
        "lang": lang,
        "t": {k: v.get(lang) for k, v in TEXTS.items()},
        "title": say("title", lang, input=meta.input_name),
        "meta": [
            (say("input", lang), meta.input_name),
            (say("lines_read", lang), meta.lines_read),
            (say("lines_invalid", lang), meta.lines_invalid),
            (say("started", lang), _started(meta.started, lang)),
            (say("duration", lang), f"{decimal(meta.seconds, 2, lang)} s"),
            (say("version", lang), meta.forlob_version),
        ],
        "footer": say("generated", lang, version=meta.forlob_version),
        "severities": [],
    }
    if frame.height:
        context.update(
            badges=[{"key": s, "text": _count_phrase(counts[s], s, lang)} for s in SEVERITIES],
            per_rule=_html_rules(_rule_counts(frame), cat, lang),
            **_html_providers(_provider_counts(frame), max_providers, lang),
            severities=_html_findings(frame, counts, max_rows, cat, lang),
        )
    return _TEMPLATES.get_template("report.html.j2").render(context)


def _started(started: datetime, lang: Language) -> str:
    if lang == "en":
        return started.isoformat(timespec="seconds")
    return started.strftime("%d.%m.%Y %H:%M:%S")


def _html_rules(per_rule: pl.DataFrame, cat: Catalogue, lang: Language) -> list[dict[str, Any]]:
    rows = []
    for severity, rule_id, n in per_rule.iter_rows():
        source = _rule_source(cat, rule_id)
        label = SEVERITY.get(severity or "")
        rows.append(
            {
                "severity": severity,
                "severity_label": label.get(lang) if label else severity,
                "rule_id": rule_id,
                "count": n,
                "source": source,
                "document": _source_title(cat, source),
            }
        )
    return rows


def _html_providers(per_provider: pl.DataFrame, cap: int, lang: Language) -> dict[str, Any]:
    shown = per_provider.head(cap)
    note = ""
    if per_provider.height > shown.height:
        note = say(
            "providers_capped",
            lang,
            shown=shown.height,
            total=per_provider.height,
            left=per_provider.height - shown.height,
        )
    providers = [
        {"id": p, "lines": lines, "errors": e, "warnings": w, "info": i}
        for p, lines, e, w, i in shown.iter_rows()
    ]
    return {"providers": providers, "providers_note": note}


def _html_findings(
    frame: pl.DataFrame, counts: dict[str, int], cap: int, cat: Catalogue, lang: Language
) -> list[dict[str, Any]]:
    pathway_names = {
        p.id: (p.name_da if lang == "da" else p.name_en) for p in cat.pathways.values()
    }
    out = []
    for severity in SEVERITIES:
        total = counts[severity]
        if total == 0:
            continue
        shown = frame.filter(pl.col("severity") == severity).head(cap)
        note = ""
        if total > shown.height:
            note = say(
                "findings_capped",
                lang,
                shown=shown.height,
                total=total,
                what=SEVERITY_PLURAL[severity].get(lang),
                left=total - shown.height,
            )
        rows = [
            {
                "row": row,
                "rule_id": rule_id,
                "patient": patient,
                "provider": provider,
                "date": _date(date, lang),
                "code": code,
                "code_label": cat.label(code, lang) if code in cat.codes else "",
                "course": course,
                "pathway": pathway,
                "pathway_name": pathway_names.get(pathway or ""),
                "message": message,
            }
            for (
                row,
                rule_id,
                _sev,
                patient,
                provider,
                date,
                code,
                course,
                pathway,
                message,
            ) in shown.iter_rows()
        ]
        out.append(
            {
                "key": severity,
                "heading": say("heading_" + severity, lang),
                "total": total,
                "note": note,
                "rows": rows,
            }
        )
    return out
