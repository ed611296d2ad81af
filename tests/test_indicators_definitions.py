"""The indicator definitions are catalogue data: strict at load, numbers from their sources."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from forlob.catalogue import load_catalogue
from forlob.decision.waiting import load_waiting_limit
from forlob.indicators import load_indicators
from forlob.indicators.definitions import IndicatorError

DATA = Path(__file__).resolve().parents[1] / "src" / "forlob" / "catalogue" / "data"
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "forlob" / "indicators"
CONTRACT_IDS = {
    "WAIT-14D",
    "STATUS-ON-TIME",
    "LAST-STATUS-DONE",
    "LBP-TEAM-DOSE",
    "LBP-FOLLOWUP-DONE",
    "BILLING-ERRORS",
}


def test_the_indicators_are_those_of_the_contract_with_both_languages_and_a_source():
    defs = load_indicators()
    assert set(defs.ids) == CONTRACT_IDS
    for ind in defs:
        assert ind.label("da") != ind.label("en") and ind.description("da")
        assert ind.source
        assert "{" not in ind.label("da") + ind.description("en")  # placeholders filled
    assert defs["BILLING-ERRORS"].lower_is_better
    assert not defs["WAIT-14D"].lower_is_better


def test_the_numbers_are_the_ones_the_rules_and_the_waiting_limit_use():
    defs, cat = load_indicators(), load_catalogue()
    assert defs["WAIT-14D"].param("max_days") == load_waiting_limit().days == 14
    assert defs["WAIT-14D"].params["max_days"].source.startswith("003 §4.5")
    assert defs["STATUS-ON-TIME"].param("tolerance") == cat.param("status_tolerance_working_days")
    assert (defs["LBP-TEAM-DOSE"].param("low"), defs["LBP-TEAM-DOSE"].param("high")) == (12, 16)
    assert defs["LBP-FOLLOWUP-DONE"].param("months") == 10
    assert defs["WAIT-14D"].label("da") == "Ventetid fra henvisning højst 14 dage"


def test_the_indicator_counting_has_no_seed_number_as_a_literal():
    # the counting and statistics; the page's drawing sizes are no seed numbers
    for path in (PACKAGE / n for n in ("compute.py", "stats.py", "definitions.py")):
        code = re.sub(r'"""[\s\S]*?"""|#.*', "", path.read_text(encoding="utf-8"))
        for number in ("14", "12", "16", "10", "84"):
            assert not re.search(rf"(?<![\w.]){number}(?![\w.])", code), (path.name, number)


def copy_with(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copy(DATA / "indicators.toml", tmp_path / "indicators.toml")
    p = tmp_path / "indicators.toml"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ('kind = "status_on_time"', 'kind = "status_on_time"\ncolour = "red"', "colour"),
        ('"catalogue:status_tolerance_working_days"', '"catalogue:nope"', "nope"),
        ('pathways = ["LBP"]', 'pathways = ["XXX"]', "XXX"),
        ('counted_roles = ["team_training"]', 'counted_roles = ["dance"]', "dance"),
        ("Statuskonsultationer til tiden", "Status {zzz}", "zzz"),
        ('params.low = { ref = "catalogue:lbp_team_training_min" }\n', "", "low"),
        ('{ ref = "waiting:referral_first_visit" }', "{ value = 14 }", "max_days"),
    ],
)
def test_a_mistake_in_the_definitions_fails_at_load_naming_the_key(tmp_path, old, new, says):
    directory = copy_with(tmp_path, old, new)
    with pytest.raises(IndicatorError, match=says):
        load_indicators(directory)
