"""What an extract's fields can do to the reports: control characters must not misalign or
disguise a table or HTML message, and formula-looking values must not run in a spreadsheet
opening the csv output (formats.md, Findings)."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime

import polars as pl
import pytest
from rich.console import Console
from tests.conftest import audit, line

from forlob.audit.render import ReportMeta, render_html, render_table, write_csv, write_jsonl

META = ReportMeta(
    input_name="x.csv",
    lines_read=2,
    lines_invalid=1,
    started=datetime(2025, 11, 22, 10, 0, 0),
    seconds=0.1,
    forlob_version="0.1.0",
)
# a terminal escape that clears the screen, a backspace, a right-to-left override
HOSTILE = "P1\x1b[2J\x08\u202eX"
# not a date: the raw value goes into the INPUT-INVALID message
HOSTILE_DATE = "2024-03-04\x0b\x07"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202e]")


def hostile_findings() -> pl.DataFrame:
    return audit(
        [
            line("2024-03-04", "0262", patient=HOSTILE),
            line(HOSTILE_DATE, "0110", patient="P2"),
        ]
    )


def test_the_table_shows_control_characters_as_escapes() -> None:
    out = io.StringIO()
    render_table(hostile_findings(), META, Console(file=out, width=160))
    text = out.getvalue()
    assert CONTROL.search(text) is None
    assert "patient P1\\x1b[2J\\x08\\u202eX" in text
    assert "'2024-03-04\\x0b\\x07'" in text


def test_the_html_report_shows_control_characters_as_escapes() -> None:
    page = render_html(hostile_findings(), META)
    assert CONTROL.search(page) is None
    assert "<td>P1\\x1b[2J\\x08\\u202eX</td>" in page
    assert "2024-03-04\\x0b\\x07" in page


def test_jsonl_keeps_the_fields_as_they_were_read() -> None:
    out = io.StringIO()
    write_jsonl(hostile_findings(), out)
    patients = {json.loads(x)["patient_id"] for x in out.getvalue().splitlines()}
    assert HOSTILE in patients


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "＝1+1"])
def test_csv_output_defuses_a_value_a_spreadsheet_would_run(value: str) -> None:
    findings = audit([line("2024-03-04", "0262", patient=value, provider=value)])
    out = io.StringIO()
    write_csv(findings, out)
    back = pl.read_csv(io.StringIO(out.getvalue()), infer_schema=False)
    assert back["patient_id"].to_list() == ["'" + value]
    assert back["provider_id"].to_list() == ["'" + value]
    # the jsonl output keeps the value raw
    raw = io.StringIO()
    write_jsonl(findings, raw)
    assert json.loads(raw.getvalue().splitlines()[0])["patient_id"] == value


@pytest.mark.parametrize("value", ["\t=1+2", "\r=1+2"])
def test_csv_output_defuses_a_cell_starting_with_a_tab_or_carriage_return(value: str) -> None:
    # the engine trims IDs; a message or course name could still start so
    findings = audit([line("2024-03-04", "0262")]).with_columns(pl.lit(value).alias("course_id"))
    out = io.StringIO()
    write_csv(findings, out)
    back = pl.read_csv(io.StringIO(out.getvalue()), infer_schema=False)
    assert back["course_id"].to_list() == ["'" + value]


def test_csv_output_leaves_ordinary_values_alone() -> None:
    findings = audit([line("2024-03-04", "0262", patient="0101901234", provider="022590")])
    out = io.StringIO()
    write_csv(findings, out)
    row = pl.read_csv(io.StringIO(out.getvalue()), infer_schema=False).row(0, named=True)
    assert (row["patient_id"], row["provider_id"], row["service_code"]) == (
        "0101901234",
        "022590",
        "0262",
    )
    assert row["message"].startswith("0262 ")
