"""forlob.planning: planned windows, LBP follow-ups and the referral cap, progress states.

Expected windows are counted by hand from rules.md §1: d before target T is inside when
(d, T] holds at most 5 working days, d after T when [T, d) does. Holidays (Danish names from
the calendar): Easter 2024 Skærtorsdag 03-28, Langfredag 03-29, Anden påskedag 04-01;
Kristi himmelfartsdag 2024-05-09; Anden pinsedag 2024-05-20; Juledag 2024-12-25, Anden juledag
12-26, Nytårsdag 2025-01-01; Store bededag 2023-05-05 (a holiday until 2023 only).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import audit

from forlob.planning import Plan, PlanError, PlannedItem, plan_course, progress

D = dt.date.fromisoformat
ONE = dt.timedelta(days=1)


def consultation(plan: Plan, key: str) -> PlannedItem:
    item = plan.item(key)
    assert item.kind == "consultation"
    return item


def questionnaire_for(plan: Plan, key: str) -> PlannedItem:
    return plan.item(f"questionnaire:{key}")


def window(item: PlannedItem) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    return item.target, item.earliest, item.latest


# ------------------------------------------------------------- status windows at holiday edges


def test_status_window_on_easter_monday_reaches_back_past_the_easter_holidays() -> None:
    # CSS start Mon 2024-03-04: 4-week status at Mon 04-01 (Anden påskedag).
    # Before: (03-20, 04-01] = 21, 22, 25, 26, 27 -> earliest 03-20.
    # After: [04-01, 04-09) = 02, 03, 04, 05, 08 -> latest 04-09.
    plan = plan_course("CSS", D("2024-03-04"))
    item = consultation(plan, "1062")
    assert window(item) == (D("2024-04-01"), D("2024-03-20"), D("2024-04-09"))
    assert "Skærtorsdag 2024-03-28" in item.note
    assert "Langfredag 2024-03-29" in item.note
    assert "Anden påskedag 2024-04-01" in item.note


def test_status_window_over_christmas_counts_christmas_eve_and_new_years_eve_as_working() -> None:
    # NRL start Mon 2024-10-28: last status at Mon 12-23.
    # Before: (12-16, 12-23] = 17, 18, 19, 20, 23 -> earliest 12-16.
    # After: [12-23, d) = 23, 24, 27, 30, 31 (25, 26 and 01-01 are holidays) -> latest 01-02.
    plan = plan_course("NRL", D("2024-10-28"))
    item = consultation(plan, "0245")
    assert window(item) == (D("2024-12-23"), D("2024-12-16"), D("2025-01-02"))
    assert item.note.count("window shifted by") == 1
    for name in ("Juledag 2024-12-25", "Anden juledag 2024-12-26", "Nytårsdag 2025-01-01"):
        assert name in item.note


def test_status_target_on_ascension_day_is_named_in_the_note() -> None:
    # NRL start Thu 2024-04-25: 2-week status at Thu 05-09 (Kristi himmelfartsdag).
    # Before: (05-01, 05-09] = 02, 03, 06, 07, 08 -> earliest 05-01 (1 May is a working day).
    # After: [05-09, 05-17) = 10, 13, 14, 15, 16 -> latest 05-17.
    plan = plan_course("NRL", D("2024-04-25"))
    item = consultation(plan, "0243")
    assert window(item) == (D("2024-05-09"), D("2024-05-01"), D("2024-05-17"))
    assert "window shifted by Kristi himmelfartsdag 2024-05-09" in item.note


def test_whit_monday_inside_the_window_moves_the_earliest_date() -> None:
    # NRL start Thu 2024-04-25: 4-week status at Thu 05-23.
    # Before: (05-15, 05-23] = 16, 17, 21, 22, 23 (05-20 Anden pinsedag) -> earliest 05-15.
    # After: [05-23, 05-30) = 23, 24, 27, 28, 29 -> latest 05-30.
    plan = plan_course("NRL", D("2024-04-25"))
    item = consultation(plan, "0244")
    assert window(item) == (D("2024-05-23"), D("2024-05-15"), D("2024-05-30"))
    assert "Anden pinsedag 2024-05-20" in item.note
    # Pinsedag is a Sunday: it moves nothing and is not named
    assert "Pinsedag 2024-05-19" not in item.note


def test_great_prayer_day_is_a_holiday_in_2023() -> None:
    # NRC start Fri 2023-04-21: 2-week status at Fri 2023-05-05 (Store bededag).
    # Before: (04-27, 05-05] = 28, 01, 02, 03, 04 -> earliest 04-27.
    # After: [05-05, d) = 08, 09, 10, 11, 12 -> latest Mon 05-15.
    plan = plan_course("NRC", D("2023-04-21"))
    item = consultation(plan, "0233")
    assert window(item) == (D("2023-05-05"), D("2023-04-27"), D("2023-05-15"))
    assert "Store bededag 2023-05-05" in item.note


def test_great_prayer_day_is_an_ordinary_friday_in_2024() -> None:
    # NRC start Fri 2024-04-12: 2-week status at Fri 2024-04-26 (no longer a holiday).
    # Before: (04-19, 04-26] = 22, 23, 24, 25, 26 -> earliest 04-19.
    # After: [04-26, 05-03) = 26, 29, 30, 01, 02 -> latest 05-03.
    plan = plan_course("NRC", D("2024-04-12"))
    item = consultation(plan, "0233")
    assert window(item) == (D("2024-04-26"), D("2024-04-19"), D("2024-05-03"))
    assert "window shifted" not in item.note


def test_nr_course_has_three_statuses_at_two_four_and_eight_weeks() -> None:
    plan = plan_course("NRL", D("2024-01-08"))
    codes = [it.code for it in plan.items if it.kind == "consultation"]
    assert codes == ["0241", "0243", "0244", "0245"]
    # Mon + 2, 4, 8 weeks, no holidays near: previous Monday to next Monday (rules.md §1)
    assert window(plan.item("0243")) == (D("2024-01-22"), D("2024-01-15"), D("2024-01-29"))
    assert window(plan.item("0245")) == (D("2024-03-04"), D("2024-02-26"), D("2024-03-11"))
    assert plan.item("0241").alternatives == ("0242",)


# ---------------------------------------------------------------------------- packages


def test_package_statuses_and_follow_ups_end_with_the_package() -> None:
    # CPL start Mon 2024-01-08: statuses at 2, 4, 8 weeks; package end 2024-07-08 (+6 months)
    plan = plan_course("CPL", D("2024-01-08"))
    codes = [it.code for it in plan.items if it.kind == "consultation"]
    assert codes == ["1040", "1042", "1043", "1044", "1046"]
    last = plan.item("1044")
    assert window(last) == (D("2024-03-04"), D("2024-02-26"), D("2024-03-11"))
    after = plan.item("1046")
    assert (after.earliest, after.latest) == (D("2024-02-27"), D("2024-07-08"))
    assert (after.min_count, after.max_count) == (0, 5)


def test_package_end_is_clamped_to_the_end_of_a_short_month() -> None:
    # rules.md §1: 2025-08-31 + 6 months = 2026-02-28
    plan = plan_course("CPC", D("2025-08-31"))
    assert plan.item("1056").latest == D("2026-02-28")


def test_stenosis_last_status_is_three_calendar_months_after_the_start() -> None:
    # CSS start Mon 2024-03-04: 1063 at Tue 06-04; (05-28, 06-04] = 29, 30, 31, 03, 04;
    # [06-04, 06-11) = 04, 05, 06, 07, 10 (Grundlovsdag 06-05 is a working day)
    plan = plan_course("CSS", D("2024-03-04"))
    assert window(plan.item("1063")) == (D("2024-06-04"), D("2024-05-28"), D("2024-06-11"))
    assert "1042" not in {it.code for it in plan.items}


# -------------------------------------------------------------------------------- LBP


def test_lbp_individual_training_window_is_84_days_from_the_start() -> None:
    plan = plan_course("LBP", D("2024-01-15"))
    training = plan.item("0266")
    assert (training.earliest, training.latest) == (D("2024-01-15"), D("2024-04-08"))
    assert training.max_count == 6


def test_lbp_individual_training_ends_at_an_early_closing_consultation() -> None:
    plan = plan_course("LBP", D("2024-01-15"), closing_date=D("2024-03-01"))
    assert plan.item("0266").latest == D("2024-03-01")


def test_lbp_closing_is_targeted_at_twelve_weeks_without_a_hard_window() -> None:
    plan = plan_course("LBP", D("2024-01-15"))
    assert window(plan.item("0267")) == (D("2024-04-08"), None, None)


def test_lbp_follow_ups_without_a_closing_date_are_listed_undated() -> None:
    plan = plan_course("LBP", D("2024-01-15"))
    for key in ("0268#1", "0268#2"):
        assert window(plan.item(key)) == (None, None, None)
        assert plan.item(key).state == "planned"


def test_lbp_follow_ups_fall_three_and_nine_months_after_closing() -> None:
    plan = plan_course("LBP", D("2024-01-15"), closing_date=D("2024-04-10"))
    assert window(plan.item("0268#1")) == (D("2024-07-10"), D("2024-06-10"), D("2024-08-10"))
    assert window(plan.item("0268#2")) == (D("2025-01-10"), D("2024-12-10"), D("2025-02-10"))


def test_lbp_follow_up_months_are_clamped_to_the_month_end() -> None:
    # 2023-12-31 + 2 months = 2024-02-29 (leap year), + 4 months = 2024-04-30
    plan = plan_course("LBP", D("2023-10-02"), closing_date=D("2023-12-31"))
    assert plan.item("0268#1").earliest == D("2024-02-29")
    assert plan.item("0268#1").latest == D("2024-04-30")


def test_referral_cap_shortens_the_second_follow_up() -> None:
    # referral 2024-01-05 + 12 months = 2025-01-05, inside [2024-12-10, 2025-02-10]
    plan = plan_course(
        "LBP", D("2024-01-15"), referral_date=D("2024-01-05"), closing_date=D("2024-04-10")
    )
    second = plan.item("0268#2")
    assert window(second) == (D("2025-01-05"), D("2024-12-10"), D("2025-01-05"))
    assert second.state == "planned"
    assert "capped" in second.note and "2025-01-05" in second.note
    assert plan.item("0268#1").latest == D("2024-08-10")


def test_referral_cap_on_the_last_day_of_the_window_changes_nothing() -> None:
    # referral 2024-02-10 + 12 months = 2025-02-10 = follow-up 2's own latest date
    plan = plan_course(
        "LBP", D("2024-01-15"), referral_date=D("2024-02-10"), closing_date=D("2024-04-10")
    )
    assert plan.item("0268#2").latest == D("2025-02-10")
    assert "capped" not in plan.item("0268#2").note


def test_follow_up_whose_window_opens_after_the_cap_is_unreachable() -> None:
    # closing 2024-06-10: follow-up 2 opens 2025-02-10 > cap 2025-01-05; follow-up 1 is fine
    plan = plan_course(
        "LBP", D("2024-01-15"), referral_date=D("2024-01-05"), closing_date=D("2024-06-10")
    )
    assert plan.item("0268#1").state == "planned"
    second = plan.item("0268#2")
    assert second.state == "unreachable"
    assert "unreachable" in second.note and "2025-01-05" in second.note
    assert questionnaire_for(plan, "0268#2").state == "unreachable"


def test_both_follow_ups_are_unreachable_after_an_old_referral() -> None:
    # referral 2023-06-01 + 12 months = 2024-06-01, before follow-up 1 opens on 2024-06-10
    plan = plan_course(
        "LBP", D("2024-01-15"), referral_date=D("2023-06-01"), closing_date=D("2024-04-10")
    )
    assert [plan.item(k).state for k in ("0268#1", "0268#2")] == ["unreachable"] * 2


def test_cap_on_the_day_a_window_opens_keeps_a_one_day_window() -> None:
    # referral 2023-06-10 + 12 months = 2024-06-10 = follow-up 1's earliest date
    plan = plan_course(
        "LBP", D("2024-01-15"), referral_date=D("2023-06-10"), closing_date=D("2024-04-10")
    )
    first = plan.item("0268#1")
    assert first.state == "planned"
    assert window(first) == (D("2024-06-10"), D("2024-06-10"), D("2024-06-10"))


# ------------------------------------------------------------------------ training packages


def test_training_package_plans_twelve_to_sixteen_sessions_over_six_to_eight_weeks() -> None:
    plan = plan_course("CTB", D("2024-03-04"))
    codes = [it.code for it in plan.items if it.kind == "consultation"]
    assert codes == ["3015", "3016", "3017", "3018"]
    training = plan.item("3017")
    assert (training.min_count, training.max_count) == (12, 16)
    assert training.latest == D("2024-04-29")  # start + 8 weeks
    assert plan.item("3016").max_count == 1
    status = plan.item("3018")
    assert (status.earliest, status.target) == (D("2024-04-15"), D("2024-04-29"))


# ---------------------------------------------------------------------------- questionnaires


@pytest.mark.parametrize(
    ("pathway", "instruments"),
    [
        ("LBP", ("NPRS", "ODI", "PSFS")),
        ("NRL", ("NPRS", "ODI", "PSFS")),
        ("NRC", ("NPRS", "NDI", "PSFS")),
        ("CPL", ("NPRS", "ODI", "PSFS")),
        ("CSS", ("NPRS", "ODI", "PSFS")),
        ("CPC", ("NPRS", "NDI", "PSFS")),
        ("CTB", ("NPRS", "PSFS")),
        ("CTH", ("NPRS", "PSFS")),
    ],
)
def test_each_pathway_sends_its_questionnaire_set(
    pathway: str, instruments: tuple[str, ...]
) -> None:
    plan = plan_course(pathway, D("2024-03-04"))
    rounds = [it for it in plan.items if it.kind == "questionnaire"]
    assert rounds and all(r.instruments == instruments for r in rounds)
    assert all(r.code is None for r in rounds)
    if pathway in ("CPL", "CPC", "CSS", "CTB", "CTH"):
        assert all("forlob's choice" in r.note for r in rounds)


def test_questionnaires_go_out_before_the_start_and_the_last_status() -> None:
    plan = plan_course("NRL", D("2024-01-08"))
    rounds = [it for it in plan.items if it.kind == "questionnaire"]
    assert [r.belongs_to for r in rounds] == ["0241", "0245"]
    assert rounds[0].target == D("2024-01-01")  # start - 7 days
    assert rounds[1].target == D("2024-02-26")  # 2024-03-04 - 7 days
    assert rounds[1].earliest == D("2024-02-19")  # earliest of 0245 (02-26) - 7 days
    # each round is listed just before its consultation
    keys = [it.key for it in plan.items]
    assert keys.index("questionnaire:0245") == keys.index("0245") - 1


def test_lbp_questionnaires_also_precede_each_follow_up() -> None:
    plan = plan_course("LBP", D("2024-01-15"), closing_date=D("2024-04-10"))
    rounds = [it.belongs_to for it in plan.items if it.kind == "questionnaire"]
    assert rounds == ["0261", "0267", "0268#1", "0268#2"]
    assert questionnaire_for(plan, "0267").target == D("2024-04-03")
    assert questionnaire_for(plan, "0268#1").target == D("2024-07-03")


def test_lead_time_is_configurable() -> None:
    plan = plan_course("NRC", D("2024-01-08"), lead_days=3)
    assert questionnaire_for(plan, "0235").target == D("2024-03-01")
    assert "3 days before" in questionnaire_for(plan, "0235").note


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pathway": "XYZ"}, "unknown pathway"),
        ({"closing_date": D("2024-03-03")}, "before the start"),
        ({"pathway": "NRL", "closing_date": D("2024-05-01")}, "only to LBP"),
        ({"lead_days": -1}, "lead time"),
    ],
)
def test_input_that_cannot_be_planned_raises_plan_error(
    kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"pathway": "LBP", "start": D("2024-03-04")} | kwargs
    with pytest.raises(PlanError, match=message):
        plan_course(**args)


# ----------------------------------------------------------------------------------- progress

# NRL start Thu 2024-04-25 (windows counted above): 0243 05-01..05-17, 0244 05-15..05-30,
# 0245 at Thu 06-20: (06-13, 06-20] = 14, 17, 18, 19, 20 -> earliest 06-13;
# [06-20, 06-27) = 20, 21, 24, 25, 26 -> latest 06-27.
NR_START = D("2024-04-25")


def states(plan: Plan, services: list[tuple[dt.date, str]], today: str) -> dict[str, str]:
    return {p.item.key: p.state for p in progress(plan, services, D(today))}


def test_nr_plan_has_the_expected_last_status_window() -> None:
    plan = plan_course("NRL", NR_START)
    assert window(plan.item("0245")) == (D("2024-06-20"), D("2024-06-13"), D("2024-06-27"))


def test_progress_marks_done_open_and_upcoming_items() -> None:
    plan = plan_course("NRL", NR_START)
    services = [(NR_START, "0241"), (D("2024-05-08"), "0243")]
    result = {p.item.key: p for p in progress(plan, services, D("2024-05-20"))}
    assert result["0241"].state == "done" and result["0241"].done_on == NR_START
    assert result["questionnaire:0241"].state == "done"
    assert result["0243"].state == "done" and result["0243"].done_on == D("2024-05-08")
    assert result["0244"].state == "open"
    assert result["questionnaire:0245"].state == "upcoming"  # sent from 06-06
    assert result["0245"].state == "upcoming"


def test_status_not_registered_by_its_latest_date_is_overdue() -> None:
    plan = plan_course("NRL", NR_START)
    services = [(NR_START, "0241"), (D("2024-05-08"), "0243")]
    assert states(plan, services, "2024-05-30")["0244"] == "open"  # the latest day itself
    assert states(plan, services, "2024-05-31")["0244"] == "overdue"


def test_questionnaire_round_opens_lead_days_before_its_consultation_window() -> None:
    plan = plan_course("NRL", NR_START)
    assert states(plan, [], "2024-06-05")["questionnaire:0245"] == "upcoming"
    assert states(plan, [], "2024-06-06")["questionnaire:0245"] == "open"
    assert states(plan, [], "2024-06-28")["questionnaire:0245"] == "overdue"


def test_alternative_start_code_fulfils_the_start() -> None:
    plan = plan_course("NRL", NR_START)
    result = progress(plan, [(NR_START, "0242")], NR_START)
    assert result[1].item.key == "0241" and result[1].state == "done"


def test_services_after_today_are_not_counted() -> None:
    plan = plan_course("NRL", NR_START)
    services = [(NR_START, "0241"), (D("2024-05-08"), "0243")]
    assert states(plan, services, "2024-05-07")["0243"] == "open"


def test_two_follow_ups_are_attributed_in_date_order() -> None:
    plan = plan_course("LBP", D("2024-01-15"), closing_date=D("2024-04-10"))
    services = [
        (D("2025-01-07"), "0268"),  # input order does not matter
        (D("2024-01-15"), "0261"),
        (D("2024-04-10"), "0267"),
        (D("2024-07-01"), "0268"),
    ]
    result = {p.item.key: p for p in progress(plan, services, D("2025-03-01"))}
    assert result["0268#1"].done_on == D("2024-07-01")
    assert result["0268#2"].done_on == D("2025-01-07")
    assert result["questionnaire:0268#2"].state == "done"


def test_unreachable_follow_up_stays_unreachable_until_registered() -> None:
    plan = plan_course(
        "LBP", D("2024-01-15"), referral_date=D("2024-01-05"), closing_date=D("2024-06-10")
    )
    services = [(D("2024-01-15"), "0261"), (D("2024-06-10"), "0267")]
    result = states(plan, services, "2024-09-01")
    assert result["0268#1"] == "open"
    assert result["0268#2"] == "unreachable"
    assert result["questionnaire:0268#2"] == "unreachable"


def test_lbp_closing_without_hard_window_is_open_from_its_target_and_never_overdue() -> None:
    plan = plan_course("LBP", D("2024-01-15"))
    assert states(plan, [], "2024-04-07")["0267"] == "upcoming"
    assert states(plan, [], "2024-04-08")["0267"] == "open"
    assert states(plan, [], "2025-04-08")["0267"] == "open"


def test_undated_follow_ups_are_upcoming() -> None:
    plan = plan_course("LBP", D("2024-01-15"))
    assert states(plan, [], "2025-06-01")["0268#1"] == "upcoming"


def test_group_training_is_done_with_the_twelfth_session() -> None:
    start = D("2024-03-04")
    plan = plan_course("CTB", start)
    # Mondays and Thursdays: two a week
    sessions = [start + dt.timedelta(weeks=w, days=d) for w in range(6) for d in (0, 3)]
    services = [(start, "3015")] + [(s, "3017") for s in sessions]
    eleven = {p.item.key: p for p in progress(plan, services[:-1], D("2024-04-15"))}
    assert eleven["3017"].state == "open" and eleven["3017"].count == 11
    twelve = {p.item.key: p for p in progress(plan, services, D("2024-04-15"))}
    assert twelve["3017"].state == "done"
    assert twelve["3017"].done_on == D("2024-04-11")  # Thursday of week 6


def test_optional_series_is_overdue_when_its_window_passed_unused() -> None:
    plan = plan_course("LBP", D("2024-01-15"))
    assert states(plan, [], "2024-04-08")["0266"] == "open"
    assert states(plan, [], "2024-04-09")["0266"] == "overdue"


# ------------------------------------------------------ property: planner and engine agree

STATUS_RULES = {"NR-STATUS-WINDOW", "PKG-STATUS-WINDOW"}


def _status_findings(
    pathway: str, start: dt.date, dates: dict[str, dt.date]
) -> dict[str, set[str]]:
    """Audit one course: the start code, then each status code on the given date."""
    plan = plan_course(pathway, start)
    start_code = plan.items[1].code
    assert start_code is not None
    lines = [("P1", "K1", start.isoformat(), start_code)]
    codes = list(dates)
    lines += [("P1", "K1", dates[c].isoformat(), c) for c in codes]
    findings = audit(lines)
    out: dict[str, set[str]] = {c: set() for c in codes}
    for row, rule in zip(findings["row"].to_list(), findings["rule_id"].to_list(), strict=True):
        if row >= 2:  # rows are 1-based: the start line is row 1
            out[codes[row - 2]].add(rule)
    return out


dates_2020s = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pathway=st.sampled_from(["NRL", "NRC", "CPL", "CPC", "CSS"]),
    start=dates_2020s,
    where=st.floats(min_value=0, max_value=1),
)
def test_every_date_in_a_planned_status_window_passes_and_the_next_outside_fails(
    pathway: str, start: dt.date, where: float
) -> None:
    plan = plan_course(pathway, start)
    statuses = [it for it in plan.items if it.kind == "consultation" and it.target is not None]
    statuses = [it for it in statuses if it.code not in plan.items[1].codes]
    assert statuses
    windows: dict[str, tuple[dt.date, dt.date]] = {}
    for it in statuses:
        assert it.code is not None and it.earliest is not None and it.latest is not None
        windows[it.code] = (it.earliest, it.latest)

    def inside(lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=round(where * (hi - lo).days))

    for pick in (lambda lo, hi: lo, lambda lo, hi: hi, inside):
        found = _status_findings(pathway, start, {c: pick(*w) for c, w in windows.items()})
        assert all(not (f & STATUS_RULES) for f in found.values()), found
    for pick in (lambda lo, hi: lo - ONE, lambda lo, hi: hi + ONE):
        found = _status_findings(pathway, start, {c: pick(*w) for c, w in windows.items()})
        assert all(f & STATUS_RULES for f in found.values()), found


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=dates_2020s,
    closing_after=st.integers(min_value=0, max_value=200),
    referral_before=st.integers(min_value=0, max_value=400),
)
def test_planned_lbp_follow_up_windows_match_the_engine(
    start: dt.date, closing_after: int, referral_before: int
) -> None:
    closing = start + dt.timedelta(days=closing_after)
    referral = start - dt.timedelta(days=referral_before)
    plan = plan_course("LBP", start, referral_date=referral, closing_date=closing)
    first, second = plan.item("0268#1"), plan.item("0268#2")
    assert first.earliest and first.latest and second.earliest and second.latest

    def rules_for(d1: dt.date, d2: dt.date) -> tuple[set[str], set[str]]:
        base = {"patient_id": "P1", "provider_id": "K1", "referral_date": referral.isoformat()}
        lines = [
            base | {"service_date": start.isoformat(), "service_code": "0261"},
            base | {"service_date": closing.isoformat(), "service_code": "0267"},
            base | {"service_date": d1.isoformat(), "service_code": "0268"},
            base | {"service_date": d2.isoformat(), "service_code": "0268"},
        ]
        f = audit(lines)
        by_row: dict[int, set[str]] = {3: set(), 4: set()}
        for row, rule in zip(f["row"].to_list(), f["rule_id"].to_list(), strict=True):
            by_row.setdefault(row, set()).add(rule)
        return by_row[3], by_row[4]

    followup_rules = {"LBP-FOLLOWUP-TIMING", "LBP-FOLLOWUP-REFERRAL-12M"}
    reachable = [it.state == "planned" for it in (first, second)]
    for d1, d2 in ((first.earliest, second.earliest), (first.latest, second.latest)):
        found = rules_for(d1, d2)
        for ok, rules in zip(reachable, found, strict=True):
            # a planned date passes; an unreachable item has no passing date at all
            assert bool(rules & followup_rules) is not ok, (found, plan)
    # the day before the earliest and the day after the (possibly capped) latest date fail
    for d1, d2 in (
        (first.earliest - ONE, second.earliest - ONE),
        (first.latest + ONE, second.latest + ONE),
    ):
        found = rules_for(d1, d2)
        assert all(rules & followup_rules for rules in found), (found, plan)
