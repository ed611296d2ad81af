"""The letter as data and its plain-text form, which is also the form a clinician edits.

The text layout is the contract between the prefilled letter and the edited one the web app
stores: `letter_from_text(letter.text())` gives the letter back, so an edited text can be
rendered as HTML or PDF exactly like a prefilled letter.

Layout (UTF-8, "\\n" line ends, no hard wrapping)::

    Epikrise til egen læge          title
    ======================          a line of "=" under it
                                    blank line
    Til: Egen læge …                header lines, one per line (recipient, sender, date,
    Patient: …, CPR 010186-1234     and the patient; the only place the CPR number is written)
                                    blank line
    Status                          section heading
    ------                          a line of "-" under it
    Text of the section.            body: paragraphs split by blank lines; lines starting
    - a list item                   with "- " are list items

Any line followed by a line of three or more "-" is a heading; everything between the title
and the first heading is header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from forlob.letters.render import letter_html, letter_pdf

__all__ = ["Letter", "Section", "letter_from_text", "render_html", "render_pdf"]

_TITLE_RULE = re.compile(r"^=+\s*$")
_HEADING_RULE = re.compile(r"^-{3,}\s*$")


@dataclass(frozen=True)
class Section:
    heading: str
    body: str


@dataclass(frozen=True)
class Letter:
    """A letter ready to render. `kind` is "discharge", "referral-rheumatology" or "edited"."""

    kind: str
    title: str
    header: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(s.heading for s in self.sections)

    def section(self, heading: str) -> Section | None:
        return next((s for s in self.sections if s.heading == heading), None)

    def text(self) -> str:
        """The plain-text letter (the layout in the module docstring), ending in a newline."""
        out: list[str] = []
        if self.title:
            out += [self.title, "=" * max(len(self.title), 3), ""]
        if self.header:
            out += [*self.header, ""]
        for s in self.sections:
            out += [s.heading, "-" * max(len(s.heading), 3)]
            if s.body:
                out.append(s.body)
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"

    def html(self, *, document: bool = True) -> str:
        """HTML, escaped; a whole document, or with `document=False` one `<article>`."""
        return letter_html(self, document=document)

    def pdf(self) -> bytes:
        """A4 PDF with its TrueType fonts embedded."""
        return letter_pdf(self)


def _strip_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def letter_from_text(text: str, *, kind: str = "edited", title: str | None = None) -> Letter:
    """Read a (possibly edited) letter text back into a `Letter`.

    The title underlined with "=" in the text wins; `title` is used when the text has none.
    Text that does not follow the layout is kept, not rejected: without headings it all becomes
    header lines, so nothing the clinician wrote is lost.
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = _strip_blank(lines)
    found_title = ""
    if len(lines) >= 2 and lines[0].strip() and _TITLE_RULE.match(lines[1]):
        found_title = lines[0].strip()
        lines = lines[2:]
    heading_at = [
        i
        for i in range(len(lines) - 1)
        if lines[i].strip()
        and not _HEADING_RULE.match(lines[i])
        and _HEADING_RULE.match(lines[i + 1])
    ]
    first = heading_at[0] if heading_at else len(lines)
    header = tuple(line.strip() for line in lines[:first] if line.strip())
    sections = []
    for n, i in enumerate(heading_at):
        end = heading_at[n + 1] if n + 1 < len(heading_at) else len(lines)
        body = "\n".join(_strip_blank(lines[i + 2 : end]))
        sections.append(Section(lines[i].strip(), body))
    return Letter(
        kind=kind,
        title=found_title or (title or ""),
        header=header,
        sections=tuple(sections),
    )


def render_html(text: str, *, title: str | None = None, document: bool = True) -> str:
    """HTML of a stored (edited) letter text; see `letter_from_text` for `title`."""
    return letter_from_text(text, title=title).html(document=document)


def render_pdf(text: str, *, title: str | None = None) -> bytes:
    """PDF of a stored (edited) letter text; see `letter_from_text` for `title`."""
    return letter_from_text(text, title=title).pdf()
