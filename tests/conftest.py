"""Shared helpers: build extracts from short tuples and audit them with the real engine."""

from __future__ import annotations

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


def audit(lines: Iterable[Sequence[str] | dict[str, str]]) -> pl.DataFrame:
    return audit_frame(extract(lines))


def pairs(
    findings: pl.DataFrame, severities: tuple[str, ...] = ("error", "warning")
) -> set[tuple[int, str]]:
    """The (row, rule_id) pairs the acceptance tests compare (errors and warnings)."""
    f = findings.filter(pl.col("severity").is_in(severities))
    return set(zip(f["row"].to_list(), f["rule_id"].to_list(), strict=True))


@pytest.fixture
def run_audit():
    return audit
