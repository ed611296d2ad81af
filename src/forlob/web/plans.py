"""A course's plan from `forlob.planning`, and its stored copy for the worklist.

The course page computes the plan and its progress live; `refresh_plan` writes the same plan
into `PlanItem` rows after every change so the worklist of a whole clinic is one query. The
course's start and closing are `forlob.course`'s; this module only reads them from the models.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from forlob import course as course_dates
from forlob.planning import ItemProgress, Plan, plan_registered_course, progress
from forlob.web.models import Course, PlanItem, ServiceLine

# Progress ignores lines after "today"; for the stored copy every registered line counts.
_FAR_FUTURE = dt.date(9999, 12, 31)


def course_lines(lines: list[ServiceLine]) -> list[course_dates.Line]:
    """The lines as `forlob.course` and `forlob.planning` read them: (date, code)."""
    return [(line.service_date, line.code) for line in lines]


def course_start(course: Course, lines: list[ServiceLine] | None = None) -> dt.date:
    """The course's registered start, or its planned start while none is registered."""
    rows = lines if lines is not None else list(course.lines.all())
    return course_dates.start(course.pathway, course_lines(rows), course.planned_start)


def course_plan(course: Course, lines: list[ServiceLine] | None = None) -> Plan:
    rows = lines if lines is not None else list(course.lines.all())
    return plan_registered_course(
        course.pathway,
        course_lines(rows),
        planned_start=course.planned_start,
        planned_closing=course.planned_closing,
        referral_date=course.referral.date,
    )


def course_progress(
    course: Course, today: dt.date, lines: list[ServiceLine] | None = None
) -> list[ItemProgress]:
    rows = lines if lines is not None else list(course.lines.all())
    plan = course_plan(course, rows)
    return progress(plan, course_lines(rows), today)


@transaction.atomic
def refresh_plan(course: Course) -> None:
    lines = list(course.lines.all())
    items = course_progress(course, _FAR_FUTURE, lines)
    PlanItem.objects.filter(course=course).delete()
    PlanItem.objects.bulk_create(
        PlanItem(
            course=course,
            clinic_id=course.clinic_id,
            active=course.status == Course.ACTIVE,
            position=i,
            key=p.item.key,
            kind=p.item.kind,
            code=p.item.code or "",
            label=p.item.label,
            note=p.item.note,
            target=p.item.target,
            earliest=p.item.earliest,
            latest=p.item.latest,
            unreachable=p.item.state == "unreachable",
            done_on=p.done_on if p.state == "done" else None,
            instruments=list(p.item.instruments),
        )
        for i, p in enumerate(items)
    )


def attributed_lines(
    items: list[ItemProgress], lines: list[ServiceLine]
) -> dict[str, list[ServiceLine]]:
    """Which registered lines count for which item (for the course page): the lines
    `forlob.planning.progress` attributed, given the `lines` that `course_progress` was called
    with. Keys are the plan items' keys."""
    return {p.item.key: [lines[i] for i in p.lines] for p in items if p.item.kind == "consultation"}
