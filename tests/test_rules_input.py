"""rules.md §2: reading lines, unknown codes, and how lines form courses (all pathways).

Expected (row, rule_id) pairs come from rules.md §1–§2; rows are 1-based input records.
"""

from __future__ import annotations

import pytest
from tests.conftest import audit, pairs

P = "0101901234"  # patient id with a leading zero
PR = "022590"  # provider number with a leading zero


def line(
    date: str, code: str, *, patient: str = P, provider: str = PR, **extra: str
) -> dict[str, str]:
    return {
        "patient_id": patient,
        "provider_id": provider,
        "service_date": date,
        "service_code": code,
        **extra,
    }


# ---------------------------------------------------------------- INPUT-INVALID


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("patient_id", ""),
        ("provider_id", ""),
        ("service_date", ""),
        ("service_code", ""),
        ("service_date", "2024-02-30"),  # not a real date
        ("service_date", "2023-02-29"),  # no leap day in 2023
        ("service_date", "2024-2-5"),  # not written exactly YYYY-MM-DD
        ("service_date", "2024-02-05T00:00"),
        ("service_date", "05-02-2024"),
        ("service_date", "2024/02/05"),
        ("service_code", "110"),  # leading zero lost
        ("service_code", "12a"),
        ("service_code", "01100"),  # five digits
        ("service_code", "011a"),
    ],
)
def test_it_refuses_an_unreadable_line_as_input_invalid(field: str, value: str) -> None:
    bad = line("2024-02-05", "0110")
    bad[field] = value
    findings = audit([bad, line("2024-02-06", "0110")])
    assert pairs(findings) == {(1, "INPUT-INVALID")}


def test_it_reports_input_invalid_as_an_error() -> None:
    findings = audit([line("2024-02-30", "0110")])
    assert findings["severity"].to_list() == ["error"]


# Dates before 1970 are real dates (the engine counts days from 1970: they are negative days)


def test_it_audits_a_course_before_1970_like_any_other() -> None:
    # NRL: the status 0243 two weeks after the start 0241 is in its window (rules.md §4)
    assert pairs(audit([line("1925-01-12", "0241"), line("1925-01-26", "0243")])) == set()
    late = audit([line("1924-04-28", "0241"), line("1924-05-01", "0243")])
    assert pairs(late) == {(2, "NR-STATUS-WINDOW")}


def test_it_audits_lines_from_year_1_to_9999_in_one_extract() -> None:
    findings = audit(
        [
            line("0001-01-01", "0243"),
            line("2025-01-13", "0241"),
            line("2025-01-27", "0243", patient="0202902345"),
            line("9999-12-31", "0110"),
        ]
    )
    assert (1, "COURSE-NO-START") in pairs(findings)
    assert (3, "COURSE-NO-START") in pairs(findings)


@pytest.mark.parametrize("date", [" 2024-02-05 ", "2024-02-05 ", "  2024-02-05"])
def test_it_trims_spaces_around_a_date_and_reads_the_line(date: str) -> None:
    # 0262 needs a 0110 the same day: the trimmed date must be read as 2024-02-05.
    findings = audit([line(date, "0110"), line("2024-02-05", "0262")])
    assert pairs(findings) == set()


def test_it_trims_spaces_around_a_code_and_ids() -> None:
    findings = audit(
        [
            line("2024-02-05", " 0110 ", patient=f" {P} ", provider=f"{PR} "),
            line("2024-02-05", "0262"),
        ]
    )
    assert pairs(findings) == set()


def test_it_audits_the_rest_of_the_extract_after_an_invalid_line() -> None:
    findings = audit(
        [
            line("2024-02-30", "0110"),
            line("2024-02-05", "0262"),  # no 0110 the same day
        ]
    )
    assert pairs(findings) == {(1, "INPUT-INVALID"), (2, "LBP-0262-NO-0110")}


def test_an_invalid_start_line_does_not_open_a_course() -> None:
    findings = audit(
        [
            line("2024-2-5", "0241"),  # invalid date: joins no course, opens none
            line("2024-02-19", "0243"),
        ]
    )
    assert pairs(findings) == {(1, "INPUT-INVALID"), (2, "COURSE-NO-START")}


