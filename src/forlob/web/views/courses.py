"""Courses: start one on a referral, the course page (plan timeline, service lines, findings),
and editing a course.

The course page runs a fixed number of queries whatever the number of lines: the course (with
patient, referral, clinic, clinician), its lines, the patient's lines at the clinic for the
rule engine, the VIEW event, and the questionnaire sections' own (forlob.web.outcomes, given
the plan's progress so it does not read the lines again).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forlob.catalogue import load_catalogue
from forlob.course import is_lbp, suggested_pathways
from forlob.planning import ItemProgress, PlannedItem
from forlob.web import auditlog
from forlob.web.access import AuthedRequest, access_course, access_referral
from forlob.web.actions.courses import do_start_course, do_update_course
from forlob.web.engine_input import Finding
from forlob.web.findings_store import course_findings
from forlob.web.forms.courses import CourseEditForm, CourseStartForm, LineForm
from forlob.web.models import ServiceLine
from forlob.web.outcomes import course_outcomes
from forlob.web.plans import attributed_lines, course_progress
from forlob.web.plans import course_start as start_of


# ----------------------------------------------------------------------------- start
@login_required
def course_start(request: AuthedRequest, referral_id: int) -> HttpResponse:
    referral, _rights = access_referral(request, referral_id)
    clinic = referral.patient.clinic
    suggested = suggested_pathways(referral.group, clinic.profession)
    if request.method == "POST":
        form = CourseStartForm(clinic, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            course = do_start_course(
                referral,
                d["pathway"],
                d["planned_start"],
                clinician=d["clinician"],
                planned_closing=d["planned_closing"],
                actor=request.user,
            )
            messages.success(request, _("The course is started."))
            return redirect("course", course_id=course.pk)
        status = 422
    else:
        form = CourseStartForm(
            clinic,
            initial={
                "pathway": suggested[0] if suggested else None,
                "planned_start": timezone.localdate(),
                "clinician": request.user.pk,
            },
        )
        status = 200
    return render(
        request,
        "forlob/course/start.html",
        {
            "form": form,
            "referral": referral,
            "patient": referral.patient,
            "suggested": [(p, load_catalogue().pathways[p].name_da) for p in suggested],
        },
        status=status,
    )


# ----------------------------------------------------------------------------- page
STATE_LABELS = {
    "done": gettext_lazy("done"),
    "open": gettext_lazy("open"),
    "upcoming": gettext_lazy("upcoming"),
    "overdue": gettext_lazy("overdue"),
    "unreachable": gettext_lazy("unreachable"),
}


@dataclass
class PlanRow:
    """One planned item on the course page, with the lines that count for it."""

    progress: ItemProgress
    lines: list[ServiceLine] = field(default_factory=list)

    @property
    def item(self) -> PlannedItem:
        return self.progress.item

    @property
    def state(self) -> str:
        return self.progress.state

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.progress.state, self.progress.state))

    @property
    def opens(self) -> dt.date | None:
        it = self.progress.item
        return it.earliest if it.earliest is not None else it.target


@dataclass
class LineRow:
    line: ServiceLine
    findings: list[Finding]

    @property
    def worst(self) -> str:
        sev = {f.severity for f in self.findings}
        for s in ("error", "warning", "info"):
            if s in sev:
                return s
        return ""


# the plan timeline as a server-rendered SVG: label column, then the dates
_W, _LABEL, _RIGHT, _ROW, _TOP = 1000, 190, 20, 24, 28


def _timeline_svg(rows: list[PlanRow], lines: list[ServiceLine], today: dt.date) -> dict[str, Any]:
    dates: list[dt.date] = [line.service_date for line in lines]
    for r in rows:
        it = r.item
        dates += [d for d in (it.earliest, it.target, it.latest) if d is not None]
    if not dates:
        return {}
    lo, hi = min(dates) - dt.timedelta(days=3), max(dates) + dt.timedelta(days=3)
    span = max((hi - lo).days, 1)
    width = _W - _LABEL - _RIGHT

    def x(d: dt.date) -> float:
        return round(_LABEL + (d - lo).days / span * width, 1)

    out_rows = []
    for i, r in enumerate(rows):
        it = r.item
        y = _TOP + i * _ROW
        left = it.earliest or it.target
        right = it.latest or it.target
        bar = None
        if left is not None and right is not None:
            bar = {"x": x(left), "w": max(round(x(right) - x(left), 1), 3.0)}
        label = it.code or "Q"
        out_rows.append(
            {
                "y": y,
                "mid": y + _ROW // 2,
                "label": label,
                "text": it.label if len(it.label) <= 24 else it.label[:23] + "…",
                "title": it.label,
                "state": r.state,
                "bar": bar,
                "target": x(it.target) if it.target is not None else None,
                "dots": [x(line.service_date) for line in r.lines],
            }
        )
    # lines that count for no planned item (training, general codes, a second status …)
    counted = {line.pk for r in rows for line in r.lines}
    others = [line for line in lines if line.pk not in counted]
    if others:
        y = _TOP + len(rows) * _ROW
        out_rows.append(
            {
                "y": y,
                "mid": y + _ROW // 2,
                "label": "+",
                "text": _("Other services"),
                "title": ", ".join(sorted({line.code for line in others})),
                "state": "other",
                "bar": None,
                "target": None,
                "dots": [x(line.service_date) for line in others],
            }
        )
    height = _TOP + len(out_rows) * _ROW + 8
    ticks = []
    d = dt.date(lo.year, lo.month, 1)
    monthly = (hi - lo).days > 45
    if not monthly:
        d = lo + dt.timedelta(days=(7 - lo.weekday()) % 7)
    while d <= hi:
        if d >= lo:
            ticks.append({"x": x(d), "date": d})
        if monthly:
            d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
        else:
            d += dt.timedelta(days=7)
    if today < lo:
        today_x, today_side = float(_LABEL), "before"
    elif today > hi:
        today_x, today_side = float(_W - _RIGHT), "after"
    else:
        today_x, today_side = x(today), "within"
    return {
        "width": _W,
        "height": height,
        "label_w": _LABEL,
        "rows": out_rows,
        "ticks": ticks,
        "monthly": monthly,
        "today_x": today_x,
        "today_side": today_side,
        "bottom": height - 4,
    }


@login_required
def course_detail(request: AuthedRequest, course_id: int) -> HttpResponse:
    course, _rights = access_course(request, course_id)
    today = timezone.localdate()
    # one query for the lines, kept on the course so the page's other sections reuse it
    prefetch_related_objects([course], "lines")
    lines = list(course.lines.all())
    items = course_progress(course, today, lines)
    by_item = attributed_lines(items, lines)
    rows = [PlanRow(p, by_item.get(p.item.key, [])) for p in items]
    # today's place in the plan: before the first item that opens after today
    today_at = next(
        (i for i, r in enumerate(rows) if r.opens is not None and r.opens > today), None
    )

    findings = course_findings(course)
    per_line: dict[int | str, list[Finding]] = defaultdict(list)
    for f in findings:
        per_line[f.line].append(f)
    line_rows = [LineRow(line, per_line.get(line.pk, [])) for line in lines]

    auditlog.record_view(request.user, course)
    context: dict[str, Any] = {
        "course": course,
        "patient": course.patient,
        "referral": course.referral,
        "start": start_of(course, lines),
        "is_lbp": is_lbp(course.pathway),
        "today": today,
        "plan_rows": rows,
        "today_at": today_at if today_at is not None else len(rows),
        "timeline": _timeline_svg(rows, lines, today),
        "line_rows": line_rows,
        "findings": findings,
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "line_form": LineForm(
            course.pathway, initial={"service_date": today, "quantity": 1}, auto_id="new_%s"
        ),
    }
    context.update(course_outcomes(course, progress=items, today=today))
    return render(request, "forlob/course/detail.html", context)


# ----------------------------------------------------------------------------- edit
@login_required
def course_edit(request: AuthedRequest, course_id: int) -> HttpResponse:
    course, _rights = access_course(request, course_id)
    if request.method == "POST":
        form = CourseEditForm(course, request.POST)
        if form.is_valid():
            changed = do_update_course(course, form.cleaned_data, actor=request.user)
            if changed:
                messages.success(request, _("The course is saved."))
            return redirect("course", course_id=course.pk)
        status = 422
    else:
        form = CourseEditForm(
            course,
            initial={
                "planned_start": course.planned_start,
                "planned_closing": course.planned_closing,
                "status": course.status,
                "clinician": course.clinician_id,
            },
        )
        status = 200
    return render(
        request,
        "forlob/course/edit.html",
        {"form": form, "course": course, "patient": course.patient},
        status=status,
    )
