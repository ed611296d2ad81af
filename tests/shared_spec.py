"""Where the project's contracts (`../shared/spec/*.md`) are, when they are beside the repo.

The repo stands alone: a clone in any folder passes its tests with the rule reference it
carries (`docs/rules.md`, generated from the catalogue). The comparison with the shared spec
runs whenever that folder is present, and CI (CI=true) requires it: see conftest.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = ROOT.parent / "shared" / "spec"
PRESENT = (SPEC_DIR / "rules.md").is_file()
REQUIRED = os.environ.get("CI", "").lower() == "true"


def rule_severities(text: str) -> dict[str, str]:
    """Rule ID → severity from the tables of a rules document (`| `ID` | severity | … |`)."""
    return dict(re.findall(r"^\| `([A-Z0-9-]+)` \| (error|warning|info) \|", text, flags=re.M))


def known_codes(text: str) -> set[str]:
    """Every code of the document's "Known codes" paragraph, ranges expanded."""
    section = text[text.index("**Known codes**") : text.index("- **Course**")]
    codes: set[str] = set()
    for a, b in re.findall(r"(\d{4})(?:–(\d{4}))?", section):
        lo, hi = int(a), int(b or a)
        codes |= {f"{i:04d}" for i in range(lo, hi + 1)}
    return codes
