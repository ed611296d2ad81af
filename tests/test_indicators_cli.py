"""`forlob indicators` as an analyst runs it: record fields and order, suppression, the Danish
and English page and table, exit codes and one-line errors (indicators.md)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

# The record fields of indicators.md, in order, written out from the contract.
RECORD_KEYS = [
    "indicator",
    "provider_id",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "funnel",
]
HEADER = "patient_id,provider_id,service_date,service_code,referral_date\n"


def forlob(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forlob.cli", *args], capture_output=True, text=True, timeout=120
    )


def extract_text() -> str:
    """Two providers: 022590 with 3 of 4 courses in time, 000123 with 1 of 1 (WAIT-14D)."""
    rows = [
        ("pø1", "022590", "2025-03-10", "0261", "2025-03-01"),
        ("p2", "022590", "2025-03-10", "0261", "2025-03-01"),
        ("p3", "022590", "2025-03-10", "0261", "2025-03-01"),
        ("p4", "022590", "2025-03-30", "0261", "2025-03-01"),
        ("p5", "000123", "2025-03-10", "0261", "2025-03-05"),
        ("p5", "000123", "2025-03-11", "0262", ""),  # LBP-0262-NO-0110: a billing error
        ("p6", "9", "2025-3-11", "0110", ""),  # INPUT-INVALID
    ]
    return HEADER + "".join(",".join(r) + "\n" for r in rows)


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    p = tmp_path / "extract.csv"
    p.write_text(extract_text(), encoding="utf-8")
    return p


def jsonl(*args: str) -> list[dict]:
    result = forlob("indicators", *args, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    return [json.loads(x) for x in result.stdout.splitlines()]


def test_jsonl_has_one_record_per_indicator_and_provider_in_the_contracts_order(extract):
    records = jsonl(str(extract))
    assert all(list(r) == RECORD_KEYS for r in records)
    keys = [(r["indicator"], r["provider_id"]) for r in records]
    # ordered by indicator, then provider_id with the whole file (null) first
    assert keys == sorted(keys, key=lambda k: (k[0], k[1] is not None, k[1] or ""))
    assert ("WAIT-14D", None) in keys and ("WAIT-14D", "000123") in keys
    wait = {r["provider_id"]: r for r in records if r["indicator"] == "WAIT-14D"}
    assert (wait["022590"]["numerator"], wait["022590"]["denominator"]) == (3, 4)
    assert wait["022590"]["value"] == 0.75
    assert (wait[None]["numerator"], wait[None]["denominator"]) == (4, 5)
    assert wait[None]["lower_95"] < 0.8 < wait[None]["upper_95"]
    assert wait["022590"]["funnel"] in {"inside", "above_95", "below_95", "above_998", "below_998"}
    # the provider ids stay text with their leading zeros
    assert isinstance(wait["000123"]["provider_id"], str)


def test_records_with_an_empty_denominator_are_left_out(extract):
    records = jsonl(str(extract))
    # no status, no team training and nothing due: only the wait and billing errors remain
    assert {r["indicator"] for r in records} == {"WAIT-14D", "BILLING-ERRORS"}


def test_csv_has_the_record_fields_as_header_and_the_same_records(extract):
    result = forlob("indicators", str(extract), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == RECORD_KEYS
    as_json = jsonl(str(extract))
    assert [(r[0], r[1] or None, int(r[2]), int(r[3])) for r in rows[1:]] == [
        (r["indicator"], r["provider_id"], r["numerator"], r["denominator"]) for r in as_json
    ]
    billing = [r for r in rows[1:] if r[0] == "BILLING-ERRORS" and r[1] == "000123"]
    assert billing[0][2:4] == ["1", "2"]


def test_suppression_hides_small_counts_and_what_is_computed_from_them(extract):
    records = jsonl(str(extract), "--suppress-below", "3")
    wait = {r["provider_id"]: r for r in records if r["indicator"] == "WAIT-14D"}
    # 000123: 1 of 1, both below 3: nothing of it is shown
    assert [wait["000123"][k] for k in RECORD_KEYS[2:]] == [None] * 6
    # 022590: 3 of 4 stays as it is
    assert (wait["022590"]["numerator"], wait["022590"]["denominator"]) == (3, 4)
    assert wait["022590"]["value"] == 0.75 and wait["022590"]["funnel"] is not None
    billing = {r["provider_id"]: r for r in records if r["indicator"] == "BILLING-ERRORS"}
    # 022590: 0 errors of 4 lines: the numerator is hidden, so are value, interval, position;
    # the denominator is not
    assert billing["022590"]["numerator"] is None and billing["022590"]["denominator"] == 4
    assert billing["022590"]["value"] is None and billing["022590"]["lower_95"] is None
    assert billing["022590"]["funnel"] is None
    # the whole file's 1 error of 6 lines is hidden, and with it every funnel position
    assert billing[None]["numerator"] is None
    assert all(r["funnel"] is None for r in billing.values())


def test_suppressed_counts_read_below_n_in_table_and_html(extract, tmp_path):
    table = forlob("indicators", str(extract), "--suppress-below", "3")
    assert table.returncode == 0, table.stderr
    assert "< 3" in table.stdout
    out = tmp_path / "r.html"
    page = forlob("indicators", str(extract), "--suppress-below", "3", "-f", "html", "-o", str(out))
    assert page.returncode == 0, page.stderr
    assert "&lt; 3" in out.read_text(encoding="utf-8")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[str] = []
        self.cells: list[str] = []
        self.urls: list[str] = []
        self.circles = 0
        self.circle_titles: list[str] = []
        self.polylines = 0
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for key in ("src", "href"):
            if a.get(key):
                self.urls.append(a[key])
        if tag == "circle":
            self.circles += 1
        if tag == "polyline":
            self.polylines += 1
        self._in.append(tag)

    def handle_endtag(self, tag):
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if not self._in or not data.strip():
            return
        if self._in[-1] in ("h1", "h2", "h3", "th", "dt", "summary"):
            self.headings.append(data.strip())
        if self._in[-1] == "td":
            self.cells.append(data.strip())
        if self._in[-1] == "title" and "circle" in self._in:
            self.circle_titles.append(data.strip())


def page(extract: Path, tmp_path: Path, *args: str) -> tuple[_Page, str]:
    out = tmp_path / "report.html"
    result = forlob("indicators", str(extract), "--format", "html", "--output", str(out), *args)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(text)
    return parsed, text


ENGLISH_HEADINGS = {"Provider", "Numerator", "Denominator", "Share", "Whole file", "Source"}


def test_the_page_is_danish_by_default_with_danish_numbers_and_dates(extract, tmp_path):
    parsed, text = page(extract, tmp_path, "--as-of", "2025-11-24")
    assert parsed.lang == "da"
    assert "Kvalitetsindikatorer" in parsed.headings
    assert {"Yder", "Tæller", "Nævner", "Andel"} <= set(parsed.headings)
    assert not ENGLISH_HEADINGS & set(parsed.headings)
    assert not any(re.search(r"\b(Funnel|Provider|Indicator)", h) for h in parsed.headings)
    assert "24.11.2025" in text and "2025-11-24" not in text  # the as-of date, Danish form
    assert "75,0 %" in parsed.cells  # 3 of 4
    assert "80,0 %" in parsed.cells  # the whole file, 4 of 5


def test_the_page_is_self_contained_with_a_funnel_plot_per_indicator(extract, tmp_path):
    parsed, text = page(extract, tmp_path)
    assert parsed.urls == []  # no stylesheet, script, image or link to fetch
    assert "<script" not in text
    assert text.count("<svg") == 2  # one per indicator with records
    assert parsed.circles == 4  # two providers in each
    assert parsed.polylines == 2 * 5  # two pairs of limits and the whole file's value
    assert any(t.startswith("Yder 022590: 75,0 % (3/4)") for t in parsed.circle_titles)


def test_the_page_speaks_english_on_request(extract, tmp_path):
    parsed, text = page(extract, tmp_path, "--lang", "en")
    assert parsed.lang == "en"
    assert {"Provider", "Numerator", "Denominator"} <= set(parsed.headings)
    assert "75.0%" in parsed.cells


def test_data_in_the_page_is_escaped(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(HEADER + "p1,<b>x</b>,2025-03-10,0261,2025-03-01\n", encoding="utf-8")
    out = tmp_path / "r.html"
    result = forlob("indicators", str(p), "-f", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "<b>x</b>" not in text and "&lt;b&gt;x&lt;/b&gt;" in text


def test_the_table_gives_each_indicators_whole_file_value(extract):
    result = forlob("indicators", str(extract))
    assert result.returncode == 0, result.stderr
    assert "Hele filen: 80,0 % (4/5 forløb)" in result.stdout
    assert "WAIT-14D" in result.stdout and "BILLING-ERRORS" in result.stdout
    english = forlob("indicators", str(extract), "--lang", "en")
    assert "Whole file: 80.0% (4/5 courses)" in english.stdout


def test_the_table_lists_providers_outside_the_outer_limits(tmp_path):
    # 40 of 40 courses in time at one provider, 0 of 40 at another: both far outside
    rows = [(f"a{i}", "111", "2025-03-10", "0261", "2025-03-01") for i in range(40)]
    rows += [(f"b{i}", "222", "2025-03-30", "0261", "2025-03-01") for i in range(40)]
    p = tmp_path / "x.csv"
    p.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    result = forlob("indicators", str(p), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Providers outside the 99.8% limits" in result.stdout
    assert "111" in result.stdout and "222" in result.stdout
    assert "above the 99.8% limit" in result.stdout
    assert "below the 99.8% limit" in result.stdout


def test_output_goes_to_the_file_given(extract, tmp_path):
    out = tmp_path / "r.jsonl"
    result = forlob("indicators", str(extract), "-f", "jsonl", "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["indicator"]


def test_a_missing_file_is_one_line_and_exit_2(tmp_path):
    result = forlob("indicators", str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_required_column_is_named_and_exit_2(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("patient_id,provider_id,service_date\np1,1,2025-01-01\n", encoding="utf-8")
    result = forlob("indicators", str(p))
    assert result.returncode == 2 and "service_code" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [["--as-of", "2025-13-01"], ["--as-of", "24.11.2025"], ["--suppress-below", "0"]],
)
def test_a_bad_option_exits_2(extract, args):
    result = forlob("indicators", str(extract), *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_an_extract_without_lines_is_one_line_and_exit_2_as_for_the_audit(tmp_path):
    for name, text in (("empty.csv", ""), ("header.csv", HEADER)):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        result = forlob("indicators", str(p), "--format", "jsonl")
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_semicolon_cp1252_extract_reads_as_for_the_audit(extract, tmp_path):
    p = tmp_path / "cp1252.csv"
    p.write_bytes(extract.read_text(encoding="utf-8").replace(",", ";").encode("cp1252"))
    records = jsonl(str(p), "--encoding", "cp1252")
    assert records == jsonl(str(extract))
