"""Access to patient data, always through the user's clinics (issue 4 §2).

Every read of patient data goes through one of the `access_*` helpers. An object of a clinic
the user is not a member of is answered with 404, exactly as one that does not exist, so ids
reveal nothing across clinics.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from forlob.web.models import (
    Clinic,
    Course,
    Membership,
    Patient,
    QuestionnaireRound,
    Referral,
    ServiceLine,
)

_SESSION_CLINIC = "forlob_clinic"


def user_clinics(user: Any) -> QuerySet[Clinic]:
    if not getattr(user, "is_authenticated", False):
        return Clinic.objects.none()
    return Clinic.objects.filter(memberships__user=user).order_by("name", "id")


def active_clinic(request: HttpRequest) -> Clinic:
    """The clinic the user works in now: chosen in the session, else their first."""
    clinics = user_clinics(request.user)
    chosen = request.session.get(_SESSION_CLINIC)
    clinic = clinics.filter(pk=chosen).first() if chosen else None
    if clinic is None:
        clinic = clinics.first()
    if clinic is None:
        raise Http404("no clinic")
    return clinic


def choose_clinic(request: HttpRequest, clinic_id: Any) -> Clinic:
    clinic = user_clinics(request.user).filter(pk=_pk(clinic_id)).first()
    if clinic is None:
        raise Http404("no clinic")
    request.session[_SESSION_CLINIC] = clinic.pk
    return clinic


def is_clinic_admin(user: Any, clinic: Clinic) -> bool:
    return Membership.objects.filter(user=user, clinic=clinic, role=Membership.ADMIN).exists()


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("not found") from None


def _one(objects: QuerySet[Any], object_id: Any) -> Any:
    """The object with this id among those the user may see, else 404 (whether it does not
    exist or belongs to another clinic)."""
    found = objects.filter(pk=_pk(object_id)).first()
    if found is None:
        raise Http404("not found")
    return found


def patients_of(user: Any) -> QuerySet[Patient]:
    return Patient.objects.filter(clinic__memberships__user=user)


def access_patient(user: Any, patient_id: Any) -> Patient:
    return _one(patients_of(user).select_related("clinic"), patient_id)


def access_referral(user: Any, referral_id: Any) -> Referral:
    referrals = Referral.objects.filter(patient__clinic__memberships__user=user)
    return _one(referrals.select_related("patient", "patient__clinic"), referral_id)


def courses_of(user: Any) -> QuerySet[Course]:
    return Course.objects.filter(clinic__memberships__user=user)


def access_course(user: Any, course_id: Any) -> Course:
    return _one(
        courses_of(user).select_related("clinic", "patient", "referral", "clinician"), course_id
    )


def access_service_line(user: Any, line_id: Any) -> ServiceLine:
    lines = ServiceLine.objects.filter(course__clinic__memberships__user=user)
    return _one(
        lines.select_related("course", "course__clinic", "course__patient", "course__referral"),
        line_id,
    )


def access_round(user: Any, round_id: Any) -> QuestionnaireRound:
    rounds = QuestionnaireRound.objects.filter(course__clinic__memberships__user=user)
    return _one(rounds.select_related("course", "course__clinic", "course__patient"), round_id)


def clinic_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the user's clinics and the active one (for the header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    clinics = list(user_clinics(user))
    chosen = request.session.get(_SESSION_CLINIC)
    active = next((c for c in clinics if c.pk == chosen), clinics[0] if clinics else None)
    return {"user_clinics": clinics, "current_clinic": active}
