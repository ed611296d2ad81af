"""The rule engine: one vectorised audit of service lines against every rule of the catalogue.

`audit_frame` serves both the regional batch audit (millions of lines) and the clinic app (the
lines of one course plus the line being registered): there is no second implementation.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from forlob.catalogue import Catalogue, Rule, load_catalogue
from forlob.rules.context import Context, Hits, Phrase
from forlob.rules.courses import assign_courses
from forlob.rules.kinds import INPUT_KINDS, KINDS
from forlob.rules.prepare import CODE_RE, DATE_RE, Lines, Prepared, prepare
from forlob.rules.tables import CodeTables
from forlob.texts import DEFAULT_LANGUAGE, Language

FINDING_COLUMNS = (
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
)
FINDING_SCHEMA = {"row": pl.Int64, **{c: pl.String for c in FINDING_COLUMNS if c != "row"}}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_LINE_FIELDS = {
    "code": "service_code",
    "date": "service_date",
    "row": "row",
    "pathway": "pathway",
    "course_id": "course_id",
}


def empty_findings(lang: Language | tuple[Language, ...] = DEFAULT_LANGUAGE) -> pl.DataFrame:
    return pl.DataFrame(schema=finding_schema(lang))


def finding_schema(lang: Language | tuple[Language, ...]) -> dict[str, type[pl.DataType]]:
    """FINDING_SCHEMA with the message column(s) of `lang` (see `message_columns`)."""
    schema: dict[str, type[pl.DataType]] = {
        k: v for k, v in FINDING_SCHEMA.items() if k != "message"
    }
    return {**schema, **dict.fromkeys(message_columns(lang), pl.String)}


@lru_cache(maxsize=4)
def _tables(catalogue: Catalogue) -> CodeTables:
    return CodeTables.of(catalogue)


@dataclass(frozen=True)
class AuditResult:
    findings: pl.DataFrame
    lines_read: int


def audit_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    catalogue: Catalogue | None = None,
    row_offset: int = 1,
    lang: Language | tuple[Language, ...] = DEFAULT_LANGUAGE,
) -> pl.DataFrame:
    """Audit service lines given as text columns (formats.md); returns the findings frame.

    Rows are numbered from `row_offset` in frame order. Findings are ordered by row, then
    rule_id, with the columns of formats.md; the message is in `lang` (Danish unless told),
    or, for a tuple of languages, in one column per language (`message_columns`).
    """
    return run_audit(frame, catalogue, row_offset, lang=lang).findings


def run_audit(
    source: pl.DataFrame | pl.LazyFrame,
    catalogue: Catalogue | None = None,
    row_offset: int = 1,
    on_phase: Callable[[str], None] | None = None,
    lang: Language | tuple[Language, ...] = DEFAULT_LANGUAGE,
) -> AuditResult:
    """`audit_frame`, also telling how many lines were read (for reports).

    `on_phase` hears which phase starts next (for a progress display).
    """
    clock = _Clock(on_phase)
    ev = _evaluate(source, catalogue or load_catalogue(), row_offset, clock, None)
    prep, ctx, cat, hits = ev.prepared, ev.context, ev.catalogue, ev.hits
    parts = [_input_findings(prep, ctx, cat, lang)]
    for rule_id, h in hits.items():
        if len(h.idx):
            parts.append(_findings(cat.rules[rule_id], h, prep, ctx, cat, lang))
    out = pl.concat(parts, how="vertical") if parts else empty_findings(lang)
    out = out.sort(["row", "rule_id"]).rechunk()
    clock.lap("findings")
    return AuditResult(out, prep.text.height)


@dataclass(frozen=True)
class Evaluation:
    """The audit before any finding is written: the readable lines, their courses and the
    lines each rule reports (`hits`, indices into the lines).

    For callers that count rather than list, e.g. the quality indicators, which must see the
    courses and findings exactly as the audit forms them (indicators.md).
    """

    prepared: Prepared
    context: Context
    hits: dict[str, Hits]

    @property
    def catalogue(self) -> Catalogue:
        return self.context.cat

    @property
    def lines_read(self) -> int:
        return self.prepared.text.height

    def course_lines(self) -> CourseLines:
        """The readable lines with their course, pathway, start date and provider."""
        return CourseLines.of(self.prepared, self.context)

    def reported(self, keep: Callable[[Rule], bool]) -> npt.NDArray[np.bool_]:
        """Per readable line: whether some rule that `keep` accepts reports it."""
        out = np.zeros(self.context.n, dtype=bool)
        for rule_id, h in self.hits.items():
            if keep(self.catalogue.rules[rule_id]):
                out[h.idx] = True
        return out


@dataclass(frozen=True)
class CourseLines:
    """Readable lines in the engine's order (patient+provider, date, input order; rules.md §1)
    with the courses the engine formed, and per course its pathway, start and provider.

    Providers are numbered in the order of their `provider_id` text.
    """

    lines: Lines
    pathways: tuple[str, ...]
    providers: tuple[str, ...]
    provider: npt.NDArray[np.int64]  # per line: index into providers
    course: npt.NDArray[np.int32]  # per line: course number, -1 when in no course
    course_pathway: npt.NDArray[np.int64]  # per course: index into pathways
    course_start_line: npt.NDArray[np.int64]  # per course: index of the line that opened it
    course_start: npt.NDArray[np.integer[Any]]  # per course: start date (day number)

    @property
    def code(self) -> npt.NDArray[np.integer[Any]]:
        return self.lines.code

    @property
    def date(self) -> npt.NDArray[np.integer[Any]]:
        return self.lines.date

    @property
    def course_provider(self) -> npt.NDArray[np.int64]:
        return self.provider[self.course_start_line]

    @staticmethod
    def of(prep: Prepared, ctx: Context) -> CourseLines:
        lines = ctx.lines
        # a patient+provider pair has one provider: read the text once per pair, not per line
        names = prep.text["provider_id"].gather(lines.src[ctx.pp_first])
        pair_provider = (names.rank("dense").cast(pl.Int64) - 1).to_numpy()
        return CourseLines(
            lines=lines,
            pathways=ctx.t.pathways,
            providers=tuple(names.unique().sort().to_list()),
            provider=pair_provider[lines.pp],
            course=ctx.courses.course,
            course_pathway=ctx.courses.pathway,
            course_start_line=ctx.courses.start_line,
            course_start=ctx.course_start,
        )


def evaluate(
    source: pl.DataFrame | pl.LazyFrame,
    catalogue: Catalogue | None = None,
    rules: Callable[[Rule], bool] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> Evaluation:
    """Read, form courses and run the rules that `rules` accepts (all when None), without
    writing findings. Rules another one is suppressed by run too (rules.md §3)."""
    return _evaluate(source, catalogue or load_catalogue(), 1, _Clock(on_phase), rules)


def _evaluate(
    source: pl.DataFrame | pl.LazyFrame,
    cat: Catalogue,
    row_offset: int,
    clock: _Clock,
    keep: Callable[[Rule], bool] | None,
) -> Evaluation:
    prep = prepare(source, row_offset, cat.phrases)
    clock.lap("read and parse")
    tables = _tables(cat)
    courses = assign_courses(prep.lines, tables)
    clock.lap("courses")
    ctx = Context(prep.lines, courses, tables, cat)
    hits = _run_kinds(cat, ctx, _selected(cat, keep))
    clock.lap("rules")
    _check_pathway_findings_are_in_courses(hits, cat, ctx)
    # e.g. LBP-FOLLOWUP-TIMING is not raised on a line that already has
    # LBP-FOLLOWUP-BEFORE-CLOSE or LBP-FOLLOWUP-MAX (rules.md §3)
    for rule in cat.rules.values():
        for other in rule.suppressed_by:
            if rule.id in hits:
                h = hits[rule.id]
                hits[rule.id] = h.keep(~np.isin(h.idx, hits[other].idx))
    return Evaluation(prep, ctx, hits)


def _selected(cat: Catalogue, keep: Callable[[Rule], bool] | None) -> list[Rule]:
    rules = [r for r in cat.rules.values() if r.kind not in INPUT_KINDS]
    if keep is None:
        return rules
    wanted = {r.id for r in rules if keep(r)}
    for r in rules:
        if r.id in wanted:
            wanted.update(r.suppressed_by)
    return [r for r in rules if r.id in wanted]


class _Clock:
    """Phase times and peak memory on stderr when FORLOB_TIMINGS is set (for profiling)."""

    _NEXT = {
        "read and parse": "grouping courses",
        "courses": "checking the rules",
        "rules": "writing the findings",
    }

    def __init__(self, on_phase: Callable[[str], None] | None = None) -> None:
        self.on = bool(os.environ.get("FORLOB_TIMINGS"))
        self.on_phase = on_phase
        self.t = time.perf_counter()
        if on_phase is not None:
            on_phase("reading and checking the lines")

    def lap(self, phase: str) -> None:
        if self.on_phase is not None and phase in self._NEXT:
            self.on_phase(self._NEXT[phase])
        if not self.on:
            return
        import resource

        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        sys.stderr.write(f"forlob: {phase:<16} {now - self.t:6.2f} s  peak {peak} MB\n")
        self.t = now


# numpy releases the GIL in its loops, so two threads check rules side by side on a 2-core
# machine; small inputs (the app's one course) stay on the calling thread.
_PARALLEL_FROM_LINES = 200_000


def _run_kinds(cat: Catalogue, ctx: Context, rules: list[Rule]) -> dict[str, Hits]:
    if ctx.n == 0:
        return {}
    if ctx.n < _PARALLEL_FROM_LINES:
        return {r.id: KINDS[r.kind](r, ctx) for r in rules}
    ctx.warm_up()
    workers = min(2, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="forlob-rule") as pool:
        results = pool.map(lambda r: (r.id, KINDS[r.kind](r, ctx)), rules)
        return dict(results)


def _check_pathway_findings_are_in_courses(
    hits: dict[str, Hits], cat: Catalogue, ctx: Context
) -> None:
    """Pathway rules apply only to lines in a course (kinds select so); nothing to drop.

    Kept as an explicit check because rules.md §2 makes it a contract: a line with
    COURSE-NO-START or COURSE-MIXED-PATHWAY gets no other pathway finding.
    """
    for rule_id, h in hits.items():
        if cat.rules[rule_id].is_pathway_rule and len(h.idx):
            assert (ctx.course[h.idx] >= 0).all(), rule_id


def _line_info(idx: npt.NDArray[np.integer[Any]], prep: Prepared, ctx: Context) -> pl.DataFrame:
    """Output fields of the lines `idx` (indices into Lines)."""
    lines, courses, t = ctx.lines, ctx.courses, ctx.t
    # valid lines' date and code are written back from the parsed values: they were read
    # in exactly that form
    base = prep.text[lines.src[idx]].select("patient_id", "provider_id", "course_id")
    base = base.with_columns(
        pl.Series("service_date", lines.date[idx].astype("datetime64[D]")).cast(pl.String),
        pl.Series("service_code", np.char.zfill(lines.code[idx].astype(str), 4), dtype=pl.String)
        if len(idx)
        else pl.Series("service_code", [], dtype=pl.String),
    )
    c = courses.course[idx]
    in_c = c >= 0
    c0 = np.maximum(c, 0)
    names = np.array([*t.pathways, None], dtype=object)
    has_courses = courses.n > 0
    pw = t.pathway[lines.code[idx]]
    if has_courses:
        pw = np.where(in_c, courses.pathway[np.minimum(c0, courses.n - 1)], pw)
        inferred = in_c & ~courses.given[np.minimum(c0, courses.n - 1)]
        start = lines.date[courses.start_line[np.minimum(c0, courses.n - 1)]]
        ordinal = courses.ordinal[np.minimum(c0, courses.n - 1)]
    else:
        inferred = np.zeros(len(idx), dtype=bool)
        start = np.zeros(len(idx), dtype=np.int64)
        ordinal = np.ones(len(idx), dtype=np.int64)
    frame: pl.DataFrame = (
        base.with_columns(
            pl.Series("row", lines.row(idx), dtype=pl.Int64),
            pl.Series("pathway", names[pw].tolist(), dtype=pl.String),
            pl.Series("_inferred", inferred),
            pl.Series("_start", start.astype("datetime64[D]")),
            pl.Series("_ordinal", ordinal),
        )
        .with_columns(
            # An inferred course is named by what identifies it, so the name does not change
            # when unrelated rows move: provider/patient/pathway/start date[#n].
            pl.when(pl.col("_inferred"))
            .then(
                pl.concat_str(
                    [
                        pl.col("provider_id"),
                        pl.col("patient_id"),
                        pl.col("pathway"),
                        pl.col("_start").cast(pl.String),
                    ],
                    separator="/",
                )
                + pl.when(pl.col("_ordinal") > 1)
                .then(pl.format("#{}", pl.col("_ordinal")))
                .otherwise(pl.lit(""))
            )
            .when(pl.col("course_id") != "")
            .then(pl.col("course_id"))
            .otherwise(None)
            .alias("course_id")
        )
        .drop("_inferred", "_start", "_ordinal")
    )
    return frame


def _series(name: str, values: npt.NDArray[np.generic]) -> pl.Series:
    if values.dtype.kind == "M":
        # kept a date: a message writes it in its language's form
        return pl.Series(name, values.astype("datetime64[D]"))
    if values.dtype.kind in "iu":
        return pl.Series(name, values.astype(np.int64)).cast(pl.String)
    return pl.Series(
        name, values.astype(str) if values.dtype.kind == "U" else values, dtype=pl.String
    )


# How dates read inside a message: Danish 24.11.2026; English keeps the ISO form of the input.
_DATE_FORMAT = {"da": "%d.%m.%Y", "en": "%Y-%m-%d"}


@dataclass(frozen=True)
class _Wording:
    """What a message's placeholders are filled from, in one language."""

    lang: Language
    cat: Catalogue
    constants: dict[str, str | Phrase]
    phrase_columns: frozenset[str]
    frame: pl.DataFrame


