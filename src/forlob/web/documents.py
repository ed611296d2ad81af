"""Documents made from a course: the letters and the FHIR bundle (issue 5 §5, §6).

One function per document, called by the page, the API and the CLI alike. A letter is the
clinician's saved text when there is one, else the prefilled letter from `forlob.letters`.
"""

from __future__ import annotations

from typing import Any

from forlob.fhir import bundle_json
from forlob.letters import Letter as LetterDoc
from forlob.letters import compose, letter_from_text
from forlob.web import auditlog
from forlob.web.models import AuditEvent, Course, Letter
from forlob.web.records import course_record

# the app's letter kinds and forlob.letters' names for them
LETTER_KINDS = {Letter.DISCHARGE: "discharge", Letter.RHEUMATOLOGY: "referral-rheumatology"}


def prefilled_letter(course: Course, kind: str) -> LetterDoc:
    return compose(LETTER_KINDS[kind], course_record(course))


def course_letter(course: Course, kind: str) -> tuple[LetterDoc, Letter | None]:
    """The letter to show: the saved text read back, or the prefilled letter."""
    saved = Letter.objects.filter(course=course, kind=kind).first()
    if saved is not None:
        return letter_from_text(saved.text, kind=LETTER_KINDS[kind]), saved
    return prefilled_letter(course, kind), None


def course_fhir_json(user: Any, course: Course) -> str:
    """The course as a FHIR R4B Bundle (JSON), with its discharge letter (saved or prefilled)."""
    letter, _saved = course_letter(course, Letter.DISCHARGE)
    text = bundle_json(course_record(course), letter_text=letter.text(), letter_title=letter.title)
    auditlog.record(user, AuditEvent.EXPORT, course, detail="fhir")
    return text
