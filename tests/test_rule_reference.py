"""The repo's own rule reference (`docs/rules.md`) is the catalogue, and agrees with the spec.

A clone in any folder carries this reference; it stands in for `../shared/spec/rules.md` when
that folder is absent, and is compared with it when present.
"""

from __future__ import annotations

import re

from tests.shared_spec import PRESENT, ROOT, SPEC_DIR, known_codes, rule_severities

from forlob.catalogue import load_catalogue
from forlob.catalogue.reference import render_reference

REFERENCE = ROOT / "docs" / "rules.md"


def _reference_codes(text: str) -> set[str]:
    return set(re.findall(r"^\| `(\d{4})` \|", text, flags=re.M))


def test_the_committed_reference_is_what_the_catalogue_renders():
    # When this fails: python -m forlob.catalogue.reference docs/rules.md
    assert REFERENCE.read_text(encoding="utf-8") == render_reference()


def test_the_reference_lists_every_rule_with_its_severity():
    cat = load_catalogue()
    listed = rule_severities(REFERENCE.read_text(encoding="utf-8"))
    assert listed == {r.id: r.severity for r in cat.rules.values()}


def test_the_reference_lists_every_code_once_with_its_labels():
    text = REFERENCE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\d{4})` \|", text, flags=re.M)
    assert sorted(rows) == sorted(load_catalogue().codes)
    # a Danish label is what a clinic's staff recognise a code by
    assert "| `0243` | physiotherapy | NRL | status |" in text


def test_the_reference_gives_each_limit_its_value_and_seed_source():
    text = REFERENCE.read_text(encoding="utf-8")
    for name, prm in load_catalogue().params.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"| {prm.value} |" in row
        assert re.search(r"\| (00\d|rules\.md|formats\.md)", row), row


def test_a_changed_limit_changes_the_reference(tmp_path):
    # the reference follows the data: a limit edited in rules.toml shows in the rendering
    from importlib import resources

    data = resources.files("forlob.catalogue").joinpath("data")
    for name in ("codes.toml", "rules.toml"):
        (tmp_path / name).write_text(data.joinpath(name).read_text(encoding="utf-8"))
    rules = tmp_path / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace(
            "[param.lbp_team_training_max]\nvalue = 16", "[param.lbp_team_training_max]\nvalue = 17"
        ),
        encoding="utf-8",
    )
    rendered = render_reference(load_catalogue(tmp_path))
    assert "| `lbp_team_training_max` | 17 |" in rendered
    assert rendered != render_reference()


if PRESENT:
    SPEC_TEXT = (SPEC_DIR / "rules.md").read_text(encoding="utf-8")

    def test_the_reference_has_the_rules_and_severities_of_the_shared_spec():
        assert rule_severities(REFERENCE.read_text(encoding="utf-8")) == rule_severities(SPEC_TEXT)

    def test_the_reference_has_the_known_codes_of_the_shared_spec():
        assert _reference_codes(REFERENCE.read_text(encoding="utf-8")) == known_codes(SPEC_TEXT)
