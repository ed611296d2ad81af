"""A course's dates and pathway look-ups (`forlob.course`), at their boundaries.

The registered start follows rules.md §1–§2 for a given course (the app's courses are): the
rule engine is asked the same question (does it report COURSE-NO-START?) so the two cannot
drift apart. The closing is LBP's first 0267 (rules.md §3), the course end the consultation
that ends each pathway's course (000, 002, 004).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from forlob import course
from forlob.planning import plan_registered_course
from forlob.rules import audit_frame

D = dt.date
START = D(2025, 1, 13)  # a Monday
DAY = dt.timedelta(days=1)


def engine_says_no_start(lines: list[tuple[dt.date, str]]) -> bool:
    """Whether the rule engine finds the given course without a start (COURSE-NO-START)."""
    n = len(lines)
    frame = pl.DataFrame(
        {
            "patient_id": ["1"] * n,
            "provider_id": ["123456"] * n,
            "service_date": [d.isoformat() for d, _code in lines],
            "service_code": [code for _d, code in lines],
            "course_id": ["7"] * n,
        }
    )
    return "COURSE-NO-START" in audit_frame(frame)["rule_id"].to_list()


# -- registered start ----------------------------------------------------------------------


def test_the_start_is_the_date_of_the_start_code() -> None:
    lines = [(START, "0241"), (START + 14 * DAY, "0243")]
    assert course.registered_start("NRL", lines) == START


def test_there_is_no_registered_start_before_a_start_code_is_registered() -> None:
    assert course.registered_start("NRL", []) is None
    assert course.start("NRL", [], D(2025, 2, 3)) == D(2025, 2, 3)


def test_a_start_code_the_day_after_another_pathway_line_does_not_start_the_course() -> None:
    # the first refused: the earliest line of the pathway is not a start code (rules.md §2)
    lines = [(START - DAY, "0243"), (START, "0241")]
    assert course.registered_start("NRL", lines) is None
    assert engine_says_no_start(lines)
    assert course.start("NRL", lines, D(2025, 1, 6)) == D(2025, 1, 6)


def test_a_start_code_on_the_first_day_counts_whatever_is_listed_first_that_day() -> None:
    # the last allowed: another pathway line on the start code's own day
    lines = [(START, "0247"), (START, "0241"), (START + 14 * DAY, "0243")]
    assert course.registered_start("NRL", lines) == START
    assert not engine_says_no_start(lines)


def test_general_codes_before_the_start_do_not_matter() -> None:
    lines = [(START - 7 * DAY, "0110"), (START, "0261")]
    assert course.registered_start("LBP", lines) == START
    assert not engine_says_no_start(lines)


def test_a_second_start_code_does_not_move_the_start() -> None:
    lines = [(START + 30 * DAY, "0241"), (START, "0241")]
    assert course.registered_start("NRL", lines) == START


@pytest.mark.parametrize(
    "lines",
    [
        [(START, "0261")],
        [(START, "0263"), (START + DAY, "0261")],
        [(START, "0263"), (START, "0262"), (START, "0110")],
        [(START, "0110"), (START + DAY, "0267")],
        [(START + DAY, "0261"), (START, "0110"), (START + 2 * DAY, "0267")],
    ],
)
def test_the_start_and_the_rule_engine_agree_on_whether_there_is_one(
    lines: list[tuple[dt.date, str]],
) -> None:
    assert (course.registered_start("LBP", lines) is None) == engine_says_no_start(lines)


# -- closing (LBP) -------------------------------------------------------------------------


def test_the_closing_is_the_first_registered_0267_not_the_planned_one() -> None:
    lines = [(START, "0261"), (D(2025, 4, 7), "0267"), (D(2025, 4, 9), "0267")]
    assert course.closing("LBP", lines, D(2025, 4, 1), START) == D(2025, 4, 7)


def test_the_planned_closing_stands_until_a_0267_is_registered() -> None:
    assert course.closing("LBP", [(START, "0261")], D(2025, 4, 1), START) == D(2025, 4, 1)


def test_a_closing_on_the_start_day_is_kept_and_one_the_day_before_is_not() -> None:
    assert course.closing("LBP", [], START, START) == START
    assert course.closing("LBP", [], START - DAY, START) is None
    assert course.closing("LBP", [(START - DAY, "0267")], START + DAY, START) is None


def test_only_lbp_has_a_closing() -> None:
    lines = [(START, "0241"), (START + 56 * DAY, "0245")]
    assert course.closing("NRL", lines, D(2025, 4, 1), START) is None


def test_the_plan_dates_the_follow_ups_from_the_registered_closing() -> None:
    lines = [(START, "0261"), (D(2025, 4, 7), "0267")]
    plan = plan_registered_course(
        "LBP", lines, planned_start=D(2025, 1, 6), planned_closing=D(2025, 3, 3)
    )
    assert plan.start == START
    assert plan.closing_date == D(2025, 4, 7)
    other = plan_registered_course(
        "NRL", [(START, "0241")], planned_start=START, referral_date=D(2025, 1, 6)
    )
    assert other.closing_date is None and other.referral_date is None


# -- course end ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pathway", "lines", "end"),
    [
        # LBP: the closing consultation (000); the follow-ups after it do not move the end
        ("LBP", [(START, "0261"), (D(2025, 4, 7), "0267"), (D(2025, 7, 7), "0268")], D(2025, 4, 7)),
        # NR: the last status (002), not the statuses before it
        (
            "NRL",
            [(START, "0241"), (D(2025, 1, 27), "0243"), (D(2025, 3, 10), "0245")],
            D(2025, 3, 10),
        ),
        # a package: its last status, the follow-ups after it are still the package's
        (
            "CSS",
            [(START, "1060"), (D(2025, 4, 14), "1063"), (D(2025, 5, 5), "1066")],
            D(2025, 4, 14),
        ),
        # a training package: its status after the course
        (
            "CTB",
            [(START, "3015"), (D(2025, 1, 20), "3017"), (D(2025, 3, 3), "3018")],
            D(2025, 3, 3),
        ),
    ],
)
def test_the_course_ends_with_the_consultation_that_closes_its_pathway(
    pathway: str, lines: list[tuple[dt.date, str]], end: dt.date
) -> None:
    assert course.course_end(pathway, lines) == end


def test_a_course_still_running_has_no_end() -> None:
    assert course.course_end("NRL", [(START, "0241"), (D(2025, 1, 27), "0243")]) is None


def test_a_course_without_a_start_has_no_end() -> None:
    lines = [(START, "0243"), (START + DAY, "0241"), (D(2025, 3, 10), "0245")]
    assert course.registered_start("NRL", lines) is None
    assert course.course_end("NRL", lines) is None


def test_an_lbp_course_ends_on_the_closing_its_plan_uses() -> None:
    lines = [(START, "0261"), (D(2025, 4, 7), "0267")]
    assert course.course_end("LBP", lines) == course.closing("LBP", lines, None, START)


# -- planned dates -------------------------------------------------------------------------


def test_a_planned_closing_on_the_start_day_is_allowed_and_the_day_before_is_not() -> None:
    assert course.planned_dates_problem("LBP", START, START) is None
    assert course.planned_dates_problem("LBP", START, START - DAY) == "closing_before_start"
    assert course.planned_dates_problem("NRL", START, START + DAY) == "closing_not_lbp"
    assert course.planned_dates_problem("NRL", START, None) is None


def test_the_planned_dates_problems_read_in_danish_and_english() -> None:
    text = course.DATE_PROBLEMS["closing_before_start"]
    assert text.get() == "Afslutningsdatoen kan ikke ligge før starten."
    assert text.get("en") == "The closing date cannot be before the start."


# -- pathway look-ups ----------------------------------------------------------------------


def test_a_referral_group_suggests_its_pathways_the_clinics_profession_first() -> None:
    assert course.suggested_pathways(1) == ["LBP"]
    assert course.suggested_pathways(2, "physiotherapy") == ["NRL", "CPL"]
    assert course.suggested_pathways(2, "chiropractic") == ["CPL", "NRL"]
    assert course.suggested_pathways(3) == []
    assert course.suggested_pathways(None) == []


def test_pathway_kinds() -> None:
    assert course.is_lbp("LBP") and not course.is_lbp("NRL")
    assert course.is_chiropractic("CPL") and not course.is_chiropractic("NRC")
    assert not course.is_lbp("XYZ") and not course.is_chiropractic("XYZ")


def test_each_pathway_has_its_questionnaires_as_prom_ids() -> None:
    assert course.pathway_instruments("LBP") == ["nprs", "odi", "psfs"]
    assert course.pathway_instruments("NRC") == ["nprs", "ndi", "psfs"]
    assert course.instrument_ids(["NPRS", "nprs", "ODI"]) == ["nprs", "odi"]


def test_a_course_may_hold_the_general_codes_of_its_profession() -> None:
    assert "0110" in course.general_codes("LBP")
    assert "1015" not in course.general_codes("LBP")
    assert "1015" in course.general_codes("CPL")
