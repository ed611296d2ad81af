"""The audit renderers as a user sees them: exact jsonl/csv, readable table, safe HTML."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from rich.console import Console

from forlob.audit.render import (
    COLUMNS,
    NO_FINDINGS,
    ReportMeta,
    render_html,
    render_table,
    severity_counts,
    summary_line,
    write_csv,
    write_jsonl,
)

SCHEMA = {c: (pl.Int64 if c == "row" else pl.String) for c in COLUMNS}

ROWS: list[tuple[object, ...]] = [
    (
        1,
        "INPUT-INVALID",
        "error",
        None,
        "123456",
        None,
        "0110",
        None,
        None,
        "Row 1 cannot be read: service_date '2024-02-30' is not a date; the line is skipped.",
    ),
    (
        3,
        "LBP-EDU-MAX",
        "error",
        "0101901234",
        "123456",
        "2025-01-08",
        "0263",
        "c1",
        "LBP",
        "0263 er patientuddannelse nr. 3 <script>alert(1)</script> [bold]x[/bold]",
    ),
    (
        4,
        "LBP-FOLLOWUP-TIMING",
        "warning",
        "0101901234",
        "654321",
        "2025-05-01",
        "0268",
        "c1",
        "LBP",
        "0268 kommer for tidligt efter 0267; opfølgning bør ligge omkring 3 måneder efter.",
    ),
    (
        5,
        "LBP-TEAM-TRAIN-DOSE",
        "info",
        "0101901234",
        "123456",
        "2025-03-01",
        "0267",
        "c1",
        "LBP",
        "11 holdtræninger (0264); vejledningen er 12-16.",
    ),
    (
        6,
        "LBP-EDU-MAX",
        "error",
        "0202902345",
        "123456",
        "2025-01-09",
        "0265",
        "c2",
        "LBP",
        "0265 er patientuddannelse nr. 3 i forløbet.",
    ),
]

META = ReportMeta(
    input_name="klinik_æøå.csv",
    lines_read=1234,
    lines_invalid=1,
    started=datetime(2025, 11, 22, 10, 0, 0),
    seconds=0.4213,
    forlob_version="0.1.0",
)


def findings(rows: list[tuple[object, ...]] | None = None) -> pl.DataFrame:
    return pl.DataFrame(ROWS if rows is None else rows, schema=SCHEMA, orient="row")


def expected_dicts() -> list[dict[str, object]]:
    return [dict(zip(COLUMNS, r, strict=True)) for r in ROWS]


# -- jsonl ---------------------------------------------------------------------------------


def test_jsonl_lines_are_the_findings_with_exact_keys_in_order(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    write_jsonl(findings(), path)
    raw = path.read_bytes()
    # Non-ASCII is written as UTF-8, not as \u escapes.
    assert "måneder".encode() in raw
    assert b"\\u00e5" not in raw
    lines = raw.decode("utf-8").split("\n")
    assert lines[-1] == ""  # every record ends with a newline
    parsed = [json.loads(line) for line in lines[:-1]]
    assert parsed == expected_dicts()
    for obj in parsed:
        assert list(obj) == list(COLUMNS)
    assert parsed[0]["patient_id"] is None
    assert parsed[0]["row"] == 1 and isinstance(parsed[0]["row"], int)


@pytest.mark.parametrize("kind", ["binary", "text_with_buffer", "stringio"])
def test_jsonl_to_streams_is_the_same_as_to_a_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "f.jsonl"
    write_jsonl(findings(), path)
    expected = path.read_bytes()
    if kind == "binary":
        bio = io.BytesIO()
        write_jsonl(findings(), bio)
        got = bio.getvalue()
    elif kind == "text_with_buffer":
        # A stream whose own encoding cannot hold "å" still receives UTF-8.
        bio = io.BytesIO()
        text = io.TextIOWrapper(bio, encoding="ascii")
        write_jsonl(findings(), text)
        got = bio.getvalue()
    else:
        sio = io.StringIO()
        write_jsonl(findings(), sio)
        got = sio.getvalue().encode("utf-8")
    assert got == expected


def test_jsonl_of_no_findings_is_empty() -> None:
    bio = io.BytesIO()
    write_jsonl(findings([]), bio)
    assert bio.getvalue() == b""


def test_jsonl_keeps_text_ids_and_casts_dates() -> None:
    # An engine that hands over a Date column or an all-null column still meets the contract.
    frame = findings().with_columns(
        pl.col("service_date").str.to_date(), pl.lit(None).alias("course_id")
    )
    sio = io.StringIO()
    write_jsonl(frame, sio)
    first, second = (json.loads(x) for x in sio.getvalue().splitlines()[:2])
    assert first["service_date"] is None and second["service_date"] == "2025-01-08"
    assert second["service_code"] == "0263" and second["course_id"] is None


def test_missing_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="message"):
        write_jsonl(findings().drop("message"), io.BytesIO())
    # ... but a bare empty frame just means nothing was found.
    sio = io.StringIO()
    write_csv(pl.DataFrame(), sio)
    assert sio.getvalue() == ",".join(COLUMNS) + "\n"


# -- csv -----------------------------------------------------------------------------------


def test_csv_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_csv(findings(), path)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    back = pl.read_csv(path, schema=SCHEMA)
    assert back.equals(findings())
    # Leading zeros survive: codes and IDs are text.
    assert ",0110," in text


def test_csv_of_no_findings_has_the_header() -> None:
    sio = io.StringIO()
    write_csv(findings([]), sio)
    assert sio.getvalue() == ",".join(COLUMNS) + "\n"


def test_csv_to_text_stream_matches_file(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_csv(findings(), path)
    sio = io.StringIO()
    write_csv(findings(), sio)
    assert sio.getvalue() == path.read_text(encoding="utf-8")


# -- counts --------------------------------------------------------------------------------


def test_severity_counts_and_summary_line() -> None:
    counts = severity_counts(findings())
    assert counts == {"error": 3, "warning": 1, "info": 1}
    assert summary_line(counts, "en") == "3 errors, 1 warning, 1 info"
    assert summary_line(counts) == "3 fejl, 1 advarsel, 1 info"
    assert summary_line(severity_counts(findings([])), "en") == NO_FINDINGS.en


# -- table ---------------------------------------------------------------------------------


def table_text(frame: pl.DataFrame, max_rows: int = 200, lang: str = "en") -> str:
    console = Console(record=True, width=160, file=io.StringIO())
    render_table(frame, META, console, max_rows=max_rows, lang=lang)  # type: ignore[arg-type]
    return console.export_text()


def _table_row(text: str, first_cell: str) -> list[str]:
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)]
        if len(cells) > 2 and cells[1] == first_cell:
            return cells[1:-1]
    raise AssertionError(f"no table row starting with {first_cell!r} in:\n{text}")


def test_table_shows_header_counts_per_rule_and_summary() -> None:
    text = table_text(findings())
    assert "klinik_æøå.csv: 1234 lines read, 1 invalid, 0.42 s" in text
    assert _table_row(text, "LBP-EDU-MAX")[1] == "2"
    assert _table_row(text, "INPUT-INVALID")[1] == "1"
    assert _table_row(text, "LBP-TEAM-TRAIN-DOSE")[1] == "1"
    # The source of the rule, from the catalogue, explains the count.
    assert "Patientuddannelse" in _table_row(text, "LBP-EDU-MAX")[2]
    assert text.index("Errors") < text.index("Warnings") < text.index("Info")
    assert text.rstrip().splitlines()[-1] == "3 errors, 1 warning, 1 info"
    # Data is shown literally, not read as Rich markup.
    assert "[bold]x[/bold]" in text
    assert NO_FINDINGS.en not in text


def test_table_caps_detail_rows_per_severity() -> None:
    text = table_text(findings(), max_rows=1)
    assert "… and 2 more errors" in text
    assert "more warning" not in text
    # The capped finding (row 6) is still counted in the per-rule table.
    assert _table_row(text, "LBP-EDU-MAX")[1] == "2"
    assert "0202902345" not in text


def test_table_for_no_findings() -> None:
    text = table_text(findings([]))
    assert NO_FINDINGS.en in text
    assert "1234 lines read" in text
    assert "Errors" not in text


# -- HTML ----------------------------------------------------------------------------------


def test_html_is_self_contained_and_escapes_data() -> None:
    page = render_html(findings(), META, lang="en")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "klinik_æøå.csv" in page
    assert "måneder" in page


def _html_rows(page: str, section: str) -> dict[str, list[str]]:
    """First cell → cells of each body row of the table after heading `section`."""
    start = page.index(f"<h2>{section}</h2>")
    body = page[start : page.index("</table>", start)]
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>")[1], re.S):
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_html_summarises_per_rule_and_per_provider() -> None:
    page = render_html(findings(), META, lang="en")
    per_rule = _html_rows(page, "Findings per rule")
    assert per_rule["LBP-EDU-MAX"][:2] == ["error", "2"]
    assert per_rule["INPUT-INVALID"][:2] == ["error", "1"]
    assert per_rule["LBP-FOLLOWUP-TIMING"][:2] == ["warning", "1"]
    assert per_rule["LBP-TEAM-TRAIN-DOSE"][:2] == ["info", "1"]
    assert "Patientuddannelse" in per_rule["LBP-EDU-MAX"][2]
    per_provider = _html_rows(page, "Findings per provider")
    # provider: lines with findings, errors, warnings, info
    assert per_provider == {"123456": ["4", "3", "0", "1"], "654321": ["1", "0", "1", "0"]}
    assert "left out" not in page


def test_html_notes_truncation() -> None:
    page = render_html(findings(), META, max_rows=1, max_providers=1, lang="en")
    assert "Showing the first 1 of 3 errors; 2 are left out" in page
    assert "jsonl and csv formats list every finding" in page
    assert "0202902345" not in page  # row 6 is the capped one
    assert "Showing 1 of 2 providers" in page


def test_html_for_no_findings() -> None:
    page = render_html(findings([]), META, lang="en")
    assert NO_FINDINGS.en in page
    assert "Findings per rule" not in page


# -- Danish, the default ---------------------------------------------------------------------


def test_the_table_is_danish_by_default() -> None:
    console = Console(record=True, width=160, file=io.StringIO())
    render_table(findings(), META, console)
    text = console.export_text()
    assert "klinik_æøå.csv: 1234 linjer læst, 1 ugyldige, 0,42 s" in text
    assert text.index("Fejl:") < text.index("Advarsler:") < text.index("Info:")
    assert text.rstrip().splitlines()[-1] == "3 fejl, 1 advarsel, 1 info"
    assert "række 1" in text and "lines read" not in text


def test_the_html_report_is_danish_by_default() -> None:
    page = render_html(findings(), META, max_rows=1, max_providers=1)
    assert '<html lang="da">' in page
    for heading in ("Fund pr. regel", "Fund pr. behandler", "Fund"):
        assert f"<h2>{heading}</h2>" in page
    assert "Viser de første 1 af 3 fejl; 2 er udeladt af rapporten" in page
    assert "Viser 1 af 2 behandlere" in page
    per_rule = _html_rows(page, "Fund pr. regel")
    assert per_rule["LBP-EDU-MAX"][:2] == ["fejl", "2"]
    for english in ("Findings", "Showing", "Lines read", "Provider", "Severity", "left out"):
        assert english not in page


def test_the_html_report_in_english_says_so() -> None:
    page = render_html(findings(), META, lang="en")
    assert '<html lang="en">' in page
    assert "<h2>Findings per rule</h2>" in page
