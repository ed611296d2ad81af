"""`forlob triage [FILE|-]` (forlob.decision.cli.triage_command): JSON in, JSON out.

Invalid input gives exactly one line on stderr naming the key and what is allowed, exit code 2,
and never a traceback.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from forlob.decision.cli import triage_command

GROUP_1 = {"age": 40, "region": "low_back", "new_onset": True}


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: str,
    source: str | None = None,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = triage_command(source)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_file_gives_one_json_object_with_the_issue_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(GROUP_1), encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "", str(path))
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert list(result) == ["group", "urgency", "eligible_region_h", "pathways", "risk", "actions"]
    assert result["group"] == 1
    assert result["pathways"] == ["LBP"]
    assert result["actions"][0] == {
        "text": "Information.",
        "source": "003 §3.3, Gruppe 1, T = 0 uger",
    }


@pytest.mark.parametrize("source", [None, "-"])
def test_stdin_is_read_for_none_or_dash(
    source: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {**GROUP_1, "paresis_grade": 3}
    code, out, err = run(monkeypatch, capsys, json.dumps(data), source)
    assert (code, err) == (0, "")
    result = json.loads(out)
    # 003 Bilag 3 A: paresis grade ≤ 3 is referred acutely
    assert (result["group"], result["urgency"]) == (2, "acute")


def test_danish_text_is_printed_as_utf8_not_escaped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(monkeypatch, capsys, json.dumps({**GROUP_1, "red_flags": ["fever"]}))
    assert "udgår af forløbsprogrammet" in out


BAD = [
    pytest.param("{", "not valid JSON (line 1, column 2", id="broken JSON"),
    pytest.param("", "not valid JSON", id="empty input"),
    pytest.param("[1, 2]", "must be a JSON object", id="a list"),
    pytest.param('{"age": NaN, "region": "low_back", "new_onset": true}', "NaN", id="NaN"),
    pytest.param(json.dumps({**GROUP_1, "colour": "red"}), "unknown key 'colour'", id="key"),
    pytest.param(json.dumps({**GROUP_1, "region": "hip"}), "region: 'hip'", id="region"),
    pytest.param(json.dumps({**GROUP_1, "paresis_grade": 7}), "paresis_grade: 7", id="MRC 7"),
    pytest.param(json.dumps({**GROUP_1, "age": "40"}), "age: '40'", id="age as text"),
    pytest.param(json.dumps({**GROUP_1, "fever": True}), "unknown key 'fever'", id="flag as key"),
    pytest.param(
        json.dumps({**GROUP_1, "red_flags": ["cough"]}), "red_flags[0]: 'cough'", id="red flag"
    ),
    pytest.param(
        json.dumps({"age": 40, "region": "low_back"}), "new_onset: missing", id="missing key"
    ),
    pytest.param(
        json.dumps({**GROUP_1, "weeks_since_start": 2, "course_status": "ok"}),
        "course_status: 'ok'",
        id="status",
    ),
]


@pytest.mark.parametrize(("stdin", "fragment"), BAD)
def test_invalid_input_is_one_line_on_stderr_and_exit_2(
    stdin: str, fragment: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, stdin)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("forlob triage: ")
    assert fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("data", "allowed"),
    [
        ({**GROUP_1, "region": "hip"}, "low_back, neck, thoracic"),
        ({**GROUP_1, "paresis_grade": 7}, "0–5"),
        ({**GROUP_1, "positive_slr": "yes"}, "true or false"),
        ({**GROUP_1, "risk_factors": ["stress"]}, "fear_of_movement"),
    ],
)
def test_the_error_says_what_is_allowed(
    data: dict[str, Any],
    allowed: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(monkeypatch, capsys, json.dumps(data))
    assert code == 2
    assert "allowed" in err and allowed in err


def test_a_missing_file_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, "", str(tmp_path / "nope.json"))
    assert (code, out) == (2, "")
    assert err.startswith("forlob triage: cannot read ") and err.count("\n") == 1


def test_a_non_utf8_file_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"region": "lænd"}'.encode("latin-1"))
    code, _, err = run(monkeypatch, capsys, "", str(path))
    assert code == 2
    assert "not UTF-8" in err and err.count("\n") == 1
