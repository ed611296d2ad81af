"""The rules of rules.md, the catalogue's rules and the engine's kinds agree (holidays-style)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forlob.catalogue import CatalogueError, load_catalogue
from forlob.rules import INPUT_KINDS, KINDS


def test_every_rule_kind_is_implemented():
    cat = load_catalogue()
    missing = {
        r.id: r.kind
        for r in cat.rules.values()
        if r.kind not in KINDS and r.kind not in INPUT_KINDS
    }
    assert missing == {}


def test_every_limit_names_its_source_document():
    cat = load_catalogue()
    for name, param in cat.params.items():
        assert re.match(r"^(000|001|002|003|004)\b", param.source), name


def _write_catalogue(tmp_path: Path, codes: str, rules: str) -> Path:
    (tmp_path / "codes.toml").write_text(codes, encoding="utf-8")
    (tmp_path / "rules.toml").write_text(rules, encoding="utf-8")
    return tmp_path


def _packaged(name: str) -> str:
    base = Path(__file__).resolve().parents[1] / "src" / "forlob" / "catalogue" / "data"
    return (base / name).read_text(encoding="utf-8")


def test_it_rejects_a_code_that_is_not_four_digits_naming_file_and_key(tmp_path):
    codes = _packaged("codes.toml").replace('code = "0266"', 'code = "266"')
    d = _write_catalogue(tmp_path, codes, _packaged("rules.toml"))
    with pytest.raises(CatalogueError, match=r"codes\.toml: code\[\d+\] \(266\)\.code"):
        load_catalogue(d)


def test_it_rejects_an_unknown_key(tmp_path):
    rules = _packaged("rules.toml").replace(
        "[param.lbp_education_max]\nvalue = 2", "[param.lbp_education_max]\nvalue = 2\nvalu = 3"
    )
    d = _write_catalogue(tmp_path, _packaged("codes.toml"), rules)
    with pytest.raises(CatalogueError, match=r"rules\.toml: param\.lbp_education_max\.valu"):
        load_catalogue(d)


def test_it_rejects_a_rule_that_names_a_missing_limit(tmp_path):
    rules = _packaged("rules.toml").replace(
        'limit = "lbp_education_max"', 'limit = "lbp_education_maximum"'
    )
    d = _write_catalogue(tmp_path, _packaged("codes.toml"), rules)
    with pytest.raises(CatalogueError, match=r"LBP-EDU-MAX.*lbp_education_maximum"):
        load_catalogue(d)


def test_it_rejects_a_limit_that_is_not_a_number(tmp_path):
    rules = _packaged("rules.toml").replace(
        "[param.lbp_education_max]\nvalue = 2", '[param.lbp_education_max]\nvalue = "two"'
    )
    d = _write_catalogue(tmp_path, _packaged("codes.toml"), rules)
    with pytest.raises(CatalogueError, match=r"param\.lbp_education_max\.value"):
        load_catalogue(d)


def test_catalogue_objects_are_immutable():
    cat = load_catalogue()
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError
        cat.codes["0266"].role = "closing"  # type: ignore[misc]


def test_every_pathway_questionnaire_is_an_instrument_forlob_can_score():
    from forlob.prom import INSTRUMENT_NAMES

    for pathway in load_catalogue().pathways.values():
        assert pathway.questionnaires, pathway.id
        assert {q.lower() for q in pathway.questionnaires} <= set(INSTRUMENT_NAMES), pathway.id
