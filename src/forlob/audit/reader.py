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


def read_extract(path: str | Path) -> pl.DataFrame:
    """The extract's known columns as text; only these columns are read into memory."""
    p = Path(path)
    if not p.exists():
        raise ExtractError(f"file not found: {p}")
    if p.is_dir():
        raise ExtractError(f"{p} is a directory, not an extract")
    kind = _kind(p)
    try:
        frame = _read_parquet(p) if kind == "parquet" else _read_csv(p, kind)
    except ExtractError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExtractError(f"cannot read {p}: {first}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing and frame.width:
        raise ExtractError(f"{p}: required column '{missing[0]}' is missing")
    return frame


def _read_csv(path: Path, kind: str) -> pl.DataFrame:
    header = _header(path, kind)
    if not header:
        return pl.DataFrame(schema={c: pl.String for c in REQUIRED_COLUMNS})
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ExtractError(f"{path}: required column '{missing[0]}' is missing")
    wanted = [i for i, c in enumerate(header) if c in ALL_COLUMNS]
    source: Path | bytes = path
    if kind == "csv.gz":
        with gzip.open(path, "rb") as fh:
            source = fh.read()
    frame = pl.read_csv(
        source,
        has_header=True,
        infer_schema=False,  # every field is text: IDs and codes keep their leading zeros
        columns=wanted,
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
        quote_char='"',
    )
    # the file's own names may differ in case, spaces or a BOM from what we matched
    return frame.rename(dict(zip(frame.columns, [header[i] for i in wanted], strict=True)))


def _read_parquet(path: Path) -> pl.DataFrame:
    schema = pl.read_parquet_schema(path)
    names = {_clean(n): n for n in schema}
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ExtractError(f"{path}: required column '{missing[0]}' is missing")
    cols = [names[c] for c in ALL_COLUMNS if c in names]
    frame = pl.read_parquet(path, columns=cols)
    return frame.select(
        [pl.col(names[c]).cast(pl.String).alias(c) for c in ALL_COLUMNS if c in names]
    )
