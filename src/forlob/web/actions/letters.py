"""Letters of a course as the clinician edited them (003 §4.6)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from forlob.web import auditlog
from forlob.web.models import AuditEvent, Course, Letter


@transaction.atomic(durable=True)
def do_save_letter(course: Course, kind: str, text: str, *, actor: User) -> Letter:
    """Create or rewrite the course's letter of `kind` (one per kind and course).

    The course's row is locked first, so two saves of a new letter at once are one after the
    other: the second finds the first's letter instead of meeting the unique constraint (which
    get_or_create would survive, leaving an error in PostgreSQL's log). SQLite's IMMEDIATE
    transactions serialise them the same way."""
    list(Course.objects.select_for_update().filter(pk=course.pk).values_list("pk"))
    letter, created = Letter.objects.get_or_create(
        course=course, kind=kind, defaults={"text": text, "updated_by": actor}
    )
    if not created:
        letter.text = text
        letter.updated_by = actor
        letter.save()
    action = AuditEvent.CREATE if created else AuditEvent.UPDATE
    auditlog.record(actor, action, letter, clinic=course.clinic, detail=kind)
    return letter
