"""From a frame of text fields to validated, typed service lines (rules.md §2 input rules).

Every field arrives as text: IDs and codes are never numbers (`0110`, `022590`). A line whose
required fields cannot be read becomes an `INPUT-INVALID` finding and is dropped; an optional
field that cannot be read becomes `INPUT-FIELD-IGNORED` and is treated as not given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

REQUIRED_COLUMNS = ("patient_id", "provider_id", "service_date", "service_code")
OPTIONAL_DATE_COLUMNS = ("referral_date", "birth_date", "last_visit_date")
OPTIONAL_INT_COLUMNS = ("team_size", "quantity")
OPTIONAL_COLUMNS = ("course_id", *OPTIONAL_DATE_COLUMNS, *OPTIONAL_INT_COLUMNS)
ALL_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

# Day numbers (days since 1970-01-01) stand in for dates inside the engine; these sentinels
# sit far outside any real date so that comparisons with "no such date" come out false.
NO_DATE = -(2**40)
FAR_FUTURE = 2**40
NO_INT = -1

_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_CODE_RE = r"^\d{4}$"
_INT_RE = r"^\d+$"


class InputError(Exception):
    """The input cannot be audited at all (e.g. a required column is absent)."""


@dataclass(frozen=True)
class Lines:
    """Readable service lines as numpy arrays, sorted by (patient+provider, date, row)."""

    src: npt.NDArray[np.int64]  # position in the input frame
    row: npt.NDArray[np.int64]  # 1-based data-record number
    pp: npt.NDArray[np.int64]  # dense id of (patient_id, provider_id), nondecreasing
    date: npt.NDArray[np.int64]
    code: npt.NDArray[np.int64]  # the four digits as a number: "0110" -> 110
    course_key: npt.NDArray[np.uint64]  # hash of a given course_id, 0 when not given
    course_given: npt.NDArray[np.bool_]
    referral: npt.NDArray[np.int64]
    birth: npt.NDArray[np.int64]
    last_visit: npt.NDArray[np.int64]
    team_size: npt.NDArray[np.int64]
    quantity: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.row)


@dataclass(frozen=True)
class Prepared:
    text: pl.DataFrame  # trimmed text fields of every input row, in input order
    lines: Lines
    input_findings: pl.DataFrame  # row, rule_id, reason
    has_course_column: bool
    row_offset: int


def _date(name: str) -> pl.Expr:
    s = pl.col(name)
    return (
        pl.when(s.str.contains(_DATE_RE))
        .then(s.str.to_date("%Y-%m-%d", strict=False))
        .otherwise(None)
    )


def _present(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() & (pl.col(name) != "")


def normalise(frame: pl.DataFrame) -> tuple[pl.DataFrame, bool]:
    """All known columns as trimmed text (absent optional ones as nulls)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"required column {missing[0]!r} is missing")
    has_course = "course_id" in frame.columns
    present = [c for c in ALL_COLUMNS if c in frame.columns]
    frame = frame.select(pl.col(c).cast(pl.String) for c in present)
    # Trimming copies a column, so only columns that hold surrounding spaces are trimmed.
    padded = frame.select(pl.col(c).str.contains(r"^\s|\s$").any().alias(c) for c in present).row(
        0, named=True
    )
    exprs = [
        (pl.col(c).str.strip_chars() if padded[c] else pl.col(c)).alias(c)
        if c in frame.columns
        else pl.lit(None, pl.String).alias(c)
        for c in ALL_COLUMNS
    ]
    return frame.select(exprs), has_course


def _invalid_reason() -> pl.Expr:
    return pl.concat_str(
        [
            pl.when(~_present("patient_id")).then(pl.lit("patient_id is empty")),
            pl.when(~_present("provider_id")).then(pl.lit("provider_id is empty")),
            pl.when(~_present("service_date")).then(pl.lit("service_date is empty")),
            pl.when(_present("service_date") & _date("service_date").is_null()).then(
                pl.format(
                    "service_date '{}' is not a real date written YYYY-MM-DD",
                    pl.col("service_date"),
                )
            ),
            pl.when(~_present("service_code")).then(pl.lit("service_code is empty")),
            pl.when(_present("service_code") & ~pl.col("service_code").str.contains(_CODE_RE)).then(
                pl.format("service_code '{}' is not exactly four digits", pl.col("service_code"))
            ),
        ],
        separator="; ",
        ignore_nulls=True,
    )


def _ignored_reason() -> pl.Expr:
    return pl.concat_str(
        [
            *[
                pl.when(_present(c) & pl.col(f"_{c}").is_null()).then(
                    pl.format(f"{c} '{{}}' is not a date written YYYY-MM-DD", pl.col(c))
                )
                for c in OPTIONAL_DATE_COLUMNS
            ],
            *[
                pl.when(_present(c) & pl.col(f"_{c}").is_null()).then(
                    pl.format(f"{c} '{{}}' is not a whole number ≥ 0", pl.col(c))
                )
                for c in OPTIONAL_INT_COLUMNS
            ],
        ],
        separator="; ",
        ignore_nulls=True,
    )


