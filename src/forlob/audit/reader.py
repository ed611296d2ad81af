"""Reading audit extracts (formats.md): CSV, CSV.gz and Parquet, every field as text."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl

from forlob.rules import ALL_COLUMNS, REQUIRED_COLUMNS


class ExtractError(Exception):
    """The extract cannot be audited at all; the message is one line for the user."""


def _clean(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower()


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".csv.gz") or name.endswith(".gz"):
        return "csv.gz"
    return "csv"


def _header(path: Path, kind: str) -> list[str]:
    opener = gzip.open if kind == "csv.gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise ExtractError(f"cannot read {path}: {exc}") from None
    return [_clean(c) for c in first.rstrip("\r\n").split(",")] if first.strip() else []


def read_extract(path: str | Path) -> pl.LazyFrame:
    """The extract's known columns as text, as a lazy query the engine streams through."""
    p = Path(path)
    if not p.exists():
        raise ExtractError(f"file not found: {p}")
    if p.is_dir():
        raise ExtractError(f"{p} is a directory, not an extract")
    kind = _kind(p)
    try:
        if kind == "parquet":
            return _scan_parquet(p)
        return _scan_csv(p, kind)
    except ExtractError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise ExtractError(f"cannot read {p}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _scan_csv(path: Path, kind: str) -> pl.LazyFrame:
    header = _header(path, kind)
    if not header:  # an empty file: nothing to audit
        return pl.LazyFrame(schema={c: pl.String for c in REQUIRED_COLUMNS})
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ExtractError(f"{path}: required column '{missing[0]}' is missing")
    lf = pl.scan_csv(
        path,
        has_header=True,
        infer_schema=False,  # every field is text: IDs and codes keep their leading zeros
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
        quote_char='"',
    )
    # the file's own names may differ in case, spaces or a BOM from what we matched
    names = lf.collect_schema().names()
    return lf.select(
        pl.col(original).alias(header[i])
        for i, original in enumerate(names)
        if i < len(header) and header[i] in ALL_COLUMNS
    )


def _scan_parquet(path: Path) -> pl.LazyFrame:
    lf = pl.scan_parquet(path)
    names = {_clean(n): n for n in lf.collect_schema().names()}
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ExtractError(f"{path}: required column '{missing[0]}' is missing")
    return lf.select(pl.col(names[c]).cast(pl.String).alias(c) for c in ALL_COLUMNS if c in names)