def _message(template: str, w: _Wording) -> pl.Expr:
    """The message `template` filled per line, as one string expression."""
    pieces: list[pl.Expr] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            pieces.append(pl.lit(template[pos : m.start()]))
        pos = m.end()
        pieces.append(_placeholder(m.group(1), w))
    if pos < len(template):
        pieces.append(pl.lit(template[pos:]))
    if not pieces:
        return pl.lit("")
    return pl.concat_str(pieces) if len(pieces) > 1 else pieces[0]


def _placeholder(key: str, w: _Wording) -> pl.Expr:
    value = w.constants.get(key)
    if isinstance(value, Phrase):
        return _message(w.cat.phrases[value.key].get(w.lang), w)
    if value is not None:
        return pl.lit(value)
    if key in w.phrase_columns:
        # one wording per phrase key present; each may hold placeholders of its own
        keys = w.frame[key].unique().drop_nulls().sort().to_list()
        if not keys:
            return pl.lit("—")
        col = pl.col(key)
        worded = pl.lit("—")
        for k in reversed(keys):
            worded = (
                pl.when(col == k).then(_message(w.cat.phrases[k].get(w.lang), w)).otherwise(worded)
            )
        return worded
    column = _LINE_FIELDS.get(key, key)
    # a value worded per language (an input reason) has a column per language
    if f"{column}_{w.lang}" in w.frame.columns:
        column = f"{column}_{w.lang}"
    if column not in w.frame.columns:
        raise KeyError(f"message placeholder {{{key}}} has no value")
    dtype = w.frame.schema[column]
    expr = pl.col(column)
    if column == "service_date":
        expr = expr.str.to_date("%Y-%m-%d", strict=False).dt.strftime(_DATE_FORMAT[w.lang])
    elif dtype == pl.Date:
        expr = expr.dt.strftime(_DATE_FORMAT[w.lang])
    return expr.cast(pl.String).fill_null("—")


