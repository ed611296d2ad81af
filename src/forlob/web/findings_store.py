"""The engine's findings stored per course, with the key of everything they depend on.

A course page reads its findings back while the key is current and runs the engine only when
an input changed: a line of the patient at the clinic (any course), the birth date, a referral
date, the provider or the catalogue. The key covers every input, so a change made any way
(a page, the API, straight in the database) is judged without an action having to remember to.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable

from django.db import transaction

from forlob.catalogue import load_catalogue
from forlob.web import engine_input
from forlob.web.engine_input import Finding
from forlob.web.models import Course, ServiceLine


def findings_key(lines: list[ServiceLine], course: Course) -> str:
    """The key of everything a patient's findings depend on: the catalogue, the provider, the
    birth date and each line of the patient at the clinic (with its course's referral date).
    `lines` in the order `engine_input.patient_lines` gives them."""
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
    rows = [engine_input.row(x) for pair_lines in by_pair.values() for x in pair_lines]
    found: dict[tuple[int, int], list[Finding]] = {pair: [] for pair in by_pair}
    for r, f in engine_input.findings(rows):
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


def current_findings(
    course: Course, lines: list[ServiceLine], courses: list[Course]
) -> dict[int, list[Finding]]:
    """Each of `courses`' findings now: read back where their stored key is current, else
    computed for the whole patient and stored. `lines`: the patient's lines at the clinic;
    `courses`: the patient's courses at the clinic (at least those of `lines`)."""
    key = findings_key(lines, course)
    if all(c.findings_key == key and c.findings is not None for c in courses):
        return {c.pk: [Finding(**f) for f in c.findings or []] for c in courses}
    rows = engine_input.ordered(engine_input.row(line) for line in lines)
    found = [f for _r, f in engine_input.findings(rows)]
    line_course = {x.pk: x.course_id for x in lines}
    shares = store_findings(key, {c.pk for c in courses}, found, line_course)
    for c in courses:
        c.findings = [dataclasses.asdict(f) for f in shares[c.pk]]
        c.findings_key = key
    return shares


def patient_courses(course: Course, lines: list[ServiceLine]) -> list[Course]:
    """The patient's courses at the clinic that have lines (loaded with them, no query)."""
    by_pk = {x.course_id: x.course for x in lines}
    by_pk[course.pk] = course
    return list(by_pk.values())


def course_findings(course: Course) -> list[Finding]:
    """The findings on this course's lines now (the patient's other courses give context)."""
    lines = engine_input.patient_lines(course)
    others = [c for c in patient_courses(course, lines) if c.pk != course.pk]
    return current_findings(course, lines, [course, *others])[course.pk]
