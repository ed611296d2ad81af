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


# -- each kind's parameters are its schema's (rules as data, validated at load) ------------


def _rule_models():
    import typing

    from forlob.catalogue.rule_kinds import Rule

    union = typing.get_args(Rule)[0]
    return typing.get_args(union)


def _kinds_of(model) -> set[str]:
    import typing

    return set(typing.get_args(model.model_fields["kind"].annotation))


def test_the_schema_and_the_engine_know_the_same_kinds():
    declared = set().union(*(_kinds_of(m) for m in _rule_models()))
    assert declared == set(KINDS) | INPUT_KINDS


def test_each_kind_function_takes_the_model_its_kind_is_validated_with():
    import typing

    for model in _rule_models():
        for name in _kinds_of(model) - INPUT_KINDS:
            hints = typing.get_type_hints(KINDS[name])
            assert hints["rule"] is model, name


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # a parameter the kind does not take
        (
            ('kind = "status_window"\n', 'kind = "status_window"\nlimit = "lbp_education_max"\n'),
            r"rules\.toml: rule\[\d+\] \(NR-STATUS-WINDOW\)\.status_window\.limit: Extra inputs",
        ),
        # a parameter the kind needs
        (
            ('tolerance = "status_tolerance_working_days"\n', ""),
            r"rules\.toml: rule\[\d+\] \(NR-STATUS-WINDOW\)\.status_window\.tolerance: Field requ",
        ),
        # a kind no one implements
        (
            ('kind = "status_window"', 'kind = "status_windows"'),
            r"rules\.toml: rule\[\d+\] \(NR-STATUS-WINDOW\): Input tag 'status_windows'",
        ),
        # roles left empty
        (
            (
                'pathways = ["NRL", "NRC"]\nroles = ["status", "last_status"]\ntolerance',
                'pathways = ["NRL", "NRC"]\nroles = []\ntolerance',
            ),
            r"NR-STATUS-WINDOW\)\.status_window\.roles",
        ),
    ],
)
def test_a_wrong_rule_parameter_fails_at_load_naming_file_rule_and_key(tmp_path, edit, message):
    old, new = edit
    rules = _packaged("rules.toml")
    assert old in rules, old
    d = _write_catalogue(tmp_path, _packaged("codes.toml"), rules.replace(old, new, 1))
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(d)


def test_no_kind_names_a_code_a_role_or_a_limit_of_its_own():
    from forlob.catalogue import ROLES

    kinds_dir = Path(__file__).resolve().parents[1] / "src" / "forlob" / "rules" / "kinds"
    params = set(load_catalogue().params)
    for path in kinds_dir.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        # string literals but the keys of detail columns ("start": …), which name placeholders
        literals = set(re.findall(r"\"([a-z0-9_]+)\"(?!\s*:)", text))
        assert literals & (set(ROLES) | params) == set(), path.name
        assert not re.findall(r"\"\d{4}\"", text), path.name