def test_an_invalid_line_is_no_ones_previous_service() -> None:
    # The earlier line's code cannot be read, so 0242 has no earlier readable line.
    findings = audit(
        [
            line("2024-01-10", "110"),
            line("2024-02-05", "0242"),
        ]
    )
    assert pairs(findings) == {(1, "INPUT-INVALID"), (2, "NR-0242-NO-PRIOR")}


def test_an_invalid_line_does_not_join_a_course_or_count_in_it() -> None:
    # Three 0263 in one course would give LBP-EDU-MAX on the 3rd; the unreadable one does not count.
    findings = audit(
        [
            line("2024-02-05", "0110"),
            line("2024-02-05", "0262"),
            line("2024-02-12", "0263"),
            line("2024-02-31", "0263"),
            line("2024-02-26", "0263"),
        ]
    )
    assert pairs(findings) == {(4, "INPUT-INVALID")}


# ---------------------------------------------------------------- INPUT-FIELD-IGNORED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("referral_date", "2024-13-01"),
        ("referral_date", "2024-1-5"),
        ("birth_date", "1990-02-30"),
        ("last_visit_date", "2024-02-05T00:00"),
        ("team_size", "x"),
        ("team_size", "-1"),
        ("team_size", "2.5"),
        ("quantity", "x"),
        ("quantity", "-1"),
        ("quantity", "1.5"),
    ],
)
def test_it_warns_when_an_optional_field_cannot_be_read(field: str, value: str) -> None:
    findings = audit([line("2024-02-05", "0110", **{field: value})])
    assert pairs(findings) == {(1, "INPUT-FIELD-IGNORED")}
    assert findings.filter(findings["rule_id"] == "INPUT-FIELD-IGNORED")["severity"].to_list() == [
        "warning"
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("referral_date", ""),
        ("referral_date", "2024-01-05"),
        ("referral_date", " 2024-01-05 "),
        ("birth_date", "1990-02-28"),
        ("last_visit_date", "2023-11-30"),
        ("team_size", "0"),
        ("team_size", "8"),
        ("quantity", "1"),
        ("quantity", ""),
    ],
)
def test_it_accepts_readable_or_empty_optional_fields(field: str, value: str) -> None:
    findings = audit([line("2024-02-05", "0110", **{field: value})])
    assert pairs(findings) == set()


def test_an_unreadable_referral_date_is_treated_as_not_given() -> None:
    # Read leniently as 2022-12-05, the 2nd 0268 (2023-12-18) would be past referral + 12 months
    # (2023-12-05); as written it is not YYYY-MM-DD, so it is ignored.
    ref = "2022-12-5"
    findings = audit(
        [
            line("2023-01-09", "0110", referral_date=ref),
            line("2023-01-09", "0262", referral_date=ref),
            line("2023-03-20", "0267", referral_date=ref),
            line("2023-06-19", "0268", referral_date=ref),  # closing + 3 months
            line("2023-12-18", "0268", referral_date=ref),  # closing + 9 months, within [+8m, +10m]
        ]
    )
    assert pairs(findings) == {(r, "INPUT-FIELD-IGNORED") for r in range(1, 6)}


def test_the_same_referral_date_readable_gives_the_12_month_error() -> None:
    # Contrast with the previous test: 2022-12-05 + 12 months = 2023-12-05 < 2023-12-18.
    ref = "2022-12-05"
    findings = audit(
        [
            line("2023-01-09", "0110", referral_date=ref),
            line("2023-01-09", "0262", referral_date=ref),
            line("2023-03-20", "0267", referral_date=ref),
            line("2023-06-19", "0268", referral_date=ref),
            line("2023-12-18", "0268", referral_date=ref),
        ]
    )
    assert pairs(findings) == {(5, "LBP-FOLLOWUP-REFERRAL-12M")}


