"""A small server-rendered SVG chart of a course's scores over time (no JavaScript, no CDN).

One panel per instrument side by side, each on its own scale (NPRS and PSFS 0–10, ODI and NDI
0–100 %), with one polyline through the instrument's scores in date order, a dot and the value
at each score, and the first and last dates under it. Every text is XML-escaped, so the markup
can be inlined in a page or served as `image/svg+xml`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

# Colour-blind-safe (Okabe–Ito) colours, one per instrument in the order they come.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")

PANEL_WIDTH = 220
PANEL_HEIGHT = 150
GAP = 16
# inner margins of a panel: room for the title above, axis labels left and dates below
TOP, RIGHT, BOTTOM, LEFT = 26, 12, 28, 34
INSET = 10


@dataclass(frozen=True)
class Series:
    """One instrument's scores over time."""

    key: str  # instrument id, used as a CSS class and data attribute
    label: str  # shown above the panel, e.g. "ODI (%)"
    points: tuple[tuple[dt.date, Decimal], ...]
    scale_max: Decimal  # the top of the instrument's scale (10 or 100)
    higher_is_better: bool | None = None


def _fmt(value: Decimal) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _num(value: float) -> str:
    return f"{value:.1f}"


def _date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def scores_svg(series: list[Series], title: str = "", empty_text: str = "") -> str:
    """The SVG document (without XML declaration, so it can be inlined too)."""
    count = max(len(series), 1)
    width = count * PANEL_WIDTH + (count - 1) * GAP
    height = PANEL_HEIGHT
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="score-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f"aria-label={quoteattr(title or 'scores')}>",
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    if not series:
        out.append(
            f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" '
            f'font-size="12" fill="#5b6776">{escape(empty_text)}</text>'
        )
    for i, s in enumerate(series):
        out.append(_panel(s, i * (PANEL_WIDTH + GAP), COLOURS[i % len(COLOURS)]))
    out.append("</svg>")
    return "".join(out)


def _panel(s: Series, x0: int, colour: str) -> str:
    inner_w = PANEL_WIDTH - LEFT - RIGHT
    inner_h = PANEL_HEIGHT - TOP - BOTTOM
    left, bottom = x0 + LEFT, TOP + inner_h
    top_value = s.scale_max if s.scale_max > 0 else Decimal(1)
    parts = [
        f'<g class="panel" data-instrument={quoteattr(s.key)} font-family="system-ui, sans-serif">',
        f'<text x="{x0 + LEFT}" y="14" font-size="12" font-weight="600" fill="#1d2733">'
        f"{escape(s.label)}</text>",
    ]
    # axis and three gridlines: 0, half, top of the scale
    for fraction in (0.0, 0.5, 1.0):
        y = bottom - fraction * inner_h
        value = top_value * Decimal(str(fraction))
        parts.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{left + inner_w}" y2="{_num(y)}" '
            f'stroke="#d8dee6" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{_num(y + 4)}" font-size="10" text-anchor="end" '
            f'fill="#5b6776">{_fmt(value)}</text>'
        )
    dates = [d for d, _ in s.points]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    span = (last - first).days if first is not None and last is not None else 0

    # the dots keep clear of the axis labels on the left and the panel's edge on the right
    x_left, x_width = left + INSET, inner_w - 2 * INSET

    def x_of(d: dt.date) -> float:
        if first is None or span == 0:
            return left + inner_w / 2
        return x_left + x_width * (d - first).days / span

    def y_of(v: Decimal) -> float:
        clamped = min(max(v, Decimal(0)), top_value)
        return bottom - float(clamped / top_value) * inner_h

    ordered = sorted(s.points, key=lambda p: p[0])  # stable: same-day scores keep their order
    if span == 0 and len(ordered) > 1:
        # all on one day (say, a baseline entered twice): spread them in the order given
        step = x_width / (len(ordered) - 1)
        coords = [(x_left + i * step, y_of(v), v, d) for i, (d, v) in enumerate(ordered)]
    else:
        coords = [(x_of(d), y_of(v), v, d) for d, v in ordered]
    points = " ".join(f"{_num(x)},{_num(y)}" for x, y, _, _ in coords)
    parts.append(
        f'<polyline class="series" data-instrument={quoteattr(s.key)} points="{points}" '
        f'fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
    )
    for x, y, v, d in coords:
        parts.append(
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{colour}">'
            f"<title>{escape(_date(d))}: {escape(_fmt(v))}</title></circle>"
            f'<text x="{_num(x)}" y="{_num(y - 7)}" font-size="10" text-anchor="middle" '
            f'fill="{colour}">{escape(_fmt(v))}</text>'
        )
    if first is not None and last is not None:
        parts.append(
            f'<text x="{left}" y="{PANEL_HEIGHT - 8}" font-size="10" fill="#5b6776">'
            f"{escape(_date(first))}</text>"
        )
        if last != first:
            parts.append(
                f'<text x="{left + inner_w}" y="{PANEL_HEIGHT - 8}" font-size="10" '
                f'text-anchor="end" fill="#5b6776">{escape(_date(last))}</text>'
            )
    parts.append("</g>")
    return "".join(parts)
