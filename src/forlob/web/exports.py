"""Service lines as the audit CSV of formats.md, so a clinic can run `forlob audit` on its own
billing.

`patient_id` is forlob's own patient id, not the CPR number: the audit only needs an
identifier it can compare (as a string) across a patient's lines, so the file carries no
more personal data than that (data minimisation; the CPR stays in the app). The birth date is
there because rules read the patient's age. Every value is an id, a code, a date or a
number: no names or free text, so nothing a spreadsheet could execute either.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from forlob.web.models import Clinic, Course, ServiceLine

COLUMNS = (
    "patient_id",
    "provider_id",
    "service_date",
    "service_code",
    "course_id",
    "referral_date",
    "birth_date",
    "team_size",
    "quantity",
)

_FIELDS = (
    "course__patient_id",
    "course__clinic__provider_id",
    "service_date",
    "code",
    "course_id",
    "course__referral__date",
    "course__patient__birth_date",
    "team_size",
    "quantity",
)

CHUNK_ROWS = 2000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    # ids and codes are text already (codes keep their leading zeros: "0241")
    return str(value)


def _lines(qs: QuerySet[ServiceLine]) -> Iterator[tuple[Any, ...]]:
    return (
        qs.order_by("course__patient_id", "service_date", "course_id", "id")
        .values_list(*_FIELDS)
        .iterator(chunk_size=CHUNK_ROWS)
    )


def course_rows(course: Course) -> Iterator[tuple[Any, ...]]:
    return _lines(ServiceLine.objects.filter(course=course))


def clinic_rows(clinic: Clinic) -> Iterator[tuple[Any, ...]]:
    return _lines(ServiceLine.objects.filter(course__clinic=clinic))


class _Echo:
    """A file-like object whose write() hands the line back (csv.writer into a stream)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[tuple[Any, ...]], chunk_rows: int = 500) -> Iterator[str]:
    """The CSV text in chunks: the header, then `chunk_rows` lines at a time."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(COLUMNS)
    buf: list[str] = []
    for row in rows:
        buf.append(writer.writerow([_text(v) for v in row]))
        if len(buf) >= chunk_rows:
            yield "".join(buf)
            buf = []
    if buf:
        yield "".join(buf)


def course_filename(course: Course, on: dt.date) -> str:
    """No personal data in the name: the course's id and the day of the export."""
    return f"forlob-course-{course.pk}-{on.isoformat()}.csv"


def clinic_filename(clinic: Clinic, on: dt.date) -> str:
    """The clinic's provider number (ydernummer) is the clinic's, not a patient's."""
    return f"forlob-{clinic.provider_id}-{on.isoformat()}.csv"
