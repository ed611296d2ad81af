"""Recording who did what: every write and every read of patient data."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models

from forlob.web.models import AuditEvent, Clinic, Course, Patient


def clinic_of(obj: models.Model) -> Clinic | None:
    """The clinic an object belongs to (the log is read per clinic)."""
    if isinstance(obj, Clinic):
        return obj
    for attr in ("clinic", "patient", "course", "round"):
        parent = getattr(obj, attr, None)
        if isinstance(parent, Clinic):
            return parent
        if isinstance(parent, (Patient, Course)):
            return parent.clinic
        if parent is not None and isinstance(parent, models.Model):
            return clinic_of(parent)
    return None


def record(
    user: User | None,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    clinic: Clinic | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event by `user` (None: no one logged in, e.g. the patient answering
    through a one-time link). `detail` names fields or codes only, never personal data."""
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        clinic=clinic if clinic is not None else (clinic_of(obj) if obj is not None else None),
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        detail=detail[:300],
    )


def record_view(user: User, obj: models.Model, detail: str = "") -> None:
    record(user, AuditEvent.VIEW, obj, detail=detail)