def prepare(frame: pl.DataFrame, row_offset: int = 1) -> Prepared:
    text, has_course = normalise(frame)
    parsed = text.with_row_index("_src").with_columns(
        (pl.col("_src").cast(pl.Int64) + row_offset).alias("_row"),
        _date("service_date").alias("_date"),
        *[_date(c).alias(f"_{c}") for c in OPTIONAL_DATE_COLUMNS],
        *[
            pl.when(pl.col(c).str.contains(_INT_RE))
            .then(pl.col(c).cast(pl.Int64, strict=False))
            .alias(f"_{c}")
            for c in OPTIONAL_INT_COLUMNS
        ],
    )
    valid_flag = (
        _present("patient_id")
        & _present("provider_id")
        & pl.col("_date").is_not_null()
        & pl.col("service_code").str.contains(_CODE_RE).fill_null(False)
    )
    ignored_flag = pl.any_horizontal(
        [
            _present(c) & pl.col(f"_{c}").is_null()
            for c in (*OPTIONAL_DATE_COLUMNS, *OPTIONAL_INT_COLUMNS)
        ]
    )
    parsed = parsed.with_columns(valid_flag.alias("_valid"), ignored_flag.alias("_ignored"))
    # Reasons are worded only for the few rows that need one.
    invalid = parsed.filter(~pl.col("_valid")).select(
        "_src", pl.lit("INPUT-INVALID").alias("rule_id"), _invalid_reason().alias("reason")
    )
    ignored = parsed.filter(pl.col("_valid") & pl.col("_ignored")).select(
        "_src", pl.lit("INPUT-FIELD-IGNORED").alias("rule_id"), _ignored_reason().alias("reason")
    )
    lines = _to_lines(parsed, has_course)
    return Prepared(
        text=text,
        lines=lines,
        input_findings=pl.concat([invalid, ignored]),
        has_course_column=has_course,
        row_offset=row_offset,
    )


def _days(col: pl.Expr) -> pl.Expr:
    return col.cast(pl.Int64).fill_null(NO_DATE)


def _to_lines(parsed: pl.DataFrame, has_course: bool) -> Lines:
    # Only numbers leave Polars: the text stays in `Prepared.text` for the findings.
    # Lines are grouped by a 64-bit hash of (patient, provider) rather than by sorting the
    # strings, which is several times slower; a collision is detected and handled exactly.
    keyed = (
        parsed.lazy()
        .filter(pl.col("_valid"))
        .select(
            pl.col("_src").cast(pl.Int64),
            pl.col("_row"),
            _pp_hash(11, 23).alias("_h"),
            _pp_hash(101, 211).alias("_h2"),
            _days(pl.col("_date")).alias("date"),
            pl.col("service_code").cast(pl.Int64).alias("code"),
            (
                pl.col("course_id").hash(7).fill_null(0) if has_course else pl.lit(0, pl.UInt64)
            ).alias("course_key"),
            (_present("course_id") if has_course else pl.lit(False)).alias("course_given"),
            *[_days(pl.col(f"_{c}")).alias(c) for c in OPTIONAL_DATE_COLUMNS],
            *[pl.col(f"_{c}").fill_null(NO_INT).alias(c) for c in OPTIONAL_INT_COLUMNS],
        )
        .sort(["_h", "date", "_row"])
        .collect()
    )
    h = keyed["_h"].to_numpy()
    starts = np.ones(len(h), dtype=bool)
    if len(h):
        starts[1:] = h[1:] != h[:-1]
        first = np.flatnonzero(starts)
        h2 = keyed["_h2"].to_numpy()
        if not np.array_equal(np.minimum.reduceat(h2, first), np.maximum.reduceat(h2, first)):
            return _to_lines_exact(parsed, has_course)
    return _lines_from(keyed, np.cumsum(starts, dtype=np.int64) - 1)


def _pp_hash(a: int, b: int) -> pl.Expr:
    return pl.col("patient_id").hash(a) ^ (pl.col("provider_id").hash(b) * 0x9E3779B97F4A7C15)


def _lines_from(keyed: pl.DataFrame, pp: npt.NDArray[np.int64]) -> Lines:
    def col(name: str) -> npt.NDArray[np.int64]:
        return keyed[name].to_numpy()

    return Lines(
        src=col("_src"),
        row=col("_row"),
        pp=pp,
        date=col("date"),
        code=col("code"),
        course_key=keyed["course_key"].to_numpy().astype(np.uint64),
        course_given=keyed["course_given"].to_numpy(),
        referral=col("referral_date"),
        birth=col("birth_date"),
        last_visit=col("last_visit_date"),
        team_size=col("team_size"),
        quantity=col("quantity"),
    )


def _to_lines_exact(parsed: pl.DataFrame, has_course: bool) -> Lines:
    """Slow exact grouping by the strings themselves, used only after a hash collision."""
    keyed = (
        parsed.lazy()
        .filter(pl.col("_valid"))
        .select(
            pl.col("_src").cast(pl.Int64),
            pl.col("_row"),
            pl.struct("patient_id", "provider_id").rank("dense").cast(pl.Int64).alias("_pp"),
            _days(pl.col("_date")).alias("date"),
            pl.col("service_code").cast(pl.Int64).alias("code"),
            (
                pl.col("course_id").hash(7).fill_null(0) if has_course else pl.lit(0, pl.UInt64)
            ).alias("course_key"),
            (_present("course_id") if has_course else pl.lit(False)).alias("course_given"),
            *[_days(pl.col(f"_{c}")).alias(c) for c in OPTIONAL_DATE_COLUMNS],
            *[pl.col(f"_{c}").fill_null(NO_INT).alias(c) for c in OPTIONAL_INT_COLUMNS],
        )
        .sort(["_pp", "date", "_row"])
        .collect()
    )
    ppr = keyed["_pp"].to_numpy()
    starts = np.ones(len(ppr), dtype=bool)
    if len(ppr):
        starts[1:] = ppr[1:] != ppr[:-1]
    return _lines_from(keyed, np.cumsum(starts, dtype=np.int64) - 1)
