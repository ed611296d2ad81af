"""forlob.outcome_report: outcome per pathway from plain score records (no Django)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from forlob.outcome_report import Measurement, outcome_report

D1 = dt.date(2025, 1, 13)
D2 = dt.date(2025, 3, 10)


def nprs(course: int, day: dt.date, score: str) -> Measurement:
    return Measurement(course, "nprs", "points", day, Decimal(score))


def test_it_counts_courses_per_pathway_in_catalogue_order() -> None:
    report = outcome_report({1: "NRL", 2: "LBP", 3: "NRL"}, [])
    assert [(p.pathway, p.courses, p.courses_with_scores) for p in report] == [
        ("LBP", 1, 0),
        ("NRL", 2, 0),
    ]
    assert report[1].instruments == ()


def test_it_gives_the_mean_change_and_the_share_reaching_the_mcid() -> None:
    # NPRS: lower is better; MCID 2 points or 30 %
    scores = [
        nprs(1, D1, "8"), nprs(1, D2, "3"),  # -5: important improvement
        nprs(2, D1, "6"), nprs(2, D2, "5"),  # -1 of 6 (17 %): not important
        nprs(3, D1, "4"), nprs(3, D2, "7"),  # +3: important, but a deterioration
    ]  # fmt: skip
    (p,) = outcome_report({1: "NRL", 2: "NRL", 3: "NRL"}, scores)
    (row,) = p.instruments
    assert (row.instrument, row.courses, row.reaching_mcid) == ("nprs", 3, 1)
    assert row.mean_change == Decimal("-1.0")
    assert row.share_reaching_mcid == Decimal("33.3")
    assert p.courses_with_scores == 3


def test_it_uses_the_first_and_last_score_by_time_not_by_input_order() -> None:
    mid = D1 + dt.timedelta(days=20)
    (p,) = outcome_report({1: "NRL"}, [nprs(1, D2, "2"), nprs(1, D1, "8"), nprs(1, mid, "9")])
    assert p.instruments[0].mean_change == Decimal("-6.0")


def test_a_single_score_or_a_course_not_given_does_not_count() -> None:
    (p,) = outcome_report({1: "NRL"}, [nprs(1, D1, "8"), nprs(9, D1, "8"), nprs(9, D2, "1")])
    assert p.instruments == ()
    assert p.courses_with_scores == 0


def test_psfs_higher_is_better() -> None:
    ms = [
        Measurement(1, "psfs", "points", D1, Decimal("3")),
        Measurement(1, "psfs", "points", D2, Decimal("6")),
    ]
    (p,) = outcome_report({1: "LBP"}, ms)
    assert (p.instruments[0].mean_change, p.instruments[0].reaching_mcid) == (Decimal("3.0"), 1)
