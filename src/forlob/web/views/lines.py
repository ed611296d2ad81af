"""Registering, editing and deleting a course's service lines, with the
chiropractic code-choice helpers of 004 (speciale 53) next to the code field.

Every save runs the rule engine of `forlob audit` on the course with the change (through the
actions): errors block, warnings need a reason. A POST that saves nothing re-renders the form
with status 422 (Unprocessable Content) and the findings inline; "Suggest code" and "Use"
buttons only re-render the form (status 200) and never save.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from forlob.catalogue import load_catalogue
from forlob.course import is_chiropractic
from forlob.decision import conference_fee, first_exam_code, follow_up_choice
from forlob.decision.code_choice import load_code_choice
from forlob.web.access import AuthedRequest, access_course, access_service_line
from forlob.web.actions.courses import (
    LineOutcome,
    do_add_service_line,
    do_delete_service_line,
    do_update_service_line,
    preview_delete,
)
from forlob.web.change_check import LineDraft
from forlob.web.engine_input import Finding
from forlob.web.forms.courses import CodeHelpForm, LineForm, parse_date
from forlob.web.models import Course, ServiceLine

_FIELDS = ("service_date", "code", "team_size", "quantity", "warning_reason")


@login_required
def line_create(request: AuthedRequest, course_id: int) -> HttpResponse:
    course, _rights = access_course(request, course_id)
    return _line_page(request, course, None)


@login_required
def line_edit(request: AuthedRequest, line_id: int) -> HttpResponse:
    line, _rights = access_service_line(request, line_id)
    return _line_page(request, line.course, line)


def _course_url(course: Course, line: ServiceLine | None = None) -> str:
    url = reverse("course", kwargs={"course_id": course.pk})
    return url + (f"#line-{line.pk}" if line is not None else "#lines")


def _line_page(request: AuthedRequest, course: Course, line: ServiceLine | None) -> HttpResponse:
    extra = (line.code,) if line is not None else ()
    if request.method != "POST":
        if line is not None:
            initial: dict[str, Any] = {k: getattr(line, k) for k in _FIELDS}
        else:
            initial = {"service_date": timezone.localdate(), "quantity": 1}
        form = LineForm(course.pathway, initial=initial, extra_codes=extra)
        return _render(
            request,
            course,
            line,
            form,
            CodeHelpForm(),
            date=initial["service_date"],
            show_reason=bool(line is not None and line.warning_reason),
        )

    help_form = CodeHelpForm(request.POST)
    use_code = request.POST.get("use_code", "")
    if use_code or request.POST.get("action") == "suggest":
        # helpers only: fill the form as posted (with the chosen code), save nothing
        initial = {k: request.POST.get(k, "") for k in _FIELDS}
        if use_code:
            initial["code"] = use_code
        if use_code == load_code_choice().conference.code and request.POST.get("use_quantity"):
            initial["quantity"] = request.POST["use_quantity"]
        form = LineForm(course.pathway, initial=initial, extra_codes=extra)
        return _render(
            request,
            course,
            line,
            form,
            help_form,
            date=parse_date(initial["service_date"]),
            show_reason=bool(initial["warning_reason"]),
            suggest=True,
        )

    form = LineForm(course.pathway, request.POST, extra_codes=extra)
    if not form.is_valid():
        return _render(
            request,
            course,
            line,
            form,
            help_form,
            date=parse_date(request.POST.get("service_date")),
            show_reason=bool(request.POST.get("warning_reason")),
            status=422,
        )
    d = form.cleaned_data
    draft = LineDraft(d["service_date"], d["code"], d["team_size"], d["quantity"])
    reason = d["warning_reason"] or ""
    if line is None:
        outcome = do_add_service_line(course, draft, reason=reason, actor=request.user)
    else:
        outcome = do_update_service_line(line, draft, reason=reason, actor=request.user)
    if outcome.line is not None:
        _saved_message(request, outcome, created=line is None)
        return redirect(_course_url(course, outcome.line))
    if outcome.reason_missing:
        form.require_reason()
    return _render(
        request,
        course,
        line,
        form,
        help_form,
        date=d["service_date"],
        show_reason=bool(outcome.check.warnings or reason),
        outcome=outcome,
        status=422,
    )


def _saved_message(request: AuthedRequest, outcome: LineOutcome, created: bool) -> None:
    assert outcome.line is not None
    code = outcome.line.code
    if created:
        text = _("Service %(code)s is registered.") % {"code": code}
    else:
        text = _("Service %(code)s is saved.") % {"code": code}
    if outcome.check.warnings:
        ids = ", ".join(sorted({f.rule_id for f in outcome.check.warnings}))
        text += " " + _("Saved with your reason despite: %(rules)s.") % {"rules": ids}
    messages.success(request, text)


def _previous_visit(course: Course, day: dt.date, line: ServiceLine | None) -> dt.date | None:
    """The patient's latest service at the clinic before `day` (the line edited left out)."""
    earlier = ServiceLine.objects.filter(
        course__patient_id=course.patient_id,
        course__clinic_id=course.clinic_id,
        service_date__lt=day,
    )
    if line is not None:
        earlier = earlier.exclude(pk=line.pk)
    found = earlier.order_by("-service_date").values_list("service_date", flat=True).first()
    return found


