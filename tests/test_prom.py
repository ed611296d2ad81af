"""Outcome measures: instrument data, scoring, change and MCID, licensed wording overlay.

Expected values are hand calculations or published worked examples, not read back from the code.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from forlob.prom import (
    INSTRUMENT_NAMES,
    InstrumentDataError,
    Score,
    ScoreInputError,
    change,
    load_instrument,
    other_test,
    score,
)
from forlob.prom.instruments import parse_instrument

D = Decimal

# ODI worked example: 16 points over 10 answered sections.
ODI_16_OF_50 = [3, 2, 2, 1, 2, 2, 1, 1, 1, 1]
# The same 16 points with the sex-life section (8) skipped.
ODI_16_OF_45 = [3, 2, 2, 1, 2, 2, 1, None, 2, 1]


def _packaged_data(name: str) -> dict[str, Any]:
    path = resources.files("forlob.prom").joinpath("data", f"{name}.toml")
    with path.open("rb") as fh:
        data: dict[str, Any] = tomllib.load(fh)
    return data


def _odi_like(before: str, after: str) -> tuple[Score, Score]:
    """Two ODI scores with the given percentages, built from answers that sum to them."""
    by_percent = {
        "40.0": [2] * 10,  # 20/50
        "28.0": [2, 2, 2, 1, 1, 1, 1, 1, 1, 2],  # 14/50
        "20.0": [1] * 10,  # 10/50
        "14.0": [1, 1, 1, 1, 1, 1, 1, 0, 0, 0],  # 7/50
        "30.0": [2, 2, 2, 2, 2, 1, 1, 1, 1, 1],  # 15/50
        "42.0": [3, 3, 2, 2, 2, 2, 2, 2, 2, 1],  # 21/50
        "16.0": [1, 1, 1, 1, 1, 1, 1, 1, 0, 0],  # 8/50
    }
    return score("odi", by_percent[before]), score("odi", by_percent[after])


# --- instrument data -----------------------------------------------------------------------------


def test_every_named_instrument_loads_from_the_packaged_data() -> None:
    for name in INSTRUMENT_NAMES:
        assert load_instrument(name).id == name


def test_instrument_names_are_case_insensitive_and_accept_the_danish_o() -> None:
    assert load_instrument("ODI").id == "odi"
    assert load_instrument("Biering-Sørensen").id == "biering-sorensen"


def test_an_unknown_instrument_is_refused_with_the_known_names() -> None:
    with pytest.raises(InstrumentDataError, match="nprs, odi, ndi, psfs"):
        load_instrument("sf36")


def test_odi_and_ndi_ship_paraphrased_wording_only() -> None:
    for name in ("odi", "ndi"):
        inst = load_instrument(name)
        assert (inst.wording_da, inst.wording_en) == ("paraphrase", "paraphrase")
        assert "paraphrase" in inst.wording_source.lower()


def test_nprs_and_psfs_ship_their_full_text() -> None:
    for name in ("nprs", "psfs"):
        inst = load_instrument(name)
        assert (inst.wording_da, inst.wording_en) == ("full", "full")
        assert inst.instructions_da and inst.instructions_en


def test_odi_and_ndi_have_ten_items_with_six_levels_in_both_languages() -> None:
    for name in ("odi", "ndi"):
        inst = load_instrument(name)
        assert len(inst.items) == 10
        for item in inst.items:
            assert [o.score for o in item.options] == [0, 1, 2, 3, 4, 5]
            assert item.title_da and item.title_en
            assert all(o.da and o.en for o in item.options)


def test_the_odi_sex_life_section_is_section_eight() -> None:
    assert load_instrument("odi").items[7].id == "sex_life"


def test_every_mcid_threshold_carries_its_published_source() -> None:
    expected = {
        "odi": {("points", D(10), "Ostelo"), ("percent", D(30), "Ostelo")},
        "nprs": {("points", D(2), "Ostelo"), ("percent", D(30), "Ostelo")},
        "ndi": {("points", D(10), "Vernon")},
        "psfs": {("points", D(2), "Stratford")},
    }
    for name, thresholds in expected.items():
        inst = load_instrument(name)
        got = {(t.kind, t.value, t.source.split()[0]) for t in inst.mcid}
        assert got == thresholds
        assert all("2008" in t.source or "1995" in t.source for t in inst.mcid)


def test_higher_is_worse_for_pain_and_disability_and_better_for_psfs() -> None:
    assert not load_instrument("nprs").higher_is_better
    assert not load_instrument("odi").higher_is_better
    assert not load_instrument("ndi").higher_is_better
    assert load_instrument("psfs").higher_is_better


def test_psfs_records_its_scale_version() -> None:
    version = load_instrument("psfs").version
    assert "0-10" in version and "Stratford" in version


def test_an_unknown_key_in_instrument_data_fails_naming_the_file_and_key() -> None:
    data = _packaged_data("nprs")
    data["colour"] = "red"
    with pytest.raises(InstrumentDataError, match=r"nprs\.toml: colour: Extra inputs"):
        parse_instrument(data, "nprs.toml")


def test_a_threshold_without_a_source_fails_naming_the_key() -> None:
    data = _packaged_data("odi")
    del data["mcid"][0]["source"]
    with pytest.raises(InstrumentDataError, match=r"odi\.toml: mcid\.0\.source: Field required"):
        parse_instrument(data, "odi.toml")


def test_a_bad_item_in_instrument_data_is_named_by_its_id() -> None:
    data = _packaged_data("odi")
    data["items"][2]["title_en"] = 7
    with pytest.raises(InstrumentDataError, match=r"items\[2\] \(lifting\)\.title_en"):
        parse_instrument(data, "odi.toml")


def test_section_options_must_run_from_zero_without_gaps() -> None:
    data = _packaged_data("odi")
    data["items"][0]["options"] = [
        {"score": 0, "da": "a", "en": "a"},
        {"score": 2, "da": "b", "en": "b"},
    ]
    with pytest.raises(InstrumentDataError, match="odi.toml.*pain_intensity.*0, 1, 2"):
        parse_instrument(data, "odi.toml")


def test_instrument_objects_are_immutable() -> None:
    inst = load_instrument("odi")
    with pytest.raises(Exception, match="frozen"):
        inst.max_missing = 5  # type: ignore[misc]


# --- ODI -----------------------------------------------------------------------------------------


def test_odi_16_of_50_scores_32_percent() -> None:
    result = score("odi", ODI_16_OF_50)
    assert result.score == D("32.0")
    assert (result.unit, result.raw, result.max, result.answered) == ("%", 16, 50, 10)


def test_odi_16_with_one_section_unanswered_scores_35_6_percent() -> None:
    result = score("odi", ODI_16_OF_45)
    # 16 / 45 × 100 = 35.555… → 35.6
    assert result.score == D("35.6")
    assert (result.raw, result.max, result.answered) == (16, 45, 9)
    assert result.notes == ("section 8 unanswered; scored on the 9 answered",)


def test_odi_scores_with_two_sections_unanswered() -> None:
    result = score("odi", [3, 3, 2, 2, 2, 2, 1, None, None, 1])
    assert result.score == D("40.0")  # 16 / 40
    assert result.answered == 8


def test_odi_refuses_three_unanswered_sections() -> None:
    with pytest.raises(ScoreInputError, match=r"3 sections unanswered \(8, 9, 10\).*at most 2"):
        score("odi", [3, 2, 2, 1, 2, 2, 1, None, None, None])


def test_odi_score_runs_from_0_to_100() -> None:
    assert score("odi", [0] * 10).score == D("0.0")
    assert score("odi", [5] * 10).score == D("100.0")


def test_odi_refuses_a_section_answer_above_five_naming_the_section() -> None:
    answers: list[int | None] = [1] * 10
    answers[5] = 6
    with pytest.raises(ScoreInputError, match=r"odi section 6 \(Standing\): 6 .*allowed 0–5") as e:
        score("odi", answers)
    assert e.value.allowed == "0–5"


def test_odi_refuses_a_negative_section_answer() -> None:
    with pytest.raises(ScoreInputError, match=r"section 1 \(Pain intensity\): -1.*0–5"):
        score("odi", [-1] + [1] * 9)


def test_odi_refuses_nine_answers() -> None:
    with pytest.raises(ScoreInputError, match="expected 10 answers.*got 9"):
        score("odi", [1] * 9)


def test_odi_refuses_eleven_answers() -> None:
    with pytest.raises(ScoreInputError, match="expected 10 answers.*got 11"):
        score("odi", [1] * 11)


def test_odi_refuses_a_fractional_section_answer() -> None:
    with pytest.raises(ScoreInputError, match="section 2.*2.5 is not a whole number.*0–5"):
        score("odi", [1, D("2.5"), 1, 1, 1, 1, 1, 1, 1, 1])


# --- NDI -----------------------------------------------------------------------------------------


def test_ndi_reports_raw_out_of_50_and_percent() -> None:
    result = score("ndi", [2] * 10)
    assert (result.score, result.unit, result.raw, result.max) == (D("40.0"), "%", 20, 50)


def test_ndi_with_an_unanswered_item_scales_raw_to_50() -> None:
    result = score("ndi", ODI_16_OF_45)
    # 16 / 45 = 35.6 % of the answered items; raw 16 × 50 / 45 = 17.77… → 17.8
    assert result.score == D("35.6")
    assert (result.raw, result.max, result.answered) == (D("17.8"), 50, 9)


def test_ndi_refuses_three_unanswered_items_naming_them() -> None:
    with pytest.raises(ScoreInputError, match=r"ndi: 3 items unanswered \(1, 2, 3\)"):
        score("ndi", [None, None, None, 1, 1, 1, 1, 1, 1, 1])


def test_ndi_refuses_an_item_out_of_range_naming_it() -> None:
    with pytest.raises(ScoreInputError, match=r"ndi item 5 \(Headaches\): 9 .*0–5"):
        score("ndi", [1, 1, 1, 1, 9, 1, 1, 1, 1, 1])


# --- NPRS ----------------------------------------------------------------------------------------


def test_nprs_reports_the_rating_with_one_decimal() -> None:
    result = score("nprs", [7])
    assert (result.score, result.unit, result.raw, result.max) == (D("7.0"), "points", 7, 10)


@pytest.mark.parametrize("value", [-1, 11])
def test_nprs_refuses_a_rating_outside_0_to_10(value: int) -> None:
    with pytest.raises(ScoreInputError, match=f"nprs rating: {value} is out of range.*0–10"):
        score("nprs", [value])


def test_nprs_refuses_an_unanswered_rating() -> None:
    with pytest.raises(ScoreInputError, match="nprs rating: unanswered.*0–10"):
        score("nprs", [None])


def test_nprs_refuses_two_ratings() -> None:
    with pytest.raises(ScoreInputError, match="expected 1 answer.*got 2"):
        score("nprs", [3, 4])


# --- PSFS ----------------------------------------------------------------------------------------


def test_psfs_score_is_the_mean_of_the_activities() -> None:
    result = score("psfs", [3, 4, 6])
    assert result.score == D("4.3")  # 13 / 3
    assert (result.answered, result.raw, result.max) == (3, 13, 30)
    assert "Stratford" in result.version


def test_psfs_rounds_halves_up_like_the_published_tables() -> None:
    # 1 / 4 = 0.25; binary-float round() would give 0.2
    assert score("psfs", [0, 0, 0, 1]).score == D("0.3")


def test_psfs_accepts_a_single_activity() -> None:
    assert score("psfs", [10]).score == D("10.0")


def test_it_rejects_a_sixth_psfs_activity() -> None:
    with pytest.raises(ScoreInputError, match=r"psfs activity 6: at most 5.*0–10"):
        score("psfs", [5, 5, 5, 5, 5, 5])


def test_it_rejects_psfs_without_activities() -> None:
    with pytest.raises(ScoreInputError, match="0 activities given; allowed 1–5"):
        score("psfs", [])


def test_it_rejects_an_unrated_psfs_activity() -> None:
    with pytest.raises(ScoreInputError, match="psfs activity 2: unanswered.*0–10"):
        score("psfs", [4, None])


def test_it_rejects_a_psfs_rating_above_ten() -> None:
    with pytest.raises(ScoreInputError, match="psfs activity 3: 11 is out of range.*0–10"):
        score("psfs", [4, 5, 11])


# --- functional tests ----------------------------------------------------------------------------


def test_thirty_second_sit_to_stand_is_a_count() -> None:
    result = score("sts30", [12])
    assert (result.score, result.unit, result.raw, result.max) == (D("12.0"), "count", 12, None)


def test_thirty_second_sit_to_stand_refuses_a_fractional_count() -> None:
    with pytest.raises(ScoreInputError, match="sts30 count: 12.5 is not a whole number"):
        score("sts30", [D("12.5")])


def test_five_times_sit_to_stand_takes_seconds_with_decimals() -> None:
    result = score("sts5", [D("12.44")])
    assert (result.score, result.unit, result.raw) == (D("12.4"), "seconds", D("12.44"))


@pytest.mark.parametrize("name", ["sts30", "sts5", "biering-sorensen"])
def test_functional_tests_refuse_a_negative_value(name: str) -> None:
    with pytest.raises(ScoreInputError, match="out of range; allowed a (whole )?number ≥ 0"):
        score(name, [-1])


def test_biering_sorensen_is_capped_at_240_seconds_with_a_note() -> None:
    result = score("biering-sorensen", [250])
    assert (result.score, result.raw, result.max) == (D("240.0"), 250, 240)
    assert result.notes == ("measured 250 capped at 240 (the test stops at 240)",)


def test_biering_sorensen_below_the_cap_is_kept_as_measured() -> None:
    result = score("biering-sorensen", [D("95.5")])
    assert (result.score, result.notes) == (D("95.5"), ())


def test_an_other_test_keeps_its_own_name_and_unit() -> None:
    result = other_test("6-minute walk", "m", 420, higher_is_better=True)
    assert (result.instrument, result.unit, result.score) == ("6-minute walk", "m", D("420.0"))


def test_an_other_test_needs_a_name_a_unit_and_a_non_negative_value() -> None:
    with pytest.raises(ScoreInputError, match="give a name"):
        other_test(" ", "m", 1)
    with pytest.raises(ScoreInputError, match="give a unit"):
        other_test("walk", "", 1)
    with pytest.raises(ScoreInputError, match="walk m: -3 is out of range"):
        other_test("walk", "m", -3)


# --- change and MCID -----------------------------------------------------------------------------


def test_odi_improvement_of_12_points_reaches_the_mcid() -> None:
    c = change(*_odi_like("40.0", "28.0"))
    assert (c.absolute, c.percent, c.improved, c.reaches_mcid) == (
        D("-12.0"),
        D("-30.0"),
        True,
        True,
    )
    assert c.important_improvement and not c.important_deterioration


def test_odi_improvement_of_30_percent_reaches_the_mcid_below_10_points() -> None:
    c = change(*_odi_like("20.0", "14.0"))  # −6 points, −30 %
    assert (c.absolute, c.percent, c.reaches_mcid) == (D("-6.0"), D("-30.0"), True)


def test_odi_improvement_below_both_criteria_misses_the_mcid() -> None:
    c = change(*_odi_like("20.0", "16.0"))  # −4 points, −20 %
    assert (c.improved, c.reaches_mcid, c.important_improvement) == (True, False, False)


def test_odi_worsening_of_12_points_is_an_important_deterioration() -> None:
    c = change(*_odi_like("30.0", "42.0"))
    assert (c.absolute, c.percent, c.improved, c.reaches_mcid) == (
        D("12.0"),
        D("40.0"),
        False,
        True,
    )
    assert c.important_deterioration and not c.important_improvement


def test_odi_threshold_text_names_both_criteria_and_the_source() -> None:
    c = change(*_odi_like("40.0", "28.0"))
    assert c.threshold is not None
    assert "≥ 10 points" in c.threshold and "≥ 30 %" in c.threshold and "Ostelo" in c.threshold


def test_nprs_drop_of_two_points_reaches_the_mcid() -> None:
    c = change(score("nprs", [7]), score("nprs", [5]))
    assert (c.absolute, c.improved, c.reaches_mcid) == (D("-2.0"), True, True)


def test_nprs_drop_of_one_point_from_three_reaches_the_mcid_by_percent() -> None:
    c = change(score("nprs", [3]), score("nprs", [2]))  # −33.3 %
    assert (c.percent, c.reaches_mcid) == (D("-33.3"), True)


def test_nprs_drop_of_exactly_30_percent_reaches_the_mcid() -> None:
    c = change(score("nprs", [10]), score("nprs", [7]))
    assert (c.percent, c.reaches_mcid) == (D("-30.0"), True)


def test_nprs_drop_of_one_point_from_eight_misses_the_mcid() -> None:
    c = change(score("nprs", [8]), score("nprs", [7]))  # −12.5 %
    assert (c.improved, c.reaches_mcid) == (True, False)


def test_nprs_rise_from_zero_has_no_percent_and_is_judged_on_points() -> None:
    c = change(score("nprs", [0]), score("nprs", [2]))
    assert (c.percent, c.improved, c.reaches_mcid) == (None, False, True)
    assert change(score("nprs", [0]), score("nprs", [1])).reaches_mcid is False


def test_ndi_drop_of_10_percentage_points_reaches_the_mcid() -> None:
    c = change(score("ndi", [2] * 10), score("ndi", [1] * 5 + [2] * 5))  # 40 % → 30 %
    assert (c.absolute, c.improved, c.reaches_mcid) == (D("-10.0"), True, True)
    assert c.threshold is not None and "5 raw points" in c.threshold and "Vernon" in c.threshold


def test_ndi_has_no_percent_criterion_so_a_30_percent_drop_of_6_points_misses() -> None:
    c = change(score("ndi", [1] * 10), score("ndi", [1] * 7 + [0] * 3))  # 20 % → 14 %
    assert (c.percent, c.reaches_mcid) == (D("-30.0"), False)


def test_psfs_rise_of_two_points_is_an_important_improvement() -> None:
    c = change(score("psfs", [3, 3]), score("psfs", [5, 5]))
    assert (c.absolute, c.improved, c.reaches_mcid) == (D("2.0"), True, True)
    assert c.threshold is not None and "Stratford" in c.threshold


def test_psfs_fall_of_two_points_is_an_important_deterioration() -> None:
    c = change(score("psfs", [6]), score("psfs", [4]))
    assert (c.improved, c.important_deterioration) == (False, True)


def test_psfs_rise_of_one_and_a_half_points_misses_the_mcid() -> None:
    c = change(score("psfs", [3, 3]), score("psfs", [4, 5]))
    assert (c.absolute, c.improved, c.reaches_mcid) == (D("1.5"), True, False)


def test_an_unchanged_score_is_neither_improved_nor_worse() -> None:
    c = change(score("odi", ODI_16_OF_50), score("odi", ODI_16_OF_50))
    assert (c.absolute, c.improved, c.reaches_mcid) == (D("0.0"), None, False)


def test_a_faster_five_times_sit_to_stand_is_an_improvement_without_an_mcid() -> None:
    c = change(score("sts5", [D("12.4")]), score("sts5", [D("10.1")]))
    assert (c.absolute, c.improved, c.reaches_mcid, c.threshold) == (D("-2.3"), True, None, None)


def test_an_other_test_without_a_direction_reports_change_but_no_verdict() -> None:
    c = change(other_test("walk", "m", 400), other_test("walk", "m", 450))
    assert (c.absolute, c.percent, c.improved) == (D("50.0"), D("12.5"), None)


def test_scores_of_different_instruments_cannot_be_compared() -> None:
    with pytest.raises(ValueError, match="cannot compare odi.*with ndi"):
        change(score("odi", ODI_16_OF_50), score("ndi", ODI_16_OF_50))


# --- licensed wording overlay --------------------------------------------------------------------


def _wording_toml(
    instrument: str = "odi",
    *,
    items: int = 10,
    languages: tuple[str, ...] = ("da",),
    scores: tuple[int, ...] = (0, 1, 2, 3, 4, 5),
    ids: list[str] | None = None,
) -> str:
    ids = ids or [item.id for item in load_instrument(instrument).items][:items]
    lines = [f'instrument = "{instrument}"', 'source = "Licensed wording, licence 42"']
    for n, item_id in enumerate(ids, start=1):
        lines += ["[[items]]", f'id = "{item_id}"']
        lines += [f'title_{lang} = "Licensed title {n} {lang}"' for lang in languages]
        opts = []
        for s in scores:
            texts = ", ".join(f'{lang} = "Licensed {n}.{s} {lang}"' for lang in languages)
            opts.append(f"{{ score = {s}, {texts} }}")
        lines.append(f"options = [{', '.join(opts)}]")
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wording.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_licensed_danish_wording_replaces_the_paraphrase_in_danish_only(tmp_path: Path) -> None:
    inst = load_instrument("odi", _write(tmp_path, _wording_toml()))
    assert (inst.wording_da, inst.wording_en) == ("licensed", "paraphrase")
    assert inst.wording_source == "Licensed wording, licence 42"
    assert inst.items[0].title_da == "Licensed title 1 da"
    assert inst.items[9].options[5].da == "Licensed 10.5 da"
    assert inst.items[0].title_en == "Pain intensity"


def test_licensed_wording_in_both_languages_marks_both_licensed(tmp_path: Path) -> None:
    inst = load_instrument("ndi", _write(tmp_path, _wording_toml("ndi", languages=("da", "en"))))
    assert (inst.wording_da, inst.wording_en) == ("licensed", "licensed")
    assert inst.items[4].options[0].en == "Licensed 5.0 en"


def test_licensed_wording_does_not_change_the_packaged_instrument(tmp_path: Path) -> None:
    load_instrument("odi", _write(tmp_path, _wording_toml()))
    assert load_instrument("odi").wording_da == "paraphrase"


def test_an_instrument_with_licensed_wording_scores_the_same(tmp_path: Path) -> None:
    inst = load_instrument("odi", _write(tmp_path, _wording_toml()))
    assert score(inst, ODI_16_OF_45).score == D("35.6")


def test_licensed_wording_with_nine_items_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _wording_toml(items=9))
    with pytest.raises(InstrumentDataError, match=r"wording\.toml: items: odi has 10 items.*9"):
        load_instrument("odi", path)


def test_licensed_wording_missing_an_option_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _wording_toml(scores=(0, 1, 2, 3, 4)))
    with pytest.raises(InstrumentDataError, match=r"items\[0\] \(pain_intensity\)\.options"):
        load_instrument("odi", path)


def test_licensed_wording_with_items_out_of_order_is_refused(tmp_path: Path) -> None:
    ids = [item.id for item in load_instrument("odi").items]
    ids[0], ids[1] = ids[1], ids[0]
    path = _write(tmp_path, _wording_toml(ids=ids))
    with pytest.raises(InstrumentDataError, match=r"items\[0\]\.id: expected 'pain_intensity'"):
        load_instrument("odi", path)


def test_licensed_wording_for_another_instrument_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _wording_toml("ndi"))
    with pytest.raises(InstrumentDataError, match="instrument: 'ndi' does not match 'odi'"):
        load_instrument("odi", path)


def test_licensed_wording_mixing_languages_between_items_is_refused(tmp_path: Path) -> None:
    text = _wording_toml().replace(
        'title_da = "Licensed title 2 da"',
        'title_da = "Licensed title 2 da"\ntitle_en = "Licensed title 2 en"',
    )
    with pytest.raises(InstrumentDataError, match="title_en must be given for every item"):
        load_instrument("odi", _write(tmp_path, text))


def test_licensed_wording_without_a_source_is_refused(tmp_path: Path) -> None:
    text = _wording_toml().replace('source = "Licensed wording, licence 42"\n', "")
    with pytest.raises(InstrumentDataError, match=r"wording\.toml: source: Field required"):
        load_instrument("odi", _write(tmp_path, text))


def test_licensed_wording_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    text = _wording_toml().replace('licence 42"\n', 'licence 42"\npublisher = "x"\n')
    with pytest.raises(InstrumentDataError, match=r"wording\.toml: publisher: Extra inputs"):
        load_instrument("odi", _write(tmp_path, text))
    # a typo inside an item is named by the item's id
    text = _wording_toml() + 'titel_da = "x"\n'
    with pytest.raises(InstrumentDataError, match=r"items\[9\] \(travelling\)\.titel_da"):
        load_instrument("odi", _write(tmp_path, text))


def test_a_wording_file_that_is_not_toml_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(InstrumentDataError, match="wording.toml"):
        load_instrument("odi", _write(tmp_path, "items = [\n"))


def test_a_missing_wording_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(InstrumentDataError, match="nope.toml"):
        load_instrument("odi", tmp_path / "nope.toml")


def test_a_performance_test_has_no_wording_to_license(tmp_path: Path) -> None:
    text = 'instrument = "sts30"\nsource = "x"\nitems = []\n'
    with pytest.raises(InstrumentDataError, match="performance test and has no item wording"):
        load_instrument("sts30", _write(tmp_path, text))
