"""The rule engine (`forlob.rules`): every billing rule of rules.md, vectorised.

`audit_frame(frame)` takes service lines as text columns and returns the findings frame of
formats.md. The clinic app calls it with one course's lines; `forlob audit` with an extract.
"""

from forlob.rules.engine import (
    FINDING_COLUMNS,
    FINDING_SCHEMA,
    AuditResult,
    CourseLines,
    Evaluation,
    audit_frame,
    empty_findings,
    evaluate,
    run_audit,
)
from forlob.rules.kinds import INPUT_KINDS, KINDS
from forlob.rules.prepare import ALL_COLUMNS, REQUIRED_COLUMNS, InputError

__all__ = [
    "ALL_COLUMNS",
    "AuditResult",
    "CourseLines",
    "Evaluation",
    "FINDING_COLUMNS",
    "FINDING_SCHEMA",
    "INPUT_KINDS",
    "KINDS",
    "REQUIRED_COLUMNS",
    "InputError",
    "audit_frame",
    "empty_findings",
    "evaluate",
    "run_audit",
]