def test_an_unreadable_team_size_is_treated_as_not_given() -> None:
    findings = audit(
        [
            line("2024-02-05", "3015"),
            line("2024-02-07", "3017", team_size="12.5"),
        ]
    )
    assert pairs(findings) == {(2, "INPUT-FIELD-IGNORED")}


def test_a_readable_team_size_over_10_is_still_checked() -> None:
    findings = audit(
        [
            line("2024-02-05", "3015"),
            line("2024-02-07", "3017", team_size="12"),
        ]
    )
    assert pairs(findings) == {(2, "TP-TEAM-SIZE")}


# ---------------------------------------------------------------- CODE-UNKNOWN


@pytest.mark.parametrize(
    "code",
    [
        "9999",
        "0000",
        "1047",
        "1048",
        "1049",
        "1057",
        "1058",
        "1059",
        "1064",
        "0248",
        "0238",
        "0270",
        "0260",
        "1018",
        "0111",
        "3023",
    ],
)
def test_it_warns_about_a_four_digit_code_not_in_the_catalogue(code: str) -> None:
    findings = audit([line("2024-02-05", code)])
    assert pairs(findings) == {(1, "CODE-UNKNOWN")}
    assert findings["severity"].to_list() == ["warning"]


@pytest.mark.parametrize(
    "code",
    [
        "0110",
        "0113",
        "0133",
        "2001",
        "2101",
        "3201",
        "3301",
        "1015",
        "1023",
        "1024",
        "1025",
        "1026",
        "1027",
        "1035",
        "1036",
        "1037",
        "2013",
        "2014",
        "2015",
        "2020",
        "2030",
        "2031",
        "3010",
        "3011",
        "3012",
    ],
)
def test_a_known_general_code_alone_gives_no_finding(code: str) -> None:
    assert pairs(audit([line("2024-02-05", code)])) == set()


def test_an_unknown_code_in_a_package_course_is_reported_and_does_not_break_the_course() -> None:
    findings = audit(
        [
            line("2024-02-05", "1060"),
            line("2024-02-12", "1064"),
        ]
    )
    assert pairs(findings) == {(2, "CODE-UNKNOWN")}


def test_a_line_with_an_unknown_code_is_still_an_earlier_service() -> None:
    findings = audit([line("2024-01-10", "9999"), line("2024-02-05", "0242")])
    assert pairs(findings) == {(1, "CODE-UNKNOWN")}


# ---------------------------------------------------------------- COURSE-NO-START (inferred)


@pytest.mark.parametrize(
    "code",
    [
        "0263",
        "0264",
        "0265",
        "0266",
        "0267",
        "0268",
        "0269",
        "0243",
        "0244",
        "0245",
        "0246",
        "0247",
        "0233",
        "0234",
        "0235",
        "0236",
        "0237",
        "1042",
        "1043",
        "1045",
        "1046",
        "1052",
        "1056",
        "1062",
        "1063",
        "1065",
        "1066",
        "3016",
        "3017",
        "3018",
        "3020",
        "3021",
        "3022",
    ],
)
def test_a_pathway_code_without_a_start_has_no_course(code: str) -> None:
    findings = audit([line("2024-02-05", code)])
    assert pairs(findings) == {(1, "COURSE-NO-START")}
    assert findings["severity"].to_list() == ["error"]


@pytest.mark.parametrize(
    "code",
    [
        "0261",
        "0241",
        "0242",
        "0231",
        "0232",
        "1040",
        "1041",
        "1050",
        "1051",
        "1060",
        "1061",
        "3015",
        "3019",
    ],
)
def test_a_start_code_opens_a_course_by_itself(code: str) -> None:
    findings = audit([line("2024-01-10", "0110"), line("2024-02-05", code)])
    assert pairs(findings) == set()


def test_a_start_at_another_provider_does_not_count() -> None:
    findings = audit(
        [
            line("2024-02-05", "0241", provider="022590"),
            line("2024-02-19", "0243", provider="022591"),
        ]
    )
    assert pairs(findings) == {(2, "COURSE-NO-START")}


