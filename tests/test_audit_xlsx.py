"""An Excel workbook as an extract (formats.md, Command): the first sheet or --sheet, every
cell as text, rows numbered as in the sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from tests.test_cli_audit_input import forlob, one_line

from forlob.audit.reader import ExtractError, read_extract
from forlob.rules import audit_frame

HEADER = ["patient_id", "provider_id", "service_date", "service_code", "note"]
P = "0101901234"


def workbook(tmp_path: Path, rows: list[list[object]], *, other: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Ydelser"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    if other:
        extra = wb.create_sheet("Andet")
        extra.append(HEADER)
        extra.append([P, "022590", "2024-05-01", "0262", ""])
    p = tmp_path / "extract.xlsx"
    wb.save(p)
    return p


def found(path: Path, **options: str) -> list[tuple[int, str, str | None]]:
    f = audit_frame(read_extract(path, **options))
    return list(zip(f["row"], f["rule_id"], f["service_code"], strict=True))


def test_it_audits_the_first_sheet_of_a_workbook(tmp_path: Path) -> None:
    p = workbook(
        tmp_path,
        [
            [P, "022590", "2024-03-04", "0262", "text cells"],
            [P, "022590", dt.date(2024, 3, 5), "0262", "a date cell"],
            [],  # a blank row is skipped and keeps the numbering of the sheet
            [P, 22590, "2024-03-06", 262, "numbers: the leading zeros are gone"],
        ],
        other=True,
    )
    assert found(p) == [
        (1, "LBP-0262-NO-0110", "0262"),
        (2, "LBP-0262-NO-0110", "0262"),
        (4, "INPUT-INVALID", None),  # 262 is not four digits
    ]


def test_it_audits_the_sheet_named_by_sheet(tmp_path: Path) -> None:
    p = workbook(tmp_path, [[P, "022590", "2024-03-04", "0110", ""]], other=True)
    assert found(p) == []
    assert found(p, sheet="Andet") == [(1, "LBP-0262-NO-0110", "0262")]


def test_an_unknown_sheet_is_a_one_line_error(tmp_path: Path) -> None:
    p = workbook(tmp_path, [[P, "022590", "2024-03-04", "0110", ""]])
    with pytest.raises(ExtractError, match="no sheet named 'Nope'"):
        read_extract(p, sheet="Nope")
    assert "no sheet named" in one_line(forlob("audit", str(p), "--sheet", "Nope"))


def test_a_workbook_through_the_command_line(tmp_path: Path) -> None:
    p = workbook(tmp_path, [[P, "022590", "2024-03-04", "0262", ""]])
    result = forlob("audit", str(p), "--format", "jsonl")
    assert result.returncode == 1, result.stderr
    assert '"service_code":"0262"' in result.stdout


def test_a_workbook_without_lines_is_a_one_line_error(tmp_path: Path) -> None:
    p = workbook(tmp_path, [])
    assert "no lines" in one_line(forlob("audit", str(p)))
