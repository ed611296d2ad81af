"""Render audit findings as jsonl, csv, a terminal table or a self-contained HTML report.

The findings frame is the rule engine's output (formats.md, Findings): one row per finding with
the columns of `COLUMNS`, sorted by (row, rule_id). Machine formats (jsonl, csv) always carry
every finding; the human formats (table, HTML) summarise with Polars and cap the detail rows so
a million findings still render in seconds.
"""

from __future__ import annotations

import html
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, Final, TextIO

import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from forlob.catalogue import Catalogue, load_catalogue
from forlob.rules import FINDING_COLUMNS

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
NO_FINDINGS: Final = "No findings: every line can be billed as registered."

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

_PLURAL: Final = {"error": "errors", "warning": "warnings", "info": "info"}
_HEADING: Final = {"error": "Errors", "warning": "Warnings", "info": "Info"}
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


def summary_line(counts: dict[str, int]) -> str:
    """'2 errors, 1 warning, 0 info', or the no-findings sentence when all are zero."""
    if not any(counts.values()):
        return NO_FINDINGS
    return ", ".join(_count_phrase(counts.get(s, 0), s) for s in SEVERITIES)


def _count_phrase(n: int, severity: str) -> str:
    word = severity if n == 1 else _PLURAL[severity]
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
) -> None:
    """Print the audit for people: header, per severity the counts per rule and the first
    `max_rows` findings, and a closing count line."""
    cat = catalogue if catalogue is not None else load_catalogue()
    frame = normalise_findings(findings)
    console.print(_header_text(meta))
    counts = severity_counts(frame)
    if frame.height == 0:
        console.print(Text(NO_FINDINGS, style="bold green"))
        return
    per_rule = _rule_counts(frame)
    for severity in SEVERITIES:
        total = counts[severity]
        if total == 0:
            continue
        style = _RICH_STYLE[severity]
        console.print()
        console.print(Text(f"{_HEADING[severity]}: {total}", style=f"{style} underline"))
        console.print(_rich_rule_table(per_rule.filter(pl.col("severity") == severity), cat))
        shown = frame.filter(pl.col("severity") == severity).head(max_rows)
        console.print(_rich_findings_table(shown, style))
        left_out = total - shown.height
        if left_out > 0:
            console.print(
                Text(
                    f"… and {left_out} more {_PLURAL[severity]} "
                    "(--format jsonl or csv lists every finding).",
                    style="italic",
                )
            )
    console.print()
    line = Text()
    for i, severity in enumerate(SEVERITIES):
        if i:
            line.append(", ")
        n = counts[severity]
        line.append(_count_phrase(n, severity), style=_RICH_STYLE[severity] if n else "")
    console.print(line)


def _header_text(meta: ReportMeta) -> Text:
    text = Text()
    text.append(visible(meta.input_name), style="bold")
    text.append(
        f": {meta.lines_read} lines read, {meta.lines_invalid} invalid, {meta.seconds:.2f} s"
    )
    return text


def _rich_rule_table(per_rule: pl.DataFrame, cat: Catalogue) -> Table:
    table = Table(show_edge=True, header_style="bold")
    table.add_column("Rule", no_wrap=True)
    table.add_column("Count", justify="right")
    table.add_column("Source", overflow="fold")
    for _severity, rule_id, n in per_rule.iter_rows():
        table.add_row(Text(rule_id or ""), str(n), Text(_rule_source(cat, rule_id)))
    return table