def test_provider_ids_are_text_so_leading_zeros_make_another_provider() -> None:
    findings = audit(
        [
            line("2024-02-05", "0241", provider="022590"),
            line("2024-02-19", "0243", provider="22590"),
        ]
    )
    assert pairs(findings) == {(2, "COURSE-NO-START")}


def test_a_start_for_another_patient_does_not_count() -> None:
    findings = audit(
        [
            line("2024-02-05", "0241", patient="0101901234"),
            line("2024-02-19", "0243", patient="0202902345"),
        ]
    )
    assert pairs(findings) == {(2, "COURSE-NO-START")}


@pytest.mark.parametrize(
    ("start", "later"),
    [
        ("0241", "0263"),  # NRL start, LBP code
        ("0231", "0243"),  # NRC start, NRL code
        ("0241", "0233"),  # NRL start, NRC code
        ("1040", "1052"),  # CPL start, CPC code
        ("3015", "3021"),  # CTB start, CTH code
    ],
)
def test_a_start_for_another_pathway_does_not_count(start: str, later: str) -> None:
    findings = audit([line("2024-02-05", start), line("2024-02-19", later)])
    assert pairs(findings) == {(2, "COURSE-NO-START")}


def test_a_start_dated_after_the_line_does_not_count_whatever_the_input_order() -> None:
    findings = audit(
        [
            line("2024-02-19", "0241"),
            line("2024-02-05", "0247"),
        ]
    )
    assert pairs(findings) == {(2, "COURSE-NO-START")}


@pytest.mark.parametrize(
    "lines",
    [
        [("2024-02-05", "0247"), ("2024-02-05", "0241")],
        [("2024-02-05", "0241"), ("2024-02-05", "0247")],
        [("2024-02-05", "0263"), ("2024-02-05", "0110"), ("2024-02-05", "0262")],
        [("2024-02-05", "3017"), ("2024-02-05", "3015")],
    ],
)
def test_a_non_start_line_the_same_day_as_a_start_joins_it_whatever_the_input_order(
    lines: list[tuple[str, str]],
) -> None:
    assert pairs(audit([line(dt, code) for dt, code in lines])) == set()


def test_a_line_without_a_course_gets_no_pathway_finding() -> None:
    # Without a course: no LBP-FOLLOWUP-BEFORE-CLOSE on the 0268, no NR-STATUS-WINDOW on 0243,
    # no LBP-FOLLOWUP-MAX on the third 0268.
    findings = audit(
        [
            line("2024-02-05", "0268"),
            line("2024-02-06", "0268"),
            line("2024-02-07", "0268"),
            line("2024-05-05", "0243"),
        ]
    )
    assert pairs(findings) == {
        (1, "COURSE-NO-START"),
        (2, "COURSE-NO-START"),
        (3, "COURSE-NO-START"),
        (4, "COURSE-NO-START"),
    }


def test_two_package_lines_the_same_day_without_a_course_get_no_package_finding() -> None:
    # PKG-SAME-DAY is a pathway rule: it applies only to lines in a course.
    findings = audit([line("2024-02-05", "1042"), line("2024-02-05", "1043")])
    assert pairs(findings) == {(1, "COURSE-NO-START"), (2, "COURSE-NO-START")}


def test_general_chiropractic_rules_still_apply_to_a_line_outside_any_course() -> None:
    # 1042 has no course, but it is still a package line: a first exam the same day is refused.
    findings = audit([line("2024-02-05", "1015"), line("2024-02-05", "1042")])
    assert pairs(findings) == {(1, "CH-53-64-SAME-DAY"), (2, "COURSE-NO-START")}


def test_general_chiropractic_rules_apply_to_lines_in_a_mixed_given_course() -> None:
    findings = audit(
        [
            line("2024-02-05", "0241", course_id="K1"),
            line("2024-02-06", "1043", course_id="K1"),
            line("2024-02-06", "1035", course_id="K1"),
        ]
    )
    assert pairs(findings) == {(2, "COURSE-MIXED-PATHWAY"), (3, "CH-53-64-SAME-DAY")}


