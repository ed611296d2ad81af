"""The domain core imports no Django: the app and the CLI are shells around it (brief)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "forlob.catalogue",
    "forlob.calendar",
    "forlob.windows",
    "forlob.rules",
    "forlob.planning",
    "forlob.prom",
    "forlob.decision",
    "forlob.course",
    "forlob.course_record",
    "forlob.cpr",
    "forlob.outcome_report",
    "forlob.letters",
    "forlob.fhir",
]


@pytest.mark.parametrize("module", CORE)
def test_the_domain_module_imports_no_django(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('django')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
