"""Course planning (no Django): planned consultations and questionnaire rounds, and progress.

`plan_course` lists what a course of a pathway should contain and when, with the windows the
rule engine enforces (`forlob.windows`); `progress` tells, for a given day, which of those
items are done, open, upcoming, overdue or unreachable.
"""

from forlob.planning.model import (
    ItemProgress,
    Plan,
    PlanError,
    PlannedItem,
    PlanState,
    ProgressState,
)
from forlob.planning.planner import plan_course, plan_registered_course
from forlob.planning.progress import progress

__all__ = [
    "ItemProgress",
    "Plan",
    "PlanError",
    "PlanState",
    "PlannedItem",
    "ProgressState",
    "plan_course",
    "plan_registered_course",
    "progress",
]
