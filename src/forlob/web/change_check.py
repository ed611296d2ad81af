"""What a change of a course's lines would add: the findings there after it and not before.

A new line, an edited line or a deleted one is judged by the rule engine on the patient's lines
with the change; findings already there before are not counted against it (the course page
shows them all the time). Errors block a registration, warnings need a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from forlob.web import engine_input
from forlob.web.engine_input import NEW_LINE, Finding, Row
from forlob.web.findings_store import current_findings, patient_courses
from forlob.web.models import Course, ServiceLine


@dataclass(frozen=True)
class LineDraft:
    """A service line as entered, before it is saved."""

    service_date: dt.date
    code: str
    team_size: int | None = None
    quantity: int = 1


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


def check_change(
    course: Course,
    draft: LineDraft | None = None,
    replacing: ServiceLine | None = None,
    deleting: ServiceLine | None = None,
) -> CheckResult:
    """The findings a change would add: a new line (`draft`), an edited line (`draft` with
    `replacing`) or a deleted one (`deleting`)."""
    lines = engine_input.patient_lines(course)
    current = [engine_input.row(line) for line in lines]
    # what is there now: usually the stored findings, so a change runs the engine once
    before = [
        f
        for share in current_findings(course, lines, patient_courses(course, lines)).values()
        for f in share
    ]
    after_rows = [r for r in current if deleting is None or r.key != deleting.pk]
    if draft is not None:
        key: int | str = NEW_LINE
        if replacing is not None:
            after_rows = [r for r in after_rows if r.key != replacing.pk]
            key = replacing.pk
        after_rows.append(
            Row(key, course, draft.service_date, draft.code, draft.team_size, draft.quantity)
        )
    after = [f for _r, f in engine_input.findings(engine_input.ordered(after_rows))]
    seen = {(f.line, f.rule_id) for f in before}
    if replacing is not None:
        # the edited line is judged afresh: all its findings count
        seen = {s for s in seen if s[0] != replacing.pk}
    return CheckResult([f for f in after if (f.line, f.rule_id) not in seen])
