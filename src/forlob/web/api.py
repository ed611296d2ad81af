"""The JSON API under /api/v1/ (django-ninja).

The same rules as the pages: every record is reached through the access helpers (another
clinic's record answers 404, exactly like one that does not exist), every read of a patient's
data is audit-logged as a VIEW, every write is one `do_*` action (which logs it). Service lines
are judged by the rule engine of `forlob audit`: the create answers with its findings.

Two ways in: the browser's session (CSRF token required for unsafe methods, like the pages)
and `Authorization: Bearer <token>` for integrations (tokens from `forlob manage forlob_token`).
The OpenAPI document is at /api/v1/openapi.json.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from forlob.course import DATE_PROBLEMS, planned_dates_problem
from forlob.decision import referral_diagnosis
from forlob.planning import PlanError
from forlob.web import auditlog
from forlob.web.access import (
    access_clinic,
    access_course,
    access_patient,
    access_referral,
    access_service_line,
    api_courses,
    api_patients,
    clinic_for_new_patient,
)
from forlob.web.actions.courses import do_add_service_line, do_delete_service_line, do_start_course
from forlob.web.actions.patients import PatientExists, do_create_patient, do_create_referral
from forlob.web.api_schemas import (
    CourseIn,
    CourseOut,
    CoursePage,
    ErrorOut,
    FhirBundleOut,
    FindingOut,
    LineDeleted,
    LineIn,
    LineOut,
    LineRefused,
    LineSaved,
    PatientIn,
    PatientOut,
    PatientPage,
    PlanItemOut,
    PlanOut,
    ReferralIn,
    ReferralOut,
    RoundOut,
    ScoreOut,
    ValidationErrorOut,
)
from forlob.web.change_check import LineDraft
from forlob.web.documents import course_fhir_json
from forlob.web.engine_input import NEW_LINE, Finding
from forlob.web.findings_store import course_findings
from forlob.web.models import AuditEvent, Course, Patient, Referral, ServiceLine
from forlob.web.plans import course_progress, course_start
from forlob.web.tokens import verify_token

# -- authentication -------------------------------------------------------------------------


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a token made by `forlob manage forlob_token`.

    A Bearer header with a token that is not valid is refused outright (401), even when the
    request also carries a session: wrong credentials never fall through to another scheme.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = verify_token(token)
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user


class SessionCsrfAuth(SessionAuth):
    """Ninja's `django_auth` (the Django session, CSRF checked on unsafe methods), except that
    a request without a logged-in session is answered 401, not 403: the CSRF check guards a
    session, and there is none to guard."""

    def __call__(self, request: HttpRequest) -> Any | None:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="forlob API",
    version="1",
    description=(
        "Patients, referrals, courses (forløb), service lines checked by the rule engine of "
        "`forlob audit`, course plans and questionnaire results of the user's clinics. "
        "Authenticate with the browser session (send the CSRF token in `X-CSRFToken` for "
        "POST and DELETE) or with `Authorization: Bearer <token>` (made by `forlob manage "
        "forlob_token USER NAME`). The records of every clinic where the user is a clinician or "
        "clinic admin are reachable; any other record answers 404. Dates are ISO "
        "(YYYY-MM-DD). Every read of a patient's data and every change is audit-logged."
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionCsrfAuth()],
    # ninja's Swagger page loads its script from a CDN; the app uses none
    docs_url=None,
)

M = TypeVar("M", bound=models.Model)

# a page starts at most this far in: beyond it no list reaches, and the SQL of a larger offset
# (OFFSET n LIMIT m) would not fit the databases' 64-bit integers
MAX_OFFSET = 1_000_000_000

READ: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE: dict[int, Any] = {**READ, 403: ErrorOut}


class ApiRequest(HttpRequest):
    """A request the API let in: `auth` is its user, by token or by session (either auth
    class sets `user` too, so the access helpers read the same user)."""

    auth: User
    user: User


def _user(request: ApiRequest) -> User:
    return request.auth


def _log_views(user: User, objs: Sequence[Patient | Course], detail: str) -> None:
    """One VIEW event per record shown in a list (one insert for the page)."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=user,
            username=user.get_username(),
            clinic_id=obj.clinic_id,
            action=AuditEvent.VIEW,
            object_type=type(obj).__name__,
            object_id=str(obj.pk),
            detail=detail,
        )
        for obj in objs
    )


