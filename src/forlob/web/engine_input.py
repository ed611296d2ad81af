"""The rule engine's input from the app: a patient's lines at the clinic → the audit frame.

The app never judges a line itself: it builds the input of formats.md from the patient's lines
at the clinic (every course, since rules such as NR-0242-NO-PRIOR and CH-EXAM-LEVEL look at
the patient's other services at the provider) and calls `forlob.rules.audit_frame`, the engine
of `forlob audit`. Each finding comes back on the line it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from django.utils.translation import get_language

from forlob.rules import audit_frame
from forlob.texts import LANGUAGES, language_of
from forlob.web.models import Course, ServiceLine

# the key of a line being entered, before it has a pk
NEW_LINE = "new"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    # the engine's message in each language (stored with the findings, so a page in either
    # language reads it without running the engine again)
    message_da: str
    message_en: str
    # the ServiceLine's pk, or NEW_LINE for the line being entered
    line: int | str
    service_date: str | None
    code: str | None

    @property
    def message(self) -> str:
        """The message in the language of the page or API response being made."""
        return self.message_en if language_of(get_language()) == "en" else self.message_da

    @property
    def date(self) -> dt.date | None:
        """The line's date as a date (for display), None when the engine gave none."""
        try:
            return dt.date.fromisoformat(self.service_date) if self.service_date else None
        except ValueError:
            return None


@dataclass(frozen=True)
class Row:
    """One line of the engine's input: a saved line (its pk) or one being entered."""

    key: int | str
    course: Course
    service_date: dt.date
    code: str
    team_size: int | None
    quantity: int


def patient_lines(course: Course) -> list[ServiceLine]:
    """The lines of the course's patient at its clinic, every course, in saving order."""
    return list(
        ServiceLine.objects.filter(
            course__patient_id=course.patient_id, course__clinic_id=course.clinic_id
        )
        .select_related("course", "course__referral", "course__patient", "course__clinic")
        .order_by("service_date", "id")
    )


def row(line: ServiceLine) -> Row:
    return Row(line.pk, line.course, line.service_date, line.code, line.team_size, line.quantity)


def ordered(rows: Iterable[Row]) -> list[Row]:
    # input order = date, then saving order (new lines last on their day), as a clinic's export
    return sorted(
        rows,
        key=lambda r: (r.service_date, r.key == NEW_LINE, r.key if isinstance(r.key, int) else 0),
    )


def frame(rows: list[Row]) -> pl.DataFrame:
    """The audit input of formats.md, every column text, one row per line in `rows`' order."""
    data: dict[str, list[str]] = {
        "patient_id": [str(r.course.patient_id) for r in rows],
        "provider_id": [r.course.clinic.provider_id for r in rows],
        "service_date": [r.service_date.isoformat() for r in rows],
        "service_code": [r.code for r in rows],
        "course_id": [str(r.course.pk) for r in rows],
        "referral_date": [r.course.referral.date.isoformat() for r in rows],
        "birth_date": [r.course.patient.birth_date.isoformat() for r in rows],
        "team_size": ["" if r.team_size is None else str(r.team_size) for r in rows],
        "quantity": [str(r.quantity) for r in rows],
    }
    return pl.DataFrame(data, schema={k: pl.String for k in data})


def findings(rows: list[Row]) -> list[tuple[Row, Finding]]:
    """The engine's findings on `rows`, each with the row it is on (rows may hold several
    patients)."""
    if not rows:
        return []
    out = []
    for f in audit_frame(frame(rows), lang=LANGUAGES).iter_rows(named=True):
        r = rows[f["row"] - 1]
        finding = Finding(
            rule_id=f["rule_id"],
            severity=f["severity"],
            message_da=f["message_da"],
            message_en=f["message_en"],
            line=r.key,
            service_date=f["service_date"],
            code=f["service_code"],
        )
        out.append((r, finding))
    return out
