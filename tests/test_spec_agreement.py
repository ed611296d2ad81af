"""The catalogue agrees with the shared contract `../shared/spec/rules.md`.

These tests exist only where the spec is beside the repo (CI requires it there, see
conftest.py); everywhere else the repo's own generated reference stands in for it
(test_rule_reference.py).
"""

from __future__ import annotations

from tests.shared_spec import PRESENT, SPEC_DIR, known_codes, rule_severities

from forlob.catalogue import load_catalogue

if PRESENT:
    SPEC_TEXT = (SPEC_DIR / "rules.md").read_text(encoding="utf-8")

    def test_every_rule_of_the_spec_is_in_the_catalogue_with_its_severity():
        cat = load_catalogue()
        spec = rule_severities(SPEC_TEXT)
        assert len(spec) >= 40
        assert {r: cat.rules[r].severity for r in spec if r in cat.rules} == spec
        assert set(spec) - set(cat.rules) == set()

    def test_every_catalogue_rule_is_in_the_spec():
        assert set(load_catalogue().rules) - set(rule_severities(SPEC_TEXT)) == set()

    def test_every_known_code_of_the_spec_is_in_the_catalogue():
        assert set(load_catalogue().codes) == known_codes(SPEC_TEXT)
