"""HTML and PDF of a letter.

Both read a section body the same way: paragraphs split by blank lines, lines starting with
"- " as list items, other line breaks kept. Everything from the letter is escaped (clinician
text may hold anything). The PDF embeds Bitstream Vera (TrueType, `fonts/`, with its licence)
so æ, ø and å print the same everywhere and no PDF core font is used.
"""

from __future__ import annotations

import html
import io
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

if TYPE_CHECKING:
    from forlob.letters.letter import Letter

__all__ = ["letter_html", "letter_pdf"]

FONT = "ForlobVera"
FONT_BOLD = "ForlobVera-Bold"

_CSS = """\
.forlob-letter { font-family: "Bitstream Vera Sans", "DejaVu Sans", Verdana, sans-serif;
  font-size: 11pt; line-height: 1.4; max-width: 42em; color: #111; }
.forlob-letter h1 { font-size: 15pt; margin: 0 0 0.8em; }
.forlob-letter h2 { font-size: 11.5pt; margin: 1.2em 0 0.3em; }
.forlob-letter .letter-header { margin: 0 0 1em; }
.forlob-letter p, .forlob-letter ul { margin: 0 0 0.5em; }
.forlob-letter ul { padding-left: 1.4em; }"""


# -- reading a body ----------------------------------------------------------------------------
def _blocks(body: str) -> Iterator[tuple[str, list[str]]]:
    """("p", lines) for a paragraph, ("ul", items) for a list, in order."""
    run_kind = ""
    run: list[str] = []
    for line in [*body.split("\n"), ""]:
        stripped = line.strip()
        kind = "" if not stripped else ("ul" if stripped.startswith("- ") else "p")
        if kind != run_kind and run:
            yield run_kind, run
            run = []
        run_kind = kind
        if kind == "ul":
            run.append(stripped[2:].strip())
        elif kind == "p":
            run.append(stripped)


# -- HTML --------------------------------------------------------------------------------------
def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def letter_html(letter: Letter, *, document: bool = True) -> str:
    out = [f'<article class="forlob-letter" data-kind="{_esc(letter.kind)}">']
    if letter.title:
        out.append(f"<h1>{_esc(letter.title)}</h1>")
    if letter.header:
        header = "<br>\n".join(_esc(line) for line in letter.header)
        out.append(f'<p class="letter-header">{header}</p>')
    for section in letter.sections:
        out.append("<section>")
        out.append(f"<h2>{_esc(section.heading)}</h2>")
        for kind, lines in _blocks(section.body):
            if kind == "ul":
                out.append("<ul>")
                out += [f"<li>{_esc(item)}</li>" for item in lines]
                out.append("</ul>")
            else:
                out.append("<p>" + "<br>\n".join(_esc(line) for line in lines) + "</p>")
        out.append("</section>")
    out.append("</article>")
    fragment = "\n".join(out) + "\n"
    if not document:
        return fragment
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(letter.title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"{fragment}</body>\n</html>\n"
    )


# -- PDF ---------------------------------------------------------------------------------------
@cache
def _fonts() -> TTFont:
    """Register the embedded fonts once; returns the regular face for glyph look-ups."""
    fonts = resources.files("forlob.letters").joinpath("fonts")
    regular = None
    for name, file in ((FONT, "Vera.ttf"), (FONT_BOLD, "VeraBd.ttf")):
        with resources.as_file(fonts.joinpath(file)) as path:
            font = TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        regular = regular or font
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    assert regular is not None
    return regular


def _printable(text: str, font: TTFont) -> str:
    """Characters the font lacks become their plain form ("→" has none: "?") rather than an
    empty box, so an edited letter never prints silently wrong."""
    glyphs: Any = font.face.charToGlyph
    out = []
    for ch in text:
        if ch in "\n\t" or ord(ch) in glyphs:
            out.append(ch)
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        out.append(plain if plain and all(ord(c) in glyphs for c in plain) else "?")
    return "".join(out)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=FONT, bulletFontName=FONT, fontSize=10, leading=13.5, spaceAfter=4
    )
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=10
        ),
        "header": ParagraphStyle("header", parent=base, spaceAfter=12),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "body": base,
        "item": ParagraphStyle(
            "item", parent=base, leftIndent=5 * mm, bulletIndent=1 * mm, spaceAfter=2
        ),
    }


def letter_pdf(letter: Letter) -> bytes:
    font = _fonts()
    styles = _styles()

    def para(text: str, style: str, **kwargs: Any) -> Paragraph:
        escaped = html.escape(_printable(text, font), quote=False)
        return Paragraph(escaped.replace("\n", "<br/>"), styles[style], **kwargs)

    story: list[Any] = []
    if letter.title:
        story.append(para(letter.title, "title"))
    if letter.header:
        story.append(para("\n".join(letter.header), "header"))
    for section in letter.sections:
        story.append(para(section.heading, "heading"))
        for kind, lines in _blocks(section.body):
            if kind == "ul":
                story += [para(item, "item", bulletText="•") for item in lines]
            else:
                story.append(para("\n".join(lines), "body"))
        story.append(Spacer(1, 2))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"Side {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=22 * mm,
        title=_printable(letter.title, font),
        creator="forlob",
        # reportlab starts every page in Helvetica, a core font that is never embedded
        initialFontName=FONT,
        # no timestamps or random ids: the same letter gives the same bytes
        invariant=True,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
