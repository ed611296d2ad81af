"""Waiting time (003 §4.5 Ventetider) and diagnosis mapping (003 Bilag 4 Diagnosekodning)."""

from __future__ import annotations

import datetime as dt

import pytest

from forlob.decision import (
    lookup_diagnosis,
    normalise_icd10,
    referral_diagnosis,
    suggest_group,
    waiting_time,
)

D = dt.date

# ------------------------------------------------------------------------------ waiting time
# 003 §4.5: "Ved henvisning … til praktiserende fysioterapeut, til kiropraktor eller til hospital,
# må ventetiden ikke overskride 14 dage."
WAITING = [
    pytest.param(D(2024, 3, 1), D(2024, 3, 1), None, 0, False, "seen_in_time", id="same day"),
    pytest.param(D(2024, 3, 1), D(2024, 3, 15), None, 14, False, "seen_in_time", id="day 14"),
    pytest.param(D(2024, 3, 1), D(2024, 3, 16), None, 15, True, "seen_late", id="day 15"),
    pytest.param(D(2024, 3, 1), None, D(2024, 3, 10), 9, False, "waiting", id="waiting 9 d"),
    pytest.param(D(2024, 3, 1), None, D(2024, 3, 15), 14, False, "waiting", id="waiting 14 d"),
    pytest.param(D(2024, 3, 1), None, D(2024, 3, 16), 15, True, "overdue", id="waiting 15 d"),
    # the first visit decides, not today
    pytest.param(D(2024, 3, 1), D(2024, 3, 5), D(2024, 6, 1), 4, False, "seen_in_time", id="seen"),
    # calendar days across a month end and a leap day
    pytest.param(D(2024, 2, 20), D(2024, 3, 5), None, 14, False, "seen_in_time", id="leap"),
]


@pytest.mark.parametrize(("referral", "first", "today", "days", "past", "status"), WAITING)
def test_waiting_time_against_the_14_day_limit(
    referral: dt.date,
    first: dt.date | None,
    today: dt.date | None,
    days: int,
    past: bool,
    status: str,
) -> None:
    result = waiting_time(referral, first, today)
    assert result.days_waited == days
    assert result.past_limit is past
    assert result.status == status
    assert result.deadline == referral + dt.timedelta(days=14)
    assert result.limit_days == 14
    assert result.source == "003 §4.5, Ventetider"


def test_waiting_time_without_today_uses_the_current_date() -> None:
    result = waiting_time(dt.date.today() - dt.timedelta(days=3), None)
    assert result.days_waited == 3


@pytest.mark.parametrize(
    ("first", "today", "what"),
    [(D(2024, 2, 28), None, "first_visit"), (None, D(2024, 2, 28), "today")],
)
def test_waiting_time_rejects_dates_before_the_referral(
    first: dt.date | None, today: dt.date | None, what: str
) -> None:
    with pytest.raises(ValueError, match=f"{what} 2024-02-28 is before the referral"):
        waiting_time(D(2024, 3, 1), first, today or D(2024, 3, 2))


# ------------------------------------------------------------------------------ diagnosis
DIAGNOSES = [
    # Bilag 4, Gruppe 1: symptom codes L03 and verified degenerative diagnoses L84
    pytest.param("L03", 1, "L03", id="L03 Symptom/klage fra lænd"),
    pytest.param("L84", 1, "L84", id="L84 Rygsyndrom uden smerteudstråling"),
    pytest.param("M53.3", 1, "L03", id="M53.3 Coccygodynia (dm533)"),
    pytest.param("DM545", 1, "L03", id="DM545 Lumbago uden specifikation"),
    pytest.param("dm533B", 1, "L03", id="dm533B Sacrocoxalgia"),
    pytest.param("M48.0", 1, "L84", id="M48.0 Stenosis spinalis (dm480)"),
    pytest.param("S33.6A", 1, "L84", id="S33.6A Sakroiliakasyndrom (ds336A)"),
    pytest.param("M43.1", 1, "L84", id="M43.1 Spondylolisthesis"),
    # Bilag 4, Gruppe 2: L86 Rygsyndrom med smerteudstråling
    pytest.param("L86", 2, "L86", id="L86 Rygsyndrom med smerteudstråling"),
    pytest.param("M54.3", 2, "L86", id="M54.3 Ischias"),
    pytest.param("M54.4", 2, "L86", id="M54.4 Lumbago med ischias"),
    pytest.param("DM511F", 2, "L86", id="DM511F Prolapsus … med radiculopati"),
    # "ved epikrisemodtagelse vil følgende icd10 diagnoser konverteres til L86"
    pytest.param("G55.1", 2, "L86", id="G55.1 Compressio radicis (konverteres til L86)"),
    pytest.param("M51.0", 2, "L86", id="M51.0 Prolapsus med myelopati"),
    pytest.param("DM514", 2, "L86", id="DM514 Schmorl"),
    # a more specific code than one listed takes the listed parent
    pytest.param("M51.1B", 2, "L86", id="M51.1B under dm511"),
    pytest.param("M54.5X", 1, "L03", id="M54.5X under dm545"),
    # Bilag 4, Gruppe 3 (the seed says the list is not complete)
    pytest.param("L71", 3, "L71", id="L71 Neopl mal columnae vertebralis"),
]


@pytest.mark.parametrize(("code", "group", "icpc"), DIAGNOSES)
def test_diagnosis_codes_suggest_the_group_of_003_bilag_4(code: str, group: int, icpc: str) -> None:
    assert suggest_group(code) == group
    match = lookup_diagnosis(code)
    assert match is not None
    assert match.icpc == icpc
    assert match.source.startswith("003 Bilag 4")


@pytest.mark.parametrize("code", ["M99", "L99", "", "12", "M54.2", "M54"])
def test_codes_bilag_4_does_not_list_suggest_nothing(code: str) -> None:
    # M54.2 (cervicalgia) and the bare category M54 are not in Bilag 4
    assert suggest_group(code) is None


def test_three_character_icd10_is_told_apart_from_icpc_by_system() -> None:
    # ICPC L03 (low back complaint) versus ICD-10 L03 (cellulitis)
    assert suggest_group("L03") == 1
    assert suggest_group("L03", system="icd10") is None
    assert suggest_group("DL03") is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("M53.3", "M533"), ("dm533b", "M533B"), ("DM 54.3", "M543"), ("D48", "D48")],
)
def test_icd10_codes_are_normalised_from_dotted_and_sks_forms(code: str, expected: str) -> None:
    assert normalise_icd10(code) == expected


def test_a_referral_is_looked_up_in_the_code_system_it_names() -> None:
    l86 = referral_diagnosis(" l 86 ", "ICPC")
    assert l86 is not None and l86.group == 2
    dm533 = referral_diagnosis("DM533", "ICD-10")
    assert dm533 is not None and (dm533.system, dm533.icpc, dm533.group) == ("icd10", "L03", 1)
    # the same code read in the other system is not the same diagnosis
    assert referral_diagnosis("DM533", "ICPC") is None


def test_a_referral_without_a_code_or_with_an_unknown_system_suggests_nothing() -> None:
    assert referral_diagnosis("", "ICPC") is None
    assert referral_diagnosis("L86", "") is None
    assert referral_diagnosis("L86", "SNOMED") is None
