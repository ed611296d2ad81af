"""Letters from a course (no Django): the discharge letter to the GP and the rheumatology referral.

Prefilled letters are built from a `forlob.course_record.CourseRecord`, in Danish, with the sections
Region Hovedstaden's programme asks for (003 §4.6 Samarbejde og kommunikation mellem
sektorerne). Which sections, in which order and with which content is data
(`data/letters.toml`, every section with its 003 source); fixed wording is `data/texts.toml`.

Building a letter::

    discharge_letter(record, *, date=None) -> Letter      # epikrise til egen læge
    rheumatology_referral(record, *, date=None) -> Letter  # henvisning til reumatologisk afd.

The physiotherapy discharge letter follows 003's list for physiotherapists (reason for
referral; status with the outcome measures, the patient's view and attendance; treatment given;
suggestions for further work-up, only when the clinician gave one; information to the patient);
a course whose `profession` is "chiropractic" follows the chiropractors' list (diagnosis,
reason, clinical problem, course of treatment, findings, imaging, suggestions). `date` is the
letter's date: by default the closing date, or today for a course still running.

A `Letter` is immutable: `kind`, `title`, `header` (recipient, sender, date and the patient
line, the only place the CPR number is written, as DDMMYY-XXXX) and `sections` (`Section`
with `heading` and `body`). It renders as

    letter.text() -> str              plain text, the form the clinician edits
    letter.html(document=True) -> str HTML, escaped; document=False gives one <article>
    letter.pdf() -> bytes             A4 PDF with the TrueType fonts embedded

Edited letters: the web app shows `letter.text()` for editing and stores the edited text.
The text layout (see `forlob.letters.letter`) reads back losslessly, so a stored text renders
like a fresh letter::

    letter_from_text(text, *, kind="edited", title=None) -> Letter
    render_html(text, *, title=None, document=True) -> str
    render_pdf(text, *, title=None) -> bytes

`title` is used only when the text has no underlined title line of its own.
"""

from forlob.letters.compose import compose, discharge_letter, rheumatology_referral
from forlob.letters.letter import Letter, Section, letter_from_text, render_html, render_pdf
from forlob.letters.texts import LettersDataError, load_texts

__all__ = [
    "Letter",
    "LettersDataError",
    "Section",
    "compose",
    "discharge_letter",
    "letter_from_text",
    "load_texts",
    "render_html",
    "render_pdf",
    "rheumatology_referral",
]
