"""Checking a course's service lines with the rule engine of `forlob audit` (issue 4 §5).

The app never judges a line itself: it builds the audit input of formats.md from the patient's
lines at the clinic (every course, since rules such as NR-0242-NO-PRIOR and CH-EXAM-LEVEL look
at the patient's other services at the provider) and calls `forlob.rules.audit_frame`. A change
is judged by the findings it adds: those present after the change and not before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl
from django.db import transaction

from forlob.catalogue import load_catalogue
from forlob.rules import audit_frame
from forlob.web.models import Course, ServiceLine

NEW_LINE = "new"


@dataclass(frozen=True)
class LineDraft:
    """A service line as entered, before it is saved."""

    service_date: dt.date
    code: str
    team_size: int | None = None
    quantity: int = 1


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    message: str
    # the ServiceLine's pk, or NEW_LINE for the line being entered
    line: int | str
    service_date: str | None
    code: str | None

    @property
    def date(self) -> dt.date | None:
        """The line's date as a date (for display), None when the engine gave none."""
        try:
            return dt.date.fromisoformat(self.service_date) if self.service_date else None
        except ValueError:
            return None


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    @property
    def blocked(self) -> bool:
        return bool(self.errors)

    @property
    def needs_reason(self) -> bool:
        return bool(self.warnings)


@dataclass(frozen=True)
class _Row:
    key: int | str
    course: Course
    service_date: dt.date
    code: str
    team_size: int | None
    quantity: int


def _patient_lines(course: Course) -> list[ServiceLine]:
    return list(
        ServiceLine.objects.filter(
            course__patient_id=course.patient_id, course__clinic_id=course.clinic_id
        )
        .select_related("course", "course__referral", "course__patient", "course__clinic")
        .order_by("service_date", "id")
    )


def _frame(rows: list[_Row]) -> pl.DataFrame:
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


def _findings(rows: list[_Row]) -> list[tuple[_Row, Finding]]:
    """Each finding with the row it is on (rows may hold several patients)."""
    if not rows:
        return []
    out = []
    for f in audit_frame(_frame(rows)).iter_rows(named=True):
        r = rows[f["row"] - 1]
        finding = Finding(
            rule_id=f["rule_id"],
            severity=f["severity"],
            message=f["message"],
            line=r.key,
            service_date=f["service_date"],
            code=f["service_code"],
        )
        out.append((r, finding))
    return out


def _row(line: ServiceLine) -> _Row:
    return _Row(line.pk, line.course, line.service_date, line.code, line.team_size, line.quantity)


def _ordered(rows: Iterable[_Row]) -> list[_Row]:
    # input order = date, then saving order (new lines last on their day), as a clinic's export
    return sorted(
        rows,
        key=lambda r: (r.service_date, r.key == NEW_LINE, r.key if isinstance(r.key, int) else 0),
    )


def findings_key(lines: list[ServiceLine], course: Course) -> str:
    """The key of everything a patient's findings depend on: the catalogue, the provider, the
    birth date and each line of the patient at the clinic (with its course's referral date).
    `lines` in the order `_patient_lines` gives them."""
    h = hashlib.sha256(
        f"{load_catalogue().digest}|{course.clinic.provider_id}|{course.patient.birth_date}".encode()
    )
    for x in lines:
        h.update(
            f"|{x.pk},{x.course_id},{x.service_date},{x.code},{x.team_size},{x.quantity},"
            f"{x.course.referral.date}".encode()
        )
    return h.hexdigest()


def store_findings(
    key: str, course_ids: Iterable[int], found: list[Finding], line_course: dict[int, int]
) -> dict[int, list[Finding]]:
    """Save each course's share of a patient's findings with their key; returns the shares."""
    shares: dict[int, list[Finding]] = {c: [] for c in course_ids}
    for f in found:
        if isinstance(f.line, int) and line_course.get(f.line) in shares:
            shares[line_course[f.line]].append(f)
    for course_id, share in shares.items():
        Course.objects.filter(pk=course_id).update(
            findings=[dataclasses.asdict(f) for f in share], findings_key=key
        )
    return shares


# patients per audit of refresh_all_findings: bounds memory and the SQL parameter count
_REFRESH_BATCH = 2000


def refresh_all_findings(courses: Iterable[Course]) -> int:
    """Store the findings of every patient of `courses`, auditing the lines of many patients
    at once (the vectorised engine, as `forlob audit` runs it): after a catalogue update, or
    for a database loaded in bulk. Returns the number of courses stored."""
    pairs = {(c.patient_id, c.clinic_id) for c in courses}
    patients = sorted({p for p, _c in pairs})
    stored = 0
    for i in range(0, len(patients), _REFRESH_BATCH):
        stored += _refresh_batch(patients[i : i + _REFRESH_BATCH], pairs)
    return stored


