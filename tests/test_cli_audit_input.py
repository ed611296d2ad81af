"""`forlob audit` on the files people actually have (formats.md, Command): every failure is one
line on stderr and exit 2, and everything readable is audited."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEADER = "patient_id,provider_id,service_date,service_code\n"
LINE = "0101901234,022590,2024-03-04,0262\n"  # 0262 without a 0110: one error


def forlob(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forlob.cli", *args], capture_output=True, text=True, timeout=120
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("forlob: "), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result.stderr


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    p = tmp_path / "x.csv"
    p.write_text(HEADER + LINE, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "xml"], "'xml' is not one of"),
        (["--bogus"], "No such option: --bogus"),
        (["--output"], "--output"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(extract: Path, args: list[str], says: str) -> None:
    assert says in one_line(forlob("audit", str(extract), *args))


def test_a_missing_argument_is_one_line_and_exit_2() -> None:
    assert "Missing argument" in one_line(forlob("audit"))


def test_an_unknown_command_is_one_line_and_exit_2() -> None:
    assert "nosuch" in one_line(forlob("nosuch"))


def test_help_is_still_shown_in_full() -> None:
    result = forlob("audit", "--help")
    assert result.returncode == 0
    assert "--format" in result.stdout and "--output" in result.stdout
