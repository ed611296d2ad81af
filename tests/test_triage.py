"""Triage (forlob.decision.triage) against seed 003 and the issue text.

Each case quotes its source: the issue's rule and the seed section it rests on. Expected values
are read from the seeds and the issue, not from the code.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from forlob.decision import TriageInputError, parse_triage_input, triage
from forlob.decision._data import DecisionDataError
from forlob.decision.triage import load_triage_rules

BASE: dict[str, Any] = {"age": 45, "region": "low_back", "new_onset": True}


def patient(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def texts(result: Any) -> list[str]:
    return [a.text for a in result.actions]


def sources(result: Any) -> list[str]:
    return [a.source for a in result.actions]


# ------------------------------------------------------------------------------ grouping
RED_FLAGS = [
    # 003 §3.1 Gruppe 3: "påvirket almentilstand med natlig smerte, ingen hvilelindring,
    # tidligere malign sygdom, prednisolonbehandling, feber eller vægttab"
    "affected_general_condition",
    "night_pain",
    "no_rest_relief",
    "previous_malignancy",
    "prednisolone",
    "fever",
    "weight_loss",
]


@pytest.mark.parametrize("flag", RED_FLAGS)
def test_any_red_flag_gives_group_3_per_003_3_1_gruppe_3(flag: str) -> None:
    result = triage(patient(red_flags=[flag]))
    assert result.group == 3
    assert result.pathways == ()


def test_red_flag_outranks_nerve_root_signs_003_3_1() -> None:
    result = triage(patient(red_flags=["fever"], radicular_pattern=True, positive_slr=True))
    assert result.group == 3


def test_group_3_leaves_the_programme_per_003_3_3_t0_and_bilag_2() -> None:
    result = triage(patient(red_flags=["weight_loss"]))
    assert any("udgår af forløbsprogrammet" in t for t in texts(result))
    assert any("Bilag 2" in s for s in sources(result))
    # no primary-care timeline for group 3
    assert not any("Kontrol ved T = 2 uger" in t for t in texts(result))


GROUP_2_SIGNS = [
    # 003 §3.1 Gruppe 2: "radikulær smerteudstråling, eventuelt ledsaget af dermatomale
    # føleforstyrrelser, refleksudfald, parese eller positiv strakt benløft test … gang-
    # relaterede gener fra benene … der svinder i hvile, ved foroverbøjning"
    pytest.param({"radicular_pattern": True}, id="radikulær smerteudstråling"),
    pytest.param({"dermatomal_sensory_loss": True}, id="dermatomale føleforstyrrelser"),
    pytest.param({"reflex_loss": True}, id="refleksudfald"),
    pytest.param({"paresis_grade": 4}, id="parese (MRC 4)"),
    pytest.param({"paresis_grade": 0}, id="parese (MRC 0)"),
    pytest.param({"positive_slr": True}, id="positiv strakt benløft test"),
    pytest.param({"walking_leg_pain_relieved_by_flexion": True}, id="gangrelaterede gener"),
]


@pytest.mark.parametrize("signs", GROUP_2_SIGNS)
def test_each_nerve_root_sign_gives_group_2_per_003_3_1_gruppe_2(signs: dict[str, Any]) -> None:
    assert triage(patient(**signs)).group == 2


GROUP_1_CASES = [
    pytest.param({}, id="no signs"),
    # MRC 5 is full strength: not a paresis
    pytest.param({"paresis_grade": 5}, id="MRC 5 is no paresis"),
    pytest.param({"paresis_grade": None}, id="paresis not graded"),
    # Gruppe 1 includes "smerteudbredning lumbosakralt, glutealt og femoralt": leg radiation
    # without a radicular pattern is not a nerve-root sign
    pytest.param({"leg_radiation": True}, id="leg radiation alone"),
    # cauda equina sets the urgency; the issue lists it under urgency, not grouping
    pytest.param({"cauda_equina_signs": True}, id="cauda equina alone"),
    pytest.param({"risk_factors": ["leg_pain"]}, id="Boks 4 factor is not a sign"),
]


@pytest.mark.parametrize("changes", GROUP_1_CASES)
def test_without_red_flag_or_nerve_root_sign_the_group_is_1_per_003_3_1_gruppe_1(
    changes: dict[str, Any],
) -> None:
    assert triage(patient(**changes)).group == 1


# ------------------------------------------------------------------------------ urgency
URGENCY = [
    # 003 §3.3 T = 0 / Bilag 3 A: "paresegrad mindre end eller lig med 3 eller cauda equina
    # syndrom henvises akut"; Bilag 3 B: "paresegrad større end 3 … henvises subakut … inden
    # for 2 uger"
    pytest.param({"cauda_equina_signs": True}, "acute", "Bilag 3 A", id="cauda equina: akut"),
    pytest.param({"paresis_grade": 0}, "acute", "Bilag 3 A", id="MRC 0: akut"),
    pytest.param({"paresis_grade": 3}, "acute", "Bilag 3 A", id="MRC 3: akut (≤ 3)"),
    pytest.param({"paresis_grade": 4}, "subacute", "Bilag 3 B", id="MRC 4: subakut (> 3)"),
    pytest.param(
        {"paresis_grade": 4, "cauda_equina_signs": True}, "acute", "Bilag 3 A", id="CES wins"
    ),
    pytest.param({"paresis_grade": 5}, "none", None, id="MRC 5: none"),
    pytest.param({"paresis_grade": None}, "none", None, id="no grade: none"),
]


@pytest.mark.parametrize(("changes", "urgency", "bilag"), URGENCY)
def test_urgency_follows_paresis_grade_and_cauda_equina_per_003_bilag_3(
    changes: dict[str, Any], urgency: str, bilag: str | None
) -> None:
    result = triage(patient(**changes))
    assert result.urgency == urgency
    referral = [a for a in result.actions if "Bilag 3" in a.source]
    if bilag is None:
        assert referral == []
    else:
        assert [bilag in a.source for a in referral] == [True]


def test_acute_referral_text_quotes_bilag_3_a() -> None:
    result = triage(patient(paresis_grade=2))
    assert any(
        "henvises akut til den lokale reumatologiske afdeling" in t
        and "vagthavende reumatolog orienteres telefonisk" in t
        for t in texts(result)
    )


def test_subacute_referral_text_names_the_two_week_assessment_of_bilag_3_b() -> None:
    result = triage(patient(paresis_grade=4))
    assert any("subakut" in t and "inden for 2 uger" in t for t in texts(result))


def test_referred_patients_do_not_continue_the_primary_care_timeline_003_3_3() -> None:
    # "Gruppe 1 og de resterende patienter med nerverodspåvirkning (Gruppe 2) fortsætter"
    result = triage(patient(paresis_grade=4))
    assert not any("Kontrol ved T = 2 uger" in t for t in texts(result))


def test_subacute_threshold_in_data_is_two_weeks_per_bilag_3_b() -> None:
    t = load_triage_rules().threshold
    assert t.subacute_days.value == 14
    assert t.paresis_acute_max.value == 3
    assert "Bilag 3" in t.paresis_acute_max.source


# ------------------------------------------------------------------------------ eligibility
ELIGIBILITY = [
    # 003 §2.1 Boks 2: "patienter fra og med 18 år med nyopståede lændesmerter … også
    # patienter fra og med 18 år med tiltagende gangrelaterede bensmerter … hvor man
    # mistænker spinalstenose. … omfatter ikke patienter med smerter i nakken eller brystryggen"
    pytest.param({}, True, id="45 years, low back, new onset"),
    pytest.param({"age": 18}, True, id="fra og med 18 år: 18 is in"),
    pytest.param({"age": 17}, False, id="17 is out"),
    pytest.param({"region": "neck"}, False, id="neck is out"),
    pytest.param({"region": "thoracic"}, False, id="thoracic is out"),
    pytest.param({"new_onset": False}, False, id="not new onset is out"),
    pytest.param(
        {"new_onset": False, "walking_leg_pain_relieved_by_flexion": True},
        True,
        id="suspected stenosis is in without new onset",
    ),
]


@pytest.mark.parametrize(("changes", "eligible"), ELIGIBILITY)
def test_eligibility_per_003_2_1_boks_2(changes: dict[str, Any], eligible: bool) -> None:
    assert triage(patient(**changes)).eligible_region_h is eligible


def test_ineligible_patient_gets_the_boks_2_reason() -> None:
    result = triage(patient(region="neck"))
    assert (
        "Forløbsprogrammet omfatter ikke patienter med smerter i nakken eller brystryggen."
        in texts(result)
    )
    assert "003 §2.1, Boks 2" in sources(result)


# ------------------------------------------------------------------------------ pathways
PATHWAYS = [
    # issue: group 1 low back → LBP; group 2 low back → NRL, CPL (+ CSS when the walking
    # pattern suggests stenosis); group 2 neck → NRC, CPC; group 3 → none
    pytest.param({}, ("LBP",), id="group 1 low back: LBP"),
    pytest.param({"radicular_pattern": True}, ("NRL", "CPL"), id="group 2 low back: NRL CPL"),
    pytest.param(
        {"walking_leg_pain_relieved_by_flexion": True},
        ("NRL", "CPL", "CSS"),
        id="group 2 low back, stenosis pattern: + CSS",
    ),
    pytest.param(
        {"region": "neck", "radicular_pattern": True}, ("NRC", "CPC"), id="group 2 neck: NRC CPC"
    ),
    pytest.param({"region": "neck"}, (), id="group 1 neck: none named"),
    pytest.param({"region": "thoracic", "reflex_loss": True}, (), id="group 2 thoracic: none"),
    pytest.param({"red_flags": ["fever"], "radicular_pattern": True}, (), id="group 3: none"),
]


@pytest.mark.parametrize(("changes", "pathways"), PATHWAYS)
def test_pathways_by_group_and_region_per_issue(
    changes: dict[str, Any], pathways: tuple[str, ...]
) -> None:
    assert triage(patient(**changes)).pathways == pathways


# ------------------------------------------------------------------------------ risk
RISK_FACTORS = [
    # 003 Boks 4 "Risikofaktorer for udvikling af varige smerter"
    "strong_pain",
    "strongly_reduced_activity",
    "many_pain_sites",
    "leg_pain",
    "high_age",
    "worry",
    "depression",
    "fear_of_movement",
    "poor_work_environment",
]


@pytest.mark.parametrize("factor", RISK_FACTORS)
def test_any_boks_4_factor_raises_risk_with_municipal_rehabilitation(factor: str) -> None:
    result = triage(patient(risk_factors=[factor]))
    assert result.risk == "raised"
    assert any("rehabiliteringsforløb i kommunen" in t for t in texts(result))
    # no sick leave: no job-retention plan
    assert not any("tilbagevenden til arbejdsmarkedet" in t for t in texts(result))


SICK_LEAVE = [
    # issue: sick leave ≥ 6 weeks raises risk; 003 §3.2 Fastholdelse til arbejdsmarkedet:
    # "For patienter med fortsat behov for sygemelding efter 6-8 uger … plan for deres
    # tilbagevenden til arbejdsmarkedet"
    pytest.param(0, "normal", id="no sick leave"),
    pytest.param(5, "normal", id="5 weeks"),
    pytest.param(5.9, "normal", id="5.9 weeks"),
    pytest.param(6, "raised", id="6 weeks"),
    pytest.param(10, "raised", id="10 weeks"),
]


@pytest.mark.parametrize(("weeks", "risk"), SICK_LEAVE)
def test_sick_leave_of_six_weeks_raises_risk_per_003_3_2(weeks: float, risk: str) -> None:
    result = triage(patient(sick_leave_weeks=weeks))
    assert result.risk == risk
    job_plan = any("plan for tilbagevenden til arbejdsmarkedet" in t for t in texts(result))
    assert job_plan is (risk == "raised")
    if risk == "raised":
        assert any("Fastholdelse til arbejdsmarkedet" in s for s in sources(result))


# ------------------------------------------------------------------------------ timeline
CLOSE = "Der aftales plan for gradvis genoptagelse af almindelige daglige funktioner"
REVISE = "fortsættes eller revideres behandlingen"
RHEUM = "henvises til den lokale reumatologiske afdeling"
MR = "Samtidig henvises til MR-scanning af lænderygsøjlen"
UNACCEPTABLE_G1 = "praktiserende speciallæge i reumatologi eller den lokale reumatologiske afdeling"

TIMELINE = [
    # 003 §3.3, T = 0 uger: Information and medical treatment; control at 2 weeks
    pytest.param(1, None, None, ["Information", "Kontrol ved T = 2 uger"], [CLOSE], id="G1 T=0"),
    pytest.param(2, None, None, ["advarsels-/alarmsymptomer"], [CLOSE], id="G2 T=0"),
    pytest.param(1, 1, "worse", ["Kontrol ved T = 2 uger"], [REVISE], id="G1 week 1 is T=0"),
    # 003 §3.3 Gruppe 1, T = 2 og 4 uger
    pytest.param(
        1, 2, "better", [CLOSE, "tilbagevenden til arbejde"], [REVISE], id="G1 T=2 bedring"
    ),
    pytest.param(
        1, 2, "unchanged", [REVISE, "Udvidet lænderygudredning"], [CLOSE], id="G1 T=2 uændret"
    ),
    pytest.param(
        1, 4, "worse", [REVISE, "Næste kontrol ved T = 8 uger"], [RHEUM], id="G1 T=4 værre"
    ),
    pytest.param(1, 2, "unacceptable", [UNACCEPTABLE_G1], [CLOSE], id="G1 T=2 uacceptable smerter"),
    # 003 §3.3 Gruppe 1, T = 8 uger; imaging after 8 weeks (003 §3.1 Billeddiagnostik)
    pytest.param(1, 8, "better", [CLOSE], [RHEUM], id="G1 T=8 bedring"),
    pytest.param(
        1, 8, "unchanged", [RHEUM, "MR-scanning ved fortsatte"], [CLOSE], id="G1 T=8 ingen fremgang"
    ),
    pytest.param(1, 10, "unacceptable", [RHEUM], [CLOSE], id="G1 week 10 uacceptable: T=8 steps"),
    # 003 §3.3 Gruppe 2, T = 2 uger
    pytest.param(2, 2, "better", [CLOSE], [MR], id="G2 T=2 bedring"),
    pytest.param(2, 3, "worse", [REVISE], [MR, RHEUM], id="G2 week 3 værre: T=2 steps"),
    pytest.param(2, 2, "unacceptable", [RHEUM], [MR], id="G2 T=2 uacceptable smerter"),
    # 003 §3.3 Gruppe 2, T = 4 uger: rheumatology and MR without progress
    pytest.param(2, 4, "better", [CLOSE], [MR], id="G2 T=4 bedring"),
    pytest.param(2, 4, "unchanged", [RHEUM, MR], [CLOSE], id="G2 T=4 ingen fremgang: MR"),
    # issue: refer to the rheumatology department at 8 weeks without progress; 003 has no
    # 8-week checkpoint for group 2, so the 4-week steps (rheumatology + MR) still apply
    pytest.param(2, 8, "worse", [RHEUM, MR], [CLOSE], id="G2 T=8 ingen fremgang"),
]


@pytest.mark.parametrize(("group", "weeks", "status", "present", "absent"), TIMELINE)
def test_next_steps_follow_the_003_3_3_timeline(
    group: int, weeks: float | None, status: str | None, present: list[str], absent: list[str]
) -> None:
    changes: dict[str, Any] = {"radicular_pattern": True} if group == 2 else {}
    if weeks is not None:
        changes |= {"weeks_since_start": weeks, "course_status": status}
    result = triage(patient(**changes))
    assert result.group == group
    joined = "\n".join(texts(result))
    for fragment in present:
        assert fragment in joined
    for fragment in absent:
        assert fragment not in joined
    assert any(s.startswith("003 §3.3") for s in sources(result))


def test_every_action_names_its_source_section() -> None:
    result = triage(
        patient(
            radicular_pattern=True,
            sick_leave_weeks=8,
            risk_factors=["worry"],
            weeks_since_start=4,
            course_status="worse",
        )
    )
    assert result.actions
    for action in result.actions:
        assert action.text
        assert action.source.startswith("003")


def test_english_texts_are_available() -> None:
    result = triage(patient(paresis_grade=2), language="en")
    assert any("refer acutely" in t for t in texts(result))


def test_result_dict_has_exactly_the_issue_keys() -> None:
    out = triage(patient()).to_dict()
    assert list(out) == ["group", "urgency", "eligible_region_h", "pathways", "risk", "actions"]
    assert set(out["actions"][0]) == {"text", "source"}


# ------------------------------------------------------------------------------ input errors
BAD_INPUT = [
    pytest.param({"age": 45, "region": "low_back"}, "new_onset", id="missing new_onset"),
    pytest.param(patient(region="lumbar"), "region", id="unknown region"),
    pytest.param(patient(age="45"), "age", id="age as text"),
    pytest.param(patient(age=True), "age", id="age as bool"),
    pytest.param(patient(paresis_grade=6), "paresis_grade", id="MRC 6"),
    pytest.param(patient(paresis_grade=-1), "paresis_grade", id="MRC -1"),
    pytest.param(patient(positive_slr=1), "positive_slr", id="1 is not a boolean"),
    pytest.param(patient(red_flags=["cough"]), "red_flags", id="unknown red flag"),
    pytest.param(patient(risk_factors="worry"), "risk_factors", id="factor not in a list"),
    pytest.param(patient(sick_leave_weeks=-2), "sick_leave_weeks", id="negative sick leave"),
    pytest.param(patient(colour="red"), "colour", id="unknown key"),
    pytest.param(patient(course_status="worse"), "course_status", id="status without weeks"),
    pytest.param(patient(weeks_since_start=4), "course_status", id="weeks ≥ 2 without status"),
    pytest.param(
        patient(weeks_since_start=2, course_status="fine"), "course_status", id="unknown status"
    ),
]


@pytest.mark.parametrize(("data", "key"), BAD_INPUT)
def test_invalid_input_names_the_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(TriageInputError) as info:
        parse_triage_input(data)
    assert info.value.key == key
    assert key in str(info.value)
    assert "allowed" in str(info.value) or "required" in str(info.value)


def test_unknown_red_flag_message_lists_the_allowed_flags() -> None:
    with pytest.raises(TriageInputError, match=r"red_flags\[1\].*night_pain.*weight_loss"):
        parse_triage_input(patient(red_flags=["fever", "cough"]))


def test_weeks_before_the_first_checkpoint_need_no_status() -> None:
    assert parse_triage_input(patient(weeks_since_start=1)).course_status is None


# ------------------------------------------------------------------------------ data file
def _packaged() -> dict[str, Any]:
    path = resources.files("forlob.decision").joinpath("data", "triage.toml")
    with path.open("rb") as fh:
        data: dict[str, Any] = tomllib.load(fh)
    return data


def test_packaged_data_gives_every_threshold_and_text_a_source() -> None:
    data = _packaged()
    for name, th in data["threshold"].items():
        assert th["source"].startswith("003"), name
    for name, action in data["action"].items():
        assert action["source"].startswith("003"), name
    for table in ("red_flag", "nerve_root_sign", "risk_factor", "step", "group"):
        for entry in data[table]:
            assert entry["source"].startswith("003"), (table, entry)


def test_a_data_mistake_names_the_file_and_key(tmp_path: Path) -> None:
    text = resources.files("forlob.decision").joinpath("data", "triage.toml").read_text("utf-8")
    broken = text.replace('key = "night_pain"', 'key = "night_sweats"', 1)
    (tmp_path / "triage.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(DecisionDataError, match=r"triage\.toml: red_flag\[1\]"):
        load_triage_rules(tmp_path)


def test_an_unknown_data_key_is_rejected(tmp_path: Path) -> None:
    text = resources.files("forlob.decision").joinpath("data", "triage.toml").read_text("utf-8")
    (tmp_path / "triage.toml").write_text(text + "\n[extra]\nx = 1\n", encoding="utf-8")
    with pytest.raises(DecisionDataError, match=r"triage\.toml: extra"):
        load_triage_rules(tmp_path)


def test_a_pathway_missing_from_the_catalogue_is_rejected(tmp_path: Path) -> None:
    text = resources.files("forlob.decision").joinpath("data", "triage.toml").read_text("utf-8")
    (tmp_path / "triage.toml").write_text(
        text.replace('pathways = ["LBP"]', 'pathways = ["XYZ"]'), encoding="utf-8"
    )
    with pytest.raises(DecisionDataError, match="XYZ"):
        load_triage_rules(tmp_path)