# -- serialisers ----------------------------------------------------------------------------


def _patient(p: Patient) -> PatientOut:
    return PatientOut(
        id=p.pk,
        clinic=p.clinic_id,
        cpr=p.cpr,
        name=p.name,
        birth_date=p.birth_date,
        email=p.email,
        phone=p.phone,
        consent_beyond_journal=p.consent_beyond_journal,
        consent_recorded_at=p.consent_recorded_at,
        created_at=p.created_at,
    )


def _referral(r: Referral) -> ReferralOut:
    return ReferralOut(
        id=r.pk,
        patient=r.patient_id,
        date=r.date,
        gp_name=r.gp_name,
        gp_provider_id=r.gp_provider_id,
        diagnosis_system=r.diagnosis_system,
        diagnosis_code=r.diagnosis_code,
        diagnosis_text=r.diagnosis_text,
        reason=r.reason,
        group=r.group,
        created_at=r.created_at,
    )


def _course(c: Course) -> CourseOut:
    return CourseOut(
        id=c.pk,
        clinic=c.clinic_id,
        patient=c.patient_id,
        referral=c.referral_id,
        pathway=c.pathway,
        pathway_name=c.pathway_name,
        planned_start=c.planned_start,
        planned_closing=c.planned_closing,
        status=c.status,
        clinician=c.clinician_id,
        created_at=c.created_at,
    )


def _finding(f: Finding, new_line: ServiceLine | None = None) -> FindingOut:
    line: int | None = int(f.line) if f.line != NEW_LINE else None
    if f.line == NEW_LINE and new_line is not None:
        line = new_line.pk
    return FindingOut(
        rule_id=f.rule_id,
        severity=f.severity,  # type: ignore[arg-type]
        message=f.message,
        service_date=f.service_date or None,  # type: ignore[arg-type]
        code=f.code or None,
        line=line,
    )


def _line(line: ServiceLine, findings: Iterable[FindingOut]) -> LineOut:
    return LineOut(
        id=line.pk,
        course=line.course_id,
        service_date=line.service_date,
        code=line.code,
        label=line.label,
        team_size=line.team_size,
        quantity=line.quantity,
        warning_reason=line.warning_reason,
        created_at=line.created_at,
        findings=list(findings),
    )


def _page(qs: models.QuerySet[M], limit: int, offset: int) -> tuple[int, list[M]]:
    return qs.count(), list(qs[offset : offset + limit])


# -- patients -------------------------------------------------------------------------------


