"""A course's plan from `forlob.planning`, and its stored copy for the worklist (issue 4 §4, §6).

The course page computes the plan and its progress live; `refresh_plan` writes the same plan
into `PlanItem` rows after every change so the worklist of a whole clinic is one query.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from forlob.catalogue import load_catalogue
from forlob.planning import ItemProgress, Plan, plan_course, progress
from forlob.web.models import Course, PlanItem, ServiceLine

# Progress ignores lines after "today"; for the stored copy every registered line counts.
_FAR_FUTURE = dt.date(9999, 12, 31)


def registered_start(course: Course, lines: list[ServiceLine]) -> dt.date | None:
    """The date of the course's first start code (rules.md §1), None while none is registered."""
    starts = set(load_catalogue().start_codes(course.pathway))
    return min((line.service_date for line in lines if line.code in starts), default=None)


def course_start(course: Course, lines: list[ServiceLine] | None = None) -> dt.date:
    """The date of the course's first start code, or its planned start while none is registered."""
    rows = lines if lines is not None else list(course.lines.all())
    return registered_start(course, rows) or course.planned_start


def _closing(course: Course, lines: list[ServiceLine]) -> dt.date | None:
    """LBP: the first closing consultation's date (rules.md §3), else the planned closing."""
    cat = load_catalogue()
    if cat.pathways[course.pathway].family != "LBP":
        return None
    closing = set(cat.codes_for(["closing"], [course.pathway]))
    dates = [line.service_date for line in lines if line.code in closing]
    return min(dates) if dates else course.planned_closing


def course_plan(course: Course, lines: list[ServiceLine] | None = None) -> Plan:
    rows = lines if lines is not None else list(course.lines.all())
    start = course_start(course, rows)
    closing = _closing(course, rows)
    if closing is not None and closing < start:
        closing = None
    lbp = load_catalogue().pathways[course.pathway].family == "LBP"
    return plan_course(
        course.pathway,
        start,
        referral_date=course.referral.date if lbp else None,
        closing_date=closing,
    )


def course_progress(
    course: Course, today: dt.date, lines: list[ServiceLine] | None = None
) -> list[ItemProgress]:
    rows = lines if lines is not None else list(course.lines.all())
    plan = course_plan(course, rows)
    return progress(plan, [(line.service_date, line.code) for line in rows], today)


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