_NOT_COUNTED = {
    "exercise_regime_change": gettext_noop("only when the exercise regime starts or changes"),
    "once_per_course": gettext_noop("already used once in this course"),
}


def _helpers(
    course: Course, line: ServiceLine | None, day: dt.date | None, help_form: CodeHelpForm
) -> dict[str, Any]:
    """The chiropractic code-choice suggestions for the form (004, speciale 53)."""
    if not is_chiropractic(course.pathway):
        return {}
    cat = load_catalogue()
    out: dict[str, Any] = {"chiropractic": True}
    if day is not None:
        previous = _previous_visit(course, day, line)
        code = first_exam_code(day, previous)
        out["first_exam"] = {"code": code, "label": cat.label(code), "previous": previous}
    if help_form.is_bound and help_form.is_valid():
        h = help_form.cleaned_data
        choice = follow_up_choice(
            [int(c) for c in h["criteria"]],
            exercise_regime_starts_or_changes=h["exercise_change"],
            criterion_4_used_earlier_in_course=h["criterion_4_used"],
        )
        criteria = load_code_choice().criterion
        out["follow_up"] = {
            "code": choice.code,
            "label": cat.label(choice.code),
            "counted": choice.counted,
            "not_counted": [
                (n, _(_NOT_COUNTED.get(criteria[n - 1].limit, reason)))
                for n, reason in choice.not_counted
            ],
        }
        if h["conference_minutes"] is not None:
            fee = conference_fee(h["conference_minutes"], h["conference_distance_km"])
            out["conference"] = {"fee": fee, "label": cat.label(fee.code)}
    return out


def _render(
    request: AuthedRequest,
    course: Course,
    line: ServiceLine | None,
    form: LineForm,
    help_form: CodeHelpForm,
    *,
    date: dt.date | None,
    show_reason: bool,
    outcome: LineOutcome | None = None,
    suggest: bool = False,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "course": course,
        "patient": course.patient,
        "line": line,
        "form": form,
        "help_form": help_form,
        "show_reason": show_reason,
        "outcome": outcome,
        "findings": outcome.check.findings if outcome is not None else [],
        "suggest": suggest,
        "cancel_url": _course_url(course, line),
    }
    context.update(_helpers(course, line, date, help_form))
    return render(request, "forlob/course/line_form.html", context, status=status)


# ----------------------------------------------------------------------------- delete
@login_required
def line_delete(request: AuthedRequest, line_id: int) -> HttpResponse:
    line, _rights = access_service_line(request, line_id)
    course = line.course
    if request.method == "POST":
        code = line.code
        left = do_delete_service_line(line, actor=request.user)
        messages.success(request, _("Service %(code)s is deleted.") % {"code": code})
        _findings_left(request, left.findings)
        return redirect(_course_url(course))
    return render(
        request,
        "forlob/course/line_delete.html",
        {
            "course": course,
            "patient": course.patient,
            "line": line,
            "findings": preview_delete(line).findings,
        },
    )


def _findings_left(request: AuthedRequest, findings: list[Finding]) -> None:
    for f in findings:
        level = messages.ERROR if f.severity == "error" else messages.WARNING
        messages.add_message(request, level, f"{f.rule_id}: {f.message}")