def _languages(lang: Language | tuple[Language, ...]) -> tuple[Language, ...]:
    return (lang,) if isinstance(lang, str) else lang


def message_columns(lang: Language | tuple[Language, ...]) -> tuple[str, ...]:
    """The message column(s) of the findings: `message`, or `message_da`, `message_en` …"""
    if isinstance(lang, str):
        return ("message",)
    return tuple(f"message_{x}" for x in lang)


def _messages(
    rule: Rule,
    h: Hits,
    cat: Catalogue,
    frame: pl.DataFrame,
    lang: Language | tuple[Language, ...],
) -> list[pl.Expr]:
    constants = _constants(rule, h, cat)
    phrase_columns = frozenset(h.phrases)
    return [
        _message(rule.message.get(x), _Wording(x, cat, constants, phrase_columns, frame)).alias(
            name
        )
        for x, name in zip(_languages(lang), message_columns(lang), strict=True)
    ]


def _constants(rule: Rule, h: Hits, cat: Catalogue) -> dict[str, str | Phrase]:
    consts: dict[str, str | Phrase] = {"source": cat.rule_source(rule)}
    if rule.limit_name:
        consts["limit"] = str(cat.param(rule.limit_name))
    consts.update(h.constants)
    return consts


def _findings(
    rule: Rule,
    h: Hits,
    prep: Prepared,
    ctx: Context,
    cat: Catalogue,
    lang: Language | tuple[Language, ...],
) -> pl.DataFrame:
    info = _line_info(h.idx, prep, ctx)
    values = {**h.details, **h.phrases}
    details = pl.DataFrame([_series(f"_{k}", v) for k, v in values.items()]) if values else None
    frame = (
        info
        if details is None
        else pl.concat([info, details.rename({f"_{k}": k for k in values})], how="horizontal")
    )
    msg = _messages(rule, h, cat, frame, lang)
    return frame.select(
        pl.col("row"),
        pl.lit(rule.id).alias("rule_id"),
        pl.lit(rule.severity).alias("severity"),
        "patient_id",
        "provider_id",
        "service_date",
        "service_code",
        "course_id",
        "pathway",
        *msg,
    )