# ---------------------------------------------------------------- COURSE-NO-START (given course_id)


def test_a_given_course_that_begins_without_a_start_gets_one_finding_only() -> None:
    # Course K1's earliest pathway code is 0243. Otherwise the 0245 would be far outside its
    # window, would be repeated (NR-STATUS-ONCE) and the 0247 is after it (NR-AFTER-LAST-STATUS).
    findings = audit(
        [
            line("2024-02-05", "0243", course_id="K1"),
            line("2024-02-06", "0241", course_id="K1"),
            line("2024-06-03", "0245", course_id="K1"),
            line("2024-06-04", "0245", course_id="K1"),
            line("2024-06-05", "0247", course_id="K1"),
        ]
    )
    assert pairs(findings) == {(1, "COURSE-NO-START")}


def test_a_given_course_finds_its_earliest_pathway_code_by_date_not_input_order() -> None:
    findings = audit(
        [
            line("2024-02-06", "0241", course_id="K1"),
            line("2024-02-05", "0247", course_id="K1"),
        ]
    )
    assert pairs(findings) == {(2, "COURSE-NO-START")}


def test_a_given_course_may_begin_with_a_general_code_before_its_start() -> None:
    findings = audit(
        [
            line("2024-02-05", "0110", course_id="K1"),
            line("2024-02-05", "0262", course_id="K1"),
            line("2024-02-12", "0263", course_id="K1"),
        ]
    )
    assert pairs(findings) == set()


def test_given_course_ids_override_inference() -> None:
    # Inferred, the 0243 would join the 0241's course; given, it is alone in course K2.
    findings = audit(
        [
            line("2024-02-05", "0241", course_id="K1"),
            line("2024-02-19", "0243", course_id="K2"),
        ]
    )
    assert pairs(findings) == {(2, "COURSE-NO-START")}


def test_a_given_course_with_a_start_is_audited_normally() -> None:
    findings = audit(
        [
            line("2024-02-05", "0241", course_id="K1"),
            line("2024-02-19", "0243", course_id="K1"),  # exactly start + 2 weeks
            line("2024-02-20", "0243", course_id="K1"),  # second 0243
        ]
    )
    assert pairs(findings) == {(3, "NR-STATUS-ONCE")}


# ---------------------------------------------------------------- COURSE-MIXED-PATHWAY


def test_a_given_course_with_two_pathways_is_reported_on_the_other_pathways_line() -> None:
    findings = audit(
        [
            line("2024-02-05", "0241", course_id="K1"),
            line("2024-02-19", "0243", course_id="K1"),
            line("2024-02-20", "0263", course_id="K1"),
        ]
    )
    assert pairs(findings) == {(3, "COURSE-MIXED-PATHWAY")}
    assert findings.filter(findings["row"] == 3)["severity"].to_list() == ["error"]


def test_mixed_pathway_is_reported_on_every_line_whose_pathway_differs_from_the_first() -> None:
    findings = audit(
        [
            line("2024-02-05", "0241", course_id="K1"),  # first pathway code: NRL
            line("2024-02-06", "0261", course_id="K1"),  # LBP
            line("2024-02-07", "0263", course_id="K1"),  # LBP
            line("2024-02-08", "0231", course_id="K1"),  # NRC
            line("2024-02-09", "0247", course_id="K1"),  # NRL: fine
        ]
    )
    assert pairs(findings) == {
        (2, "COURSE-MIXED-PATHWAY"),
        (3, "COURSE-MIXED-PATHWAY"),
        (4, "COURSE-MIXED-PATHWAY"),
    }


def test_the_first_pathway_of_a_mixed_course_is_the_earliest_by_date() -> None:
    findings = audit(
        [
            line("2024-02-12", "0263", course_id="K1"),
            line("2024-02-05", "0241", course_id="K1"),
        ]
    )
    assert pairs(findings) == {(1, "COURSE-MIXED-PATHWAY")}


