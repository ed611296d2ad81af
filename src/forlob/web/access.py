"""Every look-up of a clinic, and of a record through its clinic, with the user's rights there.

**Which clinic.** A page works in the *active* clinic: the one chosen in the session, else the
user's first. A record of any other clinic answers 404, exactly as one that does not exist —
also a record of another of the user's own clinics. A user of two clinics switches clinic in
the header to open the other's records; a page never switches on its own, so what the header
says is always where the user's registrations go, and a link cannot move them elsewhere. The
API has no active clinic (an integration's token has no session): it reaches the records of
every clinic of the user, each of which names its clinic.

**Which role.** Patient data needs a clinician or a clinic admin; the clinic's settings, its
users and its audit log need a clinic admin. A member without the role gets 403: the clinic is
theirs, so the question is one of permission, not of existence.

Every `access_*` helper returns the object and the user's `Rights` in its clinic. The user's
memberships are read once per request (the header's clinic menu reuses them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
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

__all__ = [
    "AuthedRequest",
    "Rights",
    "access_admin",
    "access_clinic",
    "access_course",
    "access_patient",
    "access_patient_data",
    "access_referral",
    "access_round",
    "access_service_line",
    "active_rights",
    "api_courses",
    "api_patients",
    "choose_clinic",
    "clinic_context",
    "clinic_for_new_patient",
    "memberships",
]

_SESSION_CLINIC = "forlob_clinic"
_CACHE = "_forlob_rights"
# the roles that may read and write patient data (every role the app has today)
PATIENT_DATA_ROLES = frozenset({Membership.CLINICIAN, Membership.ADMIN})

M = TypeVar("M", bound=Model)


class AuthedRequest(HttpRequest):
    """A request of a logged-in user (a page behind `login_required`, or the API)."""

    user: User


@dataclass(frozen=True)
class Rights:
    """The user's role in one clinic, and what it lets them do there."""

    clinic: Clinic
    role: str

    @property
    def clinic_admin(self) -> bool:
        """May change the clinic's settings and users and read its audit log."""
        return self.role == Membership.ADMIN

    @property
    def patient_data(self) -> bool:
        """May read and write the clinic's patients, referrals, courses and questionnaires."""
        return self.role in PATIENT_DATA_ROLES