def _input_findings(
    prep: Prepared, ctx: Context, cat: Catalogue, lang: Language | tuple[Language, ...]
) -> pl.DataFrame:
    f = prep.input_findings
    parts = [empty_findings(lang)]
    invalid = f.filter(pl.col("rule_id") == "INPUT-INVALID")
    if invalid.height:
        rule = cat.rules["INPUT-INVALID"]
        src = invalid["_src"].to_numpy()
        # "as read (null where unreadable)" (formats.md)
        frame = invalid.select(
            pl.Series("row", prep.rows(src), dtype=pl.Int64),
            pl.when(pl.col("_raw_patient_id") != "").then("_raw_patient_id").alias("patient_id"),
            pl.when(pl.col("_raw_provider_id") != "").then("_raw_provider_id").alias("provider_id"),
            pl.when(
                pl.col("_raw_service_date").str.contains(DATE_RE)
                & pl.col("_raw_service_date").str.to_date("%Y-%m-%d", strict=False).is_not_null()
            )
            .then("_raw_service_date")
            .alias("service_date"),
            pl.when(pl.col("_raw_service_code").str.contains(CODE_RE))
            .then("_raw_service_code")
            .alias("service_code"),
            pl.lit(None, pl.String).alias("pathway"),
            "reason_da",
            "reason_en",
        ).with_columns(prep.text[src]["course_id"].alias("course_id"))
        msg = _messages(rule, Hits(src), cat, frame, lang)
        parts.append(
            frame.select(
                "row",
                pl.lit(rule.id).alias("rule_id"),
                pl.lit(rule.severity).alias("severity"),
                "patient_id",
                "provider_id",
                "service_date",
                "service_code",
                "course_id",
                "pathway",
                *msg,
            )
        )
    ignored = f.filter(pl.col("rule_id") == "INPUT-FIELD-IGNORED")
    if ignored.height:
        rule = cat.rules["INPUT-FIELD-IGNORED"]
        idx = ctx.lines.position[ignored["_src"].to_numpy()]
        h = Hits(
            idx,
            {
                "reason_da": ignored["reason_da"].to_numpy(),
                "reason_en": ignored["reason_en"].to_numpy(),
            },
        )
        parts.append(_findings(rule, h, prep, ctx, cat, lang))
    return pl.concat(parts, how="vertical")
