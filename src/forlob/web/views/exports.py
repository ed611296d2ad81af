"""Export service lines as the audit CSV of formats.md: one course, or the whole active clinic.

Any clinician or admin of the active clinic may export (the billing is the clinic's); each
export is recorded in the audit log as EXPORT. The clinic's file is streamed, so its size does
not matter.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from forlob.web import auditlog
from forlob.web.access import AuthedRequest, access_course, access_patient_data
from forlob.web.exports import (
    clinic_filename,
    clinic_rows,
    course_filename,
    course_rows,
    csv_chunks,
)
from forlob.web.models import AuditEvent

CONTENT_TYPE = "text/csv; charset=utf-8"


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


@login_required
@require_GET
def course_export(request: AuthedRequest, course_id: int) -> HttpResponse:
    course, _rights = access_course(request, course_id)
    auditlog.record(request.user, AuditEvent.EXPORT, course, detail="audit_csv")
    response = HttpResponse("".join(csv_chunks(course_rows(course))), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(course_filename(course, timezone.localdate()))
    return response


@login_required
@require_GET
def clinic_export(request: AuthedRequest) -> StreamingHttpResponse:
    clinic = access_patient_data(request).clinic
    auditlog.record(request.user, AuditEvent.EXPORT, clinic, detail="audit_csv")
    response = StreamingHttpResponse(csv_chunks(clinic_rows(clinic)), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(clinic_filename(clinic, timezone.localdate()))
    return response