def memberships(request: HttpRequest) -> list[Rights]:
    """The user's clinics with their role in each, by clinic name (one query per request)."""
    cached: list[Rights] | None = getattr(request, _CACHE, None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = []
        if user is not None and user.is_authenticated:
            cached = [
                Rights(m.clinic, m.role)
                for m in Membership.objects.filter(user=user)
                .select_related("clinic")
                .order_by("clinic__name", "clinic__id")
            ]
        setattr(request, _CACHE, cached)
    return cached


def _active(request: HttpRequest) -> Rights | None:
    mine = memberships(request)
    chosen = request.session.get(_SESSION_CLINIC)
    return next((r for r in mine if r.clinic.pk == chosen), mine[0] if mine else None)


def active_rights(request: HttpRequest) -> Rights:
    """The user's rights in the clinic they work in now: chosen in the session, else their
    first clinic; 404 for a user of no clinic."""
    found = _active(request)
    if found is None:
        raise Http404("no clinic")
    return found


def choose_clinic(request: HttpRequest, clinic_id: object) -> Clinic:
    """Make one of the user's clinics the active one (404 for another clinic)."""
    pk = _pk(clinic_id)
    found = next((r for r in memberships(request) if r.clinic.pk == pk), None)
    if found is None:
        raise Http404("no clinic")
    request.session[_SESSION_CLINIC] = found.clinic.pk
    return found.clinic


def access_patient_data(request: HttpRequest) -> Rights:
    """The active clinic, for a page of its patient data: 403 unless clinician or admin."""
    rights = active_rights(request)
    if not rights.patient_data:
        raise PermissionDenied("patient data needs a clinician or a clinic admin")
    return rights


def access_admin(request: HttpRequest) -> Rights:
    """The active clinic, for a page of its administration: 403 unless clinic admin."""
    rights = active_rights(request)
    if not rights.clinic_admin:
        raise PermissionDenied("a clinic admin's page")
    return rights


def _scope(request: HttpRequest, across_clinics: bool) -> dict[int, Rights]:
    """The clinics whose patient data this request may reach, by id: the active clinic for a
    page (403 without the role), every clinic of the user with the role for the API."""
    if across_clinics:
        return {r.clinic.pk: r for r in memberships(request) if r.patient_data}
    rights = access_patient_data(request)
    return {rights.clinic.pk: rights}


def _pk(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Http404("not found") from None


def _one(
    request: HttpRequest,
    objects: QuerySet[M],
    object_id: object,
    clinic_field: str,
    clinic_of: Callable[[M], int],
    across_clinics: bool,
) -> tuple[M, Rights]:
    """The object with this id among those of the clinics in scope, with the user's rights
    there; else 404, whether it does not exist or belongs to another clinic."""
    scope = _scope(request, across_clinics)
    found = objects.filter(pk=_pk(object_id), **{f"{clinic_field}__in": list(scope)}).first()
    if found is None:
        raise Http404("not found")
    return found, scope[clinic_of(found)]


def access_clinic(request: HttpRequest, clinic_id: object) -> tuple[Clinic, Rights]:
    """One of the user's clinics named by the API (`?clinic=`, a body's `clinic`): 404 for a
    clinic the user has no patient data of."""
    found = _scope(request, across_clinics=True).get(_pk(clinic_id))
    if found is None:
        raise Http404("not found")
    return found.clinic, found


def clinic_for_new_patient(request: HttpRequest, clinic_id: int | None) -> Rights | None:
    """Where the API registers a new patient: the clinic named, else the user's only clinic,
    else the active one of a browser session; None when the user of several clinics must say
    which (404 for a user of none)."""
    if clinic_id is not None:
        return access_clinic(request, clinic_id)[1]
    mine = list(_scope(request, across_clinics=True).values())
    if len(mine) == 1:
        return mine[0]
    if request.user.is_authenticated and request.session.session_key:
        return access_patient_data(request)
    if not mine:
        raise Http404("no clinic")
    return None


# -- records through their clinic ------------------------------------------------------------


def access_patient(
    request: HttpRequest, patient_id: object, *, across_clinics: bool = False
) -> tuple[Patient, Rights]:
    return _one(
        request,
        Patient.objects.select_related("clinic"),
        patient_id,
        "clinic",
        lambda p: p.clinic_id,
        across_clinics,
    )


def access_referral(
    request: HttpRequest, referral_id: object, *, across_clinics: bool = False
) -> tuple[Referral, Rights]:
    return _one(
        request,
        Referral.objects.select_related("patient", "patient__clinic"),
        referral_id,
        "patient__clinic",
        lambda r: r.patient.clinic_id,
        across_clinics,
    )


def access_course(
    request: HttpRequest, course_id: object, *, across_clinics: bool = False
) -> tuple[Course, Rights]:
    return _one(
        request,
        Course.objects.select_related("clinic", "patient", "referral", "clinician"),
        course_id,
        "clinic",
        lambda c: c.clinic_id,
        across_clinics,
    )


def access_service_line(
    request: HttpRequest, line_id: object, *, across_clinics: bool = False
) -> tuple[ServiceLine, Rights]:
    return _one(
        request,
        ServiceLine.objects.select_related(
            "course", "course__clinic", "course__patient", "course__referral"
        ),
        line_id,
        "course__clinic",
        lambda x: x.course.clinic_id,
        across_clinics,
    )


def access_round(
    request: HttpRequest, round_id: object, *, across_clinics: bool = False
) -> tuple[QuestionnaireRound, Rights]:
    return _one(
        request,
        QuestionnaireRound.objects.select_related("course", "course__clinic", "course__patient"),
        round_id,
        "course__clinic",
        lambda r: r.course.clinic_id,
        across_clinics,
    )


def api_patients(request: HttpRequest) -> QuerySet[Patient]:
    """The patients the API may list: of every clinic of the user with patient data."""
    return Patient.objects.filter(clinic__in=list(_scope(request, across_clinics=True)))


def api_courses(request: HttpRequest) -> QuerySet[Course]:
    """The courses the API may list: of every clinic of the user with patient data."""
    return Course.objects.filter(clinic__in=list(_scope(request, across_clinics=True)))


def clinic_context(request: HttpRequest) -> dict[str, object]:
    """Template context: the user's clinics, the active one and the rights there (header)."""
    active = _active(request)
    if active is None:
        return {}
    return {
        "user_clinics": [r.clinic for r in memberships(request)],
        "current_clinic": active.clinic,
        "current_rights": active,
    }
