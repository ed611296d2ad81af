"""`forlob score` as the plain function the typer app wraps: output formats and the error contract.

Every invalid input must give exit code 2, nothing on stdout, and exactly one line on stderr that
names the item and the allowed range — never a traceback.
"""

from __future__ import annotations

import json

import pytest

from forlob.prom.cli import score_command

ODI_16_OF_50 = ["3", "2", "2", "1", "2", "2", "1", "1", "1", "1"]
ODI_16_OF_45 = ["3", "2", "2", "1", "2", "2", "1", "-", "2", "1"]


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = score_command(*args)  # type: ignore[arg-type]
    out, err = capsys.readouterr()
    return code, out, err


def test_odi_json_reports_the_worked_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "odi", ODI_16_OF_50, "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "instrument": "odi",
        "score": 32.0,
        "unit": "%",
        "raw": 16,
        "max": 50,
        "answered": 10,
    }


def test_odi_json_with_a_skipped_section_reports_35_6(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "odi", ODI_16_OF_45, "json")
    assert code == 0
    assert out == (
        '{"instrument": "odi", "score": 35.6, "unit": "%", "raw": 16, "max": 45, "answered": 9}\n'
    )


def test_json_keeps_one_decimal_on_a_whole_score(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "nprs", ["7"], "json")
    assert '"score": 7.0' in out


def test_nprs_table_shows_score_raw_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "nprs", ["7"], "table")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split(None, 1) == ["instrument", "NPRS (Numeric Pain Rating Scale)"]
    assert lines[1].split() == ["score", "7.0", "points"]
    assert lines[2].split() == ["raw", "7", "of", "10"]
    assert lines[3].split() == ["answered", "1", "of", "1"]
    assert lines[4].startswith("version")


def test_the_table_notes_an_unanswered_section(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "odi", ODI_16_OF_45, "table")
    assert "35.6 %" in out
    assert "section 8 unanswered" in out


def test_the_table_is_the_default_format(capsys: pytest.CaptureFixture[str]) -> None:
    code = score_command("nprs", ["4"])
    assert code == 0 and "4.0 points" in capsys.readouterr().out


def test_instrument_and_format_are_case_insensitive(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ODI", ODI_16_OF_50, "JSON")
    assert code == 0 and json.loads(out)["score"] == 32.0


def test_ndi_json_reports_raw_scaled_to_50(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "ndi", ODI_16_OF_45, "json")
    assert json.loads(out) == {
        "instrument": "ndi",
        "score": 35.6,
        "unit": "%",
        "raw": 17.8,
        "max": 50,
        "answered": 9,
    }


def test_psfs_json_reports_the_mean(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "psfs", ["3", "4", "6"], "json")
    assert json.loads(out)["score"] == 4.3


def test_a_timed_test_accepts_a_decimal_comma(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "sts5", ["12,4"], "json")
    assert json.loads(out) == {
        "instrument": "sts5",
        "score": 12.4,
        "unit": "seconds",
        "raw": 12.4,
        "max": None,
        "answered": 1,
    }


def test_biering_sorensen_above_240_is_capped_and_shows_the_measurement(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(capsys, "Biering-Sørensen", ["250"], "json")
    assert json.loads(out)["score"] == 240.0 and json.loads(out)["raw"] == 250
    _, out, _ = _run(capsys, "biering-sorensen", ["250"], "table")
    assert "measured 250 capped at 240" in out


@pytest.mark.parametrize(
    ("instrument", "answers", "names", "allowed"),
    [
        ("odi", "3 2 2 1 2 7 1 1 1 1", "odi section 6 (Standing)", "0–5"),
        ("odi", "3 2 2 1 2 x 1 1 1 1", "odi section 6 (Standing)", "0–5"),
        ("odi", "3 2 2 1 2 2 1 - - -", "sections unanswered (8, 9, 10)", "at most 2"),
        ("odi", "3 2 2 1", "sections 1–10", "0–5"),
        ("odi", "1 1 1 1 1 1 1 1 1 1 1", "sections 1–10", "0–5"),
        ("ndi", "1 1 1 1 6 1 1 1 1 1", "ndi item 5 (Headaches)", "0–5"),
        ("ndi", "- - - 1 1 1 1 1 1 1", "items unanswered (1, 2, 3)", "at most 2"),
        ("nprs", "11", "nprs rating", "0–10"),
        ("nprs", "-1", "nprs rating", "0–10"),
        ("nprs", "-", "nprs rating", "0–10"),
        ("nprs", "7.5", "nprs rating", "0–10"),
        ("nprs", "1_0", "nprs rating", "0–10"),
        ("nprs", "3 4", "nprs", "0–10"),
        ("psfs", "1 2 3 4 5 6", "psfs activity 6", "1–5 activities, each 0–10"),
        ("psfs", "4 11", "psfs activity 2", "0–10"),
        ("psfs", "4 -", "psfs activity 2", "0–10"),
        ("psfs", "", "psfs", "1–5 activities"),
        ("sts30", "-3", "sts30 count", "whole number ≥ 0"),
        ("sts30", "12.5", "sts30 count", "whole number ≥ 0"),
        ("sts5", "fast", "sts5 time in seconds", "number ≥ 0"),
        ("sts5", "nan", "sts5 time in seconds", "number ≥ 0"),
        ("biering-sorensen", "-", "biering-sorensen time in seconds", "number ≥ 0"),
    ],
)
def test_invalid_answers_give_exit_2_and_one_line_naming_item_and_range(
    capsys: pytest.CaptureFixture[str], instrument: str, answers: str, names: str, allowed: str
) -> None:
    code, out, err = _run(capsys, instrument, answers.split(), "json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")
    assert names in err and allowed in err
    assert "Traceback" not in err


def test_an_unknown_instrument_gives_exit_2_listing_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "sf36", ["1"], "json")
    assert (code, out) == (2, "")
    assert err == (
        "forlob: instrument 'sf36' is unknown; choose one of "
        "nprs, odi, ndi, psfs, sts30, sts5, biering-sorensen\n"
    )


def test_an_unknown_format_gives_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "nprs", ["3"], "xml")
    assert (code, out) == (2, "")
    assert err == "forlob: --format: 'xml' is not allowed; choose one of table, json\n"


def test_an_answer_with_a_newline_still_gives_one_error_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _run(capsys, "nprs", ["3\nx"], "json")
    assert code == 2 and err.count("\n") == 1
