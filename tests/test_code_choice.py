"""Code choice helpers against seed 004 and the rule CH-EXAM-LEVEL (rules.md).

First exam: 1017 within the last 12 months, 1016 within 1–3 years, 1015 otherwise (004,
Ydelsesbeskrivelse 1015/1016/1017). Follow-up: 1035/1036/1037 by the seven criteria (004,
Kriterier for valg af opfølgende konsultation). Conference 1024: per started 10 minutes, at most
six modules, transport by the distance table (004, Ydelsesbeskrivelse 1024, Honorar).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from forlob.decision import conference_fee, first_exam_code, follow_up_choice, follow_up_code
from forlob.decision._data import DecisionDataError
from forlob.decision.code_choice import load_code_choice, transport_fee

D = dt.date

# ------------------------------------------------------------------------------ first exam
FIRST_EXAM = [
    pytest.param(D(2024, 5, 15), None, "1015", id="no previous visit: 1015"),
    pytest.param(D(2024, 5, 15), D(2024, 5, 14), "1017", id="yesterday: 1017"),
    pytest.param(D(2024, 5, 15), D(2024, 5, 15), "1017", id="same day: 1017"),
    pytest.param(D(2024, 5, 15), D(2023, 5, 15), "1017", id="exactly 12 months: 1017"),
    pytest.param(D(2024, 5, 15), D(2023, 5, 14), "1016", id="12 months and a day: 1016"),
    pytest.param(D(2024, 5, 15), D(2021, 5, 15), "1016", id="exactly 3 years: 1016"),
    pytest.param(D(2024, 5, 15), D(2021, 5, 14), "1015", id="3 years and a day: 1015"),
    # month arithmetic clamps to the month's end: 29 Feb 2024 − 12 months = 28 Feb 2023
    pytest.param(D(2024, 2, 29), D(2023, 2, 28), "1017", id="leap day − 12 months = 28 Feb"),
    pytest.param(D(2024, 2, 29), D(2023, 2, 27), "1016", id="leap day − 12 months − 1 day"),
    # 31 May − 36 months = 31 May; 31 Mar 2024 − 36 months = 31 Mar 2021
    pytest.param(D(2024, 3, 31), D(2021, 3, 31), "1016", id="31 Mar − 3 years"),
    pytest.param(D(2024, 3, 31), D(2021, 3, 30), "1015", id="31 Mar − 3 years − 1 day"),
    # 28 Feb 2027 − 36 months = 28 Feb 2024 (not the 29th)
    pytest.param(D(2027, 2, 28), D(2024, 2, 28), "1016", id="28 Feb 2027 − 3 years"),
    pytest.param(D(2027, 2, 28), D(2024, 2, 27), "1015", id="28 Feb 2027 − 3 years − 1 day"),
]


@pytest.mark.parametrize(("service", "previous", "code"), FIRST_EXAM)
def test_first_exam_code_by_time_since_previous_visit(
    service: dt.date, previous: dt.date | None, code: str
) -> None:
    assert first_exam_code(service, previous) == code


def test_first_exam_code_rejects_a_previous_visit_after_the_service() -> None:
    with pytest.raises(ValueError, match="after the service date"):
        first_exam_code(D(2024, 5, 15), D(2024, 5, 16))


# ------------------------------------------------------------------------------ follow-up
FOLLOW_UP = [
    # "Den almindelige opfølgende konsultation … når 1 af nedenstående kriterier er opfyldt";
    # "udvidede … hvor 2 eller flere af nedenstående kriterier er opfyldt"
    pytest.param([], "1035", id="no criterion: 1035 afgrænset"),
    pytest.param([1], "1036", id="one criterion: 1036 almindelig"),
    pytest.param([7], "1036", id="criterion 7 alone: 1036"),
    pytest.param([1, 2], "1037", id="two criteria: 1037 udvidet"),
    pytest.param([1, 2, 5, 6, 7], "1037", id="five criteria: 1037"),
    # "Kriterierne kan alene anvendes én gang i en konsultation"
    pytest.param([2, 2], "1036", id="the same criterion twice counts once"),
    pytest.param(["soft_tissue", "third_person"], "1037", id="criteria by key"),
    pytest.param(["2", 2], "1036", id="number as text and int are the same criterion"),
]


@pytest.mark.parametrize(("criteria", "code"), FOLLOW_UP)
def test_follow_up_code_by_number_of_criteria(criteria: list[int | str], code: str) -> None:
    assert follow_up_code(criteria) == code


def test_criterion_3_counts_only_when_the_exercise_regime_starts_or_changes() -> None:
    # 004 criterion 3: "anvendes alene ved opstart eller ændringer af øvelsesregime"
    assert follow_up_code([3]) == "1035"
    assert follow_up_code([3], exercise_regime_starts_or_changes=True) == "1036"
    assert follow_up_code([2, 3], exercise_regime_starts_or_changes=True) == "1037"
    assert follow_up_code([2, 3]) == "1036"


def test_criterion_4_counts_once_per_course() -> None:
    # 004 criterion 4: "Kriteriet kan kun udløses én gang i et forløb"
    assert follow_up_code([4]) == "1036"
    assert follow_up_code([4], criterion_4_used_earlier_in_course=True) == "1035"
    assert follow_up_code([4, 5], criterion_4_used_earlier_in_course=True) == "1036"


def test_follow_up_choice_says_which_criteria_were_set_aside_and_why() -> None:
    choice = follow_up_choice([1, 3, 4], criterion_4_used_earlier_in_course=True)
    assert choice.code == "1036"
    assert choice.counted == (1,)
    assert [n for n, _ in choice.not_counted] == [3, 4]
    assert "exercise regime" in choice.not_counted[0][1]


@pytest.mark.parametrize("bad", [0, 8, "massage", True, 2.0])
def test_unknown_criterion_is_rejected_with_the_allowed_list(bad: object) -> None:
    with pytest.raises(ValueError, match=r"allowed: 1 \(multiple_regions\)"):
        follow_up_code([bad])  # type: ignore[list-item]


def test_the_seven_criteria_of_004_are_in_the_data() -> None:
    criteria = load_code_choice().criterion
    assert [c.number for c in criteria] == [1, 2, 3, 4, 5, 6, 7]
    assert criteria[1].da == "Supplerende bløddelsbehandling"
    assert criteria[6].da == "Kommunikation/behandling gennem tredje person"
    assert {c.number: c.limit for c in criteria if c.limit != "none"} == {
        3: "exercise_regime_change",
        4: "once_per_course",
    }


# ------------------------------------------------------------------------------ conference
MODULES = [
    # "Ydelsen honoreres pr. påbegyndt 10 min. Der kan maksimalt afregnes for seks moduler."
    pytest.param(1, 1, False, id="1 min: 1 module"),
    pytest.param(10, 1, False, id="10 min: 1 module"),
    pytest.param(11, 2, False, id="11 min: 2 modules"),
    pytest.param(50, 5, False, id="50 min: 5 modules"),
    pytest.param(51, 6, False, id="51 min: 6 modules"),
    pytest.param(60, 6, False, id="60 min: 6 modules"),
    pytest.param(61, 6, True, id="61 min: capped at 6"),
    pytest.param(240, 6, True, id="4 hours: capped at 6"),
]


@pytest.mark.parametrize(("minutes", "modules", "capped"), MODULES)
def test_conference_modules_per_started_ten_minutes_at_most_six(
    minutes: int, modules: int, capped: bool
) -> None:
    fee = conference_fee(minutes, None)
    assert (fee.code, fee.modules, fee.capped) == ("1024", modules, capped)
    assert fee.transport_kr == Decimal("0")


TRANSPORT = [
    # 004 Tabel: Takst for afstand mellem yderens klinik og stedet for afholdelse af konference
    pytest.param("0", "165.83", id="0 km"),
    pytest.param("4.0", "165.83", id="4.0 km: 0-4 km"),
    pytest.param("4.1", "238.74", id="4.1 km: 4,1-8 km"),
    pytest.param("8", "238.74", id="8 km"),
    pytest.param("8.1", "316.36", id="8.1 km: 8,1-12 km"),
    pytest.param("12", "316.36", id="12 km"),
    pytest.param("12.1", "389.28", id="12.1 km: 12,1-16 km"),
    pytest.param("16", "389.28", id="16 km"),
    pytest.param("16.1", "464.55", id="16.1 km: 16,1-20 km"),
    pytest.param("20", "464.55", id="20 km"),
    pytest.param("20.1", "464.55", id="20.1 km: no km beyond 20.1 yet"),
    pytest.param("20.2", "476.31", id="20.2 km: 464.55 + 1 started km × 11.76"),
    pytest.param("21.1", "476.31", id="21.1 km: still 1 started km"),
    pytest.param("21.2", "488.07", id="21.2 km: 2 started km"),
    pytest.param("30.1", "582.15", id="30.1 km: 10 started km"),
]


@pytest.mark.parametrize(("km", "fee"), TRANSPORT)
def test_transport_fee_by_distance_table(km: str, fee: str) -> None:
    assert transport_fee(Decimal(km)) == Decimal(fee)
    assert conference_fee(30, Decimal(km)).transport_kr == Decimal(fee)


@pytest.mark.parametrize(("km", "fee"), [(4.0, "165.83"), (4.1, "238.74"), (20.2, "476.31")])
def test_transport_fee_takes_floats_at_their_written_value(km: float, fee: str) -> None:
    assert conference_fee(60, km).transport_kr == Decimal(fee)


def test_transport_fee_is_a_decimal_in_kroner() -> None:
    fee = conference_fee(60, 20.2).transport_kr
    assert isinstance(fee, Decimal)
    assert str(fee) == "476.31"


@pytest.mark.parametrize("minutes", [0, -5, True])
def test_conference_needs_at_least_one_minute(minutes: int) -> None:
    with pytest.raises(ValueError, match="minutes"):
        conference_fee(minutes, None)


@pytest.mark.parametrize("km", [-1, "far", float("nan"), True])
def test_conference_distance_must_be_a_non_negative_number(km: object) -> None:
    with pytest.raises(ValueError, match="distance_km"):
        conference_fee(10, km)  # type: ignore[arg-type]


def test_a_transport_table_out_of_order_is_rejected(tmp_path: Path) -> None:
    from importlib import resources

    text = resources.files("forlob.decision").joinpath("data", "code_choice.toml")
    broken = text.read_text("utf-8").replace('up_to_km = "8"', 'up_to_km = "3"', 1)
    (tmp_path / "code_choice.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(DecisionDataError, match=r"code_choice\.toml: conference"):
        load_code_choice(tmp_path)
