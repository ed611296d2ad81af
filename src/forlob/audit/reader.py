"""Reading audit extracts (formats.md): CSV, CSV.gz, Excel workbooks and Parquet, every field as
text, without losing a row.

A CSV extract is read line by line (Polars `scan_lines`, one streaming pass): every physical line
after the header is one record, numbered by its line so that skipped blank lines never shift the
row numbers a user looks up. A record that cannot be split into fields (a stray quote, more
fields than the header) is not dropped: it reaches the engine with an `_invalid` reason and is
reported as INPUT-INVALID. What makes the whole file unreadable (wrong encoding, a truncated
.gz, no header, no lines) is an `ExtractError` with a one-line reason.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import mmap
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from forlob.rules import ALL_COLUMNS, REQUIRED_COLUMNS
from forlob.rules.prepare import INVALID_COLUMN, ROW_COLUMN

__all__ = ["DELIMITERS", "ENCODINGS", "ExtractError", "explain_failure", "read_extract"]

# formats.md: UTF-8 unless --encoding names another; Windows' and ISO Latin-1 are the others
# Danish extracts come in.
ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
}
# recognised from the header in this order (formats.md: comma or semicolon; a tab and a bar
# are what other exports use); --delimiter may name any of them
DELIMITERS = (",", ";", "\t", "|")

_CHUNK = 1 << 24
_HEAD = 1 << 20
_BLANK = " \t\x0b\x0c\u00a0"
# blank lines before the header: line ends, spaces, separators (an empty spreadsheet row)
_BLANK_BYTES = b" \t\x0b\x0c\r\n,;|\xef\xbb\xbf"
_DATE_COLUMNS = ("service_date", "referral_date", "birth_date", "last_visit_date")


class ExtractError(Exception):
    """The extract cannot be audited at all; the message is one line for the user."""


@dataclass(frozen=True)
class _Source:
    """What Polars scans (a path, or bytes prepared in memory) and its first lines."""

    data: Path | bytes
    lines: list[str]  # the first physical lines, decoded, line ends removed
    complete: bool  # `lines` is every line of the file
    quotes: bool  # the file has a double quote somewhere


def read_extract(
    path: str | Path,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    sheet: str | None = None,
) -> pl.LazyFrame:
    """The extract's known columns as text, as a lazy query the engine streams through.

    Besides the columns of formats.md the query has `_row` (the row number of formats.md,
    true to the file's lines) and `_invalid` (why a record could not be split, else null).
    """
    p = Path(path)
    if not p.exists():
        raise ExtractError(f"file not found: {p}")
    if p.is_dir():
        raise ExtractError(f"{p} is a directory, not an extract")
    codec = ENCODINGS.get(encoding.strip().lower())
    if codec is None:
        raise ExtractError(f"unknown encoding {encoding!r} (known: utf-8, cp1252, latin-1)")
    if delimiter is not None and delimiter not in DELIMITERS:
        shown = "tab" if delimiter == "\t" else repr(delimiter)
        raise ExtractError(f"--delimiter {shown} is not one of , ; tab |")
    try:
        with p.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ExtractError(f"cannot read {p}: {exc.strerror or exc}") from None
    kind = _kind(p, magic)
    try:
        if kind == "parquet":
            return _scan_parquet(p)
        if kind == "xlsx":
            return _read_xlsx(p, sheet)
        return _scan_csv(p, _source(p, kind, codec), delimiter)
    except ExtractError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise ExtractError(f"cannot read {p}: {_first_line(exc)}") from None


def explain_failure(path: str | Path, encoding: str = "utf-8") -> str | None:
    """Why reading the extract failed while auditing, in one line, if the file says so.

    The UTF-8 check happens while Polars streams the file (no extra pass on a clean file);
    when it fails, this finds the first line that is not UTF-8 for the message.
    """
    p = Path(path)
    if ENCODINGS.get(encoding.strip().lower(), "utf-8") != "utf-8":
        return None
    try:
        with p.open("rb") as fh:
            gz = fh.read(2) == b"\x1f\x8b"
            fh.seek(0)
            data: Iterator[bytes] = iter([gzip.decompress(fh.read())]) if gz else _chunks(fh)
            return _undecodable(p, data, "utf-8")
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _kind(path: Path, magic: bytes) -> str:
    name = path.name.lower()
    if magic == b"PAR1" or name.endswith(".parquet"):
        return "parquet"
    if magic[:2] == b"\x1f\x8b" or name.endswith(".gz"):
        return "csv.gz"
    if magic == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


# -- bytes, line ends and encoding ---------------------------------------------------------


def _chunks(fh: object) -> Iterator[bytes]:
    read = fh.read  # type: ignore[attr-defined]
    while True:
        block = read(_CHUNK)
        if not block:
            return
        yield block


def _source(path: Path, kind: str, codec: str) -> _Source:
    data: Path | bytes
    if kind == "csv.gz":
        data = _gunzip(path)
    elif codec != "utf-8":
        data = path.read_bytes()
    else:
        data = path
    first = data[:4] if isinstance(data, bytes) else path.open("rb").read(4)
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ExtractError(f"{path} is UTF-16 text; save it as CSV (UTF-8) and try again")
    if codec != "utf-8":
        assert isinstance(data, bytes)
        try:
            data = data.removeprefix(b"\xef\xbb\xbf").decode(codec).encode("utf-8")
        except UnicodeDecodeError:
            raise ExtractError(
                _undecodable(path, iter([data]), codec) or f"{path} is not {codec} text"
            ) from None
    if isinstance(data, bytes):
        has_cr, quotes = b"\r" in data, b'"' in data
        lone_cr = has_cr and data.count(b"\r") != data.count(b"\r\n")
    else:
        has_cr, quotes = _find(path, b"\r"), _find(path, b'"')
        lone_cr = has_cr and _has_lone_cr(path)
    if lone_cr:
        # a Mac-style ("CSV (Macintosh)") or mixed file: every CR, LF and CRLF ends a line
        raw = data if isinstance(data, bytes) else path.read_bytes()
        data = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    head, complete = _head(data)
    if not complete:
        # the last line of the head may be cut inside a character; it is never used
        head = head[: head.rfind(b"\n") + 1]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractError(
            _undecodable(path, iter([head]), "utf-8") or f"{path} is not UTF-8 text"
        ) from None
    lines = [x.removesuffix("\r") for x in text.removeprefix("\ufeff").split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the line end of the last line, not a line of its own
    return _Source(data, lines, complete, quotes)


def _gunzip(path: Path) -> bytes:
    raw = path.read_bytes()
    try:
        return gzip.decompress(raw)
    except (EOFError, zlib.error, gzip.BadGzipFile, OSError):
        pass
    # Say how far it got: the lines that could be read are not audited, since an audit of
    # part of an extract would look like an audit of all of it.
    partial = zlib.decompressobj(wbits=47)
    try:
        got = partial.decompress(raw)
    except zlib.error:
        got = b""
    lines = got.count(b"\n")
    if not got:
        raise ExtractError(f"{path} is not a readable gzip file; nothing was audited")
    raise ExtractError(
        f"{path} is truncated or damaged: its compressed data ends after about {lines} lines; "
        "nothing was audited"
    )


def _find(path: Path, needle: bytes) -> bool:
    with path.open("rb") as fh:
        try:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return mm.find(needle) != -1
        except (ValueError, OSError):  # empty or not mappable (a pipe, /dev/null)
            return any(needle in block for block in _chunks(fh))


def _has_lone_cr(path: Path) -> bool:
    """A CR that is not followed by LF somewhere in the file (counted in blocks)."""
    carry = b""
    with path.open("rb") as fh:
        for block in _chunks(fh):
            block = carry + block
            carry = b"\r" if block.endswith(b"\r") else b""
            if carry:
                block = block[:-1]
            if block.count(b"\r") != block.count(b"\r\n"):
                return True
    return carry == b"\r"


def _head(data: Path | bytes) -> tuple[bytes, bool]:
    """The first bytes: at least _HEAD of them, and past any blank lines before the header and
    one line after it; and whether that is all of the file."""
    if isinstance(data, bytes):
        blocks: Iterator[bytes] = (data[i : i + _HEAD] for i in range(0, len(data), _HEAD))
        return _enough(blocks)
    with data.open("rb") as fh:
        return _enough(iter(lambda: fh.read(_HEAD), b""))


def _enough(blocks: Iterator[bytes]) -> tuple[bytes, bool]:
    got = b""
    for block in blocks:
        got += block
        stripped = got.lstrip(_BLANK_BYTES)
        first_end = stripped.find(b"\n")
        if first_end >= 0 and stripped.find(b"\n", first_end + 1) >= 0:
            return got, False
    return got, True


def _undecodable(path: Path, blocks: Iterator[bytes], codec: str) -> str | None:
    """'line N is not UTF-8 …' for the first line the codec cannot decode, else None."""
    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    for block in blocks:
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            # bytes held back from the previous block belong to this error's line too
            before = block[: max(exc.start, 0)]
            line += before.count(b"\n")
            byte = block[exc.start] if 0 <= exc.start < len(block) else None
            what = f" (byte 0x{byte:02X})" if byte is not None else ""
            hint = (
                "; if the file is from Windows or Excel, try --encoding cp1252"
                if codec == "utf-8"
                else ""
            )
            return f"{path}: line {line} is not {_name(codec)} text{what}{hint}"
        line += block.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return f"{path}: the last line is not {_name(codec)} text (a character is cut off)"
    return None


def _name(codec: str) -> str:
    return {"utf-8": "UTF-8", "cp1252": "cp1252 (Windows)", "latin-1": "latin-1"}[codec]


# -- CSV -----------------------------------------------------------------------------------


def _field_re(sep: str) -> str:
    """One field: quoted (spaces around the quotes allowed) or free of quotes and `sep`."""
    klass = "\\t" if sep == "\t" else sep
    return f'[ ]*"(?:[^"]|"")*"[ ]*|[^"{klass}]*'


def _lit(sep: str) -> str:
    return {"\t": "\\t", "|": "\\|"}.get(sep, sep)


def _split_header(line: str, sep: str) -> list[str] | None:
    """The header's names, parsed as CSV; None when its quotes do not balance."""
    field = _field_re(sep)
    if re.fullmatch(f"(?:{field})(?:{_lit(sep)}(?:{field}))*", line) is None:
        return None
    return next(csv.reader([line], delimiter=sep, skipinitialspace=True))


def _clean(name: str) -> str:
    return name.strip().strip('"').strip().lstrip("\ufeff").strip().lower()


def _is_blank(line: str, sep: str) -> bool:
    return line.strip(_BLANK + sep) == ""


def _header(path: Path, src: _Source, forced: str | None) -> tuple[int, str, list[str]]:
    """The header's line index, the delimiter and the cleaned column names."""
    at = next((i for i, x in enumerate(src.lines) if not _is_blank(x, forced or ",;")), None)
    if at is None:
        if not src.complete:
            raise ExtractError(f"{path}: no header line in its first {_HEAD >> 20} MB")
        raise ExtractError(f"{path} is empty: no header and no lines to audit")
    line = src.lines[at]
    candidates = [forced] if forced else list(DELIMITERS)
    parsed: list[tuple[str, list[str]]] = []
    for sep in candidates:
        names = _split_header(line, sep)
        if names is None:
            continue
        cleaned = [_clean(n) for n in names]
        if all(c in cleaned for c in REQUIRED_COLUMNS):
            return at, sep, cleaned
        parsed.append((sep, cleaned))
    if not parsed:
        raise ExtractError(f'{path}: the header line has an unbalanced quote (")')
    # name the missing column of the reading that found the most columns
    sep, cleaned = max(parsed, key=lambda x: sum(c in x[1] for c in ALL_COLUMNS))
    missing = next(c for c in REQUIRED_COLUMNS if c not in cleaned)
    hint = ""
    if len(cleaned) == 1 and not forced:
        hint = " (the header has a single column: is the file separated by , or ;?)"
    raise ExtractError(f"{path}: required column '{missing}' is missing{hint}")


def _scan_csv(path: Path, src: _Source, forced: str | None) -> pl.LazyFrame:
    at, sep, header = _header(path, src, forced)
    for name in ALL_COLUMNS:
        if header.count(name) > 1:
            raise ExtractError(f"{path}: column '{name}' appears twice in the header")
    if src.complete and all(_is_blank(x, sep) for x in src.lines[at + 1 :]):
        raise ExtractError(f"{path} has a header but no lines to audit")
    width = len(header)
    line = pl.col("line")
    plain = line.str.split(sep)
    if src.quotes:
        field = _field_re(sep)
        lit = _lit(sep)
        quoted = line.str.contains('"', literal=True)
        # a line with quotes must be well-formed CSV on its own: a quote that does not close
        # on its line makes that line (and only that line) unreadable
        well_formed = (sep + line).str.contains(f"^(?:{lit}(?:{field}))+$")
        fields = (
            pl.when(quoted & well_formed)
            .then(
                (sep + line)
                .str.extract_all(f"{lit}(?:{field})")
                .list.eval(pl.element().str.slice(1))
            )
            .otherwise(plain)
        )
        bad_quote = quoted & ~well_formed
    else:
        quoted = pl.lit(False)
        fields = plain
        bad_quote = pl.lit(False)
    suspect = pl.col("_bad_quote") | (pl.col("_fields").list.len() > width)
    invalid = pl.struct("_fields", "_bad_quote", suspect.alias("_suspect")).map_batches(
        lambda batch: _reasons(batch, width), return_dtype=pl.String, is_elementwise=True
    )

    def column(i: int) -> pl.Expr:
        got = pl.col("_fields").list.get(i, null_on_oob=True)
        # an empty field is null, as "not given" (and nothing for the engine to parse)
        value = pl.when(got != "").then(got)
        if not src.quotes:
            return value
        inner = value.str.strip_chars(" ")
        unquoted = inner.str.slice(1, inner.str.len_chars() - 2).str.replace_all(
            '""', '"', literal=True
        )
        return (
            pl.when(pl.col("_quoted") & ~pl.col("_bad_quote") & inner.str.starts_with('"'))
            .then(unquoted)
            .otherwise(value)
        )

    wanted = {name: header.index(name) for name in ALL_COLUMNS if name in header}
    return (
        pl.scan_lines(src.data, name="line", row_index_name="_i")
        .filter(pl.col("_i") > at)
        .filter(line.str.strip_chars(_BLANK + sep) != "")
        .select(
            pl.col("_i"),
            fields.alias("_fields"),
            quoted.alias("_quoted"),
            bad_quote.alias("_bad_quote"),
        )
        .select(
            *(column(i).alias(name) for name, i in wanted.items()),
            (pl.col("_i") - at).cast(pl.Int64).alias(ROW_COLUMN),
            invalid.alias(INVALID_COLUMN),
        )
    )


def _reasons(batch: pl.Series, width: int) -> pl.Series:
    """Why records could not be split, for the few suspect ones of a batch; null elsewhere.

    Per batch, not as one expression, so that the clean records (nearly all) cost one flag.
    """
    rows = batch.struct.unnest()
    suspect = rows["_suspect"]
    out = pl.repeat(None, rows.height, dtype=pl.String, eager=True)
    if not suspect.any():
        return out
    fields = pl.col("_fields")
    n = fields.list.len()
    extra = fields.list.slice(width).list.join("").str.strip_chars(_BLANK + '"')
    reasons = rows.filter(suspect).select(
        pl.when(pl.col("_bad_quote"))
        .then(pl.lit('the line has a stray or unclosed quote (")'))
        .when(extra != "")
        .then(pl.format(f"the line has {{}} fields, the header {width}", n))
        .otherwise(None)
    )
    return out.scatter(suspect.arg_true(), reasons.to_series())


# -- Excel and Parquet ---------------------------------------------------------------------


def _read_xlsx(path: Path, sheet: str | None) -> pl.LazyFrame:
    """The first sheet (or `sheet`) of a workbook, every cell as text (Polars' calamine)."""
    try:
        frame = pl.read_excel(
            path,
            engine="calamine",
            sheet_name=sheet,
            sheet_id=None if sheet else 1,
            has_header=False,
            infer_schema_length=0,  # every cell as text: codes and IDs keep their zeros
            drop_empty_rows=False,  # row numbers stay the sheet's
            drop_empty_cols=False,
        )
    except ValueError as exc:
        if sheet and "sheet" in str(exc).lower():
            raise ExtractError(f"{path} has no sheet named {sheet!r}") from None
        raise
    except Exception as exc:  # fastexcel raises its own errors for a broken workbook
        if isinstance(exc, ExtractError | KeyboardInterrupt):
            raise
        raise ExtractError(f"cannot read {path}: {_first_line(exc)}") from None
    if frame.width == 0:
        raise ExtractError(f"{path} is empty: no header and no lines to audit")
    blank = pl.all_horizontal(
        pl.col(c).fill_null("").str.strip_chars(_BLANK) == "" for c in frame.columns
    )
    frame = frame.with_row_index("_i").filter(~blank)
    if frame.height == 0:
        raise ExtractError(f"{path} is empty: no header and no lines to audit")
    first = frame.row(0, named=True)
    at = int(first["_i"])
    names = {c: _clean(v or "") for c, v in first.items() if c != "_i"}
    missing = [c for c in REQUIRED_COLUMNS if c not in names.values()]
    if missing:
        raise ExtractError(f"{path}: required column '{missing[0]}' is missing")
    data = frame.slice(1)
    if data.height == 0:
        raise ExtractError(f"{path} has a header but no lines to audit")
    by_name: dict[str, str] = {}
    for col, name in names.items():
        if name in ALL_COLUMNS:
            if name in by_name:
                raise ExtractError(f"{path}: column '{name}' appears twice in the header")
            by_name[name] = col

    def cell(name: str) -> pl.Expr:
        value = pl.col(by_name[name]).str.strip_chars()
        if name in _DATE_COLUMNS:
            # a date cell arrives as a timestamp at midnight
            value = value.str.replace(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00:00$", "$1")
        return value.alias(name)

    return data.lazy().select(
        *(cell(n) for n in ALL_COLUMNS if n in by_name),
        (pl.col("_i") - at).cast(pl.Int64).alias(ROW_COLUMN),
    )


def _scan_parquet(path: Path) -> pl.LazyFrame:
    lf = pl.scan_parquet(path)
    names = {_clean(n): n for n in lf.collect_schema().names()}
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ExtractError(f"{path}: required column '{missing[0]}' is missing")
    if lf.select(pl.len()).collect().item() == 0:
        raise ExtractError(f"{path} has no lines to audit")
    return lf.select(pl.col(names[c]).cast(pl.String).alias(c) for c in ALL_COLUMNS if c in names)