@api.get("/patients", response={200: PatientPage, **READ}, tags=["patients"])
def list_patients(
    request: ApiRequest,
    clinic: int | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> Any:
    """The patients of the user's clinics (of one clinic with `clinic`), by name."""
    user = _user(request)
    qs = api_patients(request).order_by("name", "id")
    if clinic is not None:
        qs = qs.filter(clinic=access_clinic(request, clinic)[0])
    count, patients = _page(qs, limit, offset)
    _log_views(user, patients, "list")
    return {"count": count, "items": [_patient(p) for p in patients]}


@api.post("/patients", response={201: PatientOut, 409: ErrorOut, **WRITE}, tags=["patients"])
def create_patient(request: ApiRequest, payload: PatientIn) -> Any:
    """Register a patient. The CPR number is validated (ten digits, a real date); one patient
    per CPR number and clinic (409 when the clinic already has it)."""
    user = _user(request)
    rights = clinic_for_new_patient(request, payload.clinic)
    if rights is None:
        return Status(
            422,
            {
                "detail": [
                    {
                        "type": "clinic_required",
                        "loc": ["body", "payload", "clinic"],
                        "msg": _("The user belongs to several clinics: give the clinic."),
                    }
                ]
            },
        )
    try:
        patient = do_create_patient(rights.clinic, payload.dict(exclude={"clinic"}), actor=user)
    except PatientExists:
        return Status(409, {"detail": _("The clinic already has a patient with this CPR number.")})
    return Status(201, _patient(patient))


@api.get("/patients/{patient_id}", response={200: PatientOut, **READ}, tags=["patients"])
def get_patient(request: ApiRequest, patient_id: int) -> Any:
    user = _user(request)
    patient, _rights = access_patient(request, patient_id, across_clinics=True)
    auditlog.record_view(user, patient)
    return _patient(patient)


@api.get(
    "/patients/{patient_id}/referrals",
    response={200: list[ReferralOut], **READ},
    tags=["referrals"],
)
def list_referrals(request: ApiRequest, patient_id: int) -> Any:
    """The patient's referrals, newest first."""
    user = _user(request)
    patient, _rights = access_patient(request, patient_id, across_clinics=True)
    auditlog.record_view(user, patient, detail="referrals")
    return [_referral(r) for r in patient.referrals.all()]


@api.post(
    "/patients/{patient_id}/referrals",
    response={201: ReferralOut, **WRITE},
    tags=["referrals"],
)
def create_referral(request: ApiRequest, patient_id: int, payload: ReferralIn) -> Any:
    """Register a referral. Without `group`, the programme group is suggested from the
    diagnosis code (003 Bilag 4) when the code is listed there."""
    user = _user(request)
    patient, _rights = access_patient(request, patient_id, across_clinics=True)
    data = payload.dict()
    if data["group"] is None:
        match = referral_diagnosis(data["diagnosis_code"], data["diagnosis_system"])
        data["group"] = None if match is None else match.group
    referral = do_create_referral(patient, data, actor=user)
    return Status(201, _referral(referral))


# -- courses --------------------------------------------------------------------------------


@api.get("/courses", response={200: CoursePage, **READ}, tags=["courses"])
def list_courses(
    request: ApiRequest,
    patient: int | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> Any:
    """The courses of the user's clinics (of one patient with `patient`), latest start first."""
    user = _user(request)
    qs = api_courses(request)
    if patient is not None:
        qs = qs.filter(patient=access_patient(request, patient, across_clinics=True)[0])
    count, courses = _page(qs.order_by("-planned_start", "-id"), limit, offset)
    _log_views(user, courses, "list")
    return {"count": count, "items": [_course(c) for c in courses]}


@api.post("/courses", response={201: CourseOut, **WRITE}, tags=["courses"])
def create_course(request: ApiRequest, payload: CourseIn) -> Any:
    """Start a course of a pathway on a referral of the user's clinic."""
    user = _user(request)
    referral, _rights = access_referral(request, payload.referral_id, across_clinics=True)
    problem = planned_dates_problem(payload.pathway, payload.planned_start, payload.planned_closing)
    if problem is not None:
        return Status(422, _invalid("planned_closing", DATE_PROBLEMS[problem].get(get_language())))
    try:
        course = do_start_course(
            referral,
            payload.pathway,
            payload.planned_start,
            planned_closing=payload.planned_closing,
            actor=user,
        )
    except PlanError as exc:
        return Status(422, _invalid("planned_start", str(exc)))
    return Status(201, _course(course))


def _invalid(field: str, msg: str) -> dict[str, Any]:
    return {"detail": [{"type": "value_error", "loc": ["body", "payload", field], "msg": msg}]}


@api.get("/courses/{course_id}", response={200: CourseOut, **READ}, tags=["courses"])
def get_course(request: ApiRequest, course_id: int) -> Any:
    user = _user(request)
    course, _rights = access_course(request, course_id, across_clinics=True)
    auditlog.record_view(user, course)
    return _course(course)


# -- service lines --------------------------------------------------------------------------


@api.get(
    "/courses/{course_id}/lines",
    response={200: list[LineOut], **READ},
    tags=["service lines"],
)
def list_lines(request: ApiRequest, course_id: int) -> Any:
    """The course's service lines by date, each with the rule engine's findings on it now."""
    user = _user(request)
    course, _rights = access_course(request, course_id, across_clinics=True)
    auditlog.record_view(user, course, detail="lines")
    by_line: dict[int, list[FindingOut]] = defaultdict(list)
    for f in course_findings(course):
        if isinstance(f.line, int):
            by_line[f.line].append(_finding(f))
    return [_line(line, by_line[line.pk]) for line in course.lines.order_by("service_date", "id")]


@api.post(
    "/courses/{course_id}/lines",
    response={
        201: LineSaved,
        422: LineRefused | ValidationErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    tags=["service lines"],
)
def create_line(request: ApiRequest, course_id: int, payload: LineIn) -> Any:
    """Register a service line. The rule engine checks the course with the new line first:

    - 201 `saved: true` with the line and what it added (warnings kept with their reason);
    - 422 `saved: false` when it adds an error finding (nothing is saved), or a warning and no
      `warning_reason` was given (`reason_required: true`; send again with a reason).
    """
    user = _user(request)
    course, _rights = access_course(request, course_id, across_clinics=True)
    draft = LineDraft(
        service_date=payload.service_date,
        code=payload.code,
        team_size=payload.team_size,
        quantity=payload.quantity,
    )
    outcome = do_add_service_line(course, draft, reason=payload.warning_reason, actor=user)
    if outcome.line is None:
        return Status(
            422,
            LineRefused(
                saved=False,
                findings=[_finding(f) for f in outcome.check.findings],
                reason_required=outcome.reason_missing,
            ),
        )
    line = outcome.line
    findings = [_finding(f, line) for f in outcome.check.findings]
    own = [f for f in findings if f.line == line.pk]
    return Status(201, LineSaved(saved=True, line=_line(line, own), findings=findings))


@api.delete("/lines/{line_id}", response={200: LineDeleted, **WRITE}, tags=["service lines"])
def delete_line(request: ApiRequest, line_id: int) -> Any:
    """Delete a service line. A wrong registration can always be removed; the answer lists
    the findings the deletion leaves on the course (e.g. a later status now without start)."""
    user = _user(request)
    line, _rights = access_service_line(request, line_id, across_clinics=True)
    check = do_delete_service_line(line, actor=user)
    return LineDeleted(deleted=True, findings=[_finding(f) for f in check.findings])


# -- plan and questionnaires ----------------------------------------------------------------


@api.get("/courses/{course_id}/plan", response={200: PlanOut, **READ}, tags=["courses"])
def get_plan(request: ApiRequest, course_id: int) -> Any:
    """The course's plan (`forlob.planning`) and where each item stands today."""
    user = _user(request)
    course, _rights = access_course(request, course_id, across_clinics=True)
    auditlog.record_view(user, course, detail="plan")
    today = timezone.localdate()
    lines = list(course.lines.all())
    items = [
        PlanItemOut(
            key=p.item.key,
            kind=p.item.kind,
            code=p.item.code,
            label=p.item.label,
            note=p.item.note,
            target=p.item.target,
            earliest=p.item.earliest,
            latest=p.item.latest,
            state=p.state,
            done_on=p.done_on,
            count=p.count,
            instruments=list(p.item.instruments),
        )
        for p in course_progress(course, today, lines)
    ]
    return PlanOut(course=course.pk, today=today, start=course_start(course, lines), items=items)


@api.get(
    "/courses/{course_id}/questionnaires",
    response={200: list[RoundOut], **READ},
    tags=["questionnaires"],
)
def list_questionnaires(request: ApiRequest, course_id: int) -> Any:
    """The course's questionnaire rounds with each instrument's score (`forlob.prom`)."""
    user = _user(request)
    course, _rights = access_course(request, course_id, across_clinics=True)
    auditlog.record_view(user, course, detail="questionnaires")
    rounds = course.rounds.prefetch_related("answers").order_by("created_at", "id")
    return [
        RoundOut(
            id=r.pk,
            plan_key=r.plan_key,
            instruments=[str(i) for i in r.instruments],
            created_at=r.created_at,
            expires_at=r.expires_at,
            completed_at=r.completed_at,
            answered_by=r.answered_by,
            scores=[
                ScoreOut(
                    instrument=a.instrument,
                    score=float(a.score),
                    unit=a.unit,
                    answered_by=r.answered_by,
                    completed_at=r.completed_at,
                )
                for a in sorted(r.answers.all(), key=lambda a: a.pk)
            ],
        )
        for r in rounds
    ]


# -- FHIR --------------------------------------------------------------------------------


@api.get("/courses/{course_id}/fhir", response={200: FhirBundleOut, **READ}, tags=["courses"])
def get_fhir(request: ApiRequest, course_id: int) -> Any:
    """The course as a FHIR R4B collection Bundle (`application/fhir+json`), with the saved
    discharge letter as a Composition. Logged as an EXPORT of the course."""
    user = _user(request)
    course, _rights = access_course(request, course_id, across_clinics=True)
    return HttpResponse(course_fhir_json(user, course), content_type="application/fhir+json")
