"""`forlob plan` (plan_command): the JSON document, the table view and bad input."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from forlob.planning.cli import plan_command

D = dt.date.fromisoformat
CONSULTATION_KEYS = ["kind", "code", "label", "target", "earliest", "latest", "note"]
QUESTIONNAIRE_KEYS = [
    "kind",
    "code",
    "instruments",
    "label",
    "target",
    "earliest",
    "latest",
    "note",
]


def run_json(capsys: pytest.CaptureFixture[str], *args: Any) -> dict[str, Any]:
    assert plan_command(*args, format="json") == 0
    out, err = capsys.readouterr()
    assert err == ""
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_json_document_has_exactly_the_specified_shape(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = run_json(capsys, "LBP", D("2024-01-15"), D("2024-01-05"), D("2024-04-10"))
    assert list(doc) == ["pathway", "start", "items"]
    assert doc["pathway"] == "LBP" and doc["start"] == "2024-01-15"
    for item in doc["items"]:
        if item["kind"] == "consultation":
            assert list(item) == CONSULTATION_KEYS
            assert isinstance(item["code"], str) and len(item["code"]) == 4
        else:
            assert item["kind"] == "questionnaire"
            assert list(item) == QUESTIONNAIRE_KEYS
            assert item["code"] is None
            assert item["instruments"] == ["NPRS", "ODI", "PSFS"]
        for key in ("target", "earliest", "latest"):
            assert item[key] is None or dt.date.fromisoformat(item[key])
        assert isinstance(item["label"], str) and isinstance(item["note"], str)


def test_json_lbp_course_lists_items_in_order_with_iso_dates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = run_json(capsys, "LBP", D("2024-01-15"), D("2024-01-05"), D("2024-04-10"))
    rows = [
        (i["kind"][0], i["code"], i["target"], i["earliest"], i["latest"]) for i in doc["items"]
    ]
    assert rows == [
        ("q", None, "2024-01-08", "2024-01-08", "2024-01-15"),
        ("c", "0261", "2024-01-15", "2024-01-15", "2024-01-15"),
        ("c", "0266", None, "2024-01-15", "2024-04-08"),  # start + 84 days
        ("q", None, "2024-04-03", "2024-04-03", None),
        ("c", "0267", "2024-04-10", None, None),
        ("q", None, "2024-07-03", "2024-06-03", "2024-08-10"),
        ("c", "0268", "2024-07-10", "2024-06-10", "2024-08-10"),
        ("q", None, "2024-12-29", "2024-12-03", "2025-01-05"),
        ("c", "0268", "2025-01-05", "2024-12-10", "2025-01-05"),  # capped: referral + 12 months
    ]
    assert doc["items"][1]["label"].startswith("Supplerende indledende konsultation")


def test_json_marks_an_unreachable_follow_up_in_its_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = run_json(capsys, "LBP", D("2024-01-15"), D("2024-01-05"), D("2024-06-10"))
    last = doc["items"][-1]
    assert last["code"] == "0268" and last["note"].count("unreachable") == 1


def test_json_without_optional_dates_uses_null(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "LBP", D("2024-01-15"), None, None)
    follow_ups = [i for i in doc["items"] if i["code"] == "0268"]
    assert len(follow_ups) == 2
    assert all(i["target"] is None and i["earliest"] is None for i in follow_ups)


def test_json_neck_course_uses_ndi(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "NRC", D("2024-01-08"), None, None)
    rounds = [i for i in doc["items"] if i["kind"] == "questionnaire"]
    assert [r["instruments"] for r in rounds] == [["NPRS", "NDI", "PSFS"]] * 2


def test_lead_days_moves_the_send_dates(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan_command("NRL", D("2024-01-08"), None, None, "json", lead_days=14) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["items"][0]["target"] == "2023-12-25"


def test_table_shows_one_row_per_item_with_window_and_holiday(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan_command("NRL", D("2024-04-25"), None, None, "table") == 0
    out = capsys.readouterr().out
    assert "NRL" in out and "Nerverodspåvirkning i lænd" in out
    row = next(line for line in out.splitlines() if line.startswith("0243"))
    assert "2024-05-01 – 2024-05-17" in row
    assert "Kristi himmelfartsdag 2024-05-09" in row
    body = [line for line in out.splitlines() if line[:4].isdigit() or line.startswith("–")]
    assert len(body) == 6  # 4 consultations + 2 questionnaire rounds


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("FOO", D("2024-01-15"), None, None, "json"), "unknown pathway"),
        (("LBP", D("2024-01-15"), None, D("2024-01-14"), "json"), "before the start"),
        (("CSS", D("2024-01-15"), None, D("2024-05-14"), "table"), "only to LBP"),
        (("LBP", D("2024-01-15"), None, None, "xml"), "unknown format"),
    ],
)
def test_invalid_input_prints_one_line_on_stderr_and_returns_2(
    capsys: pytest.CaptureFixture[str], args: tuple[Any, ...], message: str
) -> None:
    assert plan_command(*args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("forlob: ") and message in err
    assert "Traceback" not in err


def test_pathway_is_accepted_in_lower_case(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "ctb", D("2024-03-04"), None, None)
    assert doc["pathway"] == "CTB"
