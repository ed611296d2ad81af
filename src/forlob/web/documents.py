"""Documents made from a course: its record, the letters and the FHIR bundle.

`course_record` is the only place that turns model objects into the plain
`forlob.course_record.CourseRecord` that letters and FHIR read (a fixed number of queries per
course), so the page, the API and the CLI all see a course the same way. One function per
document, called by each of them alike. A letter is the clinician's saved text when there is
one, else the prefilled letter from `forlob.letters`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from forlob import course as course_dates
from forlob.catalogue import load_catalogue
from forlob.course_record import (
    ClinicInfo,
    CourseRecord,
    PatientInfo,
    PlanEntry,
    ReferralInfo,
    ScoreEntry,
    ServiceEntry,
)
from forlob.fhir import bundle_json
from forlob.letters import Letter as LetterDoc
from forlob.letters import compose, letter_from_text
from forlob.web import auditlog
from forlob.web.models import AuditEvent, Course, Letter, QuestionnaireAnswer
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


# the app's letter kinds and forlob.letters' names for them
LETTER_KINDS = {Letter.DISCHARGE: "discharge", Letter.RHEUMATOLOGY: "referral-rheumatology"}


def prefilled_letter(course: Course, kind: str) -> LetterDoc:
    return compose(LETTER_KINDS[kind], course_record(course))


def course_letter(course: Course, kind: str) -> tuple[LetterDoc, Letter | None]:
    """The letter to show: the saved text read back, or the prefilled letter."""
    saved = Letter.objects.filter(course=course, kind=kind).first()
    if saved is not None:
        return letter_from_text(saved.text, kind=LETTER_KINDS[kind]), saved
    return prefilled_letter(course, kind), None


def course_fhir_json(user: User | None, course: Course) -> str:
    """The course as a FHIR R4B Bundle (JSON), with its discharge letter (saved or prefilled);
    the export is logged as `user`'s (None: the command line, where no one is logged in)."""
    letter, _saved = course_letter(course, Letter.DISCHARGE)
    text = bundle_json(course_record(course), letter_text=letter.text(), letter_title=letter.title)
    auditlog.record(user, AuditEvent.EXPORT, course, detail="fhir")
    return text