def test_a_mixed_pathway_line_gets_no_other_pathway_finding() -> None:
    # Rows 3-5 are LBP lines in an NRL course: the third 0263 would otherwise be LBP-EDU-MAX and
    # the 0268 LBP-FOLLOWUP-BEFORE-CLOSE. The NRL lines keep their own rules (0243 too late).
    findings = audit(
        [
            line("2024-02-05", "0241", course_id="K1"),
            line("2024-03-20", "0243", course_id="K1"),
            line("2024-02-06", "0263", course_id="K1"),
            line("2024-02-07", "0263", course_id="K1"),
            line("2024-02-08", "0263", course_id="K1"),
            line("2024-02-09", "0268", course_id="K1"),
        ]
    )
    assert pairs(findings) == {
        (2, "NR-STATUS-WINDOW"),
        (3, "COURSE-MIXED-PATHWAY"),
        (4, "COURSE-MIXED-PATHWAY"),
        (5, "COURSE-MIXED-PATHWAY"),
        (6, "COURSE-MIXED-PATHWAY"),
    }


def test_general_codes_in_a_given_course_do_not_make_it_mixed() -> None:
    findings = audit(
        [
            line("2024-02-05", "0110", course_id="K1"),
            line("2024-02-05", "0262", course_id="K1"),
            line("2024-02-12", "0113", course_id="K1"),
            line("2024-02-19", "2001", course_id="K1"),
        ]
    )
    assert pairs(findings) == set()


# ---------------------------------------------------------------- output shape


def test_findings_keep_leading_zeros_in_ids_and_codes() -> None:
    findings = audit([line("2024-02-05", "0243", patient="0101901234", provider="022590")])
    row = findings.row(0, named=True)
    assert row["patient_id"] == "0101901234"
    assert row["provider_id"] == "022590"
    assert row["service_code"] == "0243"
    assert row["service_date"] == "2024-02-05"


def test_findings_are_ordered_by_row_then_rule_id() -> None:
    findings = audit(
        [
            line("2024-03-15", "0266"),  # 7th 0266 by date and > 84 days after start -> two rules
            line("2024-01-08", "0110"),
            line("2024-01-08", "0262"),
            line("2024-01-09", "0266"),
            line("2024-01-10", "0266"),
            line("2024-01-11", "0266"),
            line("2024-01-12", "0266"),
            line("2024-01-15", "0266"),
            line("2024-01-16", "0266"),
            line("2024-04-15", "9999"),
            line("2024-04-31", "0110"),
        ]
    )
    got = list(zip(findings["row"].to_list(), findings["rule_id"].to_list(), strict=True))
    got = [p for p in got if p[1] != "LBP-TEAM-TRAIN-DOSE"]
    assert got == sorted(got)
    assert set(got) >= {(10, "CODE-UNKNOWN"), (11, "INPUT-INVALID")}


def test_two_rules_on_one_line_come_out_in_rule_id_order() -> None:
    # Start Mon 2024-01-08; the 7th 0266 on 2024-04-02 is 85 days after the start.
    lines = [line("2024-01-08", "0110"), line("2024-01-08", "0262")]
    lines += [line(f"2024-01-{day:02d}", "0266") for day in (9, 10, 11, 12, 15, 16)]
    lines.append(line("2024-04-02", "0266"))
    findings = audit(lines)
    row9 = findings.filter(findings["row"] == 9)["rule_id"].to_list()
    assert row9 == ["LBP-IND-TRAIN-MAX", "LBP-IND-TRAIN-WINDOW"]


def test_each_rule_is_reported_at_most_once_per_line() -> None:
    # The 1015 is the same day as two speciale 64 lines (1040 and 3015): one finding.
    findings = audit(
        [
            line("2024-02-05", "1040"),
            line("2024-02-05", "3015"),
            line("2024-02-05", "1015"),
        ]
    )
    assert pairs(findings) == {(3, "CH-53-64-SAME-DAY")}
    assert findings.filter(findings["row"] == 3).height == 1


def test_rows_are_numbered_from_one() -> None:
    findings = audit([line("2024-02-05", "0110"), line("2024-02-05", "9999")])
    assert findings["row"].to_list() == [2]
