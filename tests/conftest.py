"""Shared helpers: build extracts from short tuples and audit them with the real engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import polars as pl
import pytest

from forlob.rules import ALL_COLUMNS, audit_frame


def extract(lines: Iterable[Sequence[str] | dict[str, str]]) -> pl.DataFrame:
    """Lines as (patient, provider, date, code) tuples or dicts of formats.md columns."""
    records = []
    for line in lines:
        if isinstance(line, dict):
            records.append(line)
        else:
            records.append(
                dict(
                    zip(
                        ("patient_id", "provider_id", "service_date", "service_code"),
                        line,
                        strict=True,
                    )
                )
            )
    columns = [c for c in ALL_COLUMNS if any(c in r for r in records)]
    return pl.DataFrame(
        {c: [r.get(c, "") for r in records] for c in columns},
        schema={c: pl.String for c in columns},
    )


def audit(lines: Iterable[Sequence[str] | dict[str, str]], lang: str = "da") -> pl.DataFrame:
    return audit_frame(extract(lines), lang=lang)  # type: ignore[arg-type]


def pairs(
    findings: pl.DataFrame, severities: tuple[str, ...] = ("error", "warning")
) -> set[tuple[int, str]]:
    """The (row, rule_id) pairs the acceptance tests compare (errors and warnings)."""
    f = findings.filter(pl.col("severity").is_in(severities))
    return set(zip(f["row"].to_list(), f["rule_id"].to_list(), strict=True))


@pytest.fixture
def run_audit():
    return audit


# The finding keys of formats.md, in order, written out from the contract (not imported from
# the engine) so the tests can catch the engine drifting from it.
FINDING_KEYS = [
    "row",
    "rule_id",
    "severity",
    "patient_id",
    "provider_id",
    "service_date",
    "service_code",
    "course_id",
    "pathway",
    "message",
]

P, K = "0101901234", "K1"  # a patient id with a leading zero, and a provider


def line(date: str, code: str, patient: str = P, provider: str = K, **extra: str):
    """One service line as a dict; `extra` sets optional columns (course_id=..., ...)."""
    return {
        "patient_id": patient,
        "provider_id": provider,
        "service_date": date,
        "service_code": code,
        **extra,
    }


def found(lines) -> set[tuple[int, str]]:
    """The (row, rule_id) pairs of errors and warnings for these lines."""
    return pairs(audit(lines))


def day(start: str, n: int) -> str:
    """The ISO date `n` calendar days after `start`."""
    return (dt.date.fromisoformat(start) + dt.timedelta(days=n)).isoformat()


def pytest_report_header(config: pytest.Config) -> str:
    from tests.shared_spec import PRESENT, SPEC_DIR

    if PRESENT:
        return f"shared spec: comparing the catalogue with {SPEC_DIR}"
    return f"shared spec: {SPEC_DIR} is absent, so the comparison with it did not run"


def pytest_sessionstart(session: pytest.Session) -> None:
    from tests.shared_spec import PRESENT, REQUIRED, SPEC_DIR

    # CI has ../shared beside the clone: there the comparison must run, never vanish
    if REQUIRED and not PRESENT:
        raise pytest.UsageError(f"CI=true requires the shared spec at {SPEC_DIR}")
