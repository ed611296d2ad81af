"""From text fields to validated, typed service lines (rules.md §2 input rules).

Every field arrives as text: IDs and codes are never numbers (`0110`, `022590`). A line whose
required fields cannot be read becomes an `INPUT-INVALID` finding and is dropped; an optional
field that cannot be read becomes `INPUT-FIELD-IGNORED` and is treated as not given.

The input is parsed in one streaming pass (a Polars lazy query), so a large extract is never
held as text in memory: what stays is the identifiers the findings need and compact numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

REQUIRED_COLUMNS = ("patient_id", "provider_id", "service_date", "service_code")
OPTIONAL_DATE_COLUMNS = ("referral_date", "birth_date", "last_visit_date")
OPTIONAL_INT_COLUMNS = ("team_size", "quantity")
OPTIONAL_COLUMNS = ("course_id", *OPTIONAL_DATE_COLUMNS, *OPTIONAL_INT_COLUMNS)
ALL_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

# Day numbers (days since 1970-01-01, int32) stand in for dates inside the engine; these
# sentinels sit far outside any real date so that comparisons with "no such date" come out
# false, and still fit 32 bits (half the memory of 64-bit day numbers on a large extract).
NO_DATE = -(2**30)
FAR_FUTURE = 2**30
NO_INT = -1

RAW_SEPARATOR = "\x1f"
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_CODE_RE = r"^\d{4}$"
_INT_RE = r"^\d+$"

Int = npt.NDArray[np.integer[Any]]


class InputError(Exception):
    """The input cannot be audited at all (e.g. a required column is absent)."""


@dataclass(frozen=True)
class Lines:
    """Readable service lines, sorted by (patient+provider, date, input order).

    `pp`, `date` and `code` are in that sorted order; `src` is each line's position in the
    input. Optional fields stay in input order (`fields`) and are read for the few candidate
    lines a rule looks at, through `of()`.
    """

    src: Int
    pp: Int  # dense id of (patient_id, provider_id), nondecreasing
    date: Int
    code: Int  # the four digits as a number: "0110" -> 110
    fields: _Fields = field(repr=False)
    row_offset: int = 1

    def __len__(self) -> int:
        return len(self.src)

    def row(self, idx: Int) -> Int:
        """1-based data-record numbers of the lines `idx`."""
        return self.src[idx] + self.row_offset

    def of(self, name: str, idx: Int) -> npt.NDArray[Any]:
        """The optional field `name` of the lines `idx`."""
        return self.fields.take(name, self.src[idx])

    @cached_property
    def position(self) -> Int:
        """Per input row: the index of its line, -1 for unreadable rows."""
        n = len(self.fields["course_given"])
        out = np.full(n, -1, dtype=np.int64)
        out[self.src] = np.arange(len(self.src), dtype=np.int64)
        return out

    @cached_property
    def course_given(self) -> npt.NDArray[np.bool_]:
        flags = self.fields["course_given"]
        if flags.strides == (0,):
            return np.zeros(len(self.src), dtype=bool)
        return flags[self.src]


_MISSING: dict[str, Any] = {
    "course_key": np.uint64(0),
    "course_given": False,
    **{c: NO_DATE for c in OPTIONAL_DATE_COLUMNS},
    **{c: NO_INT for c in OPTIONAL_INT_COLUMNS},
}


class _Fields(dict[str, npt.NDArray[Any]]):
    """Optional fields per input row, turned into numpy arrays on first use.

    Most rules never touch most fields; an absent column is a zero-stride array that costs no
    memory.
    """

    def __init__(self, parsed: pl.DataFrame) -> None:
        super().__init__()
        self._parsed = parsed

    def take(self, name: str, positions: Int) -> npt.NDArray[Any]:
        """The field at some input positions, without converting the whole column for few."""
        if name in self or len(positions) * 20 > self._parsed.height:
            return self[name][positions]
        if name not in self._parsed.columns:
            return np.full(len(positions), _MISSING[name])
        return self._parsed[name].gather(positions).to_numpy()

    def __missing__(self, name: str) -> npt.NDArray[Any]:
        if name in self._parsed.columns:
            values = self._parsed[name].to_numpy()
        else:
            values = np.broadcast_to(np.array(_MISSING[name]), (self._parsed.height,))
        self[name] = values
        return values


@dataclass(frozen=True)
class Prepared:
    # per input row: patient_id, provider_id, course_id as trimmed text, and for rows with an
    # input finding `_raw`, all fields joined by RAW_SEPARATOR
    text: pl.DataFrame
    lines: Lines
    input_findings: pl.DataFrame  # _src, rule_id, reason
    row_offset: int


def _date(col: pl.Expr) -> pl.Expr:
    return pl.when(col.str.contains(_DATE_RE)).then(col.str.to_date("%Y-%m-%d", strict=False))


def _present(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() & (pl.col(name) != "")


def _pp_hash(a: int, b: int) -> pl.Expr:
    return pl.col("patient_id").hash(a) ^ (pl.col("provider_id").hash(b) * 0x9E3779B97F4A7C15)


def _source(frame: pl.DataFrame | pl.LazyFrame) -> tuple[pl.LazyFrame, set[str]]:
    lf = frame.lazy()
    names = set(lf.collect_schema().names())
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise InputError(f"required column {missing[0]!r} is missing")
    # Required fields and the course id are trimmed (rules.md §2: surrounding spaces are
    # trimmed first); optional fields are parsed trimmed.
    return lf.select(
        (
            pl.col(c).cast(pl.String).str.strip_chars() if c in names else pl.lit(None, pl.String)
        ).alias(c)
        for c in ALL_COLUMNS
    ), names


def _raw_text(batch: pl.Series) -> pl.Series:
    """All fields joined, for the rows flagged `_suspect` only; null elsewhere.

    Done per batch in Python because an expression (when/then) would join the fields of every
    row first: a third of the parse time on a large extract, for the few rows that need it.
    """
    rows = batch.struct.unnest()
    suspect = rows["_suspect"]
    out = pl.repeat(None, rows.height, dtype=pl.String, eager=True)
    if suspect.any():
        joined = rows.filter(suspect).select(
            pl.concat_str([pl.col(c).fill_null("") for c in ALL_COLUMNS], separator=RAW_SEPARATOR)
        )
        out = out.scatter(suspect.arg_true(), joined.to_series())
    return out


def _query(lf: pl.LazyFrame, names: set[str]) -> pl.LazyFrame:
    date = _date(pl.col("service_date"))
    valid = (
        _present("patient_id")
        & _present("provider_id")
        & date.is_not_null()
        & pl.col("service_code").str.contains(_CODE_RE).fill_null(False)
    )
    opt_dates = {c: _date(pl.col(c)) for c in OPTIONAL_DATE_COLUMNS if c in names}
    opt_ints = {
        c: pl.when(pl.col(c).str.contains(_INT_RE)).then(pl.col(c).cast(pl.Int32, strict=False))
        for c in OPTIONAL_INT_COLUMNS
        if c in names
    }
    unreadable = [_present(c) & e.is_null() for c, e in (opt_dates | opt_ints).items()]
    ignored = pl.any_horizontal(unreadable) if unreadable else pl.lit(False)
    has_course = "course_id" in names
    return lf.select(
        "patient_id",
        "provider_id",
        pl.when(_present("course_id")).then(pl.col("course_id")).alias("course_id"),
        valid.alias("_valid"),
        ignored.alias("_ignored"),
        # only rows with an input finding keep their raw text, for the message
        pl.struct(*ALL_COLUMNS, (~valid | ignored).alias("_suspect"))
        .map_batches(_raw_text, return_dtype=pl.String, is_elementwise=True)
        .alias("_raw"),
        _pp_hash(11, 23).alias("_h"),
        (_pp_hash(101, 211) // (1 << 32)).cast(pl.UInt32).alias("_h2"),
        date.cast(pl.Int32).fill_null(NO_DATE).alias("date"),
        pl.when(valid)
        .then(pl.col("service_code").cast(pl.Int16, strict=False))
        .fill_null(0)
        .alias("code"),
        (pl.col("course_id").hash(7).fill_null(0) if has_course else pl.lit(0, pl.UInt64)).alias(
            "course_key"
        ),
        _present("course_id").fill_null(False).alias("course_given"),
        *[e.cast(pl.Int32).fill_null(NO_DATE).alias(c) for c, e in opt_dates.items()],
        *[e.fill_null(NO_INT).alias(c) for c, e in opt_ints.items()],
    )


def prepare(frame: pl.DataFrame | pl.LazyFrame, row_offset: int = 1) -> Prepared:
    lf, names = _source(frame)
    parsed = _query(lf, names).collect(engine="streaming")
    valid = parsed["_valid"].to_numpy()
    ignored = parsed["_ignored"].to_numpy()
    # what the sort needed is dropped; the rest is read per rule and for the findings
    kept = parsed.drop("_h", "_h2", "date", "code", "_valid", "_ignored")
    lines = _sorted_lines(parsed, valid, _Fields(kept), row_offset)
    del parsed
    text = kept.select("patient_id", "provider_id", "course_id", "_raw")
    return Prepared(
        text=text,
        lines=lines,
        input_findings=_input_reasons(text, valid, ignored),
        row_offset=row_offset,
    )


def _sorted_lines(
    parsed: pl.DataFrame, valid: npt.NDArray[np.bool_], fields: _Fields, row_offset: int
) -> Lines:
    src = np.flatnonzero(valid).astype(np.int64)
    h = parsed["_h"].to_numpy()[src]
    date = parsed["date"].to_numpy()[src]
    order = _order(h, date)
    src, h, date = src[order], h[order], date[order]
    h2 = parsed["_h2"].to_numpy()[src]
    starts = np.ones(len(src), dtype=bool)
    starts[1:] = h[1:] != h[:-1]
    first = np.flatnonzero(starts)
    if len(first) and not np.array_equal(
        np.minimum.reduceat(h2, first), np.maximum.reduceat(h2, first)
    ):
        # two patient+provider pairs share a 64-bit hash: group by the strings instead
        exact = (
            parsed[src]
            .select(pl.struct("patient_id", "provider_id").rank("dense").alias("k"))["k"]
            .to_numpy()
        )
        order = np.lexsort((np.arange(len(src)), date, exact))
        src, date, exact = src[order], date[order], exact[order]
        starts[1:] = exact[1:] != exact[:-1]
    code = parsed["code"].to_numpy()[src]
    return Lines(
        src=src,
        pp=np.cumsum(starts, dtype=np.int32) - 1,
        date=date,
        code=code,
        fields=fields,
        row_offset=row_offset,
    )


def _order(h: npt.NDArray[np.uint64], date: Int) -> Int:
    """Positions sorted by (h, date, position), the order every rule counts in.

    One sort of packed 64-bit keys: the top bits of the hash, the date offset and the position.
    Pairs whose hashes share the top bits are then put right with a small exact sort.
    """
    n = len(h)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    d0 = int(date.min())
    bits_date = max(int(date.max()) - d0, 1).bit_length()
    bits_pos = max(n, 1).bit_length()
    low = bits_date + bits_pos
    if low > 40:  # not enough hash bits left: plain lexicographic sort
        return np.lexsort((np.arange(n), date, h)).astype(np.int64)
    # in place where possible: allocating large arrays is a real cost on small machines
    key = h >> np.uint64(low)
    key <<= np.uint64(low)
    part = date.astype(np.uint64)
    # days before 1970 are negative: subtract modulo 2**64 (the difference is never negative)
    part -= np.uint64(d0 % (1 << 64))
    part <<= np.uint64(bits_pos)
    key |= part
    part[:] = np.arange(n, dtype=np.uint64)
    key |= part
    del part
    key = pl.Series(key, dtype=pl.UInt64).sort().to_numpy()
    order = (key & np.uint64((1 << bits_pos) - 1)).astype(np.int64)
    hs = h[order]
    top = key >> np.uint64(low)
    mixed = (hs[1:] != hs[:-1]) & (top[1:] == top[:-1])
    if mixed.any():
        # runs of equal top bits that hold two different hashes: re-sort those runs exactly
        run_starts = np.flatnonzero(np.concatenate(([True], top[1:] != top[:-1])))
        run_ends = np.append(run_starts[1:], n)
        bad = np.unique(np.searchsorted(run_starts, np.flatnonzero(mixed), side="right") - 1)
        lengths = run_ends[bad] - run_starts[bad]
        pos = np.repeat(run_starts[bad] - np.cumsum(lengths) + lengths, lengths) + np.arange(
            lengths.sum()
        )
        run_of = np.repeat(np.arange(len(bad)), lengths)
        sub = order[pos]
        order[pos] = sub[np.lexsort((sub, date[sub], h[sub], run_of))]
    return order


def _input_reasons(
    text: pl.DataFrame, valid: npt.NDArray[np.bool_], ignored: npt.NDArray[np.bool_]
) -> pl.DataFrame:
    """The INPUT-INVALID and INPUT-FIELD-IGNORED rows with a reason a person understands."""
    bad = np.flatnonzero(~valid | ignored)
    raw = (
        text[bad]
        .select(
            pl.Series("_src", bad, dtype=pl.Int64),
            pl.Series("_valid", valid[bad]),
            pl.col("_raw")
            .str.split_exact(RAW_SEPARATOR, len(ALL_COLUMNS) - 1)
            .struct.rename_fields(list(ALL_COLUMNS)),
        )
        .unnest("_raw")
    )
    invalid_reason = pl.concat_str(
        [
            pl.when(~_present("patient_id")).then(pl.lit("patient_id is empty")),
            pl.when(~_present("provider_id")).then(pl.lit("provider_id is empty")),
            pl.when(~_present("service_date")).then(pl.lit("service_date is empty")),
            pl.when(_present("service_date") & _date(pl.col("service_date")).is_null()).then(
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
    ignored_reason = pl.concat_str(
        [
            *[
                pl.when(_present(c) & _date(pl.col(c)).is_null()).then(
                    pl.format(f"{c} '{{}}' is not a date written YYYY-MM-DD", pl.col(c))
                )
                for c in OPTIONAL_DATE_COLUMNS
            ],
            *[
                pl.when(
                    _present(c)
                    & (
                        ~pl.col(c).str.contains(_INT_RE)
                        | pl.col(c).cast(pl.Int32, strict=False).is_null()
                    )
                ).then(pl.format(f"{c} '{{}}' is not a whole number ≥ 0", pl.col(c)))
                for c in OPTIONAL_INT_COLUMNS
            ],
        ],
        separator="; ",
        ignore_nulls=True,
    )
    return raw.select(
        "_src",
        pl.when(pl.col("_valid"))
        .then(pl.lit("INPUT-FIELD-IGNORED"))
        .otherwise(pl.lit("INPUT-INVALID"))
        .alias("rule_id"),
        pl.when(pl.col("_valid")).then(ignored_reason).otherwise(invalid_reason).alias("reason"),
        *[pl.col(c).alias(f"_raw_{c}") for c in REQUIRED_COLUMNS],
    )
