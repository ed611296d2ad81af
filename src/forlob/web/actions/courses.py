"""Courses (forløb) and their service lines, each change checked by the rule engine first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from forlob.web import auditlog
from forlob.web.change_check import CheckResult, LineDraft, check_change
from forlob.web.models import AuditEvent, Course, Referral, ServiceLine
from forlob.web.plans import refresh_plan


@transaction.atomic
def do_start_course(
    user: Any,
    referral: Referral,
    pathway: str,
    planned_start: dt.date,
    clinician: Any = None,
    planned_closing: dt.date | None = None,
) -> Course:
    course = Course.objects.create(
        clinic=referral.patient.clinic,
        patient=referral.patient,
        referral=referral,
        pathway=pathway,
        planned_start=planned_start,
        planned_closing=planned_closing,
        clinician=clinician if clinician is not None else user,
    )
    refresh_plan(course)
    auditlog.record(user, AuditEvent.CREATE, course, detail=pathway)
    return course


@transaction.atomic
def do_update_course(user: Any, course: Course, data: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for k in ("planned_start", "planned_closing", "status", "clinician"):
        if k in data and getattr(course, k) != data[k]:
            setattr(course, k, data[k])
            changed.append(k)
    if changed:
        course.save()
        refresh_plan(course)
        auditlog.record(user, AuditEvent.UPDATE, course, detail=",".join(changed))
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


def _decide(check: CheckResult, reason: str) -> tuple[bool, bool]:
    """(may save, reason missing): errors block; warnings need a reason."""
    if check.blocked:
        return False, False
    if check.needs_reason and not reason.strip():
        return False, True
    return True, False


@transaction.atomic
def do_add_service_line(
    user: Any, course: Course, draft: LineDraft, warning_reason: str = ""
) -> LineOutcome:
    check = check_change(course, draft)
    ok, missing = _decide(check, warning_reason)
    if not ok:
        return LineOutcome(check, None, missing)
    line = ServiceLine.objects.create(
        course=course,
        service_date=draft.service_date,
        code=draft.code,
        team_size=draft.team_size,
        quantity=draft.quantity,
        warning_reason=warning_reason.strip() if check.warnings else "",
        created_by=user,
    )
    refresh_plan(course)
    auditlog.record(user, AuditEvent.CREATE, line, clinic=course.clinic, detail=line.code)
    return LineOutcome(check, line)


@transaction.atomic
def do_update_service_line(
    user: Any, line: ServiceLine, draft: LineDraft, warning_reason: str = ""
) -> LineOutcome:
    course = line.course
    check = check_change(course, draft, replacing=line)
    ok, missing = _decide(check, warning_reason)
    if not ok:
        return LineOutcome(check, None, missing)
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
    line.warning_reason = warning_reason.strip() if check.warnings else line.warning_reason
    line.save()
    refresh_plan(course)
    auditlog.record(user, AuditEvent.UPDATE, line, clinic=course.clinic, detail=",".join(changed))
    return LineOutcome(check, line)


def preview_delete(line: ServiceLine) -> CheckResult:
    """The findings deleting this line would leave on the course (shown before confirming)."""
    return check_change(line.course, deleting=line)


@transaction.atomic
def do_delete_service_line(user: Any, line: ServiceLine) -> CheckResult:
    """Delete a line. A wrong registration must always be removable, so findings it leaves
    behind do not block; they are returned for the page to show."""
    course = line.course
    check = check_change(course, deleting=line)
    auditlog.record(user, AuditEvent.DELETE, line, clinic=course.clinic, detail=line.code)
    line.delete()
    refresh_plan(course)
    return check
