"""The indicator report as jsonl, csv, a terminal table or one self-contained HTML page.

jsonl and csv carry the records of indicators.md (fields and order of `RECORD_COLUMNS`);
with `suppress_below` N every numerator or denominator below N, and the value, interval and
funnel position computed from it, is null there and "< N" in the table and the page. A funnel
position is computed from the whole file's value too, so it is hidden for every provider when
the whole file's counts are.

The page is built from Jinja2 templates with autoescaping; its funnel plots are SVG drawn on
the server, so it needs no script and no network.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from forlob.indicators import texts
from forlob.indicators.compute import RECORD_COLUMNS
from forlob.indicators.definitions import Indicator, Indicators
from forlob.indicators.stats import funnel_limits
from forlob.indicators.texts import T
from forlob.texts import Language

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["Report", "render_html", "render_table", "suppressed", "write_csv", "write_jsonl"]


@dataclass(frozen=True)
class Report:
    """What `forlob indicators` computed, for every output format."""

    input_name: str
    as_of: dt.date | None
    lines_read: int
    lines_invalid: int
    records: pl.DataFrame  # exact counts, RECORD_COLUMNS
    definitions: Indicators
    forlob_version: str
    made: dt.datetime
    suppress_below: int | None = None


# -- suppression -----------------------------------------------------------------------------


def suppressed(records: pl.DataFrame, below: int | None) -> pl.DataFrame:
    """The records with every count below `below`, and what is computed from it, as null."""
    if below is None:
        return records
    small_num = pl.col("numerator") < below
    small_den = pl.col("denominator") < below
    hidden = small_num | small_den
    # the whole file's value places every provider: hidden with it when its counts are small
    whole_hidden = (
        (pl.when(pl.col("provider_id").is_null()).then(hidden).otherwise(None))
        .max()
        .over("indicator")
        .fill_null(False)
    )
    return records.with_columns(
        pl.when(~(small_num | small_den)).then("numerator").alias("numerator"),
        pl.when(~small_den).then("denominator").alias("denominator"),
        *[pl.when(~hidden).then(c).alias(c) for c in ("value", "lower_95", "upper_95")],
        pl.when(~(hidden | whole_hidden)).then("funnel").alias("funnel"),
    ).select(RECORD_COLUMNS)


# -- jsonl and csv -----------------------------------------------------------------------------


def write_jsonl(report: Report, out: IO[bytes]) -> None:
    frame = suppressed(report.records, report.suppress_below)
    if frame.height:
        frame.write_ndjson(out)


def write_csv(report: Report, out: IO[bytes]) -> None:
    suppressed(report.records, report.suppress_below).write_csv(out)


# -- cells shared by the table and the page --------------------------------------------------


@dataclass(frozen=True)
class _Row:
    provider: str | None
    numerator: str
    denominator: str
    value: str
    interval: str
    position: str | None  # funnel code, None when hidden
    position_text: str
    k: int | None
    n: int | None
    share: float | None


def _rows(report: Report, ind_id: str, lang: Language) -> list[_Row]:
    exact = report.records.filter(pl.col("indicator") == ind_id)
    shown = suppressed(exact, report.suppress_below)
    stats = report.definitions.statistics
    hidden = f"< {texts.count(report.suppress_below, lang)}" if report.suppress_below else "—"
    out = []
    for r in shown.iter_rows(named=True):
        k, n, v = r["numerator"], r["denominator"], r["value"]
        lo, hi = r["lower_95"], r["upper_95"]
        funnel = r["funnel"]
        out.append(
            _Row(
                provider=r["provider_id"],
                numerator=hidden if k is None else texts.count(k, lang),
                denominator=hidden if n is None else texts.count(n, lang),
                value=hidden if v is None else texts.percent(v, lang),
                interval=hidden
                if lo is None
                else f"{texts.percent(lo, lang)}–{texts.percent(hi, lang)}",
                position=funnel,
                position_text=hidden
                if funnel is None
                else texts.position(funnel, lang, stats.funnel_inner, stats.funnel_outer),
                k=k,
                n=n,
                share=v,
            )
        )
    return out


# -- terminal table ----------------------------------------------------------------------------


def render_table(report: Report, console: Console, lang: Language = "da") -> None:
    """Per indicator the whole file's value and the providers outside the outer limits."""
    stats = report.definitions.statistics
    outer = texts.level(stats.funnel_outer, lang)
    head = Text()
    head.append(f"{T['title'].get(lang)}: {report.input_name}", style="bold")
    head.append(
        f"\n{T['as_of'].get(lang)} {texts.day(report.as_of, lang)} · "
        f"{T['lines_read'].get(lang)}: {texts.count(report.lines_read, lang)} · "
        f"{T['lines_invalid'].get(lang)}: {texts.count(report.lines_invalid, lang)}"
    )
    console.print(head)
    if report.suppress_below:
        console.print(Text(T["suppressed_note"].get(lang).format(n=report.suppress_below)))
    interval_head = T["interval"].get(lang).format(level=texts.level(stats.interval_level, lang))
    for ind in report.definitions:
        console.print()
        title = Text()
        title.append(ind.id, style="bold cyan")
        title.append(f"  {ind.label(lang)}", style="bold")
        console.print(title)
        rows = _rows(report, ind.id, lang)
        if not rows:
            console.print(Text(T["no_records"].get(lang), style="italic"))
            continue
        whole = rows[0]
        console.print(
            Text(
                f"{T['whole_file'].get(lang)}: {whole.value} ({whole.numerator}/"
                f"{whole.denominator} {texts.unit(ind.unit, lang)}), {interval_head} "
                f"{whole.interval}"
            )
        )
        outside = [r for r in rows[1:] if r.position in ("above_998", "below_998")]
        if not outside:
            console.print(Text(T["none_outside"].get(lang).format(level=outer), style="green"))
            continue
        console.print(Text(T["outside"].get(lang).format(level=outer) + ":"))
        table = Table(show_edge=True, header_style="bold")
        for name in ("provider", "numerator", "denominator", "value"):
            table.add_column(T[name].get(lang), justify="left" if name == "provider" else "right")
        table.add_column(interval_head, justify="right")
        table.add_column(T["position"].get(lang))
        for r in outside:
            table.add_row(
                Text(r.provider or ""),
                r.numerator,
                r.denominator,
                r.value,
                r.interval,
                Text(r.position_text, style="red"),
            )
        console.print(table)


