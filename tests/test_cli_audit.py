"""`forlob audit` as a user runs it: formats, exit codes and bad input (formats.md)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
from tests.conftest import FINDING_KEYS

HEADER = "patient_id,provider_id,service_date,service_code,team_size\n"
CLEAN = HEADER + "0101901234,022590,2024-03-04,0110,\n0101901234,022590,2024-03-04,0262,\n"
WITH_ERRORS = (
    HEADER
    + "0101901234,022590,2024-03-04,0241,\n"
    + "0101901234,022590,2024-2-5,0243,\n"  # not a date: INPUT-INVALID, row 2
    + "0101901234,022590,2024-05-30,0243,\n"  # far outside the 2-week window: row 3
    + "0202020202,000123,2024-03-04,0113,x\n"  # unreadable team_size: row 4
)


def forlob(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forlob.cli", *args], capture_output=True, text=True, timeout=120
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_it_exits_0_and_says_so_when_nothing_is_wrong(tmp_path):
    result = forlob("audit", str(write(tmp_path, "clean.csv", CLEAN)))
    assert result.returncode == 0, result.stderr
    assert "Ingen fund" in result.stdout


def test_it_exits_1_and_reports_each_finding_with_its_row(tmp_path):
    result = forlob("audit", str(write(tmp_path, "x.csv", WITH_ERRORS)), "--format", "jsonl")
    assert result.returncode == 1, result.stderr
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(f["row"], f["rule_id"]) for f in findings] == [
        (2, "INPUT-INVALID"),
        (3, "NR-STATUS-WINDOW"),
        (4, "INPUT-FIELD-IGNORED"),
    ]
    assert list(findings[0]) == FINDING_KEYS
    # IDs and codes stay text with their leading zeros; unreadable fields are null
    assert findings[0]["patient_id"] == "0101901234"
    assert findings[0]["service_date"] is None
    assert findings[2]["provider_id"] == "000123"
    assert findings[1]["pathway"] == "NRL"
    assert findings[1]["course_id"]  # the inferred course is named


def test_csv_and_gz_and_parquet_inputs_give_the_same_findings(tmp_path):
    csv_path = write(tmp_path, "x.csv", WITH_ERRORS)
    gz_path = tmp_path / "x.csv.gz"
    gz_path.write_bytes(gzip.compress(WITH_ERRORS.encode()))
    pq_path = tmp_path / "x.parquet"
    pl.read_csv(csv_path, infer_schema=False).write_parquet(pq_path)
    outputs = [
        forlob("audit", str(p), "--format", "jsonl").stdout for p in (csv_path, gz_path, pq_path)
    ]
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]


def test_csv_output_has_the_finding_columns(tmp_path):
    out = tmp_path / "f.csv"
    result = forlob(
        "audit", str(write(tmp_path, "x.csv", WITH_ERRORS)), "--format", "csv", "--output", str(out)
    )
    assert result.returncode == 1
    frame = pl.read_csv(out, infer_schema=False)
    assert frame.columns[:3] == ["row", "rule_id", "severity"]
    assert frame["rule_id"].to_list() == [
        "INPUT-INVALID",
        "NR-STATUS-WINDOW",
        "INPUT-FIELD-IGNORED",
    ]


def test_html_report_is_one_self_contained_file(tmp_path):
    out = tmp_path / "r.html"
    forlob(
        "audit",
        str(write(tmp_path, "x.csv", WITH_ERRORS)),
        "--format",
        "html",
        "--output",
        str(out),
    )
    html = out.read_text(encoding="utf-8")
    assert "NR-STATUS-WINDOW" in html and "022590" in html
    assert "<script src" not in html and "<link " not in html


def test_a_missing_file_is_one_line_and_exit_2(tmp_path):
    result = forlob("audit", str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "nope.csv" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_required_column_is_named(tmp_path):
    p = write(tmp_path, "x.csv", "patient_id,provider_id,service_date\n1,2,2024-01-01\n")
    result = forlob("audit", str(p))
    assert result.returncode == 2
    assert "service_code" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_file_is_refused_in_one_line(tmp_path):
    # an empty extract is almost always the wrong file: "no findings" would mislead
    result = forlob("audit", str(write(tmp_path, "empty.csv", "")), "--format", "jsonl")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "empty.csv is empty" in result.stderr


def test_a_bad_option_exits_2(tmp_path):
    result = forlob("audit", str(write(tmp_path, "x.csv", CLEAN)), "--format", "xml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_columns_are_found_in_any_order_and_unknown_ones_ignored(tmp_path):
    text = (
        "note,service_code,service_date,provider_id,patient_id\n"
        "hello,0243,2024-05-30,022590,0101901234\n"
    )
    result = forlob("audit", str(write(tmp_path, "x.csv", text)), "--format", "jsonl")
    assert [json.loads(x)["rule_id"] for x in result.stdout.splitlines()] == ["COURSE-NO-START"]


def test_a_ragged_line_is_reported_and_the_rest_audited(tmp_path):
    text = HEADER + "0101901234,022590\n" + "0101901234,022590,2024-03-04,9999,\n"
    result = forlob("audit", str(write(tmp_path, "x.csv", text)), "--format", "jsonl")
    assert [
        (json.loads(x)["row"], json.loads(x)["rule_id"]) for x in result.stdout.splitlines()
    ] == [(1, "INPUT-INVALID"), (2, "CODE-UNKNOWN")]
