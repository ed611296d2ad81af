"""Golden snapshot of `forlob audit --format jsonl` on a small fixed extract.

`tests/data/golden_extract.csv` touches many rules; `tests/data/golden_extract.jsonl` is the
reviewed audit of it. Every finding in the snapshot was checked by hand against rules.md (the
hand-derived (row, rule_id) list is also asserted below, independently of the snapshot).

To rewrite the snapshot after an intended change: FORLOB_UPDATE_GOLDEN=1 pytest
tests/test_golden.py -- then READ the diff line by line against rules.md before committing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import FINDING_KEYS

DATA = Path(__file__).parent / "data"
EXTRACT = DATA / "golden_extract.csv"
SNAPSHOT = DATA / "golden_extract.jsonl"
SNAPSHOT_DA = DATA / "golden_extract.da.jsonl"

# Derived by hand from rules.md for golden_extract.csv (row = 1-based data record):
EXPECTED_PAIRS = {
    (5, "LBP-EDU-MAX"),  # 3rd patient education (0263, 0265, 0263)
    (7, "LBP-AFTER-CLOSE"),  # 0266 on 04-22 after the 0267 on 04-15
    (11, "NR-STATUS-WINDOW"),  # 0244 target 2024-04-01 (Easter Monday); last ok 04-09
    (13, "NR-AFTER-LAST-STATUS"),  # 0247 after the 0245 on 04-29
    (14, "NR-0242-NO-PRIOR"),  # 0242 at K2 with no earlier line at K2
    (15, "CH-AGE-16"),  # born 2008-01-15, start 2024-01-15: exactly 16
    (17, "PKG-STATUS-ONCE"),  # second 1042 (inside its window)
    (19, "PKG-FOLLOWUP-BEFORE-LAST"),  # 1045 on the 1044 day
    (19, "PKG-SAME-DAY"),  # ... and the 2nd package line that day
    (21, "PKG-6-MONTHS"),  # 2024-07-16 > 2024-01-15 + 6 months
    (22, "CH-EXAM-LEVEL"),  # 1015 but previous service 2024-07-16 -> 1017
    (24, "PKG-STATUS-WINDOW"),  # 1063 target 2024-11-30 + 3 months = 2025-02-28; ok to 03-07
    (25, "CH-53-64-SAME-DAY"),  # 1036 on the 1061 day
    (26, "CH-EXAM-LEVEL"),  # 1016 but last_visit_date 2024-04-02 -> 1017
    (27, "CH-REMOTE-SAME-DAY"),  # 1025 with the 1016
    (29, "CH-XRAY-PRIMARY-SAME-DAY"),  # 2015 after 2014
    (31, "CH-ULTRASOUND-PAIR"),  # 2030 after 2031
    (32, "CH-CONFERENCE-MODULES"),  # 1024 quantity 7
    (33, "CH-TRAINING-SAME-DAY"),  # 3010 with another line
    (34, "CH-TRAINING-SAME-DAY"),  # 3011 with 3010
    (36, "CH-TRAINING-INTRO-MAX"),  # 3rd 3011, no 3012
    (38, "TP-TEAM-SIZE"),  # 3017 team of 11
    (40, "TP-TRAIN-WEEKLY"),  # 3rd 3017 in ISO week 2024-W36
    (42, "TP-AFTER-STATUS"),  # 3016 after the 3018
    (43, "INPUT-INVALID"),  # 2024-02-30
    (44, "INPUT-INVALID"),  # code 110
    (45, "CODE-UNKNOWN"),  # 9999
    (46, "COURSE-NO-START"),  # 0268 with no LBP course
    (47, "INPUT-FIELD-IGNORED"),  # referral_date 2024-13-01
    (49, "LBP-0261-SAME-DAY-0110"),  # 0261 with 0110 the same day
}


def run_audit(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forlob.cli", "audit", str(path), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def golden_run() -> subprocess.CompletedProcess[str]:
    return run_audit(EXTRACT, "--format", "jsonl", "--lang", "en")


@pytest.fixture(scope="module")
def golden_run_da() -> subprocess.CompletedProcess[str]:
    # Danish is the command's default language
    return run_audit(EXTRACT, "--format", "jsonl")


def parse(jsonl: str) -> list[dict]:
    return [json.loads(line) for line in jsonl.splitlines() if line.strip()]


def test_golden_audit_matches_the_reviewed_snapshot(golden_run):
    assert golden_run.returncode in (0, 1), golden_run.stderr
    if os.environ.get("FORLOB_UPDATE_GOLDEN") == "1":
        SNAPSHOT.write_text(golden_run.stdout, encoding="utf-8")
    expected = parse(SNAPSHOT.read_text(encoding="utf-8"))
    actual = parse(golden_run.stdout)
    assert [list(f) for f in actual] == [FINDING_KEYS] * len(actual)
    assert actual == expected


def test_golden_audit_in_danish_matches_its_reviewed_snapshot(golden_run_da):
    assert golden_run_da.returncode == 1, golden_run_da.stderr
    if os.environ.get("FORLOB_UPDATE_GOLDEN") == "1":
        SNAPSHOT_DA.write_text(golden_run_da.stdout, encoding="utf-8")
    assert parse(golden_run_da.stdout) == parse(SNAPSHOT_DA.read_text(encoding="utf-8"))


def test_the_language_changes_the_message_and_nothing_else(golden_run, golden_run_da):
    # formats.md: keys and rule IDs never change with the language
    en, da = parse(golden_run.stdout), parse(golden_run_da.stdout)
    assert [{**f, "message": ""} for f in en] == [{**f, "message": ""} for f in da]
    assert all(a["message"] != b["message"] for a, b in zip(en, da, strict=True))


def test_danish_messages_write_danish_dates_and_no_negative_counts(golden_run_da):
    messages = [f["message"] for f in parse(golden_run_da.stdout)]
    assert not [
        m for m in messages if re.search(r"\b\d{4}-\d{2}-\d{2}\b", m) and "ÅÅÅÅ-MM-DD" not in m
    ]
    window = next(m for m in messages if m.startswith("0244 "))
    # 0244 on 10.04.2024: target Easter Monday 01.04.2024, last allowed day 09.04.2024
    assert "10.04.2024" in window and "6 hverdage efter måldatoen 01.04.2024" in window
    assert "til og med 09.04.2024" in window
    assert not [m for m in messages if re.search(r"(?<![\w±])-\d", m)]


def test_golden_audit_reports_the_hand_derived_rule_pairs(golden_run):
    actual = parse(golden_run.stdout)
    got = {(f["row"], f["rule_id"]) for f in actual if f["severity"] in ("error", "warning")}
    assert got == EXPECTED_PAIRS


def test_golden_snapshot_itself_holds_the_hand_derived_rule_pairs():
    # guards against accepting a wrong snapshot with FORLOB_UPDATE_GOLDEN=1
    snap = parse(SNAPSHOT.read_text(encoding="utf-8"))
    got = {(f["row"], f["rule_id"]) for f in snap if f["severity"] in ("error", "warning")}
    assert got == EXPECTED_PAIRS


def test_golden_findings_are_ordered_by_row_then_rule(golden_run):
    keys = [(f["row"], f["rule_id"]) for f in parse(golden_run.stdout)]
    assert keys == sorted(keys)


def test_golden_ids_and_codes_keep_their_leading_zeros(golden_run):
    actual = parse(golden_run.stdout)
    assert {f["provider_id"] for f in actual if f["row"] in (15, 17)} == {"022590"}
    assert {f["patient_id"] for f in actual if f["row"] == 5} == {"0101901234"}
    assert {f["service_code"] for f in actual if f["row"] == 5} == {"0263"}


def test_an_audit_with_errors_exits_1(golden_run):
    assert golden_run.returncode == 1, golden_run.stderr


def test_a_clean_file_exits_0_with_no_findings(tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "patient_id,provider_id,service_date,service_code\n"
        "0101901234,K1,2024-03-04,0110\n"
        "0202902345,K2,2024-09-02,1040\n"
        "0303903456,K1,2024-06-14,2020\n",
        encoding="utf-8",
    )
    result = run_audit(clean, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert parse(result.stdout) == []
