"""Courses (forløb) and their service lines, each change of the lines checked by the rule engine.

A registration's check and its write are one serialised step (`_checked_write`): the action's
transaction first locks the patient's and the course's rows, then computes the findings the
change would add on the patient's lines as they are now, and writes the line only if they allow
it. A second registration waits for the lock and is judged with the first one's line in place,
so two clinicians saving the same status consultation at once cannot both get it through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from forlob.web import auditlog
from forlob.web.change_check import CheckResult, LineDraft, check_change
from forlob.web.models import AuditEvent, Course, Patient, Referral, ServiceLine
from forlob.web.plans import refresh_plan

COURSE_FIELDS = ("planned_start", "planned_closing", "status", "clinician")


@transaction.atomic(durable=True)
def do_start_course(
    referral: Referral,
    pathway: str,
    planned_start: dt.date,
    *,
    clinician: User | None = None,
    planned_closing: dt.date | None = None,
    actor: User,
) -> Course:
    """Start a course of `pathway` on the referral; its clinician is `actor` unless named."""
    course = Course.objects.create(
        clinic=referral.patient.clinic,
        patient=referral.patient,
        referral=referral,
        pathway=pathway,
        planned_start=planned_start,
        planned_closing=planned_closing,
        clinician=clinician if clinician is not None else actor,
    )
    refresh_plan(course)
    auditlog.record(actor, AuditEvent.CREATE, course, detail=pathway)
    return course


@transaction.atomic(durable=True)
def do_update_course(course: Course, data: Mapping[str, Any], *, actor: User) -> list[str]:
    """Change the given fields; returns the names of those that changed."""
    changed: list[str] = []
    for k in COURSE_FIELDS:
        if k in data and getattr(course, k) != data[k]:
            setattr(course, k, data[k])
            changed.append(k)
    if changed:
        course.save()
        refresh_plan(course)
        auditlog.record(actor, AuditEvent.UPDATE, course, detail=",".join(changed))
    return changed


@dataclass
class LineOutcome:
    """What happened to a registration: the findings, and the saved line unless blocked."""

    check: CheckResult
    line: ServiceLine | None = None
    # warnings found but no reason given: nothing saved, ask for one
    reason_missing: bool = False

    @property
    def saved(self) -> bool:
        return self.line is not None


@dataclass(frozen=True)
class _Change:
    """A change of a course's lines: a new line, an edited one or a deleted one."""

    draft: LineDraft | None = None
    replacing: ServiceLine | None = None
    deleting: ServiceLine | None = None


def _decide(check: CheckResult, reason: str) -> tuple[bool, bool]:
    """(may save, reason missing): errors block; warnings need a reason."""
    if check.blocked:
        return False, False
    if check.needs_reason and not reason.strip():
        return False, True
    return True, False


def _lock_for_registration(course: Course) -> None:
    """Lock the course's patient and the course (and reload the course under the lock)."""
    list(Patient.objects.select_for_update().filter(pk=course.patient_id).values_list("pk"))
    course.refresh_from_db(from_queryset=Course.objects.select_for_update())


def _checked_write(
    course: Course,
    change: _Change,
    write: Callable[[CheckResult], ServiceLine | None],
    *,
    reason: str = "",
    judged: bool = True,
) -> LineOutcome:
    """Check a change of the course's lines and write it, as one step of the caller's
    transaction: `write` runs only when the findings it would add allow it (`judged`; a
    deletion is never refused), and the stored plan follows the lines.

    The lock comes before the check reads anything. The check reads the lines of the
    patient at the clinic, every course (engine_input.patient_lines), so the patient's row is
    locked, and every change of those lines passes here; the course's row is locked too and
    read again, so the check sees its committed dates and pathway. On PostgreSQL these are
    row locks (SELECT … FOR UPDATE); SQLite has no row locks, and its transactions are
    IMMEDIATE (settings.py), so a writing transaction holds the database's write lock from
    its start and the same step is serialised there. Always patient, then course: one order,
    no deadlock.
    """
    _lock_for_registration(course)
    check = check_change(course, change.draft, change.replacing, change.deleting)
    if judged:
        ok, missing = _decide(check, reason)
        if not ok:
            return LineOutcome(check, None, missing)
    line = write(check)
    refresh_plan(course)
    return LineOutcome(check, line)


@transaction.atomic(durable=True)
def do_add_service_line(
    course: Course, draft: LineDraft, *, reason: str = "", actor: User
) -> LineOutcome:
    """Register a line unless the rule engine refuses it (errors; warnings without a reason)."""

    def write(check: CheckResult) -> ServiceLine:
        line = ServiceLine.objects.create(
            course=course,
            service_date=draft.service_date,
            code=draft.code,
            team_size=draft.team_size,
            quantity=draft.quantity,
            warning_reason=reason.strip() if check.warnings else "",
            created_by=actor,
        )
        auditlog.record(actor, AuditEvent.CREATE, line, clinic=course.clinic, detail=line.code)
        return line

    return _checked_write(course, _Change(draft=draft), write, reason=reason)


@transaction.atomic(durable=True)
def do_update_service_line(
    line: ServiceLine, draft: LineDraft, *, reason: str = "", actor: User
) -> LineOutcome:
    """Change a line unless the rule engine refuses the change (the line is judged afresh)."""
    course = line.course

    def write(check: CheckResult) -> ServiceLine:
        changed = [
            name
            for name, new in (
                ("service_date", draft.service_date),
                ("code", draft.code),
                ("team_size", draft.team_size),
                ("quantity", draft.quantity),
            )
            if getattr(line, name) != new
        ]
        line.service_date = draft.service_date
        line.code = draft.code
        line.team_size = draft.team_size
        line.quantity = draft.quantity
        line.warning_reason = reason.strip() if check.warnings else line.warning_reason
        line.save()
        detail = ",".join(changed)
        auditlog.record(actor, AuditEvent.UPDATE, line, clinic=course.clinic, detail=detail)
        return line

    return _checked_write(course, _Change(draft=draft, replacing=line), write, reason=reason)


def preview_delete(line: ServiceLine) -> CheckResult:
    """The findings deleting this line would leave on the course (shown before confirming)."""
    return check_change(line.course, deleting=line)


@transaction.atomic(durable=True)
def do_delete_service_line(line: ServiceLine, *, actor: User) -> CheckResult:
    """Delete a line. A wrong registration must always be removable, so findings it leaves
    behind do not block; they are returned for the page to show."""
    course = line.course

    def write(_check: CheckResult) -> None:
        auditlog.record(actor, AuditEvent.DELETE, line, clinic=course.clinic, detail=line.code)
        line.delete()
        return None

    return _checked_write(course, _Change(deleting=line), write, judged=False).check
