"""From the app's database to `forlob.records.CourseRecord`, what letters and FHIR read.

The only place that turns model objects into the plain record, so the letter, the FHIR export
and the CLI all see a course the same way. A fixed number of queries per course.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from forlob import course as course_dates
from forlob.catalogue import load_catalogue
from forlob.records import (
    ClinicInfo,
    CourseRecord,
    PatientInfo,
    PlanEntry,
    ReferralInfo,
    ScoreEntry,
    ServiceEntry,
)
from forlob.web.models import Course, QuestionnaireAnswer
from forlob.web.plans import course_lines, course_progress


def _answers(values: list[object]) -> tuple[int | None, ...]:
    return tuple(v if isinstance(v, int) else None for v in values)


def course_record(course: Course, today: dt.date | None = None) -> CourseRecord:
    today = today or timezone.localdate()
    cat = load_catalogue()
    lines = list(course.lines.all())
    clinic, patient, referral = course.clinic, course.patient, course.referral
    answers = (
        QuestionnaireAnswer.objects.filter(round__course=course, round__completed_at__isnull=False)
        .select_related("round")
        .order_by("round__completed_at", "id")
    )
    scores = tuple(
        ScoreEntry(
            round_id=str(a.round_id),
            date=timezone.localdate(a.round.completed_at),
            instrument=a.instrument,
            score=Decimal(a.score),
            unit=a.unit,
            answers=_answers(list(a.answers)),
            activities=tuple(str(x) for x in a.activities),
            answered_by=a.round.answered_by or "patient",
        )
        for a in answers
    )
    plan = tuple(
        PlanEntry(
            key=p.item.key,
            kind=p.item.kind,
            code=p.item.code,
            label=p.item.label,
            target=p.item.target,
            earliest=p.item.earliest,
            latest=p.item.latest,
            state=p.state,
            done_on=p.done_on,
        )
        for p in course_progress(course, today, lines)
    )
    registered = course_lines(lines)
    clinician = course.clinician
    pathway = cat.pathways[course.pathway]
    return CourseRecord(
        id=str(course.pk),
        pathway=course.pathway,
        pathway_name=pathway.name_da,
        profession=pathway.profession,
        start_date=course_dates.registered_start(course.pathway, registered),
        end_date=course_dates.course_end(course.pathway, registered),
        clinic=ClinicInfo(
            name=clinic.name,
            provider_id=clinic.provider_id,
            profession=clinic.profession,
            address=clinic.address,
            phone=clinic.phone,
        ),
        patient=PatientInfo(
            id=str(patient.pk),
            cpr=patient.cpr,
            name=patient.name,
            birth_date=patient.birth_date,
            email=patient.email,
            phone=patient.phone,
            consent_beyond_journal=patient.consent_beyond_journal,
        ),
        referral=ReferralInfo(
            date=referral.date,
            gp_name=referral.gp_name,
            gp_provider_id=referral.gp_provider_id,
            diagnosis_system=referral.diagnosis_system,
            diagnosis_code=referral.diagnosis_code,
            diagnosis_text=referral.diagnosis_text,
            reason=referral.reason,
        ),
        clinician_name=(clinician.get_full_name() or clinician.get_username()) if clinician else "",
        services=tuple(
            ServiceEntry(
                id=str(x.pk),
                date=x.service_date,
                code=x.code,
                label=cat.label(x.code),
                team_size=x.team_size,
                quantity=x.quantity,
                warning_reason=x.warning_reason,
            )
            for x in lines
        ),
        scores=scores,
        plan=plan,
        status=course.status,
    )