# -- HTML --------------------------------------------------------------------------------------

_W, _H = 640, 340
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 16, 44


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # imported here: only the html format needs the templates
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("forlob.indicators", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _plot(ind: Indicator, report: Report, rows: list[_Row], lang: Language) -> dict[str, Any]:
    """The funnel plot's geometry: axes, limit lines and points, in SVG coordinates."""
    stats = report.definitions.statistics
    whole, providers = rows[0], rows[1:]
    points = [r for r in providers if r.share is not None and r.n is not None]
    target = whole.share
    n_max = max([r.n for r in points if r.n is not None] + [1])
    x_max = n_max * 1.05
    grid = np.unique(
        np.concatenate((np.arange(1, min(n_max, 50) + 1), np.linspace(1, x_max, 240)))
        .round()
        .astype(np.int64)
    )
    grid = grid[grid >= 1]
    limits: dict[str, np.ndarray] = {}
    if target is not None:
        for name, level in (("inner", stats.funnel_inner), ("outer", stats.funnel_outer)):
            tail = (1 - level) / 2
            limits[f"{name}_low"] = funnel_limits(target, grid, tail)
            limits[f"{name}_high"] = funnel_limits(target, grid, 1 - tail)
    # the y axis spans the points and the outer limits from the smallest plotted denominator on
    ys = [r.share for r in points if r.share is not None]
    n_min = min([r.n for r in points if r.n is not None] + [n_max])
    if limits:
        wide = grid >= n_min
        ys += [float(limits["outer_low"][wide].min()), float(limits["outer_high"][wide].max())]
    if target is not None:
        ys.append(target)
    y_lo, y_hi = (min(ys), max(ys)) if ys else (0.0, 1.0)
    pad = max((y_hi - y_lo) * 0.08, 0.01)
    y_lo, y_hi = max(0.0, y_lo - pad), min(1.0, y_hi + pad)
    y_step = _nice_step(y_hi - y_lo, 5)
    y_lo = math.floor(y_lo / y_step) * y_step
    y_hi = min(1.0, math.ceil(y_hi / y_step) * y_step)
    if y_hi <= y_lo:
        y_lo, y_hi = 0.0, 1.0
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def sx(n: float) -> float:
        return round(_LEFT + plot_w * n / x_max, 2)

    def sy(v: float) -> float:
        # not clamped: the plot area's clip path cuts lines that leave it
        return round(_TOP + plot_h * (1 - (v - y_lo) / (y_hi - y_lo)), 2)

    def polyline(values: np.ndarray) -> str:
        return " ".join(f"{sx(float(n))},{sy(float(v))}" for n, v in zip(grid, values, strict=True))

    x_step = _nice_step(x_max, 6)
    if x_step < 1:
        x_step = 1.0
    x_ticks = [
        {"x": sx(v), "label": texts.count(int(v), lang)} for v in np.arange(0, x_max + 1e-9, x_step)
    ]
    y_digits = 0 if y_step * 100 >= 1 else 1
    y_ticks = [
        {"y": sy(v), "label": texts.percent(v, lang, y_digits)}
        for v in np.arange(y_lo, y_hi + y_step / 2, y_step)
    ]
    lines = [
        {"points": polyline(values), "kind": name.split("_")[0]} for name, values in limits.items()
    ]
    if target is not None:
        lines.append({"points": f"{sx(0)},{sy(target)} {sx(x_max)},{sy(target)}", "kind": "target"})
    dots = [
        {
            "x": sx(float(r.n)),
            "y": sy(float(r.share)),
            "position": r.position or "hidden",
            "title": T["hover"]
            .get(lang)
            .format(provider=r.provider, value=r.value, k=r.numerator, n=r.denominator)
            + ("" if r.position is None else f" · {r.position_text}"),
        }
        for r in points
        if r.share is not None and r.n is not None
    ]
    return {
        "width": _W,
        "height": _H,
        "left": _LEFT,
        "top": _TOP,
        "right": _W - _RIGHT,
        "bottom": _H - _BOTTOM,
        "x_ticks": x_ticks,
        "y_ticks": y_ticks,
        "lines": lines,
        "dots": dots,
        "x_label": f"{T['denominator'].get(lang)} ({texts.unit(ind.unit, lang)})",
        "y_label": T["value"].get(lang),
        "shown": len(dots),
        "total": len(providers),
        "label": ind.label(lang),
        "clip": f"clip-{ind.id}",
    }


def render_html(report: Report, lang: Language = "da") -> str:
    stats = report.definitions.statistics
    inner, outer = texts.level(stats.funnel_inner, lang), texts.level(stats.funnel_outer, lang)
    sections = []
    for ind in report.definitions:
        rows = _rows(report, ind.id, lang)
        sections.append(
            {
                "id": ind.id,
                "label": ind.label(lang),
                "description": ind.description(lang),
                "source": ind.source,
                "unit": texts.unit(ind.unit, lang),
                "better": T["lower_is_better" if ind.lower_is_better else "higher_is_better"].get(
                    lang
                ),
                "rows": rows,
                "outside": [r for r in rows[1:] if r.position in ("above_998", "below_998")],
                "plot": _plot(ind, report, rows, lang) if rows else None,
            }
        )
    words = {key: text.get(lang) for key, text in T.items()}
    template = _environment().get_template("report.html.j2")
    return template.render(
        lang=lang,
        t=words,
        report=report,
        sections=sections,
        as_of=texts.day(report.as_of, lang),
        lines_read=texts.count(report.lines_read, lang),
        lines_invalid=texts.count(report.lines_invalid, lang),
        interval_head=words["interval"].format(level=texts.level(stats.interval_level, lang)),
        legend_inner=words["legend_limits"].format(level=inner),
        legend_outer=words["legend_limits"].format(level=outer),
        outer=outer,
        caption=words["plot_caption"].format(inner=inner, outer=outer),
        suppressed_note=words["suppressed_note"].format(n=report.suppress_below)
        if report.suppress_below
        else None,
        generated=words["generated"].format(
            version=report.forlob_version, date=texts.day(report.made.date(), lang)
        ),
        statistics_source=stats.source,
    )