def _rich_findings_table(shown: pl.DataFrame, style: str) -> Table:
    """One finding per entry: where it is on the first line, what is wrong below it.

    A two-column grid reads well at any terminal width, where seven columns would squeeze
    the message into a sliver.
    """
    table = Table.grid(padding=(0, 2))
    table.add_column("Row", justify="right", no_wrap=True, style="dim")
    table.add_column("Finding", overflow="fold", ratio=1)
    cols = ("row", "rule_id", "patient_id", "provider_id", "service_date", "service_code")
    for row, rule_id, patient, provider, date, code, message in shown.select(
        *cols, "message"
    ).iter_rows():
        # Text, not str: data such as "[x]" must not be read as Rich markup.
        where = Text()
        where.append(visible(rule_id), style=f"bold {style}")
        parts = [
            f"patient {visible(patient)}" if patient is not None else None,
            f"provider {visible(provider)}" if provider is not None else None,
            visible(date) if date is not None else None,
            visible(code) if code is not None else None,
        ]
        where.append("  " + " · ".join(p for p in parts if p), style="dim")
        body = Text.assemble(where, "\n", Text(visible(message)))
        table.add_row(Text(f"row {row}"), body)
    return table


# -- HTML ----------------------------------------------------------------------------------

_CSS: Final = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem;
  color: #1d1d1f; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin-top: 1.5rem; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .15rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #d0d0d0; padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f2f2f2; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.small { color: #555; font-size: .85em; }
