"""Field values the engine must judge, not crash on (formats.md, rules.md §2).

Dates from 0001 to 9999 are dates; over-large counts are over the limit; only ASCII digits make
a code or a date.
"""

from __future__ import annotations

import pytest
from tests.conftest import audit, found, line, pairs


@pytest.mark.parametrize("day", ["1924-05-01", "0001-01-01", "1969-12-31", "2150-06-03"])
def test_it_judges_a_line_dated_before_1970_or_after_2100(day: str) -> None:
    # 0262 without a 0110 the same day is an error whatever the year
    findings = audit([line(day, "0262"), line("2024-05-01", "0110")])
    assert pairs(findings) == {(1, "LBP-0262-NO-0110")}
    assert findings.filter(findings["row"] == 1)["service_date"].to_list() == [day]


@pytest.mark.parametrize(
    ("start", "status"),
    [("1924-03-04", "1924-05-30"), ("0001-01-01", "0001-03-30"), ("9999-10-01", "9999-12-31")],
)
def test_it_checks_a_working_day_window_in_any_year(start: str, status: str) -> None:
    # the status consultation's window is counted in working days (the holiday calendar)
    assert found([line(start, "0241"), line(status, "0243")]) == {(2, "NR-STATUS-WINDOW")}


def test_a_line_of_0001_and_one_of_9999_are_both_audited() -> None:
    findings = audit([line("0001-01-01", "0110"), line("9999-12-31", "0262")])
    assert pairs(findings) == {(2, "LBP-0262-NO-0110")}


@pytest.mark.parametrize("quantity", ["3000000000", "99999999999999999999", "2147483648"])
def test_an_over_large_quantity_is_over_the_conference_limit(quantity: str) -> None:
    findings = audit([line("2024-03-04", "1024", quantity=quantity)])
    assert pairs(findings) == {(1, "CH-CONFERENCE-MODULES")}
    assert "afregnet med > 2147483646 moduler" in findings["message"][0]


@pytest.mark.parametrize("size", ["12345678901234567890", "00000000000000000011"])
def test_an_over_large_team_size_is_over_the_team_limit(size: str) -> None:
    lines = [line("2024-09-02", "3015"), line("2024-09-04", "3017", team_size=size)]
    assert found(lines) == {(2, "TP-TEAM-SIZE")}


@pytest.mark.parametrize(
    "code",
    ["０１１０", "٠١١٠", "۰۱۱۰", "0११0"],  # full-width, Arabic-Indic, Persian, Devanagari digits
)
def test_a_code_of_non_ascii_digits_is_input_invalid(code: str) -> None:
    findings = audit([line("2024-03-04", code)])
    assert pairs(findings) == {(1, "INPUT-INVALID")}
    assert "0000" not in findings["message"][0]
    assert findings["service_code"].to_list() == [None]


def test_a_count_of_non_ascii_digits_is_ignored_with_a_warning() -> None:
    findings = audit([line("2024-03-04", "1024", quantity="９")])
    assert pairs(findings) == {(1, "INPUT-FIELD-IGNORED")}
