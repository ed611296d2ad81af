"""From text fields to validated, typed service lines (rules.md §2 input rules).

Every field arrives as text: IDs and codes are never numbers (`0110`, `022590`). A line whose
required fields cannot be read becomes an `INPUT-INVALID` finding and is dropped; an optional
field that cannot be read becomes `INPUT-FIELD-IGNORED` and is treated as not given.

The input is parsed in one streaming pass (a Polars lazy query), so a large extract is never
held as text in memory: what stays is the identifiers the findings need and compact numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from forlob.catalogue import Wording, load_catalogue
from forlob.texts import LANGUAGES, Language

REQUIRED_COLUMNS = ("patient_id", "provider_id", "service_date", "service_code")
OPTIONAL_DATE_COLUMNS = ("referral_date", "birth_date", "last_visit_date")
OPTIONAL_INT_COLUMNS = ("team_size", "quantity")
OPTIONAL_COLUMNS = ("course_id", *OPTIONAL_DATE_COLUMNS, *OPTIONAL_INT_COLUMNS)
ALL_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

# What a file reader (forlob.audit.reader) may add to the text columns: the record's row number
# (its physical line in the file less the header's, so skipped blank lines keep the numbers
# true) and why the reader could not split the record into fields (an INPUT-INVALID reason).
ROW_COLUMN = "_row"
INVALID_COLUMN = "_invalid"
_RAW_FIELDS = (*ALL_COLUMNS, INVALID_COLUMN)

# Day numbers (days since 1970-01-01, int32) stand in for dates inside the engine; these
# sentinels sit far outside any real date so that comparisons with "no such date" come out
# false, and still fit 32 bits (half the memory of 64-bit day numbers on a large extract).
NO_DATE = -(2**30)
FAR_FUTURE = 2**30
NO_INT = -1

# A whole number too large for the engine's 32 bits is held as this, so that a limit still
# sees it as over the limit (rules.md §2); messages show it as "more than ...".
TOO_LARGE = 2**31 - 1

RAW_SEPARATOR = "\x1f"
# ASCII digits only: the regex engine's \d also takes full-width and Arabic-Indic digits, which
# would turn "０１１０" into another code instead of an unreadable one
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
CODE_RE = r"^[0-9]{4}$"
_INT_RE = r"^[0-9]+$"

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
    numbers: Int | None = field(default=None, repr=False)  # per input row, when given

    def __len__(self) -> int:
        return len(self.src)

    def row(self, idx: Int) -> Int:
        """1-based data-record numbers of the lines `idx`."""
        if self.numbers is not None:
            return self.numbers[self.src[idx]]
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
    input_findings: pl.DataFrame  # _src, rule_id, reason_da, reason_en
    row_offset: int
    numbers: Int | None = None  # per input row: its row number, when the reader gave them

    def rows(self, src: Int) -> Int:
        """Row numbers (formats.md `row`) of input positions."""
        return self.numbers[src] if self.numbers is not None else src + self.row_offset


def _date(col: pl.Expr) -> pl.Expr:
    return pl.when(col.str.contains(DATE_RE)).then(col.str.to_date("%Y-%m-%d", strict=False))


def _whole_number(col: pl.Expr) -> pl.Expr:
    """Digits as a number; more than nine significant digits as TOO_LARGE (never null)."""
    digits = col.str.strip_chars_start("0")
    return (
        pl.when(~col.str.contains(_INT_RE))
        .then(None)
        .when(digits.str.len_bytes() > 9)
        .then(pl.lit(TOO_LARGE, pl.Int32))
        .otherwise(
            pl.when(digits == "").then(pl.lit("0")).otherwise(digits).cast(pl.Int32, strict=False)
        )
    )


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
        *(
            (
                pl.col(c).cast(pl.String).str.strip_chars()
                if c in names
                else pl.lit(None, pl.String)
            ).alias(c)
            for c in ALL_COLUMNS
        ),
        *(c for c in (ROW_COLUMN, INVALID_COLUMN) if c in names),
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
        # a separator inside a field is shown escaped, so that it cannot shift the fields
        joined = rows.filter(suspect).select(
            pl.concat_str(
                [
                    pl.col(c).fill_null("").str.replace_all(RAW_SEPARATOR, "\\x1f", literal=True)
                    if c in rows.columns
                    else pl.lit("")
                    for c in _RAW_FIELDS
                ],
                separator=RAW_SEPARATOR,
            )
        )
        out = out.scatter(suspect.arg_true(), joined.to_series())
    return out


def _query(lf: pl.LazyFrame, names: set[str]) -> pl.LazyFrame:
    date = _date(pl.col("service_date"))
    split = pl.col(INVALID_COLUMN).is_null() if INVALID_COLUMN in names else pl.lit(True)
    valid = (
        split
        & _present("patient_id")
        & _present("provider_id")
        & date.is_not_null()
        & pl.col("service_code").str.contains(CODE_RE).fill_null(False)
    )
    opt_dates = {c: _date(pl.col(c)) for c in OPTIONAL_DATE_COLUMNS if c in names}
    opt_ints = {c: _whole_number(pl.col(c)) for c in OPTIONAL_INT_COLUMNS if c in names}
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
        pl.struct(
            *ALL_COLUMNS,
            *([INVALID_COLUMN] if INVALID_COLUMN in names else []),
            (~valid | ignored).alias("_suspect"),
        )
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
        *([pl.col(ROW_COLUMN).cast(pl.Int64)] if ROW_COLUMN in names else []),
    )


def prepare(
    frame: pl.DataFrame | pl.LazyFrame,
    row_offset: int = 1,
    phrases: Mapping[str, Wording] | None = None,
) -> Prepared:
    """The lines of `frame` parsed, validated and sorted; `phrases` word the input reasons
    (the packaged catalogue's unless given)."""
    if phrases is None:
        phrases = load_catalogue().phrases
    lf, names = _source(frame)
    parsed = _query(lf, names).collect(engine="streaming")
    valid = parsed["_valid"].to_numpy()
    ignored = parsed["_ignored"].to_numpy()
    numbers = parsed[ROW_COLUMN].to_numpy() if ROW_COLUMN in names else None
    # what the sort needed is dropped; the rest is read per rule and for the findings
    kept = parsed.drop("_h", "_h2", "date", "code", "_valid", "_ignored", ROW_COLUMN, strict=False)
    lines = _sorted_lines(parsed, valid, _Fields(kept), row_offset, numbers)
    del parsed
    text = kept.select("patient_id", "provider_id", "course_id", "_raw")
    return Prepared(
        text=text,
        lines=lines,
        input_findings=_input_reasons(text, valid, ignored, phrases),
        row_offset=row_offset,
        numbers=numbers,
    )


def _sorted_lines(
    parsed: pl.DataFrame,
    valid: npt.NDArray[np.bool_],
    fields: _Fields,
    row_offset: int,
    numbers: Int | None,
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
        numbers=numbers,
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
    # offsets from the earliest date: day numbers before 1970 are negative and must not be
    # cast to unsigned before the subtraction (formats.md: any date 0001–9999 is a date)
    part = date.astype(np.int64)
    part -= d0
    part = part.view(np.uint64)
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


def _worded(template: str, **values: str | pl.Expr) -> pl.Expr:
    """A phrase's {placeholders} filled with literals or per-row expressions."""
    pieces: list[pl.Expr] = []
    pos = 0
    for m in re.finditer(r"\{([a-z_]+)\}", template):
        pieces.append(pl.lit(template[pos : m.start()]))
        value = values[m.group(1)]
        pieces.append(pl.lit(value) if isinstance(value, str) else value)
        pos = m.end()
    pieces.append(pl.lit(template[pos:]))
    return pl.concat_str(pieces)


def _reasons(phrases: Mapping[str, Wording], lang: Language) -> tuple[pl.Expr, pl.Expr]:
    """Why a line is INPUT-INVALID, and why a field of it is ignored, worded in `lang`."""

    def say(key: str, **values: str | pl.Expr) -> pl.Expr:
        return _worded(phrases[key].get(lang), **values)

    invalid = pl.concat_str(
        [
            *[
                pl.when(~_present(c)).then(say("input_empty", column=c))
                for c in ("patient_id", "provider_id", "service_date")
            ],
            pl.when(_present("service_date") & _date(pl.col("service_date")).is_null()).then(
                say("input_bad_date", value=pl.col("service_date"))
            ),
            pl.when(~_present("service_code")).then(say("input_empty", column="service_code")),
            pl.when(_present("service_code") & ~pl.col("service_code").str.contains(CODE_RE)).then(
                say("input_bad_code", value=pl.col("service_code"))
            ),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    # the reader's reason (e.g. an unbalanced quote) comes alone: the fields it split out of
    # such a line are a guess, shown for finding the line, not judged
    invalid = (
        pl.when(pl.col(INVALID_COLUMN).fill_null("") != "")
        .then(pl.col(INVALID_COLUMN))
        .otherwise(invalid)
    )
    ignored = pl.concat_str(
        [
            *[
                pl.when(_present(c) & _date(pl.col(c)).is_null()).then(
                    say("field_bad_date", column=c, value=pl.col(c))
                )
                for c in OPTIONAL_DATE_COLUMNS
            ],
            *[
                pl.when(_present(c) & ~pl.col(c).str.contains(_INT_RE)).then(
                    say("field_bad_number", column=c, value=pl.col(c))
                )
                for c in OPTIONAL_INT_COLUMNS
            ],
        ],
        separator="; ",
        ignore_nulls=True,
    )
    return invalid, ignored


def _input_reasons(
    text: pl.DataFrame,
    valid: npt.NDArray[np.bool_],
    ignored: npt.NDArray[np.bool_],
    phrases: Mapping[str, Wording],
) -> pl.DataFrame:
    """The INPUT-INVALID and INPUT-FIELD-IGNORED rows with a reason a person understands, in
    each language (`reason_da`, `reason_en`)."""
    bad = np.flatnonzero(~valid | ignored)
    raw = (
        text[bad]
        .select(
            pl.Series("_src", bad, dtype=pl.Int64),
            pl.Series("_valid", valid[bad]),
            pl.col("_raw")
            .str.split_exact(RAW_SEPARATOR, len(_RAW_FIELDS) - 1)
            .struct.rename_fields(list(_RAW_FIELDS)),
        )
        .unnest("_raw")
    )
    reasons = {lang: _reasons(phrases, lang) for lang in LANGUAGES}
    return raw.select(
        "_src",
        pl.when(pl.col("_valid"))
        .then(pl.lit("INPUT-FIELD-IGNORED"))
        .otherwise(pl.lit("INPUT-INVALID"))
        .alias("rule_id"),
        *[
            pl.when(pl.col("_valid")).then(ignored).otherwise(invalid).alias(f"reason_{lang}")
            for lang, (invalid, ignored) in reasons.items()
        ],
        *[pl.col(c).alias(f"_raw_{c}") for c in REQUIRED_COLUMNS],
    )