.sev { font-weight: 600; white-space: nowrap; }
.sev-error { color: #a50e1f; }
.sev-warning { color: #8a5300; }
.sev-info { color: #0b4f8a; }
tr.sev-error td:first-child { border-left: 4px solid #d32f2f; }
tr.sev-warning td:first-child { border-left: 4px solid #f0a500; }
tr.sev-info td:first-child { border-left: 4px solid #3b82c4; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: .6rem; margin-right: .5rem;
  font-weight: 600; }
.badge.sev-error { background: #fde7ea; }
.badge.sev-warning { background: #fff3d6; }
.badge.sev-info { background: #e6f0fb; }
.none { color: #1b6e20; font-weight: 600; }
.note { background: #fff8e1; border-left: 4px solid #f0a500; padding: .4rem .75rem; }
footer { margin-top: 2rem; color: #666; font-size: .85rem; }
"""


def _e(value: object) -> str:
    return "" if value is None else html.escape(visible(value), quote=True)


def render_html(
    findings: pl.DataFrame,
    meta: ReportMeta,
    max_rows: int = 10_000,
    max_providers: int = 1_000,
    catalogue: Catalogue | None = None,
) -> str:
    """A self-contained HTML report (inline CSS, no scripts, no external resources).

    The detail table shows at most `max_rows` findings per severity and the provider summary at
    most `max_providers` providers; each cap is stated in the report with how much was left out.
    """
    cat = catalogue if catalogue is not None else load_catalogue()
    frame = normalise_findings(findings)
    counts = severity_counts(frame)
    title = f"forlob audit: {meta.input_name}"
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        _html_meta(meta),
    ]
    if frame.height == 0:
        parts.append(f'<p class="none">{_e(NO_FINDINGS)}</p>')
    else:
        parts.append(_html_badges(counts))
        parts.append(_html_rules(_rule_counts(frame), cat))
        parts.append(_html_providers(_provider_counts(frame), max_providers))
        parts.append(_html_findings(frame, counts, max_rows, cat))
    parts += [
        f"<footer>Generated by forlob {_e(meta.forlob_version)}.</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _html_meta(meta: ReportMeta) -> str:
    items = [
        ("Input", meta.input_name),
        ("Lines read", str(meta.lines_read)),
        ("Invalid lines", str(meta.lines_invalid)),
        ("Started", meta.started.isoformat(timespec="seconds")),
        ("Duration", f"{meta.seconds:.2f} s"),
        ("forlob version", meta.forlob_version),
    ]
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return f'<dl class="meta">{rows}</dl>'


def _html_badges(counts: dict[str, int]) -> str:
    badges = "".join(
        f'<span class="badge sev-{s}">{_e(_count_phrase(counts[s], s))}</span>' for s in SEVERITIES
    )
    return f'<p class="summary">{badges}</p>'


def _sev_cell(severity: str | None) -> str:
    return f'<td class="sev sev-{_e(severity)}">{_e(severity)}</td>'


def _html_rules(per_rule: pl.DataFrame, cat: Catalogue) -> str:
    rows = []
    for severity, rule_id, n in per_rule.iter_rows():
        source = _rule_source(cat, rule_id)
        doc = _source_title(cat, source)
        doc_html = f'<br><span class="small">{_e(doc)}</span>' if doc else ""
        rows.append(
            f'<tr class="sev-{_e(severity)}"><td>{_e(rule_id)}</td>{_sev_cell(severity)}'
            f'<td class="num">{n}</td><td>{_e(source)}{doc_html}</td></tr>'
        )
    return (
        "<h2>Findings per rule</h2>\n<table><thead><tr><th>Rule</th><th>Severity</th>"
        "<th>Count</th><th>Source</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def _html_providers(per_provider: pl.DataFrame, cap: int) -> str:
    shown = per_provider.head(cap)
    rows = [
        f"<tr><td>{_e(p) if p is not None else '(unreadable)'}</td>"
        f'<td class="num">{lines}</td><td class="num">{e}</td>'
        f'<td class="num">{w}</td><td class="num">{i}</td></tr>'
        for p, lines, e, w, i in shown.iter_rows()
    ]
    note = ""
    if per_provider.height > shown.height:
        note = (
            f'<p class="note">Showing {shown.height} of {per_provider.height} providers, those '
            f"with the most findings; {per_provider.height - shown.height} are left out.</p>"
        )
    return (
        "<h2>Findings per provider</h2>\n<table><thead><tr><th>Provider</th>"
        "<th>Lines with findings</th><th>Errors</th><th>Warnings</th><th>Info</th></tr></thead>"
        "\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n" + note
    )


def _html_findings(frame: pl.DataFrame, counts: dict[str, int], cap: int, cat: Catalogue) -> str:
    code_titles: dict[str, str] = {}
    pathway_titles = {p.id: f"{p.name_en} ({p.name_da})" for p in cat.pathways.values()}

    def code_cell(code: str | None) -> str:
        if code is None:
            return "<td></td>"
        label = code_titles.get(code)
        if label is None:
            label = code_titles[code] = cat.label(code, "da") if code in cat.codes else ""
        if not label:
            return f"<td>{_e(code)}</td>"
        return f'<td><abbr title="{_e(label)}">{_e(code)}</abbr></td>'

    def pathway_cell(pathway: str | None) -> str:
        name = pathway_titles.get(pathway or "")
        if name is None:
            return f"<td>{_e(pathway)}</td>"
        return f'<td><abbr title="{_e(name)}">{_e(pathway)}</abbr></td>'

    out = ["<h2>Findings</h2>"]
    for severity in SEVERITIES:
        total = counts[severity]
        if total == 0:
            continue
        shown = frame.filter(pl.col("severity") == severity).head(cap)
        out.append(f'<h3 class="sev-{severity}">{_HEADING[severity]} ({total})</h3>')
        if total > shown.height:
            out.append(
                f'<p class="note">Showing the first {shown.height} of {total} '
                f"{_PLURAL[severity]}; {total - shown.height} are left out of this report. "
                "The jsonl and csv formats list every finding.</p>"
            )
        rows = [
            f'<tr class="sev-{severity}"><td class="num">{_e(row)}</td><td>{_e(rule_id)}</td>'
            f"<td>{_e(patient)}</td><td>{_e(provider)}</td><td>{_e(date)}</td>"
            f"{code_cell(code)}<td>{_e(course)}</td>{pathway_cell(pathway)}"
            f"<td>{_e(message)}</td></tr>"
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
            "<table><thead><tr><th>Row</th><th>Rule</th><th>Patient</th><th>Provider</th>"
            "<th>Date</th><th>Code</th><th>Course</th><th>Pathway</th><th>Message</th></tr>"
            "</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
        )
    return "\n".join(out)
