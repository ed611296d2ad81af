"""Documents made from a course: the FHIR bundle and the letters (issue 5 §5, §6).

One function per document, called by the page, the API and the CLI alike.
"""

from __future__ import annotations

from typing import Any

from forlob.fhir import bundle_json
from forlob.web import auditlog
from forlob.web.models import AuditEvent, Course, Letter
from forlob.web.records import course_record


def course_fhir_json(user: Any, course: Course) -> str:
    """The course as a FHIR R4B Bundle (JSON), with the saved discharge letter if any."""
    letter = Letter.objects.filter(course=course, kind=Letter.DISCHARGE).first()
    text = bundle_json(
        course_record(course),
        letter_text=letter.text if letter else None,
        letter_title=str(Letter.DISCHARGE_TITLE) if letter else None,
    )
    auditlog.record(user, AuditEvent.EXPORT, course, detail="fhir")
    return text
