"""The clinic's outcome report: per pathway, courses, mean PROM change and share reaching the
MCID. Answers of patients without consent to use beyond the journal are left out (seed 000,
Spørgeskemaer før konsultation).

Aggregates only, no patient is named; every clinician and admin of the active clinic may read
it. Two queries whatever the clinic's size: its courses, and its reportable answers.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forlob.outcome_report import Measurement, outcome_report
from forlob.web.access import AuthedRequest, access_patient_data
from forlob.web.models import Course, QuestionnaireAnswer
from forlob.web.outcomes import reportable_answers


@login_required
@require_GET
def clinic_report(request: AuthedRequest) -> HttpResponse:
    clinic = access_patient_data(request).clinic
    courses = dict(Course.objects.filter(clinic=clinic).values_list("pk", "pathway"))
    rows = reportable_answers(
        QuestionnaireAnswer.objects.filter(round__course__clinic=clinic)
    ).values_list(
        "round__course_id", "instrument", "unit", "round__completed_at", "round_id", "score"
    )
    measurements = [
        Measurement(course_id=c, instrument=i, unit=u, answered_at=at, order=r, score=s)
        for c, i, u, at, r, s in rows
        if at is not None  # reportable answers are answered ones
    ]
    return render(
        request,
        "forlob/outcome_report.html",
        {"clinic": clinic, "report": outcome_report(courses, measurements)},
    )