@transaction.atomic
def _refresh_batch(patients: list[int], pairs: set[tuple[int, int]]) -> int:
    by_pair: dict[tuple[int, int], list[ServiceLine]] = {}
    for x in (
        ServiceLine.objects.filter(course__patient_id__in=patients)
        .select_related("course", "course__referral", "course__patient", "course__clinic")
        .order_by("course__patient_id", "course__clinic_id", "service_date", "id")
    ):
        pair = (x.course.patient_id, x.course.clinic_id)
        if pair in pairs:
            by_pair.setdefault(pair, []).append(x)
    rows = [_row(x) for pair_lines in by_pair.values() for x in pair_lines]
    found: dict[tuple[int, int], list[Finding]] = {pair: [] for pair in by_pair}
    for r, f in _findings(rows):
        found[(r.course.patient_id, r.course.clinic_id)].append(f)
    course_ids: dict[tuple[int, int], set[int]] = {}
    for c in Course.objects.filter(patient_id__in=patients).only("id", "patient_id", "clinic_id"):
        course_ids.setdefault((c.patient_id, c.clinic_id), set()).add(c.pk)
    stored = 0
    for pair, pair_lines in by_pair.items():
        key = findings_key(pair_lines, pair_lines[0].course)
        line_course = {x.pk: x.course_id for x in pair_lines}
        stored += len(store_findings(key, course_ids[pair], found[pair], line_course))
    return stored


def _current_findings(
    course: Course, lines: list[ServiceLine], courses: list[Course]
) -> dict[int, list[Finding]]:
    """Each of `courses`' findings now: read back where their stored key is current, else
    computed for the whole patient and stored. `lines`: the patient's lines at the clinic;
    `courses`: the patient's courses at the clinic (at least those of `lines`)."""
    key = findings_key(lines, course)
    if all(c.findings_key == key and c.findings is not None for c in courses):
        return {c.pk: [Finding(**f) for f in c.findings or []] for c in courses}
    found = [f for _r, f in _findings(_ordered(_row(line) for line in lines))]
    line_course = {x.pk: x.course_id for x in lines}
    shares = store_findings(key, {c.pk for c in courses}, found, line_course)
    for c in courses:
        c.findings = [dataclasses.asdict(f) for f in shares[c.pk]]
        c.findings_key = key
    return shares


def course_findings(course: Course) -> list[Finding]:
    """The findings on this course's lines now (the patient's other courses give context).

    Computed by the rule engine when anything they depend on changed, else read back: the
    stored key covers every input, so a changed line, birth date or catalogue recomputes them
    without any action having to remember to.
    """
    lines = _patient_lines(course)
    others = [c for c in _patient_courses(course, lines) if c.pk != course.pk]
    return _current_findings(course, lines, [course, *others])[course.pk]


def _patient_courses(course: Course, lines: list[ServiceLine]) -> list[Course]:
    """The patient's courses at the clinic that have lines (loaded with them, no query)."""
    by_pk = {x.course_id: x.course for x in lines}
    by_pk[course.pk] = course
    return list(by_pk.values())


def check_change(
    course: Course,
    draft: LineDraft | None = None,
    replacing: ServiceLine | None = None,
    deleting: ServiceLine | None = None,
) -> CheckResult:
    """The findings a change would add: a new line (`draft`), an edited line (`draft` with
    `replacing`) or a deleted one (`deleting`). Findings already there before are not counted
    against the change; the course page shows them all the time.
    """
    lines = _patient_lines(course)
    current = [_row(line) for line in lines]
    # what is there now: usually the stored findings, so a change runs the engine once
    before = [
        f
        for share in _current_findings(course, lines, _patient_courses(course, lines)).values()
        for f in share
    ]
    after_rows = [r for r in current if deleting is None or r.key != deleting.pk]
    if draft is not None:
        key: int | str = NEW_LINE
        if replacing is not None:
            after_rows = [r for r in after_rows if r.key != replacing.pk]
            key = replacing.pk
        after_rows.append(
            _Row(key, course, draft.service_date, draft.code, draft.team_size, draft.quantity)
        )
    after = [f for _r, f in _findings(_ordered(after_rows))]
    seen = {(f.line, f.rule_id) for f in before}
    if replacing is not None:
        # the edited line is judged afresh: all its findings count
        seen = {s for s in seen if s[0] != replacing.pk}
    return CheckResult([f for f in after if (f.line, f.rule_id) not in seen])
