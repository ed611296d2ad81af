"""Letters of a course as the clinician edited them (003 §4.6)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from forlob.web import auditlog
from forlob.web.models import AuditEvent, Course, Letter


@transaction.atomic
def do_save_letter(user: Any, course: Course, kind: str, text: str) -> Letter:
    letter, created = Letter.objects.get_or_create(
        course=course, kind=kind, defaults={"text": text, "updated_by": user}
    )
    if not created:
        letter.text = text
        letter.updated_by = user
        letter.save()
    action = AuditEvent.CREATE if created else AuditEvent.UPDATE
    auditlog.record(user, action, letter, clinic=course.clinic, detail=kind)
    return letter
